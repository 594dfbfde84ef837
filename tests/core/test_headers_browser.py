"""The Content-Security-Policy in Debian's Chromium: no page of the kiosk or the staff screens breaks it, in any
of their states (urgent, refused, offline, unreachable, recording, the service worker's offline page) and with
the CSP in force."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import expect

from kiosk.core import db
from kiosk.core.models import utcnow
from kiosk.talk import tickets, urgent
from tests.helpers.app import make_app
from tests.helpers.browser import CSP_VIOLATIONS, LANDSCAPE, PORTRAIT, wait_until
from tests.helpers.desk import PASSWORD, add_account
from tests.helpers.editor import entry_for, store_of
from tests.helpers.servers import LiveServer
from tests.helpers.speech_mode import RECORD, hear_button, speech_on

pytestmark = pytest.mark.browser

VISITOR_PAGES = [
    "/en/",
    "/en/topics",
    "/en/topics/symptoms",
    "/ar/topics/causes",
    "/en/talk-to-staff",
    "/en/language?next=/en/topics",
    "/en/new-visit",
    "/en/offline",
]
STAFF_PAGES = ["/staff/", "/staff/history", "/staff/translations/", "/staff/translations/fr/"]
GET_HELP = ".kiosk-dock [data-get-help] button"
RECORDED = "Sciatica is pain that comes from the sciatic nerve."


def violations(page: Any) -> list[str]:
    """Return the CSP violations the page has reported so far."""
    return list(page.evaluate("window.__cspViolations"))


def enforcing(new_page: Any, viewport: Any = PORTRAIT) -> Any:
    """A page with the app's CSP in force, recording every violation."""
    page = new_page(viewport, bypass_csp=False)
    page.add_init_script(CSP_VIOLATIONS)
    return page


def test_no_page_breaks_the_content_security_policy(new_page: Any, live_server: LiveServer) -> None:
    add_account(live_server.app, "Csp", "front_desk", "translator")
    page = new_page(LANDSCAPE, bypass_csp=False)
    page.add_init_script(CSP_VIOLATIONS)
    found = {}
    for path in VISITOR_PAGES:
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
        found[path] = violations(page)
    page.goto(live_server.url + "/staff/login")
    page.fill("#login-name", "Csp")
    page.fill("#login-password", PASSWORD)
    page.click("button[type=submit]")
    page.locator("#staff-requests").wait_for()
    for path in STAFF_PAGES:
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
        found[path] = violations(page)
    assert {path: seen for path, seen in found.items() if seen} == {}


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    """A server of this test's own (its database is broken on purpose), with form tokens checked."""
    app = make_app(tmp_path / "data")
    add_account(app, "Csp", "front_desk", "translator")
    running = LiveServer(app)
    yield running
    running.stop()
    app.extensions["kiosk_speech"].close()


def break_database(app: Flask, broken: bool) -> None:
    """Take the requests table away (as an outage does, for the kiosk), or put it back."""
    old, new = ("tickets", "tickets_away") if broken else ("tickets_away", "tickets")
    with app.extensions["kiosk_db"]["engine"].begin() as connection:
        connection.exec_driver_sql(f"ALTER TABLE {old} RENAME TO {new}")


def test_the_talk_and_urgent_screens_keep_to_the_csp_in_every_state(server: LiveServer, new_page: Any) -> None:
    found: dict[str, list[str]] = {}
    url = server.url

    page = enforcing(new_page)
    page.goto(url + "/en/")
    page.tap(GET_HELP)
    expect(page.locator("#talk-status")).to_have_attribute("data-state", "waiting")
    found["urgent, waiting"] = violations(page)
    page.goto(url + "/en/topics/urgent-help")
    found["urgent care cards"] = violations(page)

    page = enforcing(new_page)
    page.goto(url + "/en/talk-to-staff")
    page.tap("[data-reason=book]")
    page.locator("[data-when]").first.tap()
    page.locator("[data-talk-send]").wait_for()
    found["reason, when, name"] = violations(page)
    page.tap("[data-talk-send]")
    expect(page.locator("#talk-status")).to_have_attribute("data-state", "waiting")
    page.goto(url + "/en/talk-to-staff/ticket/cancel")
    page.goto(url + "/en/talk-to-staff/ticket")
    found["ticket, cancel"] = violations(page)

    # The database goes away: the waiting ticket says staff can't be reached, Get help now says it could not call.
    break_database(server.app, True)
    try:
        expect(page.locator("#talk-status")).to_have_attribute("data-state", "unreachable", timeout=15_000)
        found["ticket, unreachable"] = violations(page)
        failed = enforcing(new_page)
        failed.goto(url + "/fr/")
        failed.tap(GET_HELP)
        expect(failed.locator("#talk-status")).to_have_attribute("data-state", "failed", timeout=8000)
        found["urgent, failed"] = violations(failed)
    finally:
        break_database(server.app, False)
    expect(page.locator("#talk-status")).to_have_attribute("data-state", "waiting", timeout=15_000)

    offline = enforcing(new_page)
    offline.goto(url + "/en/topics")
    offline.route("**/talk-to-staff/urgent", lambda route: route.abort())
    offline.tap(GET_HELP)
    expect(offline.locator(".kiosk-dock [data-get-help-offline]")).to_be_visible()
    found["get help, offline"] = violations(offline)

    # A screen that is not a known kiosk.
    server.app.config["KIOSK_LOOPBACK"] = False
    try:
        refused = enforcing(new_page)
        refused.goto(url + "/en/talk-to-staff")
        expect(refused.locator("h1")).to_have_text("Please ask at the front desk")
        refused.goto(url + "/en/")
        refused.tap(GET_HELP)
        expect(refused.locator("#talk-status")).to_have_attribute("data-state", "refused")
        found["refused"] = violations(refused)
    finally:
        server.app.config["KIOSK_LOOPBACK"] = True
    assert {where: seen for where, seen in found.items() if seen} == {}


def test_the_dashboard_and_the_editors_sound_screens_keep_to_the_csp(server: LiveServer, new_page: Any) -> None:
    app = server.app
    with db.session_scope(app) as session:
        urgent.call(session, visit="visit-csp-urgent-aaaaaa", kiosk="Hall", zone=None, language="ar")
        # Asked ten minutes ago: escalated on the dashboard.
        tickets.create(
            session,
            visit="visit-csp-late-aaaaaaaa",
            kiosk="Hall",
            reason="book",
            when=None,
            first_name="Ana",
            zone=None,
            now=utcnow() - timedelta(minutes=10),
        )
    entry = entry_for(store_of(app), "fil", RECORDED)
    causes = entry_for(store_of(app), "ru", "Causes")
    found: dict[str, list[str]] = {}
    page = enforcing(new_page, LANDSCAPE)
    page.goto(server.url + "/staff/login")
    page.fill("#login-name", "Csp")
    page.fill("#login-password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("[data-urgent=true]")).to_have_count(1)
    expect(page.locator(".staff-request--late")).not_to_have_count(0)
    page.locator("h1").click()
    found["dashboard, urgent and late"] = violations(page)
    page.route("**/staff/requests*", lambda route: route.abort())
    expect(page.locator("[data-offline]")).to_be_visible()
    found["dashboard, offline"] = violations(page)
    page.unroute("**/staff/requests*")
    for path in (
        "/staff/history",
        "/staff/recordings/",
        "/staff/recordings/fil/",
        f"/staff/recordings/fil/{entry.id}",
        "/staff/translations/ru/pronunciation",
    ):
        page.goto(server.url + path)
        page.wait_for_load_state("networkidle")
        found[path] = violations(page)
    expect(page.locator("#lexicon-word")).to_be_visible()
    page.goto(server.url + "/staff/translations/ru/?q=Causes")
    page.fill(f"#t-{causes.id}-0", "Причины ишиаса")
    with page.expect_response(lambda answer: "/listen.mp3?text=" in answer.url) as answer:
        page.locator(f"#sound-{causes.id} [data-sound-listen]").click()
    assert answer.value.status == 200
    found["editor, Listen"] = violations(page)
    assert {where: seen for where, seen in found.items() if seen} == {}


def test_the_service_worker_and_its_offline_page_keep_to_the_csp(server: LiveServer, new_page: Any) -> None:
    page = enforcing(new_page)
    page.goto(server.url + "/es/topics/symptoms")
    # The worker registers and installs under the CSP (worker-src 'self'), keeping this language's offline page.
    wait_until(page, "() => navigator.serviceWorker.controller !== null")
    wait_until(page, "async (path) => !!(await caches.match(path))", "/es/offline")
    found = {"worker installed": violations(page)}
    # The ticket chip in the dock, polled under the CSP too.
    page.goto(server.url + "/es/talk-to-staff/name?reason=question")
    page.tap("[data-talk-send]")
    page.locator("[data-ticket-number]").wait_for()
    page.goto(server.url + "/es/topics")
    expect(page.locator("#talk-chip")).to_be_visible()
    found["ticket chip"] = violations(page)
    server.stop()
    # The server is away: the worker answers with the kept offline page, whose kept headers carry the CSP.
    page.tap("a[href='/es/topics/causes']")
    page.wait_for_selector("html[data-kiosk=offline][lang=es]", state="attached")
    expect(page.locator(".kiosk-offline__flags h2")).to_be_visible()
    found["offline page from the worker"] = violations(page)
    assert {where: seen for where, seen in found.items() if seen} == {}


def test_speech_mode_keeps_to_the_csp(live_server: LiveServer, new_page: Any) -> None:
    page = enforcing(new_page)
    page.add_init_script(RECORD)  # counts the clips the page plays
    page.goto(live_server.url + "/en/topics/symptoms")
    hear_button(page).tap()
    speech_on(page)
    # Its clips are fetched, turned into blob: addresses and played through Web Audio, all under the CSP.
    wait_until(page, "() => window.__played.length > 0", seconds=30)
    played = page.evaluate("window.__played.length")
    page.get_by_role("heading", level=1).tap()
    wait_until(page, "(count) => window.__played.length > count", played, seconds=30)
    assert violations(page) == []
