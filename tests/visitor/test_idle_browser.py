"""The idle reset (WCAG 2.2.1), run on Playwright's clock instead of really waiting."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.helpers.browser import PORTRAIT

pytestmark = pytest.mark.browser


def open_with_clock(live_server: Any, new_page: Any, path: str) -> Any:
    """Open a page whose timers run on a controllable clock."""
    page = new_page(PORTRAIT)
    page.clock.install()
    page.goto(live_server.url + path)
    return page


def test_still_there_dialog_appears_after_90_quiet_seconds(live_server: Any, new_page: Any) -> None:
    page = open_with_clock(live_server, new_page, "/en/topics/symptoms")
    page.clock.run_for(89_000)
    expect(page.locator("#kiosk-idle")).to_be_hidden()
    page.clock.run_for(1_000)
    expect(page.locator("#kiosk-idle")).to_be_visible()
    expect(page.locator("#kiosk-idle h2")).to_have_text("Are you still there?")
    expect(page.locator("#kiosk-idle-countdown")).to_contain_text("30 seconds", use_inner_text=True)
    page.clock.run_for(5_000)
    expect(page.locator("#kiosk-idle-countdown")).to_contain_text("25 seconds", use_inner_text=True)
    box = page.locator("[data-idle-stay]").bounding_box()
    assert box["width"] >= 72
    assert box["height"] >= 72
    viewport = page.viewport_size
    dialog = page.locator("#kiosk-idle").bounding_box()
    assert dialog["width"] == viewport["width"]
    assert dialog["height"] == viewport["height"]


def test_im_still_here_keeps_the_visit(live_server: Any, new_page: Any) -> None:
    page = open_with_clock(live_server, new_page, "/en/topics/symptoms")
    page.clock.run_for(91_000)
    page.tap("[data-idle-stay]")
    expect(page.locator("#kiosk-idle")).to_be_hidden()
    page.clock.run_for(60_000)
    expect(page).to_have_url(re.compile(re.escape("/en/topics/symptoms") + "$"))
    expect(page.locator("#kiosk-idle")).to_be_hidden()


def test_taps_postpone_the_dialog(live_server: Any, new_page: Any) -> None:
    page = open_with_clock(live_server, new_page, "/en/topics/symptoms")
    page.clock.run_for(80_000)
    page.tap("h1")
    page.clock.run_for(80_000)
    expect(page.locator("#kiosk-idle")).to_be_hidden()


def test_countdown_end_returns_home_and_clears_every_choice(live_server: Any, new_page: Any) -> None:
    page = open_with_clock(live_server, new_page, "/en/topics")
    page.tap("button[data-text-size=largest]")
    page.wait_for_selector("html[data-text-size=largest]")
    page.tap("[data-contrast-toggle]")
    page.wait_for_selector("html[data-contrast=high]")
    page.tap("a:has-text('Can massage help?')")
    page.wait_for_selector("h1:has-text('Whether massage might help')")
    page.clock.run_for(91_000 + 30_000)
    page.wait_for_url(live_server.url + "/en/")
    expect(page.locator("html")).to_have_attribute("data-text-size", "normal")
    expect(page.locator("html")).to_have_attribute("data-contrast", "normal")
    assert page.evaluate("localStorage.getItem('htmx-history-cache')") is None


def test_idle_reset_clears_the_chosen_language(live_server: Any, new_page: Any) -> None:
    page = open_with_clock(live_server, new_page, "/en/")
    page.click("a[hreflang=ar]")
    page.wait_for_url(live_server.url + "/ar/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    page.clock.run_for(121_000)
    page.wait_for_url(live_server.url + "/en/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
