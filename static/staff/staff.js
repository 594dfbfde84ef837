// Front-desk dashboard: notices new and escalated requests after each poll, keeps a new request
// highlighted until someone at this screen has seen it (hovered, focused or acted on), and shares the
// page's strings with sound.js, alerts.js, undo.js and offline.js, which listen for "staff:update".
// Urgent requests are left out of the new/late news: urgent.js sounds their own siren, from the moment they show.
"use strict";

(function () {
  const panelId = "staff-requests";
  const stringsElement = document.getElementById("staff-strings");
  if (!stringsElement) return;
  const strings = JSON.parse(stringsElement.textContent);
  const live = document.getElementById("staff-live");
  const NOTICE_MS = 15000;
  const SEEN_KEY = "staff-seen";

  /** Fill %(name)s placeholders from values. */
  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, (whole, key) => (key in values ? String(values[key]) : whole));
  }

  function cards() {
    return [...document.querySelectorAll(`#${panelId} [data-ticket-id]`)];
  }

  function card(id) {
    return document.querySelector(`#${panelId} [data-ticket-id="${CSS.escape(id)}"]`);
  }

  // Seen requests survive a reload of this screen, so a highlight never comes back once seen.
  let seen = new Set();
  try {
    seen = new Set(JSON.parse(localStorage.getItem(SEEN_KEY) || "[]"));
  } catch (error) {
    seen = new Set();
  }

  function saveSeen() {
    const open = new Set(cards().map((item) => item.dataset.ticketId));
    seen = new Set([...seen].filter((id) => open.has(id)));
    localStorage.setItem(SEEN_KEY, JSON.stringify([...seen]));
  }

  /** Highlight every waiting request nobody at this screen has seen yet. */
  function highlight() {
    for (const item of cards()) {
      // Someone acted on it already (On my way), so it is not news to this desk either.
      if (item.dataset.status !== "waiting") seen.add(item.dataset.ticketId);
      item.classList.toggle("staff-request--new", !seen.has(item.dataset.ticketId));
    }
  }

  function markSeen(target) {
    const item = target instanceof Element ? target.closest(`#${panelId} [data-ticket-id]`) : null;
    if (!item || seen.has(item.dataset.ticketId)) return;
    seen.add(item.dataset.ticketId);
    item.classList.remove("staff-request--new");
    saveSeen();
  }

  document.addEventListener("pointerover", (event) => markSeen(event.target));
  document.addEventListener("focusin", (event) => markSeen(event.target));

  function isUrgent(item) {
    return item.dataset.urgent === "true";
  }

  /** Booking requests (not urgent) by id, with whether each waits too long: what the chime and alarm follow. */
  function snapshot() {
    const booking = document.querySelectorAll(`#${panelId} [data-ticket-id]:not([data-urgent="true"])`);
    return new Map([...booking].map((item) => [item.dataset.ticketId, item.dataset.late === "true"]));
  }

  function urgentIds() {
    return new Set(cards().filter(isUrgent).map((item) => item.dataset.ticketId));
  }

  let known = snapshot();
  let knownUrgent = urgentIds();

  // afterSwap runs in the same task that inserts the new list, so a new request never shows unmarked.
  document.addEventListener("htmx:afterSwap", () => {
    if (!document.getElementById(panelId)) return;
    const current = snapshot();
    const fresh = [...current.keys()].filter((id) => !known.has(id));
    const late = [...current].filter(([id, isLate]) => isLate && !known.get(id)).map(([id]) => id);
    // A booking request made urgent by its visitor shows up here too, though its card was already on the page.
    const currentUrgent = urgentIds();
    const urgent = [...currentUrgent].filter((id) => !knownUrgent.has(id));
    known = current;
    knownUrgent = currentUrgent;
    highlight();
    saveSeen();
    if (late.length) live.textContent = strings.late;
    else if (fresh.length) live.textContent = strings.new;
    document.dispatchEvent(new CustomEvent("staff:update", { detail: { fresh, late, urgent } }));
    const notice = document.getElementById("staff-notice");
    if (notice) setTimeout(() => notice.remove(), NOTICE_MS);
  });

  // htmx "settles" an element whose id was already on the page by giving it back its new attributes a
  // moment after the swap, which would drop the highlight again: mark once more when it has settled.
  document.addEventListener("htmx:afterSettle", highlight);

  highlight();
  saveSeen();
  window.staffDesk = { strings, format, card, cards };
})();
