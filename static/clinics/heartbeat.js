// Kiosk heartbeat: tells the server, every few seconds, that this kiosk's screen is alive, so the front desk
// sees it online. The server knows which kiosk this is from the kiosk's own identity, not from this script.
"use strict";

(function () {
  const url = document.body.dataset.heartbeatUrl;
  const seconds = Number(document.body.dataset.heartbeatSeconds);
  if (!url || !(seconds > 0)) return;

  function beat() {
    // A missed beat (server restarting, network down) is simply the next one's job.
    fetch(url, { method: "POST", headers: { "X-Kiosk-Heartbeat": "1" }, credentials: "same-origin", cache: "no-store" })
      .catch(() => {});
  }

  beat();
  setInterval(beat, seconds * 1000);
})();
