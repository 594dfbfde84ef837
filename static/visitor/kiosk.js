// Sciatica Kiosk page behaviour: the idle reset, display choices, focus after navigation,
// status announcements, and the guards that keep a visitor inside the kiosk.
"use strict";

(function () {
  const body = document.body;
  const root = document.documentElement;
  const strings = JSON.parse(document.getElementById("kiosk-strings").textContent);
  const status = document.getElementById("kiosk-status");
  const dialog = document.getElementById("kiosk-idle");
  const countdownText = document.getElementById("kiosk-idle-countdown");
  const idleMs = Number(body.dataset.idleSeconds) * 1000;
  const countdownFrom = Number(dialog.dataset.countdown);
  const countdownTexts = JSON.parse(dialog.dataset.countdownTexts);

  let statusTimer = 0;

  /** Announce a status change through the live region without moving focus (WCAG 4.1.3). */
  function announce(message) {
    clearTimeout(statusTimer);
    status.textContent = message;
    statusTimer = setTimeout(() => { status.textContent = ""; }, 6000);
  }

  // --- Idle reset (WCAG 2.2.1) --------------------------------------------------------------
  let idleTimer = 0;
  let tickTimer = 0;
  let remaining = countdownFrom;

  function startIdleTimer() {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(askStillThere, idleMs);
  }

  function askStillThere() {
    // A screen that must stay up (an urgent call nobody has answered yet) cancels this event to hold the
    // reset off; it is asked again after retryMs, which it may shorten.
    const asking = new CustomEvent("kiosk:idle", { cancelable: true, detail: { retryMs: idleMs } });
    if (!document.dispatchEvent(asking)) {
      idleTimer = setTimeout(askStillThere, Math.max(1000, Math.min(idleMs, asking.detail.retryMs)));
      return;
    }
    remaining = countdownFrom;
    countdownText.textContent = countdownTexts[remaining];
    dialog.showModal();
    dialog.querySelector("[data-idle-stay]").focus();
    tickTimer = setInterval(tick, 1000);
  }

  function tick() {
    remaining -= 1;
    countdownText.textContent = countdownTexts[Math.max(remaining, 0)];
    if (remaining <= 0) {
      clearInterval(tickTimer);
      endVisit();
    }
  }

  function stillHere() {
    clearInterval(tickTimer);
    dialog.close();
    startIdleTimer();
  }

  /** Forget everything about this visit and go back to the welcome screen. */
  function endVisit() {
    document.dispatchEvent(new CustomEvent("kiosk:reset"));
    try {
      sessionStorage.clear();
      localStorage.removeItem("htmx-history-cache");  // the next visitor must not page back into this visit
    } catch (error) { /* storage may be disabled */ }
    document.getElementById("kiosk-reset").submit();
  }

  dialog.querySelector("[data-idle-stay]").addEventListener("click", stillHere);
  // Escape must not silently close the dialog while the countdown keeps running.
  dialog.addEventListener("cancel", (event) => { event.preventDefault(); stillHere(); });

  for (const type of ["pointerdown", "keydown", "touchstart", "wheel"]) {
    document.addEventListener(type, () => { if (!dialog.open) startIdleTimer(); }, { passive: true, capture: true });
  }
  startIdleTimer();

  // --- Display choices ----------------------------------------------------------------------
  document.addEventListener("kiosk-display", (event) => {
    const choice = event.detail;
    const sizeChanged = root.dataset.textSize !== choice.text_size;
    root.dataset.textSize = choice.text_size;
    root.dataset.contrast = choice.contrast;
    for (const button of document.querySelectorAll("[data-text-size]")) {
      if (button !== root) button.setAttribute("aria-pressed", String(button.dataset.textSize === choice.text_size));
    }
    const high = choice.contrast === "high";
    for (const button of document.querySelectorAll("[data-contrast-toggle]")) {
      button.setAttribute("aria-pressed", String(high));
      button.value = high ? "normal" : "high";
    }
    announce(sizeChanged ? strings.text_size : (high ? strings.contrast_on : strings.contrast_off));
  });

  // --- Navigation ---------------------------------------------------------------------------
  document.addEventListener("htmx:afterSettle", (event) => {
    if (event.detail.target && event.detail.target.id === "kiosk-screen") {
      document.dispatchEvent(new CustomEvent("kiosk:navigate"));
      const heading = document.getElementById("kiosk-page-title");
      if (heading) heading.focus({ preventScroll: true });
    }
  });
  document.addEventListener("htmx:sendError", () => announce(strings.offline));
  document.addEventListener("htmx:responseError", () => announce(strings.error));

  // --- Keep the visitor inside the kiosk ----------------------------------------------------
  document.addEventListener("click", (event) => {
    const link = event.target.closest && event.target.closest("a[href]");
    if (link && new URL(link.href, location.href).origin !== location.origin) event.preventDefault();
  }, { capture: true });
  document.addEventListener("contextmenu", (event) => event.preventDefault());
  document.addEventListener("dragstart", (event) => event.preventDefault());
  document.addEventListener("selectstart", (event) => event.preventDefault());
})();
