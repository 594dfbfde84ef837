// What is on the screen, as speech mode hears it: every control and text block in reading order, and
// for each its name, role and state, worked out from the page's own semantics (roles, accessible names,
// aria-pressed and aria-current, labels, lang attributes) rather than from any one screen's layout.
//
// window.kioskScreen:
//   items()          the controls and text blocks of the screen (or of an open dialog), in order
//   itemAt(x, y)     the item under a point, for touch
//   describe(item)   {phrases, role, states, group}: what to say, in which language
//   isControl(item)  whether activating it does something
"use strict";

window.kioskScreen = (function () {
  const CONTROL = [
    "a[href]", "button", "input:not([type=hidden])", "select", "textarea", "summary",
    "[role=button]", "[role=link]", "[role=checkbox]", "[role=radio]", "[role=switch]", "[role=tab]",
    "[role=menuitem]", "[role=option]", '[tabindex]:not([tabindex="-1"])',
  ].join(",");
  const PICTURE = "[role=img], img[alt]";
  // Elements that hold a block of text of their own: their inline content is one thing to hear.
  const BLOCK = [
    "h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "dt", "dd", "figcaption", "caption", "th", "td",
    "label", "legend", "blockquote", "pre", "[role=heading]", "[role=alert]", "[data-speak]",
  ].join(",");
  const SKIP = new Set(["SCRIPT", "STYLE", "TEMPLATE", "NOSCRIPT"]);
  const LIVE = "[aria-live]:not([aria-live=off]), [role=status], [role=alert], [role=log]";

  let cached = null;
  new MutationObserver(() => { cached = null; }).observe(document.documentElement, {
    subtree: true, childList: true, characterData: true, attributes: true,
    attributeFilter: ["hidden", "aria-hidden", "open", "class", "style", "aria-pressed", "aria-current", "disabled"],
  });

  /** Whether an element is shown and not hidden from assistive technology. */
  function rendered(el) {
    if (SKIP.has(el.tagName) || el.hidden || el.getAttribute("aria-hidden") === "true" || el.inert) return false;
    if (el.tagName === "DIALOG" && !el.open) return false;
    const style = getComputedStyle(el);
    // A box-less wrapper (display: contents, such as the dock's rows) shows its children.
    if (!el.getClientRects().length && style.display !== "contents") return false;
    return style.visibility !== "hidden";
  }

  /** A message that floats over the screen for a moment is announced when it appears, not visited. */
  function toast(el) { return el.matches(LIVE) && getComputedStyle(el).position === "fixed"; }

  function isControl(el) { return el.matches(CONTROL) && !el.closest("[inert]"); }
  function isPicture(el) { return el.matches(PICTURE); }
  function isBlock(el) { return el.matches(BLOCK); }

  function ownText(el) {
    for (const node of el.childNodes) if (node.nodeType === Node.TEXT_NODE && node.textContent.trim()) return true;
    return false;
  }

  /** The element that labels a group of controls is heard with the group, not on its own. */
  function labelsGroup(el) {
    return Boolean(el.id) && Boolean(document.querySelector(`[role=group][aria-labelledby~="${CSS.escape(el.id)}"]`));
  }

  /** The text an element shows, as one string and as the separate pieces of text it is made of. */
  function textOf(el, skipItems) {
    const pieces = [];
    let whole = "";
    const walk = (node) => {
      for (const child of node.childNodes) {
        if (child.nodeType === Node.TEXT_NODE) {
          whole += child.textContent;
          if (child.textContent.trim()) pieces.push(child.textContent.trim());
        } else if (child.nodeType === Node.ELEMENT_NODE) {
          if (SKIP.has(child.tagName) || child.hidden || child.getAttribute("aria-hidden") === "true") continue;
          if (skipItems && (isControl(child) || isPicture(child) || isBlock(child))) { whole += " "; continue; }
          walk(child);
        }
      }
    };
    walk(el);
    return { text: whole.replace(/\s+/g, " ").trim(), segments: pieces };
  }

  function hasWords(el) { return /[\p{L}\p{N}\p{So}]/u.test(textOf(el, true).text); }

  /** Every control and text block under root, in reading order. */
  function collect(root) {
    const found = [];
    const walk = (node, inBlock) => {
      for (const el of node.children) {
        if (!rendered(el) || toast(el)) continue;
        if (isControl(el) || isPicture(el)) { found.push(el); continue; }
        let block = inBlock;
        if (!inBlock && (isBlock(el) || ownText(el)) && !labelsGroup(el)) {
          if (hasWords(el)) found.push(el);
          block = true;
        } else if (inBlock && isBlock(el) && hasWords(el)) {
          found.push(el);
        }
        walk(el, block);
      }
    };
    walk(root, false);
    return found;
  }

  /** The dialog that owns the screen, when one is open. */
  function modal() {
    return [...document.querySelectorAll("dialog[open]")].find((dialog) => dialog.matches(":modal")) || null;
  }

  function items() {
    const root = modal() || document.body;
    if (!cached || cached.root !== root) cached = { root, list: collect(root) };
    return cached.list;
  }

  /** The item under a point; a figure hidden from screen readers (a big ticket number) is heard as its text. */
  function itemAt(x, y) {
    const list = items();
    let el = document.elementFromPoint(x, y);
    const hidden = el && el.closest('[aria-hidden="true"]');
    for (; el; el = el.parentElement) {
      if (list.includes(el)) return el;
    }
    if (hidden && hidden.textContent.trim() && rendered(hidden.parentElement || hidden)) return hidden;
    return null;
  }

  function roleOf(el) {
    const explicit = (el.getAttribute("role") || "").split(/\s+/)[0];
    if (explicit) return explicit;
    const tag = el.tagName.toLowerCase();
    if (tag === "a") return el.hasAttribute("href") ? "link" : "";
    if (tag === "button" || (tag === "input" && ["submit", "button", "reset"].includes(el.type))) return "button";
    if (tag === "input" || tag === "textarea") return "textbox";
    if (/^h[1-6]$/.test(tag)) return "heading";
    if (tag === "img") return "img";
    if (tag === "dialog") return "dialog";
    return "";
  }

  function statesOf(el) {
    const states = [];
    const current = el.getAttribute("aria-current");
    if (el.getAttribute("aria-pressed") === "true" || el.getAttribute("aria-checked") === "true" ||
        el.getAttribute("aria-selected") === "true" || (current && current !== "false")) states.push("selected");
    if (el.disabled || el.getAttribute("aria-disabled") === "true") states.push("unavailable");
    return states;
  }

  /** The language an element's words are in: its own lang attribute, such as a language's name. */
  function langOf(el) {
    const owner = el.closest("[lang]");
    return owner ? owner.getAttribute("lang") : document.documentElement.lang;
  }

  function referenced(el, attribute) {
    const ids = (el.getAttribute(attribute) || "").split(/\s+/).filter(Boolean);
    return ids.map((id) => document.getElementById(id)).filter(Boolean);
  }

  /** A phrase: one text to hear in one language, with its pieces in case the whole is not one message. */
  function phrase(el, text, segments, spell) {
    return { lang: langOf(el), text, segments: segments || [], spell: Boolean(spell) };
  }

  /** The name of an element, as phrases (accessible name rules, simplified to what the kiosk uses). */
  function namePhrases(el) {
    const labelledBy = referenced(el, "aria-labelledby");
    if (labelledBy.length) return labelledBy.map((label) => { const t = textOf(label, false); return phrase(label, t.text, t.segments); });
    const label = el.getAttribute("aria-label");
    if (label) return [phrase(el, label)];
    if (el.labels && el.labels.length) {
      return [...el.labels].map((owner) => { const t = textOf(owner, false); return phrase(owner, t.text, t.segments); });
    }
    if (el.tagName === "IMG") return [phrase(el, el.alt)];
    const title = el.querySelector(":scope > title");
    if (isPicture(el) && title) return [phrase(title, title.textContent.trim())];
    const t = textOf(el, !isControl(el) && !isPicture(el));
    return [phrase(el, t.text, t.segments, el.getAttribute("translate") === "no")];
  }

  /** The labelled group of controls an element belongs to, such as "Text size". */
  function groupOf(el) {
    const group = el.parentElement && el.parentElement.closest("[role=group], fieldset");
    if (!group) return null;
    const labels = referenced(group, "aria-labelledby");
    if (labels.length) return { el: group, phrases: labels.map((label) => phrase(label, textOf(label, false).text)) };
    if (group.getAttribute("aria-label")) return { el: group, phrases: [phrase(group, group.getAttribute("aria-label"))] };
    const legend = group.querySelector(":scope > legend");
    return legend ? { el: group, phrases: [phrase(legend, textOf(legend, false).text)] } : null;
  }

  /** What to say for an item: its name, then (for a text field) what it holds. */
  function describe(el) {
    const role = el.getAttribute("aria-hidden") === "true" ? "" : roleOf(el);
    const phrases = namePhrases(el);
    let value = null;
    if (role === "textbox" && "value" in el) {
      value = el.value.trim() ? phrase(el, el.value, [], true) : null;
    }
    return { phrases, role, states: statesOf(el), group: groupOf(el), value, empty: role === "textbox" && !value };
  }

  /** The text blocks of a live region, for announcing what changed in it. */
  function liveRegion(el) { return el.closest(LIVE); }

  function regionPhrases(region) {
    const blocks = collect(region).filter((item) => !isControl(item));
    const list = blocks.length ? blocks : [region];
    return list.flatMap((item) => namePhrases(item)).filter((p) => p.text);
  }

  function title() { return document.getElementById("kiosk-page-title") || document.querySelector("main h1, h1"); }

  return { items, itemAt, describe, isControl, liveRegion, regionPhrases, title, modal, LIVE, rendered };
})();
