"""The visitor's "Talk to staff" flow in Debian's Chromium: touch, the keyboard, the ticket, accessibility."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.helpers.browser import (
    LANDSCAPE,
    PORTRAIT,
    axe_violations,
    choose_text_size,
    has_horizontal_scroll,
    small_targets,
    small_text,
)

pytestmark = pytest.mark.browser

FLOW_SCREENS = ["/talk-to-staff", "/talk-to-staff/when?reason=book", "/talk-to-staff/name?reason=book"]


def tap_key(page: Any, key: str) -> None:
    """Tap one key of the visible keyboard."""
    page.locator(f"[data-talk-key='{key}']:visible").tap()


def test_a_visitor_asks_for_staff_by_touch_and_gets_a_big_number(live_server: Any, new_page: Any) -> None:
    page = new_page(PORTRAIT)
    page.goto(live_server.url + "/en/topics")
    page.tap("text=Talk to staff about booking")
    page.tap("[data-reason=book]")
    page.tap("[data-when=another_day]")
    for key in ("z", "o"):
        tap_key(page, key)
    page.tap("[data-talk-layout=accents]")
    tap_key(page, "ë")
    expect(page.locator("#talk-first-name")).to_have_value("Zoë")
    page.tap("[data-talk-send]")
    number = page.locator("[data-ticket-number]")
    number.wait_for()
    assert int(number.inner_text()) >= 1
    expect(page.locator("h1")).to_have_text(f"Your number is {number.inner_text()}")
    assert float(number.evaluate("el => parseFloat(getComputedStyle(el).fontSize)")) >= 96
    expect(page.locator("[data-ticket-name]")).to_have_text("Zoë")
    expect(page.locator("#talk-status")).to_have_attribute("data-state", "waiting")


def test_the_keyboard_switches_to_cyrillic_and_deletes_whole_letters(live_server: Any, new_page: Any) -> None:
    page = new_page(PORTRAIT)
    page.goto(live_server.url + "/en/talk-to-staff/name?reason=question")
    page.tap("[data-talk-layout=cyrillic]")
    expect(page.locator("[data-talk-layout=cyrillic]")).to_have_attribute("aria-pressed", "true")
    name = page.locator("#talk-first-name")
    for key in ("н", "и", "н", "а", "space", "я"):
        tap_key(page, key)
    expect(name).to_have_value("Нина Я")
    tap_key(page, "backspace")
    page.tap("[data-talk-layout=accents]")
    tap_key(page, "\u0301")  # an accent mark needs a letter before it; after a space it does nothing
    expect(name).to_have_value("Нина ")
    tap_key(page, "clear")
    expect(name).to_have_value("")
    page.tap("[data-talk-layout=latin]")
    for _ in range(45):
        tap_key(page, "a")
    expect(name).to_have_value(re.compile(r"^.{40}$"))  # the name stops at 40 letters


def test_a_tone_mark_joins_the_letter_before_it(live_server: Any, new_page: Any) -> None:
    page = new_page(PORTRAIT)
    page.goto(live_server.url + "/vi/talk-to-staff/name?reason=book")
    page.tap("[data-talk-layout=latin]")
    tap_key(page, "a")
    page.tap("[data-talk-layout=accents]")
    tap_key(page, "\u0301")
    expect(page.locator("#talk-first-name")).to_have_value("Á")
    tap_key(page, "backspace")
    expect(page.locator("#talk-first-name")).to_have_value("")


def test_the_visitor_can_cancel_and_ask_again(live_server: Any, new_page: Any) -> None:
    page = new_page(PORTRAIT)
    page.goto(live_server.url + "/en/talk-to-staff/name?reason=other")
    page.tap("text=Send without a name")
    page.locator("[data-ticket-number]").wait_for()
    page.tap("text=Cancel my request")
    page.tap("text=Yes, cancel it")
    page.locator("#talk-status[data-state=cancelled]").wait_for()
    page.tap("text=Ask for help again")
    page.locator("[data-reason=book]").wait_for()


@pytest.mark.parametrize("viewport", [PORTRAIT, LANDSCAPE], ids=["portrait", "landscape"])
@pytest.mark.parametrize("contrast", ["normal", "high"])
def test_every_flow_screen_and_the_ticket_pass_axe_aaa(
    live_server: Any, new_page: Any, viewport: dict[str, int], contrast: str
) -> None:
    page = new_page(viewport)
    if contrast == "high":
        page.goto(live_server.url + "/en/")
        page.click("[data-contrast-toggle]")
        page.wait_for_selector("html[data-contrast=high]")
    failures = {}
    for path in FLOW_SCREENS:
        page.goto(f"{live_server.url}/en{path}")
        failures[path] = axe_violations(page)
    page.tap("[data-talk-send]")
    page.locator("[data-ticket-number]").wait_for()
    failures["ticket"] = axe_violations(page)
    page.goto(live_server.url + "/en/talk-to-staff/ticket/cancel")
    failures["cancel"] = axe_violations(page)
    page.goto(live_server.url + "/en/talk-to-staff/ticket")
    page.tap("text=Cancel my request")
    page.tap("text=Yes, cancel it")
    page.locator("#talk-status[data-state=cancelled]").wait_for()
    failures["cancelled"] = axe_violations(page)
    assert {path: found for path, found in failures.items() if found} == {}


@pytest.mark.parametrize("size", ["normal", "largest"])
def test_flow_targets_are_at_least_72px_and_text_at_least_24px(live_server: Any, new_page: Any, size: str) -> None:
    page = new_page(PORTRAIT)
    choose_text_size(page, live_server.url, size)
    problems = {}
    for path in FLOW_SCREENS:
        page.goto(f"{live_server.url}/en{path}")
        for layout in ("latin", "accents", "cyrillic", "arabic") if "name" in path else ("",):
            if layout:
                page.click(f"[data-talk-layout={layout}]")
            targets, text = small_targets(page), small_text(page)
            if targets or text:
                problems[f"{path} {layout}"] = {"targets": targets, "text": text}
    page.tap("[data-talk-send]")
    page.locator("[data-ticket-number]").wait_for()
    if small_targets(page) or small_text(page):
        problems["ticket"] = {"targets": small_targets(page), "text": small_text(page)}
    assert problems == {}


def test_the_keyboard_never_scrolls_sideways_at_200_percent_text(live_server: Any, new_page: Any) -> None:
    scrolling = []
    for viewport in (PORTRAIT, LANDSCAPE):
        page = new_page(viewport)
        page.goto(live_server.url + "/ar/talk-to-staff/name?reason=book")
        page.evaluate("document.documentElement.style.fontSize = '300%'")
        for layout in ("arabic", "cyrillic", "accents", "latin"):
            page.click(f"[data-talk-layout={layout}]")
            if has_horizontal_scroll(page):
                scrolling.append((viewport["width"], layout))
    assert scrolling == []
