// Desktop notifications while the dashboard's tab is hidden: an urgent request, a new one, or one that waited
// too long.
// The browser's permission is asked once, on the first click on the page; the button shows the state.
"use strict";

(function () {
  const desk = window.staffDesk;
  const button = document.querySelector("[data-alerts-toggle]");
  if (!desk || !button || !("Notification" in window)) return;
  const ASKED = "staff-alerts-asked";

  function state() {
    if (Notification.permission === "granted") return "on";
    return Notification.permission === "denied" ? "blocked" : "ask";
  }

  function show() {
    button.hidden = false;
    button.dataset.state = state();
    button.textContent = desk.strings[`alerts_${state()}`];
    button.setAttribute("aria-disabled", String(state() !== "ask"));
  }

  function ask() {
    localStorage.setItem(ASKED, "yes");
    Promise.resolve(Notification.requestPermission()).then(show, show);
  }

  button.addEventListener("click", () => {
    if (state() === "ask") ask();
    else show();
  });
  // Permission may change in the browser's settings while the page is open.
  document.addEventListener("visibilitychange", show);
  document.addEventListener("click", () => {
    if (state() === "ask" && !localStorage.getItem(ASKED)) ask();
  }, { capture: true });

  function notify(id, kind) {
    const item = desk.card(id);
    if (!document.hidden || state() !== "on" || !item) return;
    const language = item.querySelector(".staff-tag--language");
    const alert = new Notification(desk.format(desk.strings[`alert_${kind}`], { number: item.dataset.number }), {
      body: language ? language.textContent.replace(/\s+/g, " ").trim() : "",
      tag: `ticket-${id}-${kind}`,
      requireInteraction: kind !== "new",
    });
    alert.addEventListener("click", () => {
      window.focus();
      alert.close();
    });
  }

  document.addEventListener("staff:update", (event) => {
    const { fresh, late, urgent } = event.detail;
    for (const id of urgent) notify(id, "urgent");
    for (const id of late) notify(id, "late");
    for (const id of fresh) if (!late.includes(id)) notify(id, "new");
  });

  show();
})();
