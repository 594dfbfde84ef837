// Talk to staff: the first-name keyboard types on the kiosk itself instead of sending each key to the
// server (which is what the keys do without JavaScript). The rules mirror kiosk/keyboard.py.
"use strict";

(function () {
  const MAX_LETTERS = 40;
  const MARK = /^\p{M}$/u;
  const LETTER = /^\p{L}$/u;

  /** The capital of a letter, or the letter itself when its capital is not one letter (ß). */
  function capital(key) {
    const upper = key.toUpperCase();
    return [...upper].length === 1 ? upper : key;
  }

  /** The name after one key press; a word's first letter is a capital. */
  function press(name, key) {
    if (key === "backspace") {
      const letters = [...name];
      letters.pop();
      while (letters.length && MARK.test(letters[letters.length - 1])) letters.pop();
      return letters.join("").normalize("NFC");
    }
    if (key === "clear") return "";
    let typed;
    if (key === "space") {
      typed = name && !name.endsWith(" ") ? " " : "";
    } else {
      if (MARK.test(key) && !LETTER.test([...name].pop() || "")) return name;
      typed = !name || name.endsWith(" ") || name.endsWith("-") ? capital(key) : key;
    }
    const result = (name + typed).normalize("NFC");
    return [...result].length <= MAX_LETTERS ? result : name;
  }

  function showLayout(form, code) {
    for (const set of form.querySelectorAll("[data-talk-set]")) set.hidden = set.dataset.talkSet !== code;
    for (const button of form.querySelectorAll("[data-talk-layout]")) {
      button.setAttribute("aria-pressed", String(button.dataset.talkLayout === code));
    }
    form.querySelector("[data-talk-layout-field]").value = code;
  }

  // Capture phase: the key must not reach htmx, which would send the form.
  document.addEventListener("click", (event) => {
    const target = event.target instanceof Element ? event.target : null;
    const key = target && target.closest("[data-talk-key]");
    if (key && key.form) {
      event.preventDefault();
      const field = key.form.elements.namedItem("first_name");
      field.value = press(field.value, key.dataset.talkKey);
      return;
    }
    const layout = target && target.closest("[data-talk-layout]");
    if (layout && layout.form) {
      event.preventDefault();
      showLayout(layout.form, layout.dataset.talkLayout);
    }
  }, { capture: true });
})();

// Get help now. An urgent call that nobody has answered holds the idle reset off, for as long as the server
// says (data-idle-hold, seconds, counted from the tap), so a visitor who walks away still leaves the number and
// the signs on screen until staff answer. If the kiosk cannot reach its server at all, the button says so.
(function () {
  let holdUntil = 0;

  function readHold() {
    const held = document.querySelector("[data-idle-hold]");
    holdUntil = held ? Date.now() + Number(held.dataset.idleHold) * 1000 : 0;
  }

  document.addEventListener("kiosk:idle", (event) => {
    const left = holdUntil - Date.now();
    if (left > 0) {
      event.preventDefault();
      event.detail.retryMs = left;
    }
  });
  document.addEventListener("htmx:afterSettle", readHold);
  readHold();

  document.addEventListener("htmx:sendError", (event) => {
    const form = event.detail.elt && event.detail.elt.closest && event.detail.elt.closest("[data-get-help]");
    const note = form && form.querySelector("[data-get-help-offline]");
    if (note) note.hidden = false;
  });
})();
