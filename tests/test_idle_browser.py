"""The idle reset (WCAG 2.2.1), run on Playwright's clock instead of really waiting."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import PORTRAIT

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
    assert not page.is_visible("#kiosk-idle")
    page.clock.run_for(1_000)
    assert page.is_visible("#kiosk-idle")
    assert page.inner_text("#kiosk-idle h2") == "Are you still there?"
    assert "30 seconds" in page.inner_text("#kiosk-idle-countdown")
    page.clock.run_for(5_000)
    assert "25 seconds" in page.inner_text("#kiosk-idle-countdown")
    box = page.locator("[data-idle-stay]").bounding_box()
    assert box["width"] >= 72 and box["height"] >= 72
    viewport = page.viewport_size
    dialog = page.locator("#kiosk-idle").bounding_box()
    assert dialog["width"] == viewport["width"] and dialog["height"] == viewport["height"]


def test_im_still_here_keeps_the_visit(live_server: Any, new_page: Any) -> None:
    page = open_with_clock(live_server, new_page, "/en/topics/symptoms")
    page.clock.run_for(91_000)
    page.tap("[data-idle-stay]")
    assert not page.is_visible("#kiosk-idle")
    page.clock.run_for(60_000)
    assert page.url.endswith("/en/topics/symptoms")
    assert not page.is_visible("#kiosk-idle")


def test_taps_postpone_the_dialog(live_server: Any, new_page: Any) -> None:
    page = open_with_clock(live_server, new_page, "/en/topics/symptoms")
    page.clock.run_for(80_000)
    page.tap("h1")
    page.clock.run_for(80_000)
    assert not page.is_visible("#kiosk-idle")


def test_countdown_end_returns_home_and_clears_every_choice(live_server: Any, new_page: Any) -> None:
    page = open_with_clock(live_server, new_page, "/en/topics")
    page.tap("button[data-text-size=largest]")
    page.wait_for_selector("html[data-text-size=largest]")
    page.tap("[data-contrast-toggle]")
    page.wait_for_selector("html[data-contrast=high]")
    page.tap("a:has-text('Massage')")
    page.wait_for_selector("h1:has-text('How massage can help')")
    page.clock.run_for(91_000 + 30_000)
    page.wait_for_url(live_server.url + "/en/")
    assert page.get_attribute("html", "data-text-size") == "normal"
    assert page.get_attribute("html", "data-contrast") == "normal"
    assert page.evaluate("localStorage.getItem('htmx-history-cache')") is None


def test_idle_reset_clears_the_chosen_language(live_server: Any, new_page: Any) -> None:
    page = open_with_clock(live_server, new_page, "/en/")
    page.click("a[hreflang=ar]")
    page.wait_for_url(live_server.url + "/ar/")
    assert page.get_attribute("html", "dir") == "rtl"
    page.clock.run_for(121_000)
    page.wait_for_url(live_server.url + "/en/")
    assert page.get_attribute("html", "lang") == "en" and page.get_attribute("html", "dir") == "ltr"
