// Front desk: the kiosks panel. A kiosk that goes offline is announced and sounds once (an alarm of its own,
// made with WebAudio); it sounds again only after it has come back and gone quiet once more, even across
// page loads in this tab. Tests listen for the staff:chime event (kind "kiosk-offline").
"use strict";

(function () {
  const panelId = "staff-kiosks";
  const STORE = "staff-kiosks-offline";
  const live = document.getElementById("staff-live");
  let audio = null;

  function announced() {
    try {
      return new Set(JSON.parse(sessionStorage.getItem(STORE) || "[]"));
    } catch (error) {
      return new Set();
    }
  }

  function remember(names) {
    sessionStorage.setItem(STORE, JSON.stringify([...names]));
  }

  function play() {
    const audible = localStorage.getItem("staff-sound") !== "off";
    document.dispatchEvent(new CustomEvent("staff:chime", { detail: { kind: "kiosk-offline", sound: audible } }));
    if (!audible) return;
    const Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) return;
    if (!audio) audio = new Context();
    if (audio.state === "suspended") audio.resume();
    const start = audio.currentTime;
    // Two falling tones: something stopped, not someone arriving.
    [[740, 0], [494, 0.3]].forEach(([frequency, offset]) => {
      const oscillator = audio.createOscillator();
      const gain = audio.createGain();
      oscillator.type = "triangle";
      oscillator.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, start + offset);
      gain.gain.exponentialRampToValueAtTime(0.3, start + offset + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + offset + 0.28);
      oscillator.connect(gain).connect(audio.destination);
      oscillator.start(start + offset);
      oscillator.stop(start + offset + 0.3);
    });
  }

  function check() {
    const panel = document.getElementById(panelId);
    if (!panel) return;
    const known = announced();
    const silent = [...panel.querySelectorAll('[data-online="false"][data-seen="true"]')];
    const fresh = silent.filter((item) => !known.has(item.dataset.kiosk));
    // A kiosk back online may sound again the next time it goes quiet.
    const still = new Set(silent.map((item) => item.dataset.kiosk));
    for (const name of known) if (!still.has(name)) known.delete(name);
    for (const item of fresh) known.add(item.dataset.kiosk);
    remember(known);
    if (!fresh.length) return;
    if (live) live.textContent = fresh.map((item) => item.dataset.announce).join(" ");
    play();
  }

  // Browsers start audio only after a click on the page; the first click anywhere unlocks it.
  document.addEventListener("click", () => {
    if (audio && audio.state === "suspended") audio.resume();
  }, { capture: true });
  document.addEventListener("htmx:afterSwap", check);
  check();
})();
