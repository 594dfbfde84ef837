"""The idle reset (WCAG 2.2.1, static/visitor/idle.js), run on Playwright's clock instead of really waiting."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from kiosk.core import db
from kiosk.talk import tickets
from tests.helpers.browser import PORTRAIT
from tests.helpers.servers import LiveServer

pytestmark = pytest.mark.browser

TEN_MINUTES = 10 * 60 * 1000


def open_with_clock(live_server: Any, new_page: Any, path: str) -> Any:
    """Open a page whose timers run on a controllable clock."""
    page = new_page(PORTRAIT)
    page.clock.install()
    page.goto(live_server.url + path)
    return page


def first_touch(page: Any) -> None:
    """Touch the screen somewhere harmless, as a visitor's first touch would."""
    page.tap("h1")


def test_still_there_dialog_appears_after_90_quiet_seconds(live_server: Any, new_page: Any) -> None:
    page = open_with_clock(live_server, new_page, "/en/topics/symptoms")
    first_touch(page)
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


def test_an_untouched_welcome_screen_never_asks(live_server: Any, new_page: Any) -> None:
    page = open_with_clock(live_server, new_page, "/en/")
    for _ in range(6):
        page.clock.run_for(TEN_MINUTES)
        expect(page.locator("#kiosk-idle")).to_be_hidden()
    expect(page).to_have_url(live_server.url + "/en/")


def test_the_welcome_screen_after_a_reset_stays_quiet_until_touched(live_server: Any, new_page: Any) -> None:
    page = open_with_clock(live_server, new_page, "/en/topics")
    first_touch(page)
    page.clock.run_for(121_000)
    page.wait_for_url(live_server.url + "/en/")
    page.clock.run_for(TEN_MINUTES)
    expect(page.locator("#kiosk-idle")).to_be_hidden()
    first_touch(page)
    page.clock.run_for(90_000)
    expect(page.locator("#kiosk-idle")).to_be_visible()


def test_im_still_here_keeps_the_visit(live_server: Any, new_page: Any) -> None:
    page = open_with_clock(live_server, new_page, "/en/topics/symptoms")
    first_touch(page)
    page.clock.run_for(91_000)
    page.tap("[data-idle-stay]")
    expect(page.locator("#kiosk-idle")).to_be_hidden()
    page.clock.run_for(60_000)
    expect(page).to_have_url(re.compile(re.escape("/en/topics/symptoms") + "$"))
    expect(page.locator("#kiosk-idle")).to_be_hidden()


def test_taps_postpone_the_dialog(live_server: Any, new_page: Any) -> None:
    page = open_with_clock(live_server, new_page, "/en/topics/symptoms")
    first_touch(page)
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
    expect(page.locator("html")).to_have_attribute("data-text-size", live_server.app.config["DEFAULT_TEXT_SIZE"])
    expect(page.locator("html")).to_have_attribute("data-contrast", "normal")
    assert page.evaluate("localStorage.getItem('htmx-history-cache')") is None


def test_idle_reset_clears_the_chosen_language_and_counts_across_page_loads(live_server: Any, new_page: Any) -> None:
    page = open_with_clock(live_server, new_page, "/en/")
    page.click("a[hreflang=ar]")
    page.wait_for_url(live_server.url + "/ar/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    # The tap on the language started the visit: the new page keeps counting without another touch.
    page.clock.run_for(121_000)
    page.wait_for_url(live_server.url + "/en/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")


def ask_for_staff(page: Any, base_url: str) -> int:
    """Send a request without a name, as a visitor would, and return the ticket's number."""
    page.goto(base_url + "/en/talk-to-staff/name?reason=question")
    page.tap("text=Send without a name")
    number = page.locator("[data-ticket-number]")
    number.wait_for()
    return int(number.inner_text())


def test_the_ticket_survives_ten_minutes_without_a_touch(live_server: Any, new_page: Any) -> None:
    page = new_page(PORTRAIT)
    page.clock.install()
    number = ask_for_staff(page, live_server.url)
    page.clock.run_for(TEN_MINUTES)
    expect(page.locator("#kiosk-idle")).to_be_hidden()
    expect(page).to_have_url(re.compile(re.escape("/en/talk-to-staff/ticket") + "$"))
    expect(page.locator("[data-ticket-number]")).to_have_text(str(number))
    # On any other screen the chip keeps the number in view, and the wait holds there too.
    page.tap("[data-nav=home]")
    chip = page.locator("#talk-chip")
    expect(chip).to_contain_text(str(number))
    page.clock.run_for(TEN_MINUTES)
    expect(page.locator("#kiosk-idle")).to_be_hidden()
    expect(chip).to_contain_text(str(number))
    page.tap("#talk-chip a")
    expect(page.locator("[data-ticket-number]")).to_have_text(str(number))


def close_ticket(server: LiveServer, number: int, action: str) -> None:
    """Close a request as the front desk would."""
    with server.app.app_context():
        session = db.get_session()
        ticket = next(t for t in tickets.open_tickets(session) if t.number == number)
        tickets.act(session, ticket.id, action)


@pytest.mark.parametrize("action", ["done", "no_show"])
def test_once_staff_close_the_request_the_kiosk_resets_as_usual(live_server: Any, new_page: Any, action: str) -> None:
    page = new_page(PORTRAIT)
    page.clock.install()
    number = ask_for_staff(page, live_server.url)
    page.tap("[data-nav=home]")
    page.clock.run_for(5 * 60 * 1000)
    close_ticket(live_server, number, action)
    page.clock.run_for(2_000)  # the chip's next poll
    expect(page.locator("#talk-chip")).to_have_attribute("data-state", action)
    expect(page.locator("#talk-chip")).not_to_have_attribute("data-ticket-hold", re.compile(".*"))
    page.clock.run_for(90_000)
    expect(page.locator("#kiosk-idle")).to_be_visible()
    page.clock.run_for(30_000)
    page.wait_for_url(live_server.url + "/en/")
    expect(page.locator("#talk-chip")).to_have_count(0)


def test_a_request_never_closed_holds_the_kiosk_only_up_to_the_maximum_wait(live_server: Any, new_page: Any) -> None:
    page = new_page(PORTRAIT)
    page.clock.install()
    ask_for_staff(page, live_server.url)
    longest = int(live_server.app.config["TICKET_WAIT_MAX_SECONDS"]) * 1000
    page.clock.run_for(longest - 60_000)
    expect(page.locator("#kiosk-idle")).to_be_hidden()
    page.clock.run_for(61_000)
    expect(page.locator("#kiosk-idle")).to_be_visible()
    page.clock.run_for(30_000)
    page.wait_for_url(live_server.url + "/en/")


def test_an_untouched_welcome_screen_invites_in_turn_and_stops_at_the_first_touch(
    live_server: Any, new_page: Any
) -> None:
    page = open_with_clock(live_server, new_page, "/en/")
    invitation = page.locator("[data-attract]")
    expect(invitation).to_be_hidden()
    page.clock.run_for(3_000)
    expect(invitation).to_be_visible()
    expect(invitation).to_have_attribute("aria-hidden", "true")  # Start says it to a screen reader already
    expect(page.locator("[data-attract] .kiosk-attract__shown")).to_have_count(1)
    first_touch(page)
    expect(invitation).to_be_hidden()
    page.clock.run_for(60_000)
    expect(invitation).to_be_hidden()
