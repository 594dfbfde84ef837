// Translation editor: no typed text is lost. While someone types, the page keeps the staff session
// alive; every change is also kept as a draft in this browser, so text typed before a session ended
// (or a crash, or a closed tab) is put back when the page opens again, after logging in if need be.
"use strict";

(function () {
  const config = document.getElementById("editor-config");
  if (!config) return;
  const settings = JSON.parse(config.textContent);
  const strings = settings.strings;
  const PREFIX = "kiosk-editor-draft:" + settings.lang + ":";
  let typedSince = 0;   // last keystroke not yet reported to the server
  let lastPing = Date.now();

  function formOf(entry) { return entry.querySelector("form.editor-entry__form"); }
  function boxes(form) { return [...form.querySelectorAll("textarea[name=translation]")]; }
  function baseOf(form) { return form.querySelector("input[name=base]").value; }
  function fuzzyBox(form) { return form.querySelector("input[name=fuzzy]"); }

  function read(id) {
    try { return JSON.parse(localStorage.getItem(PREFIX + id)); } catch (error) { return null; }
  }

  function keep(entry) {
    const form = formOf(entry);
    const draft = {
      strings: boxes(form).map((box) => box.value),
      fuzzy: Boolean(fuzzyBox(form) && fuzzyBox(form).checked),
      base: baseOf(form),
      time: Date.now(),
    };
    try { localStorage.setItem(PREFIX + entry.dataset.entry, JSON.stringify(draft)); } catch (error) { /* full */ }
  }

  function forget(id) { localStorage.removeItem(PREFIX + id); }

  function same(form, draft) {
    const now = boxes(form).map((box) => box.value);
    return now.length === draft.strings.length && now.every((value, i) => value === draft.strings[i]);
  }

  function putBack(form, draft) {
    boxes(form).forEach((box, i) => { box.value = draft.strings[i] || ""; });
    if (fuzzyBox(form)) fuzzyBox(form).checked = draft.fuzzy;
  }

  function notice(entry, text, withButton, draft) {
    const old = entry.querySelector(".editor-draft");
    if (old) old.remove();
    const box = document.createElement("div");
    box.className = "editor-outcome editor-outcome--warning editor-draft";
    box.setAttribute("role", "status");
    const words = document.createElement("p");
    words.textContent = text;
    box.append(words);
    if (withButton) {
      const quote = document.createElement("p");
      quote.className = "editor-outcome__text";
      quote.textContent = draft.strings.join(" / ");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "staff-button";
      button.textContent = strings.restore;
      button.addEventListener("click", () => {
        putBack(formOf(entry), draft);
        words.textContent = strings.restored;
        quote.remove();
        button.remove();
        boxes(formOf(entry))[0].focus();
      });
      box.append(quote, button);
    }
    const translation = entry.querySelector(".editor-entry__translation");
    translation.insertBefore(box, translation.firstChild);
  }

  /** Put back what was typed and never saved: at once if the entry is unchanged since, else on request. */
  function restoreDrafts(root) {
    for (const entry of root.querySelectorAll("[data-entry]")) {
      const draft = read(entry.dataset.entry);
      const form = formOf(entry);
      if (!draft || !form) continue;
      if (same(form, draft)) { forget(entry.dataset.entry); continue; }
      if (draft.base === baseOf(form)) {
        putBack(form, draft);
        notice(entry, strings.restored, false, draft);
      } else {
        notice(entry, strings.changed, true, draft);
      }
    }
  }

  document.addEventListener("input", (event) => {
    const entry = event.target.closest && event.target.closest("[data-entry]");
    if (!entry) return;
    keep(entry);
    typedSince = Date.now();
  });

  // A saved entry comes back from the server: its draft is done with. (A refused one keeps it.)
  document.addEventListener("htmx:afterSwap", () => {
    for (const swapped of document.querySelectorAll("[data-entry]")) {
      if (swapped.querySelector(".editor-outcome--saved")) forget(swapped.dataset.entry);
    }
  });

  // Typing counts as activity: tell the server now and then, so the session does not end mid-sentence.
  setInterval(() => {
    if (!typedSince || typedSince < lastPing || Date.now() - lastPing < settings.keepalive_ms) return;
    lastPing = Date.now();
    fetch(settings.alive, { credentials: "same-origin", cache: "no-store", redirect: "manual" }).then((response) => {
      if (response.status !== 204) {
        const status = document.getElementById("editor-status");
        if (status) status.textContent = strings.expired;
      }
    }).catch(() => {});
  }, 1000);

  restoreDrafts(document);
})();
