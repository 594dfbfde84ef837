"""Taps answer at once (static/visitor/feedback.js): pressed straight away, busy after 300 ms, on Playwright's clock."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.helpers.browser import PORTRAIT
from tests.helpers.servers import LiveServer

pytestmark = pytest.mark.browser

# Reports every busy control on the console: the old page cannot be read once its navigation has begun.
REPORT_BUSY = """document.addEventListener("DOMContentLoaded", () => new MutationObserver((changes) => {
  for (const change of changes) if (change.target.getAttribute("aria-busy") === "true")
    console.log("busy: " + change.target.textContent.trim());
}).observe(document.body, {attributes: true, subtree: true, attributeFilter: ["aria-busy"]}));"""


def freeze_clock(page: Any) -> None:
    """Stop the page's clock where it is: from now on only run_for moves it."""
    page.clock.pause_at(page.evaluate("Date.now()") + 1)


def test_a_slow_tap_looks_pressed_at_once_and_busy_after_300_ms(slowed: LiveServer, new_page: Any) -> None:
    assert slowed.slow is not None
    slowed.slow.delays["/en/topics/symptoms"] = 2.0
    page = new_page(PORTRAIT)
    page.clock.install()
    page.goto(slowed.url + "/en/topics")
    freeze_clock(page)
    tile = page.locator("a:has-text('Symptoms')")
    box = tile.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    # The finger is down: pressed before anything else happens.
    expect(tile).to_have_attribute("data-pressed", "")
    page.mouse.up()
    expect(tile).to_have_attribute("data-pressed", "")
    expect(tile).not_to_have_attribute("aria-busy", "true")
    page.clock.run_for(299)
    expect(tile).not_to_have_attribute("aria-busy", "true")
    page.clock.run_for(2)
    expect(tile).to_have_attribute("aria-busy", "true")
    assert page.evaluate("(el) => getComputedStyle(el, '::after').content", tile.element_handle()) != "none"
    expect(page.locator("h1")).to_contain_text("Symptoms", timeout=10_000)
    expect(page.locator("[aria-busy=true], [data-pressed]")).to_have_count(0)


def test_a_quick_answer_never_shows_busy(live_server: LiveServer, new_page: Any) -> None:
    page = new_page(PORTRAIT)
    page.clock.install()
    page.goto(live_server.url + "/en/topics")
    page.tap("a:has-text('Causes')")
    expect(page.locator("h1")).to_contain_text("What causes sciatica?")
    page.clock.run_for(1_000)
    expect(page.locator("[aria-busy=true], [data-busy]")).to_have_count(0)


def test_a_full_page_load_shows_busy_too(slowed: LiveServer, new_page: Any) -> None:
    assert slowed.slow is not None
    slowed.slow.delays["/es/"] = 2.0
    page = new_page(PORTRAIT)
    busy: list[str] = []
    page.on("console", lambda message: busy.append(message.text) if message.text.startswith("busy:") else None)
    page.add_init_script(REPORT_BUSY)
    page.goto(slowed.url + "/en/")
    page.tap("a[hreflang=es]")
    page.wait_for_url(slowed.url + "/es/", timeout=10_000)
    assert busy == ["busy: Español"]


def test_a_poll_never_marks_anything_busy(live_server: LiveServer, new_page: Any) -> None:
    page = new_page(PORTRAIT)
    page.clock.install()
    page.goto(live_server.url + "/en/talk-to-staff/name?reason=other")
    page.tap("text=Send without a name")
    page.locator("[data-ticket-number]").wait_for()
    page.clock.run_for(20_000)  # ten polls of the ticket's status
    expect(page.locator("[aria-busy=true], [data-busy]")).to_have_count(0)
