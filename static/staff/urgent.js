// Front desk: an urgent request ("Get help now" on a kiosk) sounds its siren the moment it shows, and again
// every few seconds until someone answers it with "On my way". sound.js plays it (event staff:sound), whatever
// the Sound switch says.
"use strict";

(function () {
  const REPEAT_MS = 5000;
  const stringsNode = document.getElementById("staff-strings");
  if (!stringsNode) return;
  const strings = JSON.parse(stringsNode.textContent);
  const live = document.getElementById("staff-live");
  const title = document.title;
  let timer = 0;
  let heard = new Set();

  function sound() {
    document.dispatchEvent(new CustomEvent("staff:sound", { detail: { kind: "urgent" } }));
  }

  /** The urgent requests nobody has answered yet (a pending Done or No-show, undo.js, counts as an answer). */
  function unanswered() {
    const waiting = document.querySelectorAll('[data-urgent="true"][data-status="waiting"]:not(.staff-request--pending)');
    return [...waiting].map((item) => item.dataset.ticketId);
  }

  function check() {
    const ids = unanswered();
    // A tab in the background still says so in its title.
    document.title = ids.length ? `${strings.urgent_mark} – ${title}` : title;
    if (!ids.length) {
      clearInterval(timer);
      timer = 0;
      heard = new Set();
      return;
    }
    const fresh = ids.some((id) => !heard.has(id));
    heard = new Set(ids);
    if (fresh) {
      sound();
      if (live) live.textContent = strings.urgent;
      clearInterval(timer);
      timer = 0;
    }
    if (!timer) timer = setInterval(sound, REPEAT_MS);
  }

  document.addEventListener("htmx:afterSwap", check);
  document.addEventListener("staff:pending", check);
  check();
})();
