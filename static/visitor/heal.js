// Waiting for the server: asks /health with backoff and calls back as soon as it answers. Shared by the
// idle reset (which only leaves the page once the server answers) and the offline page (which goes back
// by itself). The longest pause is 2.5 s, so the kiosk is back within 5 s of the server answering.
"use strict";

(function () {
  const PAUSES_MS = [500, 1000, 1500, 2000, 2500];
  const PROBE_TIMEOUT_MS = 2000;

  /** Tell whether the server answers right now. */
  async function answers() {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), PROBE_TIMEOUT_MS);
    try {
      const response = await fetch("/health", { cache: "no-store", signal: controller.signal });
      return response.ok;
    } catch (error) {
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Ask until the server answers, waiting a little longer each time, then call back once. */
  function whenServerAnswers(callback) {
    let attempt = 0;
    async function probe() {
      if (await answers()) {
        callback();
        return;
      }
      setTimeout(probe, PAUSES_MS[Math.min(attempt, PAUSES_MS.length - 1)]);
      attempt += 1;
    }
    probe();
  }

  window.kioskHeal = { answers, whenServerAnswers };
})();
