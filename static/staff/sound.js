// The dashboard's sounds, made here with WebAudio (no sound files): a chime for a new request, for an
// escalated one an alarm that repeats until someone acts on it, and the urgent siren, which urgent.js asks for
// (event "staff:sound") and which plays whatever the Sound switch says: an urgent request must always be heard.
// The Sound button shows what is true: on, off, or blocked by the browser until someone clicks the page.
"use strict";

(function () {
  const desk = window.staffDesk;
  const toggle = document.querySelector("[data-chime-toggle]");
  if (!desk || !toggle) return;
  const hint = document.querySelector("[data-sound-hint]");
  const ALARM_REPEAT_MS = 10000;
  let soundOn = localStorage.getItem("staff-sound") !== "off";
  let audio = null;
  let alarm = null;
  // A siren was asked for while the browser blocked sound: the hint says how to allow it, even with Sound off.
  let sirenBlocked = false;

  function audioContext() {
    const Context = window.AudioContext || window.webkitAudioContext;
    if (!audio && Context) {
      audio = new Context();
      audio.addEventListener("statechange", show);
    }
    return audio;
  }

  /** Return "off", "on", or "blocked" (switched on, but the browser does not let the page play yet). */
  function state() {
    if (!soundOn) return "off";
    const context = audioContext();
    return context && context.state === "running" ? "on" : "blocked";
  }

  function show() {
    const now = state();
    toggle.dataset.state = now;
    toggle.setAttribute("aria-pressed", String(soundOn));
    toggle.textContent = desk.strings[`sound_${now}`];
    if (audio && audio.state === "running") sirenBlocked = false;
    if (hint) hint.hidden = now !== "blocked" && !sirenBlocked;
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

  /** Play the chime ("new") or the alarm ("late"); tests listen for the staff:chime event. */
  function chime(kind) {
    document.dispatchEvent(new CustomEvent("staff:chime", { detail: { kind, sound: soundOn, state: state() } }));
    if (state() !== "on") return;
    const context = audioContext();
    const now = context.currentTime;
    if (kind === "late") {
      for (let i = 0; i < 4; i += 1) tone(context, i % 2 ? 660 : 880, now + i * 0.22, 0.18, "square");
    } else {
      tone(context, 660, now, 0.3, "sine");
      tone(context, 990, now + 0.2, 0.45, "sine");
    }
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

  /** Play the urgent siren, Sound switch on or off; only the browser's autoplay block can stop it. */
  function siren() {
    const context = audioContext();
    const running = Boolean(context) && context.state === "running";
    // sound: the page means it to be heard (always); state: what the Sound button shows, unchanged by the siren.
    const detail = { kind: "urgent", sound: true, state: state(), played: running };
    document.dispatchEvent(new CustomEvent("staff:chime", { detail }));
    if (!context) return;
    if (!running) {
      // Only a click on the page can let it play now (see below); urgent.js asks again every few seconds.
      sirenBlocked = true;
      show();
      return;
    }
    const now = context.currentTime;
    for (let i = 0; i < 3; i += 1) sweep(context, now + i * 0.55, 0.5);
  }

  /** Escalated booking requests nobody has acted on yet (a pending Done or No-show counts as acting);
      urgent requests repeat their own siren instead (urgent.js). */
  function unanswered() {
    return desk.cards().filter((item) => item.dataset.late === "true" && item.dataset.urgent !== "true"
      && !item.classList.contains("staff-request--pending"));
  }

  function keepAlarm() {
    if (unanswered().length && !alarm) {
      alarm = setInterval(() => {
        if (unanswered().length) chime("late");
        else keepAlarm();
      }, ALARM_REPEAT_MS);
    } else if (!unanswered().length && alarm) {
      clearInterval(alarm);
      alarm = null;
    }
  }

  toggle.addEventListener("click", () => {
    soundOn = !soundOn;
    localStorage.setItem("staff-sound", soundOn ? "on" : "off");
    const context = audioContext();
    if (soundOn && context && context.state === "suspended") context.resume().then(show, show);
    show();
  });

  // Browsers start audio only after a click on the page; the first click anywhere unlocks it.
  document.addEventListener("click", () => {
    const context = audioContext();
    if (context && context.state === "suspended") context.resume().then(show, show);
  }, { capture: true });

  document.addEventListener("staff:update", (event) => {
    if (event.detail.late.length) chime("late");
    else if (event.detail.fresh.length) chime("new");
    keepAlarm();
  });
  document.addEventListener("staff:pending", keepAlarm);
  document.addEventListener("staff:sound", (event) => {
    if (event.detail && event.detail.kind === "urgent") siren();
  });

  show();
  keepAlarm();
})();
