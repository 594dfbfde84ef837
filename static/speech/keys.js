// Speech mode by keyboard or USB keypad (static/speech/mode.js holds the state): Tab and the arrows move
// through every control and text block, Enter and Space activate, Escape goes back, ? or * says where
// you are, + and - change the volume. The keypad's 2 4 6 8, 5 and 0 do the same with NumLock on, and
// 7 and 1 go to the first and last item. When speech mode is off, any key turns it on.
"use strict";

(function () {
  const speech = window.kioskSpeech;
  const screen = window.kioskScreen;
  const voice = window.kioskVoice;

  const MODIFIERS = new Set(["Shift", "Control", "Alt", "Meta", "AltGraph", "CapsLock", "NumLock", "ScrollLock", "Fn"]);

  function keyAction(event) {
    const rtl = getComputedStyle(document.body).direction === "rtl";
    const code = event.code;
    const key = event.key;
    if (key === "Tab") return event.shiftKey ? "previous" : "next";
    if (key === "ArrowDown" || code === "Numpad2") return "next";
    if (key === "ArrowUp" || code === "Numpad8") return "previous";
    if (key === "ArrowRight" || code === "Numpad6") return rtl ? "previous" : "next";
    if (key === "ArrowLeft" || code === "Numpad4") return rtl ? "next" : "previous";
    if (key === "Home" || code === "Numpad7") return "first";
    if (key === "End" || code === "Numpad1") return "last";
    if (key === "Enter" || key === " " || code === "Numpad5") return "activate";
    if (key === "Escape" || code === "Numpad0" || code === "NumpadDecimal") return "back";
    if (key === "?" || key === "*" || code === "NumpadMultiply") return "where";
    if (key === "+" || code === "NumpadAdd") return "louder";
    if (key === "-" || code === "NumpadSubtract") return "quieter";
    return null;
  }

  window.addEventListener("keydown", (event) => {
    if (MODIFIERS.has(event.key) || event.ctrlKey || event.altKey || event.metaKey) return;
    // Only the browser's own reaction is stopped: the idle timer must still see every key.
    if (!speech.on()) {
      event.preventDefault();
      speech.turnOn("keys");
      return;
    }
    const typing = document.activeElement && document.activeElement.matches("input, textarea") &&
      event.key.length === 1 && !event.code.startsWith("Numpad") && !"?*".includes(event.key);
    const action = typing ? null : keyAction(event);
    if (!action) return;
    // Escape in a dialog is the browser's own "cancel", which the idle dialog answers with "I'm still here".
    if (action === "back" && screen.modal()) return;
    event.preventDefault();
    speech.setModality("keys");
    if (event.repeat && action === "activate") return;  // a held key acts once
    const current = speech.current();
    const act = {
      next: () => speech.move(1),
      previous: () => speech.move(-1),
      first: () => speech.edge(false),
      last: () => speech.edge(true),
      activate: () => speech.activate(current && current.isConnected ? current : document.activeElement),
      back: speech.back,
      where: speech.whereAmI,
      louder: () => speech.say(voice.louder()),
      quieter: () => speech.say(voice.quieter()),
    };
    act[action]();
  }, { capture: true });
})();
