"""The dashboard as a busy receptionist uses it, in Debian's Chromium: highlights until seen, Undo, fixed
buttons, the real sound state, the repeating alarm, desktop alerts, and the offline state."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC
from typing import Any

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from kiosk.core import db
from kiosk.core.models import Ticket
from kiosk.talk import tickets, urgent
from tests.helpers.app import make_app
from tests.helpers.browser import LANDSCAPE
from tests.helpers.desk import PASSWORD, add_account
from tests.helpers.servers import LiveServer

pytestmark = pytest.mark.browser

WATCH = """
window.__chimes = []; window.__notes = []; window.__asked = 0; window.__hidden = false;
document.addEventListener('staff:chime', (event) => window.__chimes.push(event.detail));
Object.defineProperty(document, 'hidden', {get: () => window.__hidden});
window.Notification = class {
  constructor(title, options) { window.__notes.push({title, body: options.body}); }
  static get permission() { return window.__permission || 'default'; }
  static requestPermission() { window.__asked += 1; return Promise.resolve(window.Notification.permission); }
  addEventListener() {}
  close() {}
};
"""
# An AudioContext that the "browser" keeps suspended until the page calls resume() after a click.
BLOCKED_AUDIO = """
window.AudioContext = class extends EventTarget {
  constructor() { super(); this.state = 'suspended'; this.currentTime = 0; this.destination = {}; }
  resume() { this.state = 'running'; this.dispatchEvent(new Event('statechange')); return Promise.resolve(); }
  createOscillator() { return {frequency: {}, connect: (node) => node, start() {}, stop() {}}; }
  createGain() { return {gain: {setValueAtTime() {}, exponentialRampToValueAtTime() {}}, connect: (node) => node}; }
};
"""


@pytest.fixture
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server with CSRF on and one front-desk account; requests escalate after a minute."""
    app = make_app(tmp_path_factory.mktemp("desk"), ESCALATE_AFTER_SECONDS=60)
    add_account(app, "Ana")
    running = LiveServer(app)
    yield running
    running.stop()


def store(server: LiveServer, visit: str, **fields: Any) -> int:
    """Store a request as a kiosk would; return its id."""
    values = {"kiosk": "Hall", "reason": "book", "when": None, "first_name": "Ana", "zone": UTC, **fields}
    with db.session_scope(server.app) as session:
        return tickets.create(session, visit=visit.ljust(20, "a"), **values).id


def status(server: LiveServer, ticket_id: int) -> str:
    """The stored status of a request."""
    with db.session_scope(server.app) as session:
        return str(session.scalar(sa.select(Ticket.status).where(Ticket.id == ticket_id)))


def dashboard(new_page: Any, server: LiveServer, *scripts: str, clock: bool = False, **options: Any) -> Any:
    """Log in and open the dashboard, with the given scripts installed first."""
    page = new_page(LANDSCAPE, **options)
    for script in (WATCH, *scripts):
        page.add_init_script(script)
    if clock:
        page.clock.install()
    page.goto(server.url + "/staff/login")
    page.fill("#login-name", "Ana")
    page.fill("#login-password", PASSWORD)
    page.click("button[type=submit]")
    page.locator("#staff-requests").wait_for()
    return page


def card(page: Any, ticket_id: int) -> Any:
    """The dashboard card of a request."""
    return page.locator(f"[data-ticket-id='{ticket_id}']")


def test_a_highlight_stays_until_someone_here_has_seen_it(server: LiveServer, new_page: Any) -> None:
    page = dashboard(new_page, server)
    page.mouse.move(5, 5)
    first = store(server, "visit-first")
    expect(card(page, first)).to_have_class(re.compile(r".*staff-request--new.*"))
    second = store(server, "visit-second")
    expect(card(page, second)).to_have_class(re.compile(r".*staff-request--new.*"))
    expect(card(page, first)).to_have_class(re.compile(r".*staff-request--new.*"))  # the next arrival does not clear it
    expect(card(page, first).locator(".staff-tag--new")).to_be_visible()
    card(page, first).hover()
    expect(card(page, first)).not_to_have_class(re.compile(r".*staff-request--new.*"))
    page.locator(f"#acknowledge-{second}").focus()
    expect(card(page, second)).not_to_have_class(re.compile(r".*staff-request--new.*"))
    page.reload()
    page.locator(f"[data-ticket-id='{first}']").wait_for()
    expect(card(page, first)).not_to_have_class(re.compile(r".*staff-request--new.*"))


def test_done_waits_five_seconds_for_an_undo_and_undo_changes_nothing(server: LiveServer, new_page: Any) -> None:
    undone, done = store(server, "visit-undo"), store(server, "visit-done")
    page = dashboard(new_page, server, clock=True)
    page.clock.run_for(1000)
    page.locator(f"#done-{undone}").click()
    expect(card(page, undone)).to_have_class(re.compile(r".*staff-request--pending.*"))
    expect(page.locator(f"#no_show-{undone}")).to_be_disabled()
    undo = page.locator(".staff-undo__toast button")
    expect(undo).to_be_focused()
    undo.click()
    page.clock.run_for(6000)
    expect(page.locator(".staff-undo__note")).to_contain_text("nothing was changed")
    expect(page.locator(f"#done-{undone}")).to_be_enabled()
    assert status(server, undone) == "waiting"

    page.locator(f"#no_show-{done}").click()
    page.clock.run_for(4000)
    assert status(server, done) == "waiting"  # still time to undo: the visitor has been told nothing
    page.clock.run_for(1500)
    card(page, done).wait_for(state="detached")
    assert status(server, done) == "no_show"


def test_every_button_keeps_its_place_and_is_big_enough(server: LiveServer, new_page: Any) -> None:
    waiting, coming = store(server, "visit-wait"), store(server, "visit-coming")
    with db.session_scope(server.app) as session:
        tickets.act(session, coming, "acknowledge")
    page = dashboard(new_page, server)
    card(page, coming).wait_for()

    def place(ticket_id: int, action: str) -> dict[str, float]:
        box = page.locator(f"#{action}-{ticket_id}").bounding_box()
        home = card(page, ticket_id).locator(".staff-request__actions").bounding_box()
        return {"x": box["x"] - home["x"], "width": box["width"], "height": box["height"]}

    for action in ("done", "no_show"):
        assert place(waiting, action)["x"] == place(coming, action)["x"]  # On my way gone, Done stays put
    ack, done, no_show = (place(waiting, action) for action in ("acknowledge", "done", "no_show"))
    assert no_show["x"] - (done["x"] + done["width"]) > done["x"] - (ack["x"] + ack["width"])  # set apart
    small = page.evaluate("""() => [...document.querySelectorAll('button')].filter(b => b.offsetParent)
        .map(b => b.getBoundingClientRect()).filter(r => r.width < 44 || r.height < 44).length""")
    assert small == 0
    colours = [
        page.locator(f"#{action}-{waiting}").evaluate("b => getComputedStyle(b).backgroundColor")
        for action in ("done", "no_show")
    ]
    assert colours[0] != colours[1]


def test_the_sound_button_tells_blocked_from_on_and_off(server: LiveServer, new_page: Any) -> None:
    page = dashboard(new_page, server, BLOCKED_AUDIO)
    toggle = page.locator("[data-chime-toggle]")
    expect(toggle).to_have_attribute("data-state", "blocked")
    expect(toggle).to_contain_text("blocked")
    expect(page.locator("[data-sound-hint]")).to_be_visible()
    page.locator("h1").click()
    expect(toggle).to_have_attribute("data-state", "on")
    expect(toggle).to_have_text("Sound: on")
    toggle.click()
    expect(toggle).to_have_attribute("data-state", "off")
    expect(toggle).to_have_attribute("aria-pressed", "false")


def test_the_alarm_repeats_until_someone_acts(tmp_path_factory: pytest.TempPathFactory, new_page: Any) -> None:
    app = make_app(tmp_path_factory.mktemp("late"), ESCALATE_AFTER_SECONDS=0)
    add_account(app, "Ana")
    server = LiveServer(app)
    try:
        late = store(server, "visit-late")
        page = dashboard(new_page, server, clock=True)
        page.clock.run_for(31_000)
        assert sum(chime["kind"] == "late" for chime in page.evaluate("window.__chimes")) >= 3
        page.locator(f"#acknowledge-{late}").click()
        page.locator(f"#acknowledge-{late}").wait_for(state="detached")
        before = len(page.evaluate("window.__chimes"))
        page.clock.run_for(31_000)
        assert len(page.evaluate("window.__chimes")) == before
    finally:
        server.stop()


def test_desktop_alerts_when_hidden_asked_once(server: LiveServer, new_page: Any) -> None:
    page = dashboard(new_page, server)
    page.locator("h1").click()
    page.locator("h1").click()
    assert page.evaluate("window.__asked") == 1  # the first click asks; no nagging after that
    page.evaluate("window.__permission = 'granted'")
    page.locator("[data-alerts-toggle]").click()  # shows the state it is in now
    expect(page.locator("[data-alerts-toggle]")).to_have_attribute("data-state", "on")
    store(server, "visit-shown")  # the tab is visible: no desktop alert
    page.wait_for_function("window.__chimes.length >= 1")
    page.evaluate("window.__hidden = true")
    hidden = store(server, "visit-hidden", language="ar")
    page.wait_for_function("window.__notes.length >= 1")
    notes = page.evaluate("window.__notes")
    number = card(page, hidden).get_attribute("data-number")
    assert notes == [{"title": f"New request: number {number}", "body": "Language: العربية · Arabic"}]


def test_offline_turns_the_buttons_off_and_says_when_it_last_had_news(server: LiveServer, new_page: Any) -> None:
    ticket = store(server, "visit-offline")
    page = dashboard(new_page, server)
    button = page.locator(f"#done-{ticket}")
    expect(button).to_be_enabled()
    page.route("**/staff/requests*", lambda route: route.abort())
    banner = page.locator("[data-offline]")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("Last news at")
    expect(button).to_be_disabled()
    page.unroute("**/staff/requests*")
    expect(banner).to_be_hidden()
    expect(button).to_be_enabled()


def call_for_help(server: LiveServer, visit: str, language: str = "ar") -> int:
    """Tap Get help now as a kiosk would; return the urgent request's id."""
    with db.session_scope(server.app) as session:
        return urgent.call(session, visit=visit.ljust(20, "a"), kiosk="Hall", zone=UTC, language=language).ticket.id


def test_the_siren_plays_with_sound_off_and_the_button_still_tells_the_truth(server: LiveServer, new_page: Any) -> None:
    page = dashboard(new_page, server, BLOCKED_AUDIO)
    toggle = page.locator("[data-chime-toggle]")
    page.locator("h1").click()  # the browser now lets the page play
    expect(toggle).to_have_attribute("data-state", "on")
    toggle.click()
    expect(toggle).to_have_attribute("data-state", "off")
    ticket = call_for_help(server, "visit-siren")
    expect(card(page, ticket)).to_have_attribute("data-urgent", "true")
    page.wait_for_function("window.__chimes.some((chime) => chime.kind === 'urgent')")
    sounds = page.evaluate("window.__chimes")
    siren = next(chime for chime in sounds if chime["kind"] == "urgent")
    assert (siren["sound"], siren["played"], siren["state"]) == (True, True, "off")
    assert [chime["kind"] for chime in sounds if chime["kind"] != "urgent"] == []  # no booking chime for it
    expect(toggle).to_have_attribute("data-state", "off")
    expect(toggle).to_have_text("Sound: off")
    expect(page.locator("[data-sound-hint]")).to_be_hidden()


def test_a_siren_the_browser_blocks_shows_the_hint_even_with_sound_off(server: LiveServer, new_page: Any) -> None:
    page = dashboard(new_page, server, BLOCKED_AUDIO, "localStorage.setItem('staff-sound', 'off');")
    toggle = page.locator("[data-chime-toggle]")
    expect(toggle).to_have_attribute("data-state", "off")
    expect(page.locator("[data-sound-hint]")).to_be_hidden()
    call_for_help(server, "visit-blocked")
    page.wait_for_function("window.__chimes.some((chime) => chime.kind === 'urgent')")
    assert page.evaluate("window.__chimes.find((chime) => chime.kind === 'urgent').played") is False
    expect(page.locator("[data-sound-hint]")).to_be_visible()
    expect(toggle).to_have_attribute("data-state", "off")  # the switch is still off: the button says so


def test_an_urgent_request_raises_a_desktop_alert_while_the_tab_is_hidden(server: LiveServer, new_page: Any) -> None:
    page = dashboard(new_page, server, "window.__permission = 'granted';")  # allowed on an earlier day
    expect(page.locator("[data-alerts-toggle]")).to_have_attribute("data-state", "on")
    page.evaluate("window.__hidden = true")
    ticket = call_for_help(server, "visit-alert")
    page.wait_for_function("window.__notes.length >= 1")
    number = card(page, ticket).get_attribute("data-number")
    assert page.evaluate("window.__notes") == [
        {"title": f"URGENT: number {number} needs help now", "body": "Language: العربية · Arabic"}
    ]
