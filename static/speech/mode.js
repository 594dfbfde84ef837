// Speech mode: everything on screen can be heard, and every action works without sight (EN 301 549
// §5.1.6.1, ADA 707.5). It turns on with "Hear the screen", a long press anywhere, or any key of a
// keyboard or keypad; it lasts the visit (across a language change) and ends with the idle reset.
//
// Touch to explore, as VoiceOver and TalkBack users know it: a first touch speaks an item and outlines
// it; a second tap on it (or a double tap) activates it; a finger sliding across the screen speaks each
// item it passes; a quick flick moves to the next or previous item; two fingers scroll.
// Keys: Tab and the arrows move, Enter and Space activate, Escape goes back, ? or * says where you are,
// + and - change the volume. The keypad's 2 4 6 8, 5 and 0 do the same with NumLock on.
"use strict";

(function () {
  const voice = window.kioskVoice;
  const screen = window.kioskScreen;
  const config = voice.config;
  const strings = config.strings;
  const root = document.documentElement;
  const STORE = "kiosk-speech";
  const CURRENT = "data-speech-current";
  const FOCUSED = "data-speech-tabindex";
  const SLOP = 12;         // px a finger may wander and still be tapping
  const FLICK_MS = 250;
  const FLICK_PX = 80;

  let on = false;
  let current = null;      // the item last spoken and outlined
  let lastGroup = null;
  let modality = "touch";  // how the visitor last moved: "touch" or "keys"
  let passThrough = null;  // the element being activated on purpose: its click may pass
  let swapping = false;
  let touched = false;     // anyone has used this kiosk since the page loaded (no invitation then)

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

  /** A new screen: say its title (and any alert on it), as a screen reader does. */
  function arrived() {
    show();
    if (!on) return;
    prepare();
    const title = screen.title();
    current = title;
    lastGroup = null;
    outline(title);
    const alerts = [...document.querySelectorAll("#kiosk-screen [role=alert]")].filter(screen.rendered);
    voice.say([...titlePhrases(), ...alerts.flatMap((alert) => screen.describe(alert).phrases)]);
  }

  // --- Touch ---------------------------------------------------------------------------------------
  const pointers = new Map();  // pointerId -> {x, y}
  let press = null;            // the primary touch: where and when it began, and what it touched
  let holdTimer = 0;
  let suppressClick = false;
  let frame = 0;

  function onHold() {
    if (!press || press.moved) return;
    press.held = true;
    suppressClick = true;
    touched = true;
    if (!on) turnOn("touch");  // in speech mode a resting finger is just exploring
  }

  window.addEventListener("pointerdown", (event) => {
    touched = true;
    suppressClick = false;  // a long press's click, if any, came before this touch
    pointers.set(event.pointerId, { x: event.clientX, y: event.clientY });
    if (!event.isPrimary) { clearTimeout(holdTimer); if (press) press.scrolling = true; return; }
    if (event.pointerType === "mouse" && event.button !== 0) return;
    press = { x: event.clientX, y: event.clientY, t: event.timeStamp, moved: false, held: false, wasCurrent: false };
    clearTimeout(holdTimer);
    holdTimer = setTimeout(onHold, config.holdMs);
    if (!on) return;
    modality = "touch";
    const item = screen.itemAt(event.clientX, event.clientY);
    press.wasCurrent = Boolean(item) && item === current;
    if (item && !press.wasCurrent) focusItem(item, "touch");
  }, { capture: true });

  window.addEventListener("pointermove", (event) => {
    const last = pointers.get(event.pointerId);
    if (!last) return;
    if (press && press.scrolling && pointers.size > 1) {
      if (on) window.scrollBy(0, (last.y - event.clientY) / pointers.size);
      pointers.set(event.pointerId, { x: event.clientX, y: event.clientY });
      return;
    }
    pointers.set(event.pointerId, { x: event.clientX, y: event.clientY });
    if (!press || !event.isPrimary) return;
    if (Math.hypot(event.clientX - press.x, event.clientY - press.y) > SLOP) {
      press.moved = true;
      clearTimeout(holdTimer);
    }
    if (!on || !press.moved) return;
    // Speak what the finger slides onto; one look per frame, and the same item is never said twice.
    const { clientX, clientY } = event;
    cancelAnimationFrame(frame);
    frame = requestAnimationFrame(() => {
      const item = screen.itemAt(clientX, clientY);
      if (item && item !== current) focusItem(item, "touch");
    });
  }, { capture: true });

  function released(event) {
    pointers.delete(event.pointerId);
    if (!event.isPrimary || !press) return;
    clearTimeout(holdTimer);
    const gesture = press;
    press = null;
    if (event.type === "pointercancel" || !on || gesture.held || gesture.scrolling) return;
    const dx = event.clientX - gesture.x;
    const dy = event.clientY - gesture.y;
    if (event.timeStamp - gesture.t < FLICK_MS && Math.abs(dx) > FLICK_PX && Math.abs(dx) > 2 * Math.abs(dy)) {
      cancelAnimationFrame(frame);
      const forward = (dx > 0) === (getComputedStyle(document.body).direction !== "rtl");
      move(forward ? 1 : -1);
      return;
    }
    if (!gesture.moved && gesture.wasCurrent) {
      suppressClick = true;  // the tap's own click comes next; it must not act a second time
      activate(current);
    }
  }
  window.addEventListener("pointerup", released, { capture: true });
  window.addEventListener("pointercancel", released, { capture: true });

  // In speech mode a tap only speaks; the item acts when activate() passes its click through on purpose.
  window.addEventListener("click", (event) => {
    if (passThrough && passThrough.contains(event.target)) return;
    if (!on && !suppressClick) return;
    suppressClick = false;
    event.preventDefault();
    event.stopImmediatePropagation();
  }, { capture: true });

  // --- Keys ----------------------------------------------------------------------------------------
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
    touched = true;
    if (MODIFIERS.has(event.key) || event.ctrlKey || event.altKey || event.metaKey) return;
    // Only the browser's own reaction is stopped: the idle timer must still see every key.
    if (!on) {
      event.preventDefault();
      turnOn("keys");
      return;
    }
    const typing = document.activeElement && document.activeElement.matches("input, textarea") &&
      event.key.length === 1 && !event.code.startsWith("Numpad") && !"?*".includes(event.key);
    const action = typing ? null : keyAction(event);
    if (!action) return;
    // Escape in a dialog is the browser's own "cancel", which the idle dialog answers with "I'm still here".
    if (action === "back" && screen.modal()) return;
    event.preventDefault();
    modality = "keys";
    if (event.repeat && action === "activate") return;  // a held key acts once
    const act = {
      next: () => move(1),
      previous: () => move(-1),
      first: () => edge(false),
      last: () => edge(true),
      activate: () => activate(current && current.isConnected ? current : document.activeElement),
      back,
      where: whereAmI,
      louder: () => say(voice.louder()),
      quieter: () => say(voice.quieter()),
    };
    act[action]();
  }, { capture: true });

  function say(text) { voice.say([words(text)]); }

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
      const words = action.dataset.speechAction === "louder" ? voice.louder() : voice.quieter();
      // Shown, and spoken by the live region below at the new volume.
      const status = document.getElementById("kiosk-status");
      status.textContent = words;
      clearTimeout(statusTimer);
      statusTimer = setTimeout(() => { status.textContent = ""; }, 6000);
    }
  });

  // --- What changes by itself: live regions, dialogs, the idle countdown ---------------------------
  const changed = new Set();
  let announcing = false;

  function announce() {
    announcing = false;
    const regions = [...changed];
    changed.clear();
    if (!on) return;
    for (const region of regions) {
      if (!region.isConnected) continue;
      const status = document.getElementById("kiosk-status");
      const text = region.textContent.trim();
      if (!text || (region === status && status.dataset.voiced === text)) continue;
      const phrases = screen.regionPhrases(region);
      const assertive = region.getAttribute("role") === "alert" || region.getAttribute("aria-live") === "assertive";
      voice.say(phrases, { polite: !assertive });
    }
  }

  let spokenSeconds = null;

  function dialogOpened(dialog) {
    if (!on) return;
    const title = [...(dialog.getAttribute("aria-labelledby") || "").split(/\s+/)]
      .map((id) => document.getElementById(id)).filter(Boolean);
    const described = (dialog.getAttribute("aria-describedby") || "").split(/\s+/)
      .map((id) => document.getElementById(id)).filter(Boolean);
    const focused = dialog.contains(document.activeElement) ? document.activeElement : null;
    current = focused;
    lastGroup = null;
    outline(focused);
    const phrases = [...title.flatMap((el) => screen.describe(el).phrases), words(strings.roles.dialog)];
    phrases.push(...described.flatMap((el) => screen.describe(el).phrases));
    if (focused) phrases.push(...utterance(focused, false));
    spokenSeconds = described.length ? described[0].textContent : null;
    voice.say(phrases);
  }

  /** The countdown is said again at every ten seconds and each of the last five. */
  function countdownTick(dialog, el) {
    if (!on || !dialog.open || el.textContent === spokenSeconds) return;
    const seconds = Number((el.textContent.match(/\d+/) || [""])[0]);
    if (!Number.isFinite(seconds) || (seconds % 10 !== 0 && seconds > 5)) return;
    spokenSeconds = el.textContent;
    voice.say(screen.describe(el).phrases);
  }

  new MutationObserver((mutations) => {
    for (const mutation of mutations) {
      const target = mutation.target.nodeType === Node.ELEMENT_NODE ? mutation.target : mutation.target.parentElement;
      if (!target) continue;
      if (mutation.type === "attributes" && target.tagName === "DIALOG") {
        if (target.open) dialogOpened(target);
        continue;
      }
      const dialog = target.closest("dialog[open]");
      if (dialog && (dialog.getAttribute("aria-describedby") || "").split(/\s+/).some((id) => {
        const el = document.getElementById(id);
        return el && el.contains(target) && (countdownTick(dialog, el), true);
      })) continue;
      if (swapping) continue;
      const region = screen.liveRegion(target);
      if (region) changed.add(region);
    }
    if (changed.size && !announcing) { announcing = true; queueMicrotask(announce); }
  }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ["open"] });

  // --- Navigation, the reset and the welcome invitation -------------------------------------------
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

  /** On an untouched welcome screen, invite a visitor who cannot read it, one language at a time. */
  function invite() {
    const block = document.querySelector("[data-speech-invitation]");
    if (!block || !config.invitationMs) return;
    const invitations = JSON.parse(block.textContent);
    let next = 0;
    const timer = setInterval(() => {
      if (touched || on || screen.modal() || !document.querySelector("[data-speech-invitation]")) {
        if (touched || on) clearInterval(timer);
        return;
      }
      const invitation = invitations[next % invitations.length];
      next += 1;
      voice.say([{ lang: invitation.lang, text: invitation.text }]);
    }, config.invitationMs);
  }

  let stored = null;
  try { stored = sessionStorage.getItem(STORE); } catch (error) { /* storage may be disabled */ }
  show();
  if (stored === "on") {
    on = true;
    arrived();
  } else {
    invite();
  }
})();
