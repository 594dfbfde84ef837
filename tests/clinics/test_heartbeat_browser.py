"""Heartbeats in Debian's Chromium on Playwright's clock: a kiosk page beats on time, and the front desk sees a
kiosk go offline, hears it once, and sees it come back."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from kiosk.core import db
from kiosk.core.models import ClinicKiosk, utcnow
from tests.helpers.app import make_app
from tests.helpers.browser import LANDSCAPE, PORTRAIT
from tests.helpers.desk import PASSWORD, add_account
from tests.helpers.servers import LiveServer

pytestmark = pytest.mark.browser

WATCH = "window.__chimes = []; document.addEventListener('staff:chime', (e) => window.__chimes.push(e.detail.kind));"
KIOSK = "Waiting room"  # the kiosk on the server's own address


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server with CSRF on, as in production, and one front-desk account."""
    app = make_app(tmp_path_factory.mktemp("heartbeat"), KIOSK_NAME=KIOSK)
    add_account(app, "Ana")
    live = LiveServer(app)
    yield live
    live.stop()


def go_quiet(server: LiveServer) -> None:
    """Make the kiosk's last heartbeat two minutes old, as if its screen had been off since."""
    with db.session_scope(server.app) as session:
        session.execute(sa.update(ClinicKiosk).values(last_seen=utcnow() - timedelta(minutes=2)))
        session.commit()


def kiosk_page(new_page: Any, server: LiveServer) -> tuple[Any, list[str]]:
    """Open the kiosk's welcome screen on Playwright's clock; return it and the heartbeats it sends."""
    page = new_page(PORTRAIT)
    beats: list[str] = []
    page.on("request", lambda request: beats.append(request.method) if request.url.endswith("/kiosk/heartbeat") else 0)
    page.clock.install()
    page.goto(server.url + "/en/")
    expect(page.locator("#kiosk-screen")).to_be_visible()
    return page, beats


def test_a_kiosk_page_beats_at_once_and_then_every_thirty_seconds(server: LiveServer, new_page: Any) -> None:
    page, beats = kiosk_page(new_page, server)
    assert_eventually(lambda: beats == ["POST"])
    page.clock.run_for(30_000)
    assert_eventually(lambda: len(beats) == 2)
    page.clock.run_for(60_000)
    assert_eventually(lambda: len(beats) == 4)


def assert_eventually(check: Callable[[], bool]) -> None:
    """Wait (in real time, up to 10 s) for check() to hold: requests leave the page asynchronously."""
    deadline = time.monotonic() + 10
    while not check():
        assert time.monotonic() < deadline
        time.sleep(0.02)


def test_the_desk_sees_a_kiosk_go_offline_hears_it_once_and_sees_it_come_back(
    server: LiveServer, new_page: Any
) -> None:
    kiosk, _beats = kiosk_page(new_page, server)
    desk = new_page(LANDSCAPE)
    desk.add_init_script(WATCH)
    desk.clock.install()
    desk.goto(server.url + "/staff/")
    desk.fill("#login-name", "Ana")
    desk.fill("#login-password", PASSWORD)
    desk.click("button[type=submit]")
    row = desk.locator(f'.staff-kiosk[data-kiosk="{KIOSK}"]')
    expect(row).to_have_attribute("data-online", "true")
    expect(row).to_contain_text("Online")

    kiosk.close()
    go_quiet(server)
    desk.clock.run_for(5_000)  # the panel's next poll
    expect(row).to_have_attribute("data-online", "false")
    expect(row).to_contain_text("Offline")
    expect(row).to_contain_text("(2 minutes ago)")
    expect(desk.locator("#staff-live")).to_have_text(f"The kiosk {KIOSK} is offline.")
    desk.clock.run_for(20_000)  # four more polls: still offline, and no second sound
    expect(row).to_have_attribute("data-online", "false")
    assert desk.evaluate("window.__chimes") == ["kiosk-offline"]
    desk.reload()  # a reload of the dashboard does not sound it again
    expect(desk.locator(f'.staff-kiosk[data-kiosk="{KIOSK}"]')).to_have_attribute("data-online", "false")
    desk.clock.run_for(5_000)
    assert desk.evaluate("window.__chimes") == []

    kiosk_page(new_page, server)  # the screen is back: its page beats at once
    desk.clock.run_for(5_000)
    row = desk.locator(f'.staff-kiosk[data-kiosk="{KIOSK}"]')
    expect(row).to_have_attribute("data-online", "true")
    go_quiet(server)  # and gone again: it sounds again
    desk.clock.run_for(5_000)
    expect(row).to_have_attribute("data-online", "false")
    desk.wait_for_function("() => window.__chimes.length === 1")
