// Front-desk dashboard: a chime for each new request, an alarm for one that waited too long, and a siren for
// an urgent one (urgent.js decides when), all generated here with WebAudio (no sound files); highlights for new
// requests; the sound switch.
"use strict";

(function () {
  const panelId = "staff-requests";
  const toggle = document.querySelector("[data-chime-toggle]");
  if (!toggle) return;
  const strings = JSON.parse(document.getElementById("staff-strings").textContent);
  const hint = document.querySelector("[data-sound-hint]");
  const live = document.getElementById("staff-live");
  const offline = document.querySelector("[data-offline]");
  const HIGHLIGHT_MS = 30000;
  const NOTICE_MS = 15000;
  let soundOn = localStorage.getItem("staff-sound") !== "off";
  let audio = null;
  const arrived = new Map();  // ticket id -> when this screen first saw it

  function audioContext() {
    const Context = window.AudioContext || window.webkitAudioContext;
    if (!audio && Context) audio = new Context();
    return audio;
  }

  function tone(context, frequency, start, length, type) {
    const oscillator = context.createOscillator();
    const gain = context.createGain();
    oscillator.type = type;
    oscillator.frequency.value = frequency;
    gain.gain.setValueAtTime(0.0001, start);
    gain.gain.exponentialRampToValueAtTime(0.3, start + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + length);
    oscillator.connect(gain).connect(context.destination);
    oscillator.start(start);
    oscillator.stop(start + length + 0.05);
  }

  /** A rising and falling sweep: the urgent siren's one "whoop". */
  function sweep(context, start, length) {
    const oscillator = context.createOscillator();
    const gain = context.createGain();
    oscillator.type = "sawtooth";
    oscillator.frequency.setValueAtTime(600, start);
    oscillator.frequency.linearRampToValueAtTime(1400, start + length * 0.6);
    oscillator.frequency.linearRampToValueAtTime(600, start + length);
    gain.gain.setValueAtTime(0.0001, start);
    gain.gain.exponentialRampToValueAtTime(0.35, start + 0.03);
    gain.gain.setValueAtTime(0.35, start + length - 0.05);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + length);
    oscillator.connect(gain).connect(context.destination);
    oscillator.start(start);
    oscillator.stop(start + length + 0.05);
  }

  /** Play the chime ("new"), the alarm ("late") or the siren ("urgent"); tests listen for staff:chime. */
  function chime(kind) {
    // The sound switch quiets the chime and the late alarm, never an emergency.
    const audible = soundOn || kind === "urgent";
    document.dispatchEvent(new CustomEvent("staff:chime", { detail: { kind, sound: audible } }));
    if (!audible) return;
    const context = audioContext();
    if (!context) return;
    if (context.state === "suspended") {
      context.resume();
      if (hint) hint.hidden = false;
    }
    const now = context.currentTime;
    if (kind === "urgent") {
      for (let i = 0; i < 3; i += 1) sweep(context, now + i * 0.55, 0.5);
    } else if (kind === "late") {
      for (let i = 0; i < 4; i += 1) tone(context, i % 2 ? 660 : 880, now + i * 0.22, 0.18, "square");
    } else {
      tone(context, 660, now, 0.3, "sine");
      tone(context, 990, now + 0.2, 0.45, "sine");
    }
  }

  // urgent.js asks for the siren this way, so every sound goes through one switch and one audio context.
  document.addEventListener("staff:sound", (event) => chime(event.detail.kind));

  function showToggle() {
    toggle.setAttribute("aria-pressed", String(soundOn));
  }

  toggle.addEventListener("click", () => {
    soundOn = !soundOn;
    localStorage.setItem("staff-sound", soundOn ? "on" : "off");
    showToggle();
  });

  // Browsers start audio only after a click on the page; the first click anywhere unlocks it.
  document.addEventListener("click", () => {
    const context = audioContext();
    if (context && context.state === "suspended") context.resume();
    if (hint) hint.hidden = true;
  }, { capture: true });

  function snapshot(panel) {
    const tickets = new Map();
    if (!panel) return tickets;
    // Urgent requests sound their own siren (urgent.js), not the chime.
    for (const item of panel.querySelectorAll('[data-ticket-id]:not([data-urgent="true"])')) {
      tickets.set(item.dataset.ticketId, item.dataset.late === "true");
    }
    return tickets;
  }

  function highlight(panel) {
    const now = Date.now();
    for (const [id, since] of arrived) {
      const item = panel.querySelector(`[data-ticket-id="${id}"]`);
      if (!item) arrived.delete(id);
      else if (now - since < HIGHLIGHT_MS) item.classList.add("staff-request--new");
    }
  }

  let known = snapshot(document.getElementById(panelId));

  // afterSwap runs in the same task that inserts the new list, so a new request never shows unmarked.
  document.addEventListener("htmx:afterSwap", () => {
    const panel = document.getElementById(panelId);
    if (!panel) return;
    const current = snapshot(panel);
    const fresh = [...current.keys()].filter((id) => !known.has(id));
    const late = [...current].filter(([id, isLate]) => isLate && !known.get(id)).map(([id]) => id);
    for (const id of fresh) arrived.set(id, Date.now());
    highlight(panel);
    if (late.length) {
      chime("late");
      live.textContent = strings.late;
    } else if (fresh.length) {
      chime("new");
      live.textContent = strings.new;
    }
    known = current;
    const notice = document.getElementById("staff-notice");
    if (notice) setTimeout(() => notice.remove(), NOTICE_MS);
  });

  for (const type of ["htmx:sendError", "htmx:responseError"]) {
    document.addEventListener(type, () => { if (offline) offline.hidden = false; });
  }
  document.addEventListener("htmx:afterRequest", (event) => {
    if (offline && event.detail.successful) offline.hidden = true;
  });

  showToggle();
  if (hint && soundOn) {
    const context = audioContext();
    hint.hidden = !context || context.state !== "suspended";
  }
})();
