// Done and No-show wait 5 seconds before they are sent, with an Undo, so a mis-tap changes nothing. The
// visitor's screen is not told anything until then. Without JavaScript the forms post at once.
"use strict";

(function () {
  const desk = window.staffDesk;
  const region = document.getElementById("staff-undo");
  if (!desk || !region) return;
  const UNDO_MS = 5000;
  const pending = new Map(); // ticket id -> {url, number, label, timer, toast}
  const sending = new Map(); // url -> number, while the request is in flight

  function token() {
    const field = document.getElementById("staff-logout-token");
    return field ? field.value : "";
  }

  /** Show pending requests as pending: dimmed, their buttons off until Undo or the send. */
  function apply() {
    const offline = document.body.classList.contains("staff--offline");
    for (const item of desk.cards()) {
      const waiting = pending.has(item.dataset.ticketId);
      item.classList.toggle("staff-request--pending", waiting);
      for (const button of item.querySelectorAll("button")) button.disabled = waiting || offline;
    }
    document.dispatchEvent(new CustomEvent("staff:pending"));
  }

  function say(text) {
    const note = document.createElement("p");
    note.className = "staff-undo__note";
    note.textContent = text;
    region.append(note);
    setTimeout(() => note.remove(), 8000);
  }

  function finish(id) {
    const item = pending.get(id);
    if (!item) return null;
    clearTimeout(item.timer);
    item.toast.remove();
    pending.delete(id);
    return item;
  }

  function send(id) {
    const item = finish(id);
    if (!item) return;
    sending.set(item.url, item.number);
    htmx.ajax("POST", item.url, {
      source: document.body, target: "#staff-requests", swap: "outerHTML", values: { csrf_token: token() },
    });
  }

  function undo(id) {
    const item = finish(id);
    if (!item) return;
    apply();
    say(desk.format(desk.strings.undone, { number: item.number }));
    const card = desk.card(id);
    const first = card && card.querySelector("button:not([disabled])");
    if (first) first.focus();
  }

  function schedule(form) {
    const card = form.closest("[data-ticket-id]");
    const id = card.dataset.ticketId;
    if (pending.has(id)) return;
    const toast = document.createElement("div");
    toast.className = "staff-undo__toast";
    const text = document.createElement("p");
    text.className = "staff-undo__text";
    text.textContent = desk.format(desk.strings.pending, {
      number: card.dataset.number, action: form.dataset.final, seconds: UNDO_MS / 1000,
    });
    const button = document.createElement("button");
    button.type = "button";
    button.className = "staff-button staff-button--undo";
    button.textContent = desk.strings.undo;
    button.addEventListener("click", () => undo(id));
    const bar = document.createElement("span");
    bar.className = "staff-undo__bar";
    toast.append(text, button, bar);
    region.append(toast);
    pending.set(id, {
      url: form.getAttribute("action"), number: card.dataset.number, toast, timer: setTimeout(() => send(id), UNDO_MS),
    });
    apply();
    button.focus();
  }

  // Captured on the document, before htmx's own handler on the form sends it at once.
  document.addEventListener("submit", (event) => {
    const form = event.target instanceof Element ? event.target.closest("form[data-final]") : null;
    if (!form) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    schedule(form);
  }, true);

  document.addEventListener("htmx:afterSwap", apply);
  document.addEventListener("htmx:afterSettle", apply); // settling gives the buttons back their old state
  document.addEventListener("staff:online", apply);
  document.addEventListener("htmx:afterRequest", (event) => {
    const url = event.detail.pathInfo && event.detail.pathInfo.requestPath;
    if (!sending.has(url)) return;
    const number = sending.get(url);
    sending.delete(url);
    if (!event.detail.successful) say(desk.format(desk.strings.unsent, { number }));
  });

  // Leaving the page sends what is pending, as it would have been sent a moment later.
  window.addEventListener("pagehide", () => {
    for (const [id, item] of pending) {
      const body = new FormData();
      body.append("csrf_token", token());
      navigator.sendBeacon(item.url, body);
      finish(id);
    }
  });
})();
