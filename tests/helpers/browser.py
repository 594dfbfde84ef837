"""Helpers for the browser tests: axe-core, target sizes and text sizes measured in Chromium."""

from __future__ import annotations

import base64
import shutil
import time
from pathlib import Path
from typing import Any

from playwright.sync_api import ViewportSize

from kiosk.core.paths import NODE_MODULES

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Without the networking flags Chromium keeps trying to reach the internet, which is closed here.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PORTRAIT: ViewportSize = {"width": 1080, "height": 1920}
LANDSCAPE: ViewportSize = {"width": 1920, "height": 1080}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag2aaa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"

MIN_TARGET_PX = 72
MIN_TEXT_PX = 24

AXE_RUN = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: ' + n.failureSummary)}));
}"""

# Every visible, enabled interactive element, with its rendered size.
SMALL_TARGETS = """(min) => [...document.querySelectorAll(
    'a[href], button, input:not([type=hidden]), select, textarea, [tabindex]:not([tabindex="-1"]), [role=button]')]
  .filter(el => { const r = el.getBoundingClientRect(); const s = getComputedStyle(el);
     return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && !el.disabled; })
  .map(el => { const r = el.getBoundingClientRect();
     return {el: el.outerHTML.slice(0, 120), w: Math.round(r.width), h: Math.round(r.height)}; })
  .filter(t => t.w < min || t.h < min)"""

# Every element that directly holds visible text, with its computed font size.
SMALL_TEXT = """(min) => { const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) { const node = walker.currentNode; const el = node.parentElement;
    if (!node.textContent.trim() || !el || el.closest('script, style, title, [hidden], dialog:not([open])')) continue;
    const r = el.getBoundingClientRect(); if (r.width <= 1 || r.height <= 1) continue;
    const size = parseFloat(getComputedStyle(el).fontSize);
    if (size < min) out.push({text: node.textContent.trim().slice(0, 40), size}); }
  return out; }"""


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Run axe-core on the page with the kiosk's tags and return the violations."""
    page.add_script_tag(path=str(AXE_JS))
    return page.evaluate(AXE_RUN, AXE_TAGS)


def small_targets(page: Any) -> list[dict[str, Any]]:
    """Return interactive elements smaller than 72 by 72 CSS px."""
    return page.evaluate(SMALL_TARGETS, MIN_TARGET_PX)


def small_text(page: Any) -> list[dict[str, Any]]:
    """Return visible text smaller than 24 px."""
    return page.evaluate(SMALL_TEXT, MIN_TEXT_PX)


def has_horizontal_scroll(page: Any) -> bool:
    """Tell whether the page scrolls sideways."""
    return page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")


# The share of pixels that differ between two PNGs, decoded by the browser (PNG filters hide the size of
# a change in the raw bytes: a whole button turning yellow changes only the bytes at its edges).
PIXELS_DIFFER = """async ([a, b]) => {
  const load = (src) => new Promise((ok, fail) => { const image = new Image(); image.onload = () => ok(image);
    image.onerror = fail; image.src = src; });
  const [x, y] = await Promise.all([load(a), load(b)]);
  if (x.width !== y.width || x.height !== y.height) return 1;
  const pixels = (image) => { const canvas = new OffscreenCanvas(image.width, image.height);
    const context = canvas.getContext("2d"); context.drawImage(image, 0, 0);
    return context.getImageData(0, 0, image.width, image.height).data; };
  const p = pixels(x), q = pixels(y);
  let differ = 0;
  for (let i = 0; i < p.length; i += 4) if (p[i] !== q[i] || p[i + 1] !== q[i + 1] || p[i + 2] !== q[i + 2]) differ++;
  return differ / (p.length / 4); }"""


def _data_url(png: bytes) -> str:
    """Return a PNG as a data: address."""
    return "data:image/png;base64," + base64.b64encode(png).decode()


def save_screenshot(page: Any, path: Path, tolerance: float = 0.005) -> None:
    """Save a screenshot for the docs, unless the one there differs only by rendering noise."""
    shot = page.screenshot()
    if path.exists():
        # Compared on a blank page of its own, so the page under test (and its policies) is left alone.
        blank = page.context.new_page()
        try:
            differ = blank.evaluate(PIXELS_DIFFER, [_data_url(path.read_bytes()), _data_url(shot)])
        finally:
            blank.close()
        if differ <= tolerance:
            return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(shot)


def choose_text_size(page: Any, base_url: str, size: str) -> None:
    """Pick a text size on the welcome screen, as a visitor would, and wait until it applies."""
    page.goto(base_url + "/en/")
    page.click(f"button[data-text-size={size}]")
    page.wait_for_selector(f"html[data-text-size={size}]")


# Collects every Content-Security-Policy violation the page reports.
CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.__cspViolations.push(
    event.violatedDirective + ' ' + event.blockedURI + ' ' + event.sourceFile + ':' + event.lineNumber);
});
"""


def wait_until(page: Any, predicate: str, arg: Any = None, seconds: float = 10) -> None:
    """Wait until an async predicate evaluated in the page is true (wait_for_function takes a Promise for true)."""
    deadline = time.monotonic() + seconds
    while not page.evaluate(predicate, arg):
        assert time.monotonic() < deadline, f"still false after {seconds} s: {predicate}"
        page.wait_for_timeout(50)
