"""The visitor's "Talk to staff" flow through Flask's test client and a real HTTP server."""

from __future__ import annotations

import re
import sqlite3
import threading
import urllib.request
from collections.abc import Callable
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from kiosk.core import db
from kiosk.core.models import Status, Ticket
from kiosk.talk import tickets
from tests.helpers.app import make_app
from tests.helpers.desk import csrf_token
from tests.helpers.servers import LiveServer

NUMBER = re.compile(r"data-ticket-number>(\d+)<")


def all_tickets(app: Flask) -> list[Ticket]:
    """Every stored request."""
    with db.session_scope(app) as session:
        return list(session.scalars(sa.select(Ticket).order_by(Ticket.id)))


def ask(client: FlaskClient, **form: str) -> str:
    """Walk the flow to the send button and press it; return the ticket page."""
    client.get("/en/talk-to-staff")
    data = {"reason": "book", "when": "today", "first_name": "Ana", **form}
    response = client.post("/en/talk-to-staff", data=data)
    assert response.status_code == 303, response.get_data(as_text=True)
    return client.get(response.headers["Location"]).get_data(as_text=True)


def test_the_flow_asks_what_then_when_then_a_name(client: FlaskClient) -> None:
    start = client.get("/en/talk-to-staff").get_data(as_text=True)
    for label in ("Book a massage for sciatica", "Ask a question", "Something else"):
        assert label in start
    assert 'href="/en/talk-to-staff/when?reason=book"' in start
    assert 'href="/en/talk-to-staff/name?reason=question"' in start
    when = client.get("/en/talk-to-staff/when?reason=book").get_data(as_text=True)
    assert 'href="/en/talk-to-staff/name?reason=book&amp;when=today"' in when
    assert 'href="/en/talk-to-staff/name?reason=book"' in when  # skip
    name = client.get("/en/talk-to-staff/name?reason=book&when=another_day").get_data(as_text=True)
    assert 'name="when" value="another_day"' in name
    assert 'inputmode="none"' in name
    assert 'name="skip_name"' in name


def test_every_page_links_to_the_flow(client: FlaskClient) -> None:
    assert 'href="/en/talk-to-staff"' in client.get("/en/topics").get_data(as_text=True)
    assert 'href="/es/talk-to-staff"' in client.get("/es/").get_data(as_text=True)


def test_a_confirmed_request_shows_a_big_number_in_the_visitors_language(app: Flask, client: FlaskClient) -> None:
    client.get("/es/talk-to-staff")
    response = client.post("/es/talk-to-staff", data={"reason": "question"})
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'lang="es"' in page
    assert NUMBER.search(page).group(1) == "1"
    (stored,) = all_tickets(app)
    assert (stored.reason, stored.wanted_when, stored.first_name, stored.kiosk) == (
        "question",
        None,
        None,
        "Waiting room",
    )


def test_tapping_again_shows_the_same_ticket(app: Flask, client: FlaskClient) -> None:
    first = ask(client)
    again = ask(client, reason="other", first_name="Bo")
    assert NUMBER.search(first).group(1) == NUMBER.search(again).group(1) == "1"
    assert client.get("/en/talk-to-staff").headers["Location"] == "/en/talk-to-staff/ticket"
    assert len(all_tickets(app)) == 1


def test_skipping_the_name_sends_none_even_if_letters_were_typed(app: Flask, client: FlaskClient) -> None:
    ask(client, first_name="Ana", skip_name="1")
    assert all_tickets(app)[0].first_name is None


def test_the_keyboard_works_without_javascript(client: FlaskClient) -> None:
    typed = ""
    for key in ("a", "n", "a", "space", "m", "backspace", "-", "l", "accents"):
        if key == "accents":
            page = client.post(
                "/en/talk-to-staff/name", data={"reason": "book", "first_name": typed, "keyboard": "accents"}
            ).get_data(as_text=True)
            break
        pressed = client.post("/en/talk-to-staff/name", data={"reason": "book", "first_name": typed, "key": key})
        typed = re.search(
            r'id="talk-first-name" name="first_name" value="([^"]*)"', pressed.get_data(as_text=True)
        ).group(1)
    assert typed == "Ana -L"
    assert 'data-talk-set="accents">' in page
    assert 'data-talk-set="latin" hidden' in page


def test_russian_and_arabic_visitors_start_on_their_own_letters(client: FlaskClient) -> None:
    russian = client.get("/ru/talk-to-staff/name?reason=book").get_data(as_text=True)
    assert 'data-talk-set="cyrillic">' in russian
    assert 'data-talk-set="latin" hidden' in russian
    arabic = client.get("/ar/talk-to-staff/name?reason=book").get_data(as_text=True)
    assert 'data-talk-set="arabic">' in arabic
    assert 'dir="rtl"' in arabic


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ('"><img src=x onerror=alert(1)>', "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;"),
        ("מרים", "מרים"),
        ("Zoë 🌸", "Zoë 🌸"),
        ("x" * 10_000, "x" * 40),
        ("An\x01na\x07", "An na"),
    ],
)
def test_any_name_gives_a_ticket_with_the_name_escaped_and_tidied(
    app: Flask, client: FlaskClient, given: str, shown: str
) -> None:
    page = ask(client, first_name=given)
    assert NUMBER.search(page)
    assert f"data-ticket-name>{shown}</dd>" in page
    assert "<script>alert" not in page
    assert "<img src=x" not in page


def test_a_huge_name_is_cut_to_forty_letters(app: Flask, client: FlaskClient) -> None:
    page = ask(client, first_name="é" * 200_000)
    assert f"data-ticket-name>{'é' * 40}</dd>" in page
    assert all_tickets(app)[0].first_name == "é" * 40


def test_a_body_over_the_size_limit_gets_a_friendly_page_and_stores_nothing(app: Flask, client: FlaskClient) -> None:
    client.get("/en/talk-to-staff")
    response = client.post("/en/talk-to-staff", data={"reason": "book", "first_name": "x" * 5_000_000})
    assert response.status_code == 413
    assert "Sorry, that did not work." in response.get_data(as_text=True)
    assert all_tickets(app) == []


@pytest.mark.parametrize("form", [{"reason": "surgery"}, {"reason": "book", "when": "yesterday"}, {}])
def test_a_tampered_form_gets_a_kind_message_and_stores_nothing(
    app: Flask, client: FlaskClient, form: dict[str, str]
) -> None:
    response = client.post("/en/talk-to-staff", data=form)
    assert response.status_code == 400
    assert "Please start again" in response.get_data(as_text=True)
    assert all_tickets(app) == []


def test_the_status_answers_204_until_something_changes_then_the_new_state(app: Flask, client: FlaskClient) -> None:
    ask(client)
    assert client.get("/en/talk-to-staff/ticket/status?seen=waiting").status_code == 204
    with db.session_scope(app) as session:
        tickets.act(session, all_tickets(app)[0].id, "acknowledge")
    on_the_way = client.get("/en/talk-to-staff/ticket/status?seen=waiting").get_data(as_text=True)
    assert "A staff member is on the way." in on_the_way
    assert "hx-trigger" in on_the_way
    with db.session_scope(app) as session:
        tickets.act(session, all_tickets(app)[0].id, "done")
    done = client.get("/en/talk-to-staff/ticket/status?seen=acknowledged").get_data(as_text=True)
    assert "Done. Thank you!" in done
    assert "hx-trigger" not in done  # a closed request stops the polling


def test_no_acknowledgement_in_time_gets_a_kind_apology(tmp_path: Path) -> None:
    app = make_app(tmp_path / "data", WTF_CSRF_ENABLED=False, ESCALATE_AFTER_SECONDS=0)
    client = app.test_client()
    page = ask(client)
    assert "no one has answered yet" in page
    assert 'data-state="late"' in page


def test_the_visitor_can_cancel_after_confirming(app: Flask, client: FlaskClient) -> None:
    ask(client)
    assert "Cancel your request?" in client.get("/en/talk-to-staff/ticket/cancel").get_data(as_text=True)
    response = client.post("/en/talk-to-staff/ticket/cancel")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your request is cancelled." in page
    assert "Ask for help again" in page
    assert all_tickets(app)[0].status == Status.CANCELLED


def test_a_visitor_cannot_cancel_someone_elses_request(app: Flask) -> None:
    theirs, mine = app.test_client(), app.test_client()
    ask(theirs)
    mine.get("/en/talk-to-staff")
    mine.post("/en/talk-to-staff/ticket/cancel", data={"ticket_id": "1", "id": "1"})
    assert all_tickets(app)[0].status == Status.WAITING
    assert mine.get("/en/talk-to-staff/ticket").headers["Location"] == "/en/talk-to-staff"


def test_the_idle_reset_ends_the_visit_but_the_request_stays_for_staff(app: Flask, client: FlaskClient) -> None:
    ask(client)
    client.post("/reset")
    assert client.get("/en/talk-to-staff/ticket").headers["Location"] == "/en/talk-to-staff"
    assert [ticket.status for ticket in all_tickets(app)] == [Status.WAITING]
    ask(client, first_name="Next visitor")
    assert len(all_tickets(app)) == 2


def test_the_ticket_screen_varies_on_htmx(client: FlaskClient, hx: Callable[..., dict[str, str]]) -> None:
    ask(client)
    response = client.get("/en/talk-to-staff/ticket", headers=hx())
    assert "HX-Request" in response.headers["Vary"]
    assert "<html" not in response.get_data(as_text=True)


def test_the_visitor_sees_a_number_only_once_the_request_is_committed(tmp_path: Path) -> None:
    app = make_app(tmp_path / "data", WTF_CSRF_ENABLED=False, DATABASE_LOCK_TIMEOUT_SECONDS=0.2)
    client = app.test_client()
    client.get("/en/talk-to-staff")
    blocker = sqlite3.connect(tmp_path / "data" / "kiosk.sqlite3", isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        refused = client.post("/en/talk-to-staff", data={"reason": "book"})
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    body = refused.get_data(as_text=True)
    assert refused.status_code == 503
    assert "could not be sent" in body
    assert "data-ticket-number" not in body
    assert all_tickets(app) == []
    page = client.get(client.post("/en/talk-to-staff", data={"reason": "book"}).headers["Location"])
    shown = NUMBER.search(page.get_data(as_text=True)).group(1)
    # Read back through a separate connection: the number on screen is already on disk.
    with sqlite3.connect(tmp_path / "data" / "kiosk.sqlite3") as reader:
        assert reader.execute("SELECT number FROM tickets").fetchall() == [(int(shown),)]


def csrf_app(tmp_path: Path) -> Flask:
    """An app with CSRF checks on, as in production."""
    return make_app(tmp_path / "data", WTF_CSRF_ENABLED=True)


def test_a_request_without_a_csrf_token_is_refused_kindly_and_nothing_is_stored(tmp_path: Path) -> None:
    app = csrf_app(tmp_path)
    client = app.test_client()
    client.get("/en/talk-to-staff/name?reason=book")
    response = client.post("/en/talk-to-staff", data={"reason": "book", "first_name": "Ana"})
    assert response.status_code == 400
    assert "This screen was open too long, so nothing was sent." in response.get_data(as_text=True)
    assert all_tickets(app) == []


def test_a_token_from_another_visit_is_refused(tmp_path: Path) -> None:
    app = csrf_app(tmp_path)
    other = app.test_client()
    token = csrf_token(other.get("/en/talk-to-staff/name?reason=book").get_data(as_text=True))
    forger = app.test_client()
    forger.get("/en/talk-to-staff")
    response = forger.post("/en/talk-to-staff", data={"reason": "book", "csrf_token": token})
    assert response.status_code == 400
    assert all_tickets(app) == []


def test_the_real_form_with_its_token_is_accepted(tmp_path: Path) -> None:
    app = csrf_app(tmp_path)
    client = app.test_client()
    page = client.get("/en/talk-to-staff/name?reason=book").get_data(as_text=True)
    response = client.post("/en/talk-to-staff", data={"reason": "book", "csrf_token": csrf_token(page)})
    assert response.status_code == 303
    assert len(all_tickets(app)) == 1


def test_a_burst_of_taps_over_http_creates_exactly_one_request(storage_apps: Callable[..., Flask]) -> None:
    app = storage_apps()
    server = LiveServer(app)
    try:
        jar = CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        opener.open(f"{server.url}/en/talk-to-staff").read()
        barrier = threading.Barrier(10)
        statuses: list[int] = []

        def tap() -> None:
            barrier.wait()
            request = urllib.request.Request(f"{server.url}/en/talk-to-staff", data=b"reason=book&first_name=Ana")
            with opener.open(request) as response:
                statuses.append(response.status)

        threads = [threading.Thread(target=tap) for _ in range(10)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
    finally:
        server.stop()
    assert statuses == [200] * 10  # each followed the redirect to the one ticket
    assert len(all_tickets(app)) == 1


def test_a_database_failure_while_polling_tells_the_visitor_and_keeps_polling(app: Flask, client: FlaskClient) -> None:
    ask(client)
    with app.extensions["kiosk_db"]["engine"].begin() as connection:
        connection.exec_driver_sql("ALTER TABLE tickets RENAME TO tickets_gone")
    page = client.get("/en/talk-to-staff/ticket/status?seen=waiting")
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "reach the staff from this screen" in body
    assert 'data-state="unreachable"' in body
    assert "seen=unreachable" in body  # still polling, so the status comes back by itself
    assert "ticket/cancel" not in body  # nothing offered that needs the database
    assert client.get("/en/talk-to-staff/ticket/status?seen=unreachable").status_code == 204
    with app.extensions["kiosk_db"]["engine"].begin() as connection:
        connection.exec_driver_sql("ALTER TABLE tickets_gone RENAME TO tickets")
    back = client.get("/en/talk-to-staff/ticket/status?seen=unreachable").get_data(as_text=True)
    assert 'data-state="waiting"' in back


def test_a_busy_database_while_polling_keeps_the_last_status_on_screen(tmp_path: Path) -> None:
    app = make_app(tmp_path / "data", WTF_CSRF_ENABLED=False, DATABASE_LOCK_TIMEOUT_SECONDS=0.2)
    client = app.test_client()
    ask(client)
    blocker = sqlite3.connect(tmp_path / "data" / "kiosk.sqlite3", isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        assert client.get("/en/talk-to-staff/ticket/status?seen=waiting").status_code == 204
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()


CHIP = re.compile(r'<div id="talk-chip".*?</div>', re.S)


def test_every_screen_shows_the_open_ticket_as_a_chip_that_leads_back_to_it(app: Flask, client: FlaskClient) -> None:
    assert "talk-chip" not in client.get("/en/topics").get_data(as_text=True)
    number = NUMBER.search(ask(client))
    assert number is not None
    for path in ["/en/", "/en/topics", "/en/topics/symptoms", "/en/language?next=/en/topics"]:
        page = client.get(path).get_data(as_text=True)
        chip = CHIP.search(page)
        assert chip is not None, path
        assert f'<span class="talk-chip__number">{number.group(1)}</span>' in chip.group(0)
        assert "Waiting" in chip.group(0)
        assert 'href="/en/talk-to-staff/ticket"' in chip.group(0)
        assert 'data-ticket-hold="' in chip.group(0)
        assert "Talk to staff about booking</span></a>" not in page  # the chip stands in for the staff call
    # The ticket's own screen shows the number in full instead.
    assert "talk-chip" not in client.get("/en/talk-to-staff/ticket").get_data(as_text=True)


def test_the_chip_answers_204_until_the_request_changes_then_stops_holding(app: Flask, client: FlaskClient) -> None:
    ask(client)
    assert client.get("/en/talk-to-staff/ticket/chip?seen=waiting").status_code == 204
    with db.session_scope(app) as session:
        tickets.act(session, all_tickets(app)[0].id, "acknowledge")
    on_the_way = client.get("/en/talk-to-staff/ticket/chip?seen=waiting").get_data(as_text=True)
    assert "On the way" in on_the_way
    assert 'data-announce="A staff member is on the way."' in on_the_way
    assert "data-ticket-hold" in on_the_way
    with db.session_scope(app) as session:
        tickets.act(session, all_tickets(app)[0].id, "no_show")
    gone = client.get("/en/talk-to-staff/ticket/chip?seen=acknowledged").get_data(as_text=True)
    assert 'data-state="no_show"' in gone
    assert "data-ticket-hold" not in gone  # the wait is over: the idle reset may run again
    assert "hx-trigger" not in gone
    # The next screen offers the staff call again.
    assert "talk-chip" not in client.get("/en/topics").get_data(as_text=True)


def test_the_hold_ends_after_the_longest_wait(tmp_path: Path) -> None:
    app = make_app(tmp_path / "data", WTF_CSRF_ENABLED=False, TICKET_WAIT_MAX_SECONDS=0)
    page = ask(app.test_client())
    assert 'data-ticket-hold="0"' in page


def test_starting_a_new_visit_asks_first_and_leaves_the_request_with_the_desk(app: Flask, client: FlaskClient) -> None:
    number = NUMBER.search(ask(client))
    assert number is not None
    ticket_page = client.get("/en/talk-to-staff/ticket").get_data(as_text=True)
    assert 'href="/en/new-visit?next=/en/talk-to-staff/ticket"' in ticket_page
    assert 'href="/en/new-visit"' in client.get("/en/").get_data(as_text=True)
    question = client.get("/en/new-visit?next=/en/talk-to-staff/ticket").get_data(as_text=True)
    assert f"Number {number.group(1)} is still waiting for staff" in question
    assert f"Keep number {number.group(1)}" in question
    assert 'action="/reset"' in question
    # Only the confirmation ends the visit; the request stays open on the dashboard.
    assert client.get("/en/talk-to-staff/ticket").status_code == 200
    client.post("/reset")
    assert "talk-chip" not in client.get("/en/").get_data(as_text=True)
    assert 'href="/en/new-visit"' not in client.get("/en/").get_data(as_text=True)
    assert [ticket.status for ticket in all_tickets(app)] == [Status.WAITING]
