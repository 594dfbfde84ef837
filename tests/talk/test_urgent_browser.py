"""Get help now in Debian's Chromium: one tap in every language reaches a logged-in dashboard as urgent, with its
siren; the screen outlasts the idle reset until staff answer; it looks unlike booking, even in high contrast."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from kiosk import config
from kiosk.core import db
from kiosk.core.models import Ticket
from kiosk.talk import tickets, urgent
from tests.helpers.app import make_app
from tests.helpers.browser import LANDSCAPE, PORTRAIT, axe_violations, small_targets, small_text
from tests.helpers.desk import PASSWORD, add_account
from tests.helpers.servers import LiveServer

pytestmark = pytest.mark.browser

# Records every sound the dashboard plays (staff.js announces each one), before the page's own scripts run.
WATCH = """
window.__chimes = [];
document.addEventListener('staff:chime', (event) => window.__chimes.push(event.detail));
"""
HOLD_SECONDS = 240
GET_HELP = ".kiosk-dock [data-get-help] button"
TAGS = [code.replace("_", "-") for code in config.LANGUAGES]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server with form tokens checked, as in production, one front-desk account and a shorter hold."""
    app = make_app(tmp_path_factory.mktemp("urgent"), URGENT_HOLD_SECONDS=HOLD_SECONDS)
    add_account(app, "Ana")
    running = LiveServer(app)
    yield running
    running.stop()


def open_dashboard(new_page: Any, server: LiveServer, clock: bool = False) -> Any:
    """Log in through the form and wait for the dashboard."""
    page = new_page(LANDSCAPE)
    page.add_init_script(WATCH)
    if clock:
        page.clock.install()
    page.goto(server.url + "/staff/")
    page.fill("#login-name", "Ana")
    page.fill("#login-password", PASSWORD)
    page.click("button[type=submit]")
    page.locator("#staff-requests").wait_for()
    page.click("h1")  # the first click lets the page play sound
    return page


def urgent_chimes(page: Any) -> int:
    """How many times the dashboard has sounded the urgent siren."""
    return int(page.evaluate("window.__chimes.filter((chime) => chime.kind === 'urgent').length"))


def newest_ticket(server: LiveServer) -> Ticket:
    """The request stored last."""
    with db.session_scope(server.app) as session:
        found = session.scalar(sa.select(Ticket).order_by(Ticket.id.desc()).limit(1))
        assert found is not None
        return found


def test_get_help_now_in_every_language_reaches_the_dashboard_as_urgent_with_its_siren(
    server: LiveServer, new_page: Any
) -> None:
    desk = open_dashboard(new_page, server)
    for tag in TAGS:
        kiosk = new_page(PORTRAIT)
        kiosk.goto(f"{server.url}/{tag}/")
        heard = urgent_chimes(desk)
        kiosk.tap(GET_HELP)
        expect(kiosk.locator("html")).to_have_attribute("lang", tag)
        expect(kiosk.locator("#talk-status")).to_have_attribute("data-state", "waiting")
        expect(kiosk.locator("[data-emergency-number] [aria-hidden=true]")).to_have_text("112")
        ticket = newest_ticket(server)
        assert ticket.is_urgent, tag
        item = desk.locator(f"#request-{ticket.id}")
        expect(item).to_have_attribute("data-urgent", "true", timeout=5000)
        expect(item.locator(".staff-request__urgent strong")).to_have_text("URGENT")
        # First in the list, and the siren sounded for it (not the booking chime).
        expect(desk.locator(".staff-request").first).to_have_attribute("data-urgent", "true")
        desk.wait_for_function(f"window.__chimes.filter((c) => c.kind === 'urgent').length > {heard}")
        item.locator("[data-action=acknowledge]").click()
        expect(item).to_have_attribute("data-status", "acknowledged")
        if tag in ("en", "ar"):
            expect(kiosk.locator("#talk-status")).to_have_attribute("data-state", "acknowledged", timeout=6000)
        # Done on the dashboard waits 5 s for an Undo (tests/staff/test_desk_browser.py); closed here directly.
        with db.session_scope(server.app) as session:
            tickets.act(session, ticket.id, "done")
        expect(item).to_be_hidden()
    assert [chime for chime in desk.evaluate("window.__chimes") if chime["kind"] == "new"] == []


def test_the_siren_repeats_until_someone_answers_whatever_the_sound_switch_says(
    server: LiveServer, new_page: Any
) -> None:
    with db.session_scope(server.app) as session:
        ticket = urgent.call(session, visit="visit-sirenaaaaaaaaaaa", kiosk="Hall", zone=None).ticket
    desk = open_dashboard(new_page, server, clock=True)
    desk.locator("[data-chime-toggle]").click()  # the sound switch quiets chimes, not an emergency
    expect(desk.locator("[data-chime-toggle]")).to_have_attribute("aria-pressed", "false")
    desk.wait_for_function("window.__chimes.some((c) => c.kind === 'urgent')")
    assert desk.evaluate("window.__chimes.filter((c) => c.kind === 'urgent')[0].sound") is True
    expect(desk).to_have_title(re.compile("^URGENT – "))
    first = urgent_chimes(desk)
    desk.clock.run_for(5_000)
    desk.clock.run_for(5_000)
    assert urgent_chimes(desk) >= first + 2
    desk.locator(f"#request-{ticket.id} [data-action=acknowledge]").click()
    expect(desk.locator(f"#request-{ticket.id}")).to_have_attribute("data-status", "acknowledged")
    answered = urgent_chimes(desk)
    desk.clock.run_for(20_000)
    assert urgent_chimes(desk) == answered
    expect(desk).not_to_have_title(re.compile("URGENT"))
    desk.locator(f"#request-{ticket.id} [data-action=done]").click()


def test_the_urgent_screen_outlasts_the_idle_reset_until_staff_answer(server: LiveServer, new_page: Any) -> None:
    kiosk = new_page(PORTRAIT)
    kiosk.clock.install()
    kiosk.goto(f"{server.url}/en/topics")
    kiosk.tap(GET_HELP)
    expect(kiosk.locator("#talk-status")).to_have_attribute("data-state", "waiting")
    idle = config.IDLE_SECONDS + config.IDLE_COUNTDOWN_SECONDS
    kiosk.clock.run_for((idle + 30) * 1000)
    expect(kiosk.locator("#kiosk-idle")).to_be_hidden()
    expect(kiosk).to_have_url(re.compile(r"/en/talk-to-staff/urgent$"))
    ticket = newest_ticket(server)
    with db.session_scope(server.app) as session:
        tickets.act(session, ticket.id, "acknowledge")
    kiosk.clock.run_for(config.KIOSK_POLL_SECONDS * 1000)
    expect(kiosk.locator("#talk-status")).to_have_attribute("data-state", "acknowledged")
    kiosk.clock.run_for((idle + config.IDLE_SECONDS) * 1000)
    kiosk.wait_for_url(server.url + "/en/")
    with db.session_scope(server.app) as session:
        tickets.act(session, ticket.id, "done")


def test_a_visitor_who_walks_away_leaves_the_call_up_for_the_hold_then_the_kiosk_resets(
    server: LiveServer, new_page: Any
) -> None:
    kiosk = new_page(PORTRAIT)
    kiosk.clock.install()
    kiosk.goto(f"{server.url}/es/")
    kiosk.tap(GET_HELP)
    expect(kiosk.locator("#talk-status")).to_have_attribute("data-state", "waiting")
    kiosk.clock.run_for((HOLD_SECONDS - 10) * 1000)
    expect(kiosk.locator("#kiosk-idle")).to_be_hidden()
    expect(kiosk.locator("[data-emergency-number]")).to_be_visible()
    kiosk.clock.run_for((config.IDLE_SECONDS + config.IDLE_COUNTDOWN_SECONDS + 10) * 1000)
    kiosk.wait_for_url(server.url + "/en/")
    ticket = newest_ticket(server)
    # Walking away changes nothing for staff: it is still urgent and waiting on the dashboard.
    assert (ticket.is_urgent, ticket.status) == (True, "waiting")
    with db.session_scope(server.app) as session:
        tickets.act(session, ticket.id, "done")


@pytest.mark.parametrize("contrast", ["normal", "high"])
def test_get_help_now_looks_unlike_booking_and_the_urgent_screen_passes_axe(
    server: LiveServer, new_page: Any, contrast: str
) -> None:
    failures = {}
    for viewport in (PORTRAIT, LANDSCAPE):
        page = new_page(viewport)
        page.goto(f"{server.url}/en/")
        if contrast == "high":
            page.click("[data-contrast-toggle]")
            page.wait_for_selector("html[data-contrast=high]")
        look = """(selector) => { const s = getComputedStyle(document.querySelector(selector));
            return [s.backgroundColor, s.color, s.borderStyle, s.boxShadow]; }"""
        help_look = page.evaluate(look, GET_HELP)
        booking_look = page.evaluate(look, ".kiosk-dock__cta")
        assert help_look[0] != booking_look[0], (contrast, help_look, booking_look)
        # A hazard ring inside the frame, which no other button has; in normal contrast a double frame too
        # (in high contrast booking has the double frame, and urgent is the only solid yellow).
        assert "inset" in help_look[3], help_look
        assert booking_look[3] == "none", booking_look
        if contrast == "normal":
            assert help_look[2] != booking_look[2]
        page.tap(GET_HELP)
        expect(page.locator("#talk-status")).to_have_attribute("data-state", "waiting")
        failures[f"{viewport['width']} waiting"] = axe_violations(page)
        page.goto(f"{server.url}/en/topics/urgent-help")
        failures[f"{viewport['width']} cards"] = axe_violations(page)
        with db.session_scope(server.app) as session:
            tickets.act(session, newest_ticket(server).id, "done")
    assert {where: found for where, found in failures.items() if found} == {}


@pytest.mark.parametrize("viewport", [PORTRAIT, LANDSCAPE], ids=["portrait", "landscape"])
def test_the_urgent_screen_shows_status_and_number_unscrolled_at_the_largest_size(
    server: LiveServer, new_page: Any, viewport: dict[str, int]
) -> None:
    page = new_page(viewport)
    page.goto(f"{server.url}/ar/")
    page.click("button[data-text-size=largest]")
    page.wait_for_selector("html[data-text-size=largest]")
    page.tap(GET_HELP)
    expect(page.locator("#talk-status")).to_have_attribute("data-state", "waiting")
    assert small_targets(page) == []
    assert small_text(page) == []
    # The status and every digit of the number are in view and on top: nothing covers them, no scrolling.
    for selector in ("#talk-status .talk-status__message", "[data-emergency-number]"):
        on_top = page.evaluate(
            """(selector) => { const el = document.querySelector(selector); const r = el.getBoundingClientRect();
                 if (r.bottom > innerHeight || r.top < 0) return false;
                 const hit = document.elementFromPoint(r.left + r.width / 2, r.bottom - 2);
                 return el.contains(hit) || hit === el.parentElement; }""",
            selector,
        )
        assert on_top, selector
    expect(page.locator(".kiosk-dock__cta")).to_have_count(0)  # booking stays apart from an emergency
    with db.session_scope(server.app) as session:
        tickets.act(session, newest_ticket(server).id, "done")


def test_a_locked_database_in_the_browser_still_shows_the_number_and_the_signs(tmp_path: Path, new_page: Any) -> None:
    app = make_app(tmp_path / "data")
    server = LiveServer(app)
    stuck = sqlite3.connect(tmp_path / "data" / "kiosk.sqlite3", isolation_level=None)
    try:
        page = new_page(PORTRAIT)
        page.goto(f"{server.url}/fr/")
        stuck.execute("BEGIN IMMEDIATE")
        page.tap(GET_HELP)
        failed = page.locator("#talk-status[data-state=failed]")
        expect(failed).to_be_visible(timeout=8000)
        expect(failed).to_have_attribute("role", "alert")
        expect(page.locator("[data-emergency-number] [aria-hidden=true]")).to_have_text("112")
        expect(page.locator(".talk-urgent__signs li")).to_have_count(9)
        stuck.execute("ROLLBACK")
        page.locator(".talk-urgent__retry button").tap()
        expect(page.locator("#talk-status")).to_have_attribute("data-state", "waiting")
    finally:
        if stuck.in_transaction:
            stuck.execute("ROLLBACK")
        stuck.close()
        server.stop()


def test_a_kiosk_that_cannot_reach_its_server_still_says_to_call_the_number(server: LiveServer, new_page: Any) -> None:
    page = new_page(PORTRAIT)
    page.goto(f"{server.url}/en/topics")
    page.route("**/talk-to-staff/urgent", lambda route: route.abort())
    page.tap(GET_HELP)
    note = page.locator(".kiosk-dock [data-get-help-offline]")
    expect(note).to_be_visible()
    expect(note).to_have_text("We could not reach the staff. Call 112 now, or go to the front desk.")
