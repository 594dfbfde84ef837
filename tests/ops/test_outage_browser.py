"""What a visitor sees in Chromium when the staff can't be reached: said plainly, accessible, and healed by itself."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import expect

from tests.helpers.app import make_app
from tests.helpers.browser import LANDSCAPE, PORTRAIT, axe_violations, choose_text_size, small_targets, small_text
from tests.helpers.servers import LiveServer

pytestmark = pytest.mark.browser


@pytest.fixture
def kiosk(tmp_path: Path) -> Iterator[tuple[Flask, LiveServer]]:
    """A server of this test's own, whose database the test may break."""
    app = make_app(tmp_path / "data")
    server = LiveServer(app)
    yield app, server
    server.stop()


def break_database(app: Flask, broken: bool) -> None:
    """Take the requests table away (as an outage does, for the kiosk), or put it back."""
    old, new = ("tickets", "tickets_away") if broken else ("tickets_away", "tickets")
    with app.extensions["kiosk_db"]["engine"].begin() as connection:
        connection.exec_driver_sql(f"ALTER TABLE {old} RENAME TO {new}")


@pytest.mark.parametrize("viewport", [PORTRAIT, LANDSCAPE], ids=["portrait", "landscape"])
def test_a_waiting_visitor_is_told_plainly_and_the_screen_heals_by_itself(
    kiosk: tuple[Flask, LiveServer], new_page: Any, viewport: Any
) -> None:
    app, server = kiosk
    page = new_page(viewport)
    choose_text_size(page, server.url, "largest")
    page.goto(server.url + "/en/talk-to-staff/name?reason=question")
    page.tap("[data-talk-send]")
    expect(page.locator("#talk-status")).to_have_attribute("data-state", "waiting")

    break_database(app, True)
    status = page.locator("#talk-status")
    expect(status).to_have_attribute("data-state", "unreachable", timeout=15_000)
    expect(status).to_contain_text("can't reach the staff from this screen right now")
    expect(page.locator("[data-ticket-number]")).to_be_visible()  # the number stays on screen
    assert axe_violations(page) == []
    assert small_targets(page) == []
    assert small_text(page) == []

    break_database(app, False)
    expect(status).to_have_attribute("data-state", "waiting", timeout=15_000)


def test_asking_during_an_outage_says_so_in_the_visitors_language(
    kiosk: tuple[Flask, LiveServer], new_page: Any
) -> None:
    app, server = kiosk
    page = new_page(PORTRAIT)
    page.goto(server.url + "/ar/talk-to-staff/name?reason=book")
    break_database(app, True)
    try:
        page.tap("[data-talk-send]")
        # The page's own alert; the dock's Get help now keeps its (hidden) offline alert ready as well.
        expect(page.locator("[role=alert]:visible")).to_have_count(1)
        assert page.locator("html").get_attribute("dir") == "rtl"
        assert axe_violations(page) == []
        # Back to the pages, which keep working.
        page.goto(server.url + "/ar/topics")
        expect(page.locator("h1")).to_be_visible()
    finally:
        break_database(app, False)
