// Speech mode by touch, as VoiceOver and TalkBack users know it (static/speech/mode.js holds the state):
// a first touch speaks an item and outlines it; a second tap on it (or a double tap) activates it; a
// finger sliding across the screen speaks each item it passes; a quick flick moves to the next or
// previous item; two fingers scroll. Resting a finger for SPEECH_HOLD_SECONDS turns speech mode on.
"use strict";

(function () {
  const speech = window.kioskSpeech;
  const screen = window.kioskScreen;
  const config = window.kioskVoice.config;
  const SLOP = 12;         // px a finger may wander and still be tapping
  const FLICK_MS = 250;
  const FLICK_PX = 80;

  const pointers = new Map();  // pointerId -> {x, y}
  let press = null;            // the primary touch: where and when it began, and what it touched
  let holdTimer = 0;
  let frame = 0;

  /** The scrolling box under a point: the page's column or the side rail, else the whole document. */
  function scrollerAt(x, y) {
    for (let el = document.elementFromPoint(x, y); el && el !== document.body; el = el.parentElement) {
      if (el.scrollHeight > el.clientHeight && /auto|scroll/.test(getComputedStyle(el).overflowY)) return el;
    }
    return document.scrollingElement || document.documentElement;
  }

  function onHold() {
    if (!press || press.moved) return;
    press.held = true;
    speech.suppressClick();
    if (!speech.on()) speech.turnOn("touch");  // in speech mode a resting finger is just exploring
  }

  window.addEventListener("pointerdown", (event) => {
    pointers.set(event.pointerId, { x: event.clientX, y: event.clientY });
    if (!event.isPrimary) { clearTimeout(holdTimer); if (press) press.scrolling = true; return; }
    if (event.pointerType === "mouse" && event.button !== 0) return;
    press = { x: event.clientX, y: event.clientY, t: event.timeStamp, moved: false, held: false, wasCurrent: false };
    clearTimeout(holdTimer);
    holdTimer = setTimeout(onHold, config.holdMs);
    if (!speech.on()) return;
    speech.setModality("touch");
    const item = screen.itemAt(event.clientX, event.clientY);
    press.wasCurrent = Boolean(item) && item === speech.current();
    if (item && !press.wasCurrent) speech.focusItem(item, "touch");
  }, { capture: true });

  window.addEventListener("pointermove", (event) => {
    const last = pointers.get(event.pointerId);
    if (!last) return;
    if (press && press.scrolling && pointers.size > 1) {
      if (speech.on()) scrollerAt(event.clientX, event.clientY).scrollBy(0, (last.y - event.clientY) / pointers.size);
      pointers.set(event.pointerId, { x: event.clientX, y: event.clientY });
      return;
    }
    pointers.set(event.pointerId, { x: event.clientX, y: event.clientY });
    if (!press || !event.isPrimary) return;
    if (Math.hypot(event.clientX - press.x, event.clientY - press.y) > SLOP) {
      press.moved = true;
      clearTimeout(holdTimer);
    }
    if (!speech.on() || !press.moved) return;
    // Speak what the finger slides onto; one look per frame, and the same item is never said twice.
    const { clientX, clientY } = event;
    cancelAnimationFrame(frame);
    frame = requestAnimationFrame(() => {
      const item = screen.itemAt(clientX, clientY);
      if (item && item !== speech.current()) speech.focusItem(item, "touch");
    });
  }, { capture: true });

  function released(event) {
    pointers.delete(event.pointerId);
    if (!event.isPrimary || !press) return;
    clearTimeout(holdTimer);
    const gesture = press;
    press = null;
    if (event.type === "pointercancel" || !speech.on() || gesture.held || gesture.scrolling) return;
    const dx = event.clientX - gesture.x;
    const dy = event.clientY - gesture.y;
    if (event.timeStamp - gesture.t < FLICK_MS && Math.abs(dx) > FLICK_PX && Math.abs(dx) > 2 * Math.abs(dy)) {
      cancelAnimationFrame(frame);
      const forward = (dx > 0) === (getComputedStyle(document.body).direction !== "rtl");
      speech.move(forward ? 1 : -1);
      return;
    }
    if (!gesture.moved && gesture.wasCurrent) {
      speech.suppressClick();  // the tap's own click comes next; it must not act a second time
      speech.activate(speech.current());
    }
  }
  window.addEventListener("pointerup", released, { capture: true });
  window.addEventListener("pointercancel", released, { capture: true });

})();
