// Nothing waits silently: a control looks pressed the moment a finger lands on it, stays pressed while
// its request is on the way, and shows a busy state if the answer takes longer than 300 ms. Which tap
// wins is htmx's business (hx-sync on <body>: the last navigation tap replaces the one before).
"use strict";

(function () {
  const BUSY_AFTER_MS = 300;
  const CONTROL = "a[href], button, [role=button]";
  const pending = new Map();  // control -> its busy timer

  function pressed(control, on) {
    if (on) control.setAttribute("data-pressed", "");
    else if (!pending.has(control)) control.removeAttribute("data-pressed");
  }

  /** Mark a control as waiting for its answer: pressed now, busy after 300 ms. */
  function wait(control) {
    if (!control || pending.has(control)) return;
    control.setAttribute("data-pressed", "");
    pending.set(control, setTimeout(() => {
      control.setAttribute("data-busy", "");
      control.setAttribute("aria-busy", "true");
    }, BUSY_AFTER_MS));
  }

  function done(control) {
    if (!pending.has(control)) return;
    clearTimeout(pending.get(control));
    pending.delete(control);
    control.removeAttribute("data-busy");
    control.removeAttribute("aria-busy");
    control.removeAttribute("data-pressed");
  }

  document.addEventListener("pointerdown", (event) => {
    const control = event.target.closest && event.target.closest(CONTROL);
    if (control) pressed(control, true);
  }, { capture: true, passive: true });
  for (const type of ["pointerup", "pointercancel", "pointerleave"]) {
    document.addEventListener(type, (event) => {
      const control = event.target.closest && event.target.closest(CONTROL);
      // Leaving a label inside the control is not leaving the control.
      if (control && (type !== "pointerleave" || event.target === control)) pressed(control, false);
    }, { capture: true, passive: true });
  }

  /** The control a request came from: the tapped link, or the button that submitted the form. */
  function controlOf(detail) {
    const trigger = detail.requestConfig && detail.requestConfig.triggeringEvent;
    if (!trigger) return null;  // a poll, not a tap
    const source = trigger.submitter || trigger.target;
    return source && source.closest ? source.closest(CONTROL) : null;
  }

  document.addEventListener("htmx:beforeRequest", (event) => wait(controlOf(event.detail)));
  for (const type of ["htmx:afterRequest", "htmx:sendAbort"]) {
    document.addEventListener(type, (event) => done(controlOf(event.detail)));
  }
  // A control swapped away with its screen hears nothing more (its events no longer reach the document):
  // forget it when the next request starts.
  document.addEventListener("htmx:beforeRequest", (event) => {
    const current = controlOf(event.detail);
    for (const control of [...pending.keys()]) if (control !== current && !control.isConnected) done(control);
  });

  // A full page load (a language, the reset, a form without htmx) waits the same way until it unloads.
  document.addEventListener("click", (event) => {
    if (event.defaultPrevented) return;
    const control = event.target.closest && event.target.closest("a[href][hx-boost=false]");
    if (control) wait(control);
  });
  document.addEventListener("submit", (event) => {
    if (!event.defaultPrevented && event.target.getAttribute("hx-boost") === "false") wait(event.submitter);
  });
  // Back from the browser's cache: nothing is waiting any more.
  window.addEventListener("pageshow", () => { for (const control of [...pending.keys()]) done(control); });
})();
