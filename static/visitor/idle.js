// The idle reset (WCAG 2.2.1). It starts with a visit's first touch, so an untouched welcome screen never
// asks "Are you still there?"; it never ends a visit whose request is still open (the ticket holds it,
// up to TICKET_WAIT_MAX_SECONDS); and it leaves the page only once the server answers. Until that first
// touch, the welcome screen invites passers-by, in turn in every language: "Touch the screen to start".
"use strict";

(function () {
  const body = document.body;
  const strings = JSON.parse(document.getElementById("kiosk-strings").textContent);
  const dialog = document.getElementById("kiosk-idle");
  const title = document.getElementById("kiosk-idle-title");
  const countdownText = document.getElementById("kiosk-idle-countdown");
  const stay = dialog.querySelector("[data-idle-stay]");
  const idleMs = Number(body.dataset.idleSeconds) * 1000;
  const countdownFrom = Number(dialog.dataset.countdown);
  const countdownTexts = JSON.parse(dialog.dataset.countdownTexts);
  // Remembered for the tab, so a full page load (a language change) keeps counting; the reset forgets it.
  const TOUCHED = "kiosk-touched";
  const INVITE_EVERY_MS = 3000;

  let touched = false;
  try { touched = sessionStorage.getItem(TOUCHED) === "1"; } catch (error) { /* storage may be disabled */ }
  let idleTimer = 0;
  let tickTimer = 0;
  let remaining = countdownFrom;
  let ending = false;
  const holds = new WeakMap();  // ticket element -> the moment its hold ends

  /** Note when each ticket on the screen stops holding the visit, counted from when it arrived. */
  function noteHolds() {
    for (const ticket of document.querySelectorAll("[data-ticket-hold]")) {
      if (!holds.has(ticket)) holds.set(ticket, Date.now() + Number(ticket.dataset.ticketHold) * 1000);
    }
  }

  /** How much longer the visit's open request holds off the reset, in ms (0: it does not). */
  function holdRemaining() {
    noteHolds();
    const ticket = document.querySelector("[data-ticket-hold]");
    return ticket ? Math.max(0, holds.get(ticket) - Date.now()) : 0;
  }

  function schedule(ms) {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(quiet, ms);
  }

  function quiet() {
    const hold = holdRemaining();
    // Someone is waiting for staff with this number: the kiosk keeps it on screen.
    if (hold > 0) {
      schedule(hold);
      return;
    }
    // A screen that must stay up (an urgent call nobody has answered yet, talk.js) cancels this event to
    // hold the reset off; it is asked again after retryMs, which it may shorten.
    const asking = new CustomEvent("kiosk:idle", { cancelable: true, detail: { retryMs: idleMs } });
    if (!document.dispatchEvent(asking)) {
      schedule(Math.max(1000, Math.min(idleMs, asking.detail.retryMs)));
      return;
    }
    askStillThere();
  }

  // --- The invitation, while nobody uses the kiosk -----------------------------------------------
  let inviteTimer = 0;
  let invited = 0;

  /** Show the invitation in the next language, or in the one given (the welcome screen may have been
      swapped in since). */
  function invite(tag) {
    const line = document.querySelector("[data-attract]");
    if (!line || !line.children.length) return;
    line.hidden = false;
    const asked = tag ? [...line.children].findIndex((text) => text.lang === tag) : -1;
    invited = asked >= 0 ? asked : (invited + 1) % line.children.length;
    [...line.children].forEach((text, index) => text.classList.toggle("kiosk-attract__shown", index === invited));
  }

  // Speech's spoken invitation (static/speech/announce.js) asks for its language to show while it speaks.
  document.addEventListener("kiosk:invite", (event) => {
    if (touched) return;
    invite(event.detail.lang);
    clearInterval(inviteTimer);
    inviteTimer = setInterval(invite, INVITE_EVERY_MS);
  });

  function stopInviting() {
    clearInterval(inviteTimer);
    for (const line of document.querySelectorAll("[data-attract]")) line.hidden = true;
  }

  function activity() {
    if (ending) return;
    if (!touched) {
      touched = true;
      stopInviting();
      try { sessionStorage.setItem(TOUCHED, "1"); } catch (error) { /* storage may be disabled */ }
    }
    if (!dialog.open) schedule(idleMs);
  }

  function askStillThere() {
    remaining = countdownFrom;
    countdownText.textContent = countdownTexts[remaining];
    dialog.showModal();
    stay.focus();
    tickTimer = setInterval(tick, 1000);
  }

  function tick() {
    remaining -= 1;
    countdownText.textContent = countdownTexts[Math.max(remaining, 0)];
    if (remaining <= 0) {
      clearInterval(tickTimer);
      endVisit();
    }
  }

  function stillHere() {
    clearInterval(tickTimer);
    dialog.close();
    schedule(idleMs);
  }

  /** Forget this visit in the browser: the next visitor must not page back into it. */
  function forget() {
    document.dispatchEvent(new CustomEvent("kiosk:reset"));
    try {
      sessionStorage.clear();
      localStorage.removeItem("htmx-history-cache");
    } catch (error) { /* storage may be disabled */ }
  }

  /** End the visit on the server and go to the welcome screen, but only once the server answers. */
  async function endVisit() {
    ending = true;
    forget();
    const form = document.getElementById("kiosk-reset");
    if (await window.kioskHeal.answers()) {
      form.submit();
      return;
    }
    if (navigator.serviceWorker && navigator.serviceWorker.controller) {
      // The worker keeps the offline page with the red flags; it finishes the reset when the server is back.
      location.replace(dialog.dataset.offline + "?after=reset");
      return;
    }
    title.textContent = strings.restarting;
    countdownText.textContent = "";
    stay.hidden = true;
    window.kioskHeal.whenServerAnswers(() => form.submit());
  }

  // Once the visit is ending the page asks the server nothing more: a poll answered after the reset would
  // carry the old visit's session (its language, its ticket) back into the browser.
  document.addEventListener("htmx:beforeRequest", (event) => { if (ending) event.preventDefault(); });

  stay.addEventListener("click", stillHere);
  // Escape must not silently close the dialog while the countdown keeps running.
  dialog.addEventListener("cancel", (event) => { event.preventDefault(); if (!ending) stillHere(); });

  for (const type of ["pointerdown", "keydown", "touchstart", "wheel"]) {
    document.addEventListener(type, activity, { passive: true, capture: true });
  }
  // A request that opens or ends changes what holds the visit: count the quiet time again from now.
  document.addEventListener("htmx:afterSettle", (event) => {
    noteHolds();
    const target = event.detail.target;
    if (touched && !dialog.open && !ending && target && /^talk-(chip|status)$/.test(target.id)) schedule(idleMs);
  });
  // "Start a new visit", confirmed: the same forgetting as the idle reset.
  document.addEventListener("submit", (event) => {
    if (event.target.querySelector("[data-new-visit]")) forget();
  });
  noteHolds();
  if (touched) schedule(idleMs);
  else inviteTimer = setInterval(invite, INVITE_EVERY_MS);
})();
