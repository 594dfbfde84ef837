// When the dashboard loses the server it says so, with the time of its last news, and turns its buttons
// off so nothing looks done that was not; the next successful poll turns everything back on.
"use strict";

(function () {
  const desk = window.staffDesk;
  const banner = document.querySelector("[data-offline]");
  if (!desk || !banner) return;
  let lastNews = new Date();
  let offline = false;

  function clock(moment) {
    return moment.toLocaleTimeString(document.documentElement.lang || undefined, { hour: "2-digit", minute: "2-digit" });
  }

  function disable() {
    for (const button of document.querySelectorAll("#staff-requests button")) button.disabled = true;
  }

  function goOffline() {
    offline = true;
    document.body.classList.add("staff--offline");
    banner.textContent = desk.format(desk.strings.offline, { time: clock(lastNews) });
    banner.hidden = false;
    disable();
  }

  function goOnline() {
    lastNews = new Date();
    if (!offline) return;
    offline = false;
    document.body.classList.remove("staff--offline");
    banner.hidden = true;
    for (const button of document.querySelectorAll("#staff-requests button")) button.disabled = false;
    document.dispatchEvent(new CustomEvent("staff:online")); // undo.js disables pending requests again
  }

  for (const type of ["htmx:sendError", "htmx:responseError", "htmx:timeout"]) {
    document.addEventListener(type, goOffline);
  }
  document.addEventListener("htmx:afterRequest", (event) => {
    if (event.detail.successful) goOnline();
  });
  // A swap while offline (a late answer) must not bring back live buttons.
  for (const type of ["htmx:afterSwap", "htmx:afterSettle"]) {
    document.addEventListener(type, () => {
      if (offline) disable();
    });
  }
})();
