// Installs the service worker that carries the kiosk through an outage (static/visitor/sw.js), and tells
// it this page's language, so the offline page and red flags in that language are kept too. Service
// workers need a secure context: the kiosk's own http://127.0.0.1, or HTTPS.
"use strict";

(function () {
  if (!("serviceWorker" in navigator) || !window.isSecureContext) return;
  const offline = document.getElementById("kiosk-idle").dataset.offline;
  navigator.serviceWorker.register("/sw.js", { scope: "/", updateViaCache: "none" }).catch(() => {});
  navigator.serviceWorker.ready.then((registration) => {
    if (registration.active) registration.active.postMessage({ keep: offline });
  });
})();
