// The offline page: the visit's text size and contrast, then back by itself as soon as the server answers.
// It shows in place of a page that could not load (the worker keeps the address), in place of the
// idle reset (at /reset, or with ?after=reset), or on its own address.
"use strict";

(function () {
  const root = document.documentElement;
  const body = document.body;

  try {
    const display = JSON.parse(sessionStorage.getItem("kiosk-display") || "null");
    if (display) {
      root.dataset.textSize = display.text_size;
      root.dataset.contrast = display.contrast;
    }
  } catch (error) { /* storage may be disabled: the defaults are fine */ }

  const resetPath = body.dataset.reset;
  const ownPage = location.pathname.endsWith("/offline");
  const afterReset = location.pathname === resetPath || new URLSearchParams(location.search).get("after") === "reset";

  /** End the visit on the server, then open the welcome screen; try again if the server drops out once more. */
  async function finishReset() {
    try {
      await fetch(resetPath, { method: "POST", credentials: "same-origin" });
    } catch (error) {
      window.kioskHeal.whenServerAnswers(finishReset);
      return;
    }
    location.replace("/");
  }

  window.kioskHeal.whenServerAnswers(() => {
    if (afterReset) finishReset();
    else if (ownPage) location.replace(body.dataset.home);
    else location.replace(location.href);  // the page that could not load, as a plain GET
  });
})();
