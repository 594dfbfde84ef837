// Sciatica Kiosk page behaviour: display choices, focus after navigation, status announcements, the
// hand-over to the offline page, and the guards that keep a visitor inside the kiosk. (The idle reset is
// idle.js, tap feedback feedback.js, the service worker shell.js.)
"use strict";

(function () {
  const root = document.documentElement;
  const strings = JSON.parse(document.getElementById("kiosk-strings").textContent);
  const status = document.getElementById("kiosk-status");

  let statusTimer = 0;

  /** Announce a status change through the live region without moving focus (WCAG 4.1.3). */
  function announce(message) {
    clearTimeout(statusTimer);
    status.textContent = message;
    statusTimer = setTimeout(() => { status.textContent = ""; }, 6000);
  }

  // --- Display choices ----------------------------------------------------------------------
  /** Remember the choice for the tab, so the offline page can show in the same size and contrast. */
  function rememberDisplay() {
    try {
      sessionStorage.setItem("kiosk-display", JSON.stringify({ text_size: root.dataset.textSize, contrast: root.dataset.contrast }));
    } catch (error) { /* storage may be disabled */ }
  }
  rememberDisplay();

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
    rememberDisplay();
    announce(sizeChanged ? strings.text_size : (high ? strings.contrast_on : strings.contrast_off));
  });

  // --- Navigation ---------------------------------------------------------------------------
  document.addEventListener("htmx:afterSettle", (event) => {
    const target = event.detail.target;
    if (target && target.id === "kiosk-screen") {
      document.dispatchEvent(new CustomEvent("kiosk:navigate"));
      const heading = document.getElementById("kiosk-page-title");
      if (heading) heading.focus({ preventScroll: true });
    } else if (target && target.id === "talk-chip") {
      // The ticket changed while the visitor reads another screen: say so, there and aloud.
      const chip = document.getElementById("talk-chip");
      if (chip && chip.dataset.announce) announce(chip.dataset.announce);
    }
  });
  document.addEventListener("htmx:sendError", (event) => {
    const config = event.detail.requestConfig;
    const navigation = config && config.verb === "get" && event.detail.target && event.detail.target.id === "kiosk-screen";
    // The server is away: load the screen for real, so the service worker answers with the offline page,
    // which comes back to this very screen by itself once the server answers.
    if (navigation && navigator.serviceWorker && navigator.serviceWorker.controller) location.assign(config.path);
    else if (config && config.triggeringEvent) announce(strings.offline);  // a poll just tries again
  });
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
