"""The front-desk dashboard in Debian's Chromium: live updates, the chime, escalation, and names as text."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from kiosk.core import db
from kiosk.talk import tickets
from tests.helpers.app import make_app
from tests.helpers.browser import LANDSCAPE, PORTRAIT, axe_violations
from tests.helpers.desk import PASSWORD, add_account
from tests.helpers.servers import LiveServer

pytestmark = pytest.mark.browser

# Records chimes and anything an injected script might do, before the page's own scripts run.
WATCH = """
window.__chimes = []; window.__xss = [];
window.alert = (value) => window.__xss.push('alert:' + value);
document.addEventListener('staff:chime', (event) => window.__chimes.push(event.detail));
"""


@pytest.fixture(scope="module")
def desk_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server with CSRF on, as in production, and one front-desk account."""
    app = make_app(tmp_path_factory.mktemp("desk"), ESCALATE_AFTER_SECONDS=600)
    add_account(app, "Ana")
    server = LiveServer(app)
    yield server
    server.stop()


def open_dashboard(new_page: Any, server: LiveServer) -> Any:
    """Log in through the form and wait for the dashboard."""
    page = new_page(LANDSCAPE)
    page.add_init_script(WATCH)
    page.goto(server.url + "/staff/")
    page.fill("#login-name", "Ana")
    page.fill("#login-password", PASSWORD)
    page.click("button[type=submit]")
    page.locator("#staff-requests").wait_for()
    return page


def store_request(server: LiveServer, visit: str, **fields: Any) -> int:
    """Store a request as a kiosk would, and return its number."""
    values = {"kiosk": "Hall", "reason": "book", "when": None, "first_name": "Ana", "zone": UTC, **fields}
    with db.session_scope(server.app) as session:
        return tickets.create(session, visit=visit, **values).number


PAYLOADS = [
    "<script>__xss.push('script')</script>",
    "<img src=x onerror=__xss.push('img')>",
    "<svg onload=__xss.push('svg')>",
    '"><img src=x onerror=alert(1)>',
    "{{7*7}}<b>bold</b>",
]


def test_a_name_on_the_dashboard_never_runs_as_script(desk_server: LiveServer, new_page: Any) -> None:
    numbers = [
        store_request(desk_server, f"visit-xss-first-{i}aaaaa", first_name=name) for i, name in enumerate(PAYLOADS[:2])
    ]
    page = open_dashboard(new_page, desk_server)
    # The rest arrive through the htmx swap, the path most likely to run a script.
    numbers += [
        store_request(desk_server, f"visit-xss-later-{i}aaaaa", first_name=name) for i, name in enumerate(PAYLOADS[2:])
    ]
    page.wait_for_function("n => document.querySelectorAll('[data-ticket-id]').length >= n", arg=len(numbers))
    # A swapped-in script runs during the swap and an image's onerror as soon as its request to this server
    # fails; the panel's next poll is sent after that swap, so by its answer either would have run.
    page.wait_for_event("response", lambda response: response.url.startswith(desk_server.url + "/staff/requests"))
    shown = page.locator("[data-name] bdi").all_inner_texts()
    for payload in PAYLOADS:
        assert payload in shown
    assert page.evaluate("window.__xss") == []
    expect(page.locator("[data-name] img, [data-name] script, [data-name] svg, [data-name] b")).to_have_count(0)


def test_a_new_request_appears_within_two_seconds_with_a_chime_and_highlight(
    desk_server: LiveServer, new_page: Any
) -> None:
    page = open_dashboard(new_page, desk_server)
    page.click("body")  # the first click lets the page play sound
    kiosk = new_page(PORTRAIT)
    kiosk.goto(desk_server.url + "/en/talk-to-staff/name?reason=book")
    for key in ("p", "i", "a"):
        kiosk.locator(f"[data-talk-key='{key}']:visible").tap()
    kiosk.tap("[data-talk-send]")
    number = kiosk.locator("[data-ticket-number]").inner_text()
    tapped = time.monotonic()
    item = page.locator(f".staff-request:has(.staff-request__number:text-is('{number}'))")
    item.wait_for(timeout=2000)
    assert time.monotonic() - tapped < 2
    expect(item).to_contain_text("Pia", use_inner_text=True)
    # Read once, not awaited: the highlight must be there the moment the request shows, not a moment later.
    assert "staff-request--new" in (item.get_attribute("class") or "")
    page.wait_for_function("window.__chimes.length > 0")
    chime = page.evaluate("window.__chimes")[-1]
    assert (chime["kind"], chime["sound"]) == ("new", True)


def test_the_chime_can_be_switched_off_and_stays_off(desk_server: LiveServer, new_page: Any) -> None:
    page = open_dashboard(new_page, desk_server)
    toggle = page.locator("[data-chime-toggle]")
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "false")
    page.reload()
    expect(page.locator("[data-chime-toggle]")).to_have_attribute("aria-pressed", "false")
    store_request(desk_server, "visit-quietaaaaaaaaaaa", first_name="Quiet")
    page.wait_for_function("window.__chimes.length > 0")
    chime = page.evaluate("window.__chimes")[-1]
    assert (chime["kind"], chime["sound"], chime["state"]) == ("new", False, "off")


def test_acknowledging_shows_on_the_kiosk_and_done_ends_it(desk_server: LiveServer, new_page: Any) -> None:
    kiosk = new_page(PORTRAIT)
    kiosk.goto(desk_server.url + "/en/talk-to-staff/name?reason=question")
    kiosk.tap("text=Send without a name")
    number = kiosk.locator("[data-ticket-number]").inner_text()
    page = open_dashboard(new_page, desk_server)
    item = page.locator(f".staff-request:has(.staff-request__number:text-is('{number}'))")
    item.locator("[data-action=acknowledge]").click()
    item.locator("text=Ana is on the way").wait_for()
    kiosk.locator("#talk-status[data-state=acknowledged]").wait_for(timeout=5000)
    expect(kiosk.locator("#talk-status")).to_contain_text("on the way", use_inner_text=True)
    item.locator("[data-action=done]").click()
    item.wait_for(state="detached")
    kiosk.locator("#talk-status[data-state=done]").wait_for(timeout=5000)


def test_an_escalated_request_is_highlighted_with_an_alarm(tmp_path: Path, new_page: Any) -> None:
    app = make_app(tmp_path / "data", ESCALATE_AFTER_SECONDS=2)
    add_account(app, "Ana")
    server = LiveServer(app)
    try:
        page = open_dashboard(new_page, server)
        kiosk = new_page(PORTRAIT)
        kiosk.goto(server.url + "/en/talk-to-staff/name?reason=book")
        kiosk.tap("[data-talk-send]")
        kiosk.locator("[data-ticket-number]").wait_for()
        page.locator(".staff-request[data-late=false]").wait_for()
        page.locator(".staff-request--late[data-late=true]").wait_for(timeout=5000)
        page.wait_for_function("window.__chimes.some(chime => chime.kind === 'late')")
        expect(page.locator(".staff-request--late")).to_contain_text("too long", use_inner_text=True)
        kiosk.locator("#talk-status[data-state=late]").wait_for(timeout=5000)
        expect(kiosk.locator("#talk-status")).to_contain_text("no one has answered yet", use_inner_text=True)
    finally:
        server.stop()


def test_the_dashboard_and_login_pass_axe(desk_server: LiveServer, new_page: Any) -> None:
    login_page = new_page(LANDSCAPE)
    login_page.goto(desk_server.url + "/staff/login")
    assert axe_violations(login_page) == []
    store_request(desk_server, "visit-axeaaaaaaaaaaaaa", first_name="Axe")
    page = open_dashboard(new_page, desk_server)
    page.locator("[data-ticket-id]").first.wait_for()
    assert axe_violations(page) == []
    page.goto(desk_server.url + "/staff/history")
    assert axe_violations(page) == []
