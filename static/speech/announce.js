// Speech mode hears what changes by itself (static/speech/mode.js holds the state): live regions (a
// ticket's news, "High contrast is on"), a dialog that opens (the idle reset's "Are you still there?")
// and its countdown; and, with speech mode off, the welcome screen's spoken invitation.
"use strict";

(function () {
  const speech = window.kioskSpeech;
  const screen = window.kioskScreen;
  const voice = window.kioskVoice;
  const config = voice.config;
  const strings = config.strings;

  const changed = new Set();
  let announcing = false;

  function announce() {
    announcing = false;
    const regions = [...changed];
    changed.clear();
    if (!speech.on()) return;
    for (const region of regions) {
      if (!region.isConnected) continue;
      const status = document.getElementById("kiosk-status");
      const text = region.textContent.trim();
      if (!text || (region === status && status.dataset.voiced === text)) continue;
      const phrases = screen.regionPhrases(region);
      const assertive = region.getAttribute("role") === "alert" || region.getAttribute("aria-live") === "assertive";
      voice.say(phrases, { polite: !assertive });
    }
  }

  let spokenSeconds = null;

  function dialogOpened(dialog) {
    if (!speech.on()) return;
    const title = [...(dialog.getAttribute("aria-labelledby") || "").split(/\s+/)]
      .map((id) => document.getElementById(id)).filter(Boolean);
    const described = (dialog.getAttribute("aria-describedby") || "").split(/\s+/)
      .map((id) => document.getElementById(id)).filter(Boolean);
    const focused = dialog.contains(document.activeElement) ? document.activeElement : null;
    speech.setCurrent(focused);
    const phrases = [...title.flatMap((el) => screen.describe(el).phrases), speech.words(strings.roles.dialog)];
    phrases.push(...described.flatMap((el) => screen.describe(el).phrases));
    if (focused) phrases.push(...speech.utterance(focused, false));
    spokenSeconds = described.length ? described[0].textContent : null;
    voice.say(phrases);
  }

  /** The countdown is said again at every ten seconds and each of the last five. */
  function countdownTick(dialog, el) {
    if (!speech.on() || !dialog.open || el.textContent === spokenSeconds) return;
    const seconds = Number((el.textContent.match(/\d+/) || [""])[0]);
    if (!Number.isFinite(seconds) || (seconds % 10 !== 0 && seconds > 5)) return;
    spokenSeconds = el.textContent;
    voice.say(screen.describe(el).phrases);
  }

  new MutationObserver((mutations) => {
    for (const mutation of mutations) {
      const target = mutation.target.nodeType === Node.ELEMENT_NODE ? mutation.target : mutation.target.parentElement;
      if (!target) continue;
      if (mutation.type === "attributes" && target.tagName === "DIALOG") {
        if (target.open) dialogOpened(target);
        continue;
      }
      const dialog = target.closest("dialog[open]");
      if (dialog && (dialog.getAttribute("aria-describedby") || "").split(/\s+/).some((id) => {
        const el = document.getElementById(id);
        return el && el.contains(target) && (countdownTick(dialog, el), true);
      })) continue;
      if (speech.swapping()) continue;
      const region = screen.liveRegion(target);
      if (region) changed.add(region);
    }
    if (changed.size && !announcing) { announcing = true; queueMicrotask(announce); }
  }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ["open"] });

  // --- The welcome screen's spoken invitation ----------------------------------------------------
  // It speaks only while the welcome screen shows its invitation line (static/visitor/idle.js shows it until
  // the visit's first touch, and again only after the reset): one state of "nobody is using the kiosk" for
  // both. Each time, the line shows the language being spoken; a touch silences the invitation at once.
  let inviting = false;

  function attracting() {
    const line = document.querySelector("[data-attract]");
    return Boolean(line && !line.hidden);
  }

  function invite() {
    const block = document.querySelector("[data-speech-invitation]");
    if (!block || !config.invitationMs) return;
    const invitations = JSON.parse(block.textContent);
    if (!invitations.length) return;
    let next = 0;
    const timer = setInterval(() => {
      if (speech.on() || !document.querySelector("[data-speech-invitation]")) { clearInterval(timer); return; }
      if (!attracting() || screen.modal()) return;
      const invitation = invitations[next % invitations.length];
      next += 1;
      document.dispatchEvent(new CustomEvent("kiosk:invite", { detail: { lang: invitation.lang } }));
      inviting = true;
      voice.say([{ lang: invitation.lang, text: invitation.text }]).finally(() => { inviting = false; });
    }, config.invitationMs);
  }

  for (const type of ["pointerdown", "keydown"]) {
    window.addEventListener(type, () => {
      if (inviting && !speech.on()) voice.stop();
      inviting = false;
    }, { capture: true });
  }

  if (!speech.on()) invite();
})();
