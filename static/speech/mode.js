// Speech mode: everything on screen can be heard, and every action works without sight (EN 301 549
// §5.1.6.1, ADA 707.5). It turns on with "Hear the screen", a long press anywhere (touch.js), or any key
// of a keyboard or keypad (keys.js); it lasts the visit (across a language change) and ends with the
// idle reset. This file is its state: what is current, what to say for it, moving, choosing, on and off.
// What changes by itself (live regions, the idle dialog, the welcome invitation) is announce.js.
//
// window.kioskSpeech is what those scripts use: on(), current(), turnOn(how), focusItem(el, how),
// activate(el), move(step), edge(last), back(), whereAmI(), say(text), swapping(), and
// suppressClick() for the click a tap makes after it has already acted.
"use strict";

window.kioskSpeech = (function () {
  const voice = window.kioskVoice;
  const screen = window.kioskScreen;
  const config = voice.config;
  const strings = config.strings;
  const root = document.documentElement;
  const STORE = "kiosk-speech";
  const CURRENT = "data-speech-current";
  const FOCUSED = "data-speech-tabindex";

  let on = false;
  let current = null;      // the item last spoken and outlined
  let lastGroup = null;
  let modality = "touch";  // how the visitor last moved: "touch" or "keys"
  let passThrough = null;  // the element being activated on purpose: its click may pass
  let suppressing = false; // the next click is a tap's own, after the tap already acted
  let swapping = false;

  // --- What to say -------------------------------------------------------------------------------
  function words(text) { return { text }; }

  function utterance(el, withGroup = true) {
    const found = screen.describe(el);
    const phrases = [];
    if (withGroup && found.group && (!lastGroup || lastGroup.el !== found.group.el)) phrases.push(...found.group.phrases);
    phrases.push(...found.phrases);
    if (strings.roles[found.role]) phrases.push(words(strings.roles[found.role]));
    if (found.value) phrases.push(found.value);
    if (found.empty) phrases.push(words(strings.states.empty));
    for (const state of found.states) phrases.push(words(strings.states[state]));
    lastGroup = found.group;
    return phrases.filter((phrase) => phrase.text);
  }

  function help() { return [words(modality === "keys" ? strings.keys : strings.touch)]; }

  function titlePhrases() {
    const title = screen.title();
    return title && screen.rendered(title) ? screen.describe(title).phrases : [];
  }

  /** Everything a screen may say, worked out at once so the first touch answers without a round trip. */
  function prepare() {
    const phrases = [...Object.values(strings.roles), ...Object.values(strings.states), strings.where]
      .map(words);
    for (const item of screen.items()) phrases.push(...utterance(item, false));
    lastGroup = null;
    voice.prepare(phrases);
    voice.ready();
  }

  // --- Moving and choosing -----------------------------------------------------------------------
  function outline(el) {
    for (const old of document.querySelectorAll(`[${CURRENT}]`)) old.removeAttribute(CURRENT);
    if (el) el.setAttribute(CURRENT, "");
  }

  /** Make an item the current one and say it; with keys, it also takes the focus (and shows the ring). */
  function focusItem(el, how) {
    current = el;
    outline(el);
    if (how === "keys") takeFocus(el);
    voice.say(utterance(el));
  }

  /** Move the keyboard focus to an item, making a text block focusable for as long as it has it. */
  function takeFocus(el) {
    if (!screen.isControl(el) && !el.hasAttribute("tabindex")) {
      el.setAttribute("tabindex", "-1");
      el.setAttribute(FOCUSED, "");
      el.addEventListener("blur", () => {
        if (el.hasAttribute(FOCUSED)) { el.removeAttribute("tabindex"); el.removeAttribute(FOCUSED); }
      }, { once: true });
    }
    el.focus();
  }

  function move(step) {
    const list = screen.items();
    if (!list.length) { voice.tone(); return; }
    let at = list.indexOf(current);
    if (at < 0) at = step > 0 ? -1 : list.length;
    const next = at + step;
    if (next < 0 || next >= list.length) { voice.tone(); return; }  // the edge of the screen
    focusItem(list[next], modality);
  }

  function edge(last) {
    const list = screen.items();
    if (list.length) focusItem(list[last ? list.length - 1 : 0], modality);
  }

  function isTextField(el) { return screen.describe(el).role === "textbox"; }

  /** Do what tapping the item would do; a text block is simply read again. */
  function activate(el) {
    if (!el || !el.isConnected) { voice.tone(); return; }
    if (isTextField(el)) { el.focus(); voice.say(utterance(el, false)); return; }
    if (!screen.isControl(el)) { voice.say(utterance(el, false)); return; }
    passThrough = el;
    try { el.click(); } finally { passThrough = null; }
  }

  function back() {
    const dialog = screen.modal();
    if (dialog) { dialog.dispatchEvent(new Event("cancel", { cancelable: true })); return; }
    const link = document.querySelector('[data-nav="back"]');
    if (link && screen.rendered(link)) activate(link); else voice.tone();
  }

  function whereAmI() {
    const phrases = [words(strings.where), ...titlePhrases()];
    if (current && current.isConnected && current !== screen.title()) phrases.push(...utterance(current, false));
    voice.say([...phrases, ...help()]);
  }

  // --- On and off --------------------------------------------------------------------------------
  function show() {
    root.dataset.speech = on ? "on" : "off";
    for (const toggle of document.querySelectorAll("[data-speech-toggle]")) toggle.setAttribute("aria-pressed", String(on));
    for (const more of document.querySelectorAll("[data-speech-more]")) more.hidden = !on;
    for (const bar of document.querySelectorAll("[data-speech-bar]")) bar.hidden = false;
  }

  function turnOn(how) {
    on = true;
    modality = how;
    try { sessionStorage.setItem(STORE, "on"); } catch (error) { /* storage may be disabled */ }
    show();
    prepare();
    const title = screen.title();
    current = current && current.isConnected ? current : title;
    outline(current);
    if (how === "keys" && current) takeFocus(current);
    document.dispatchEvent(new CustomEvent("kiosk:speech-on"));
    const phrases = [words(strings.on), ...help()];
    if (config.status === "no-voice") { voice.say([words(strings.no_voice)]); return; }
    voice.say(phrases);
  }

  function turnOff() {
    on = false;
    current = null;
    outline(null);
    try { sessionStorage.removeItem(STORE); } catch (error) { /* storage may be disabled */ }
    show();
    voice.say([words(strings.off)]);
  }

  /** A new screen: say its title, and what it says urgently (an alert, an assertive live region). */
  function arrived() {
    show();
    if (!on) return;
    prepare();
    const title = screen.title();
    current = title;
    lastGroup = null;
    outline(title);
    const urgent = [...document.querySelectorAll("#kiosk-screen [role=alert], #kiosk-screen [aria-live=assertive]")]
      .filter((region) => screen.rendered(region) && !region.parentElement.closest("[role=alert], [aria-live=assertive]"));
    voice.say([...titlePhrases(), ...urgent.flatMap((region) => screen.regionPhrases(region))]);
  }

  // --- Clicks: in speech mode a tap only speaks; activate() passes the item's click through on purpose --
  window.addEventListener("click", (event) => {
    if (passThrough && passThrough.contains(event.target)) return;
    if (!on && !suppressing) return;
    suppressing = false;
    event.preventDefault();
    event.stopImmediatePropagation();
  }, { capture: true });
  for (const type of ["pointerdown", "keydown"]) {
    window.addEventListener(type, () => { suppressing = false; }, { capture: true });
  }

  // --- The speech bar ----------------------------------------------------------------------------
  let statusTimer = 0;

  document.addEventListener("click", (event) => {
    const target = event.target instanceof Element ? event.target : null;
    if (!target) return;
    if (target.closest("[data-speech-toggle]")) {
      if (on) turnOff(); else turnOn("touch");
      return;
    }
    const action = target.closest("[data-speech-action]");
    if (action) {
      const level = action.dataset.speechAction === "louder" ? voice.louder() : voice.quieter();
      // Shown, and spoken by the live region (announce.js) at the new volume.
      const status = document.getElementById("kiosk-status");
      status.textContent = level;
      clearTimeout(statusTimer);
      statusTimer = setTimeout(() => { status.textContent = ""; }, 6000);
    }
  });

  // --- Navigation and the reset ------------------------------------------------------------------
  // A 204 (a display change) swaps nothing: only a real new screen silences speech.
  document.addEventListener("htmx:beforeSwap", (event) => {
    const target = event.detail.target;
    if (target && target.id === "kiosk-screen" && event.detail.shouldSwap) { swapping = true; voice.stop(); }
  });
  document.addEventListener("kiosk:navigate", () => { swapping = false; arrived(); });
  document.addEventListener("htmx:historyRestore", () => { swapping = false; arrived(); });
  document.addEventListener("kiosk:reset", () => {
    on = false;
    try { sessionStorage.removeItem(STORE); } catch (error) { /* storage may be disabled */ }
  });

  let stored = null;
  try { stored = sessionStorage.getItem(STORE); } catch (error) { /* storage may be disabled */ }
  show();
  if (stored === "on") {
    on = true;
    arrived();
  }

  return {
    on: () => on,
    current: () => current,
    setCurrent(el) { current = el; lastGroup = null; outline(el); },
    setModality(how) { modality = how; },
    swapping: () => swapping,
    suppressClick() { suppressing = true; },
    turnOn,
    focusItem,
    activate,
    move,
    edge,
    back,
    whereAmI,
    utterance,
    words,
    say(text) { voice.say([words(text)]); },
  };
})();
