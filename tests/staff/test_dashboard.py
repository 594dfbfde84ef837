"""The front-desk dashboard through Flask's test client and a real HTTP server."""

from __future__ import annotations

import csv
import io
import re
import sqlite3
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from datetime import UTC, timedelta
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from kiosk.core import db
from kiosk.core.clock import local_day
from kiosk.core.models import Status, Ticket, utcnow
from kiosk.talk import tickets, urgent
from tests.helpers.app import make_app
from tests.helpers.desk import PASSWORD, add_account, csrf_token, login
from tests.helpers.servers import LiveServer

STAMP = re.compile(r'data-stamp="([0-9a-f]+)"')


def request_from(app: Flask, visit: str = "visit-aaaaaaaaaaaaaaaa", **fields: object) -> Ticket:
    """Store a visitor request as the kiosk would."""
    values = {
        "kiosk": app.config["KIOSK_NAME"],
        "reason": "book",
        "when": "today",
        "first_name": "Ana",
        "zone": UTC,
        **fields,
    }
    with db.session_scope(app) as session:
        return tickets.create(session, visit=visit, **values)


def status_of(app: Flask, ticket_id: int) -> str:
    """The stored status of a request."""
    with db.session_scope(app) as session:
        return session.get(Ticket, ticket_id).status


@pytest.fixture
def desk(app: Flask) -> FlaskClient:
    """A client logged in as a front-desk account."""
    add_account(app, "Ana")
    client = app.test_client()
    login(client, "Ana")
    return client


def test_the_dashboard_shows_everything_about_each_open_request(app: Flask, desk: FlaskClient) -> None:
    request_from(app, first_name="Maria", when="another_day")
    page = desk.get("/staff/").get_data(as_text=True)
    for shown in ("Maria", "Waiting room", "Book a massage for sciatica", "Another day", "under a minute", "Waiting"):
        assert shown in page
    assert 'class="staff-request__number" aria-label="Number 1">1</p>' in page
    assert 'hx-trigger="every 0.5s"' in page


def test_requests_from_several_kiosks_show_their_kiosk_names(storage_apps: Callable[..., Flask]) -> None:
    hall = storage_apps(KIOSK_NAME="Hall kiosk")
    upstairs = storage_apps(KIOSK_NAME="Upstairs kiosk")
    for kiosk in (hall, upstairs):
        client = kiosk.test_client()
        client.get("/en/talk-to-staff")
        client.post("/en/talk-to-staff", data={"reason": "question"})
    add_account(hall, "Ana")
    desk = hall.test_client()
    login(desk, "Ana")
    page = desk.get("/staff/").get_data(as_text=True)
    assert "Hall kiosk" in page
    assert "Upstairs kiosk" in page
    assert "2 open requests" in page


def test_screens_sharing_one_server_are_named_by_their_address(tmp_path: Path) -> None:
    app = make_app(tmp_path / "data", WTF_CSRF_ENABLED=False, KIOSK_NAMES={"10.0.0.21": "Upstairs"})
    statuses = []
    for address in ("10.0.0.21", "127.0.0.1", "10.0.0.22"):
        screen = app.test_client()
        screen.environ_base["REMOTE_ADDR"] = address
        screen.get("/en/talk-to-staff")
        statuses.append(screen.post("/en/talk-to-staff", data={"reason": "book"}).status_code)
    assert statuses == [303, 303, 403]  # an address no one configured is not a kiosk
    with db.session_scope(app) as session:
        assert session.scalars(sa.select(Ticket.kiosk).order_by(Ticket.id)).all() == ["Upstairs", "Waiting room"]


def test_the_panel_answers_204_until_something_changes(app: Flask, desk: FlaskClient) -> None:
    stamp = STAMP.search(desk.get("/staff/requests").get_data(as_text=True)).group(1)
    assert desk.get(f"/staff/requests?seen={stamp}").status_code == 204
    request_from(app, first_name="Newcomer")
    changed = desk.get(f"/staff/requests?seen={stamp}")
    assert changed.status_code == 200
    assert "Newcomer" in changed.get_data(as_text=True)


def test_the_panel_renews_the_log_out_token_so_an_all_day_screen_can_log_out(desk: FlaskClient) -> None:
    page = desk.get("/staff/").get_data(as_text=True)
    assert page.count('id="staff-logout-token"') == 1
    panel = desk.get("/staff/requests").get_data(as_text=True)
    assert 'id="staff-logout-token" hx-swap-oob="true"' in panel


def test_an_escalated_request_is_marked_on_the_dashboard(tmp_path: Path) -> None:
    app = make_app(tmp_path / "data", WTF_CSRF_ENABLED=False, ESCALATE_AFTER_SECONDS=0)
    request_from(app)
    add_account(app, "Ana")
    client = app.test_client()
    login(client, "Ana")
    page = client.get("/staff/requests").get_data(as_text=True)
    assert 'data-late="true"' in page
    assert "staff-request--late" in page
    assert "too long" in page


@pytest.mark.parametrize(
    ("action", "final"), [("acknowledge", "acknowledged"), ("done", "done"), ("no_show", "no_show")]
)
def test_each_action_changes_the_request_and_reports_it(
    app: Flask, desk: FlaskClient, hx: Callable[..., dict[str, str]], action: str, final: str
) -> None:
    ticket = request_from(app)
    response = desk.post(f"/staff/requests/{ticket.id}/{action}", headers=hx())
    assert response.status_code == 200
    assert status_of(app, ticket.id) == final
    body = response.get_data(as_text=True)
    assert 'id="staff-requests"' in body
    assert "Number 1:" in body
    assert "HX-Request" in response.headers["Vary"]


def test_an_action_without_javascript_redirects_back_with_a_message(app: Flask, desk: FlaskClient) -> None:
    ticket = request_from(app)
    response = desk.post(f"/staff/requests/{ticket.id}/acknowledge")
    assert response.status_code == 303
    assert "Number 1: Ana is on the way." in desk.get(response.headers["Location"]).get_data(as_text=True)


def test_the_visitor_sees_each_action(app: Flask, desk: FlaskClient) -> None:
    visitor = app.test_client()
    visitor.get("/en/talk-to-staff")
    visitor.post("/en/talk-to-staff", data={"reason": "book"})
    desk.post("/staff/requests/1/acknowledge")
    assert "on the way" in visitor.get("/en/talk-to-staff/ticket/status").get_data(as_text=True)
    desk.post("/staff/requests/1/no_show")
    assert "We could not find you" in visitor.get("/en/talk-to-staff/ticket/status").get_data(as_text=True)


@pytest.mark.parametrize("action", ["acknowledge", "done", "no_show"])
def test_acting_on_a_finished_request_is_a_clear_conflict_and_changes_nothing(
    app: Flask, desk: FlaskClient, hx: Callable[..., dict[str, str]], action: str
) -> None:
    ticket = request_from(app)
    desk.post(f"/staff/requests/{ticket.id}/done")
    response = desk.post(f"/staff/requests/{ticket.id}/{action}", headers=hx())
    assert response.status_code == 409
    assert "Number 1 was not changed, because someone else updated it first. Now: Done by Ana." in response.get_data(
        as_text=True
    )
    assert status_of(app, ticket.id) == "done"


def test_acting_on_a_request_another_member_took_says_who(app: Flask, desk: FlaskClient) -> None:
    ticket = request_from(app)
    add_account(app, "Bo")
    other = app.test_client()
    login(other, "Bo")
    other.post(f"/staff/requests/{ticket.id}/acknowledge")
    response = desk.post(f"/staff/requests/{ticket.id}/acknowledge", headers={"HX-Request": "true"})
    assert response.status_code == 409
    assert "Bo is on the way" in response.get_data(as_text=True)
    finished = desk.post(f"/staff/requests/{ticket.id}/done", headers={"HX-Request": "true"})
    assert finished.status_code == 200  # the desk is shared: anyone may close what someone else started
    with db.session_scope(app) as session:
        stored = session.get(Ticket, ticket.id)
        assert (stored.acknowledged_by.name, stored.closed_by.name) == ("Bo", "Ana")


@pytest.mark.parametrize("url", ["/staff/requests/999/done", "/staff/requests/0/acknowledge"])
def test_an_unknown_request_id_is_a_clear_404(desk: FlaskClient, url: str) -> None:
    response = desk.post(url, headers={"HX-Request": "true"})
    assert response.status_code == 404
    assert "There is no such request" in response.get_data(as_text=True)


@pytest.mark.parametrize("url", ["/staff/requests/abc/done", "/staff/requests/1/delete", "/staff/requests/-1/done"])
def test_a_malformed_action_url_is_a_404_not_an_error(desk: FlaskClient, url: str) -> None:
    assert desk.post(url).status_code == 404


@pytest.mark.parametrize(
    "name", ["<script>window.pwned=1</script>", "<img src=x onerror=alert(1)>", "שרה", "Zoë 🌸", "\u202eevil"]
)
def test_names_on_the_dashboard_are_text_never_markup(app: Flask, desk: FlaskClient, name: str) -> None:
    request_from(app, first_name=name)
    page = desk.get("/staff/").get_data(as_text=True)
    assert "<script>window.pwned" not in page
    assert "<img src=x" not in page
    stored = tickets.clean_first_name(name)
    assert stored is not None
    escaped = stored.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    assert f"<bdi>{escaped}</bdi>" in page


def test_todays_history_lists_every_request_with_counts(app: Flask, desk: FlaskClient) -> None:
    first = request_from(app, "visit-1aaaaaaaaaaaaaaa", first_name="Maria")
    request_from(app, "visit-2aaaaaaaaaaaaaaa", first_name=None)
    desk.post(f"/staff/requests/{first.id}/done")
    page = desk.get("/staff/history").get_data(as_text=True)
    assert 'id="history-1"' in page
    assert 'id="history-2"' in page
    assert "Maria" in page
    assert "Done by Ana" in page
    assert "All: <strong>2</strong>" in page
    assert "Done: <strong>1</strong>" in page


def test_history_of_an_unreadable_day_is_a_clear_400(desk: FlaskClient) -> None:
    response = desk.get("/staff/history?day=tomorrow%3Cscript%3E")
    assert response.status_code == 400
    assert "That is not a date." in response.get_data(as_text=True)


def test_csv_export_downloads_the_days_requests(app: Flask, desk: FlaskClient) -> None:
    request_from(app, first_name="@SUM(A1)")
    response = desk.get("/staff/history.csv")
    assert response.mimetype == "text/csv"
    day = local_day(utcnow(), None).isoformat()
    assert response.headers["Content-Disposition"] == f'attachment; filename="requests-{day}.csv"'
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0]["first_name"] == "'@SUM(A1)"
    assert rows[0]["kiosk"] == "Waiting room"


def test_the_dashboard_never_shows_an_older_day_after_the_purge(app: Flask, desk: FlaskClient) -> None:
    with db.session_scope(app) as session:
        tickets.create(
            session,
            visit="visit-oldaaaaaaaaaaaaa",
            kiosk="Hall",
            reason="book",
            when=None,
            first_name="Yesterday",
            zone=UTC,
            now=utcnow() - timedelta(days=1),
        )
        tickets.purge_first_names(session, retention=None, zone=UTC)
    page = desk.get("/staff/").get_data(as_text=True)
    assert "Yesterday" not in page
    assert "not given" in page


def csrf_app(tmp_path: Path) -> Flask:
    """An app with CSRF checks on, as in production."""
    return make_app(tmp_path / "data", WTF_CSRF_ENABLED=True)


def test_a_forged_action_without_a_token_is_refused_clearly_and_changes_nothing(tmp_path: Path) -> None:
    app = csrf_app(tmp_path)
    ticket = request_from(app)
    add_account(app, "Ana")
    client = app.test_client()
    login(client, "Ana")
    plain = client.post(f"/staff/requests/{ticket.id}/done")
    partial = client.post(f"/staff/requests/{ticket.id}/done", headers={"HX-Request": "true"})
    for response in (plain, partial):
        assert response.status_code == 400
        assert "did not come from this screen, so nothing was changed" in response.get_data(as_text=True)
    assert status_of(app, ticket.id) == Status.WAITING
    # Shown in the page's message area: the panel the form targets must stay and keep polling.
    assert (partial.headers["HX-Retarget"], partial.headers["HX-Reswap"]) == ("#staff-flash", "innerHTML")


def test_a_token_from_another_login_is_refused(tmp_path: Path) -> None:
    app = csrf_app(tmp_path)
    ticket = request_from(app)
    add_account(app, "Ana")
    add_account(app, "Bo")
    ana, bo = app.test_client(), app.test_client()
    login(ana, "Ana")
    login(bo, "Bo")
    token = csrf_token(ana.get("/staff/").get_data(as_text=True))
    response = bo.post(f"/staff/requests/{ticket.id}/done", data={"csrf_token": token})
    assert response.status_code == 400
    assert status_of(app, ticket.id) == Status.WAITING


def test_the_real_form_and_the_htmx_header_token_both_work(tmp_path: Path) -> None:
    app = csrf_app(tmp_path)
    first, second = request_from(app, "visit-1aaaaaaaaaaaaaaa"), request_from(app, "visit-2aaaaaaaaaaaaaaa")
    add_account(app, "Ana")
    client = app.test_client()
    login(client, "Ana")
    page = client.get("/staff/").get_data(as_text=True)
    token = csrf_token(page)
    assert client.post(f"/staff/requests/{first.id}/done", data={"csrf_token": token}).status_code == 303
    header = re.search(r'"X-CSRFToken": "([^"]+)"', page.replace("&#34;", '"')).group(1)
    assert (
        client.post(
            f"/staff/requests/{second.id}/done", headers={"X-CSRFToken": header, "HX-Request": "true"}
        ).status_code
        == 200
    )
    assert (status_of(app, first.id), status_of(app, second.id)) == ("done", "done")


def test_two_staff_acknowledging_at_once_over_http_exactly_one_wins(storage_apps: Callable[..., Flask]) -> None:
    app = storage_apps()
    names = ["Ana", "Bo", "Cy"]
    for name in names:
        add_account(app, name)
    requests = [request_from(app, f"visit-{i:02d}aaaaaaaaaaaaaa") for i in range(6)]
    server = LiveServer(app)
    try:
        openers = []
        for name in names:
            opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
            form = urllib.parse.urlencode({"name": name, "password": PASSWORD}).encode()
            opener.open(f"{server.url}/staff/login", data=form).read()
            openers.append(opener)
        for ticket in requests:
            barrier = threading.Barrier(len(openers))
            codes: list[int] = []

            def acknowledge(
                opener: urllib.request.OpenerDirector,
                ticket_id: int = ticket.id,
                barrier: threading.Barrier = barrier,
                codes: list[int] = codes,
            ) -> None:
                barrier.wait()
                request = urllib.request.Request(
                    f"{server.url}/staff/requests/{ticket_id}/acknowledge", data=b"", headers={"HX-Request": "true"}
                )
                try:
                    with opener.open(request) as response:
                        codes.append(response.status)
                except urllib.error.HTTPError as error:
                    codes.append(error.code)

            threads = [threading.Thread(target=acknowledge, args=(opener,)) for opener in openers]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(30)
            assert sorted(codes) == [200, 409, 409], codes
    finally:
        server.stop()
    with db.session_scope(app) as session:
        stored = session.scalars(sa.select(Ticket)).all()
        assert all(ticket.status == "acknowledged" and ticket.acknowledged_by is not None for ticket in stored)
        events = session.execute(sa.text("SELECT count(*) FROM ticket_events WHERE to_status = 'acknowledged'"))
        assert events.scalar() == len(requests)


def test_an_action_the_database_cannot_store_says_so_and_the_panel_keeps_polling(tmp_path: Path) -> None:
    app = make_app(tmp_path / "data", WTF_CSRF_ENABLED=False, DATABASE_LOCK_TIMEOUT_SECONDS=0.2)
    ticket = request_from(app)
    add_account(app, "Ana")
    client = app.test_client()
    login(client, "Ana")
    blocker = sqlite3.connect(tmp_path / "data" / "kiosk.sqlite3", isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        partial = client.post(f"/staff/requests/{ticket.id}/done", headers={"HX-Request": "true"})
        plain = client.post(f"/staff/requests/{ticket.id}/done")
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert partial.status_code == 503
    assert "problem saving that" in partial.get_data(as_text=True)
    assert "problem saving that" in client.get(plain.headers["Location"]).get_data(as_text=True)
    assert status_of(app, ticket.id) == Status.WAITING


def urgent_from(app: Flask, visit: str) -> Ticket:
    """Store a "Get help now" request as the kiosk would."""
    with db.session_scope(app) as session:
        return urgent.call(session, visit=visit, kiosk="Hall", zone=UTC).ticket


def test_urgent_requests_are_first_and_marked_urgent_in_words(app: Flask, desk: FlaskClient) -> None:
    booked = request_from(app, "visit-bookaaaaaaaaaaaaa", first_name="Bea")
    helped = urgent_from(app, "visit-helpaaaaaaaaaaaaa")
    page = desk.get("/staff/").get_data(as_text=True)
    assert page.index(f'id="request-{helped.id}"') < page.index(f'id="request-{booked.id}"')
    first = page.rindex("<li", 0, page.index(f'id="request-{helped.id}"'))
    card = page[first : page.index(f'id="request-{booked.id}"')]
    assert 'data-urgent="true"' in card
    assert "staff-request--urgent" in card
    assert "<strong>URGENT</strong>" in card
    assert "Tapped Get help now: go at once" in card
    assert "Urgent help" in card  # what the visitor wants, as the staff read it
    rest = page[page.index(f'id="request-{booked.id}"') :]
    assert "URGENT" not in rest[: rest.index("</li>")]


def test_a_booking_made_urgent_changes_the_panel_even_though_its_status_did_not(app: Flask, desk: FlaskClient) -> None:
    request_from(app, "visit-bookaaaaaaaaaaaaa")
    stamp = STAMP.search(desk.get("/staff/requests").get_data(as_text=True)).group(1)
    urgent_from(app, "visit-bookaaaaaaaaaaaaa")
    changed = desk.get(f"/staff/requests?seen={stamp}")
    assert changed.status_code == 200
    assert 'data-urgent="true" data-status="waiting"' in changed.get_data(as_text=True)


def test_an_urgent_request_is_late_after_the_urgent_answer_time(tmp_path: Path) -> None:
    app = make_app(tmp_path / "data", URGENT_ANSWER_SECONDS=0, WTF_CSRF_ENABLED=False)
    add_account(app, "Ana")
    desk = app.test_client()
    login(desk, "Ana")
    urgent_from(app, "visit-helpaaaaaaaaaaaaa")
    assert 'data-late="true"' in desk.get("/staff/").get_data(as_text=True)


def test_history_and_csv_count_urgent_requests_apart(app: Flask, desk: FlaskClient) -> None:
    request_from(app, "visit-bookaaaaaaaaaaaaa")
    urgent_from(app, "visit-helpaaaaaaaaaaaaa")
    page = desk.get("/staff/history").get_data(as_text=True)
    assert '<strong data-count="urgent">1</strong>' in page
    assert 'staff-mark--urgent">URGENT</strong>' in page
    rows = list(csv.DictReader(io.StringIO(desk.get("/staff/history.csv").get_data(as_text=True))))
    assert [(row["reason"], row["urgent"]) for row in rows] == [("book", "no"), ("urgent", "yes")]


def test_an_urgent_request_has_its_language_and_the_csv_keeps_urgent_and_language_columns(
    app: Flask, desk: FlaskClient
) -> None:
    request_from(app, "visit-bookaaaaaaaaaaaaa", language="zh_Hans")
    with db.session_scope(app) as session:
        helped = urgent.call(session, visit="visit-helpaaaaaaaaaaaaa", kiosk="Hall", zone=UTC, language="ar").ticket
    page = desk.get("/staff/").get_data(as_text=True)
    card = page[page.rindex("<li", 0, page.index(f'id="request-{helped.id}"')) :]
    card = card[: card.index("</li>")]
    assert "<strong>URGENT</strong>" in card
    assert '<bdi lang="ar" dir="rtl">العربية</bdi> · <span>Arabic</span>' in card
    history = desk.get("/staff/history").get_data(as_text=True)
    assert '<strong data-count="urgent">1</strong>' in history
    assert '<bdi lang="ar" dir="rtl">العربية</bdi>' in history
    rows = list(csv.DictReader(io.StringIO(desk.get("/staff/history.csv").get_data(as_text=True))))
    assert [(row["urgent"], bool(row["urgent_at"]), row["language"], row["language_name"]) for row in rows] == [
        ("no", False, "zh-Hans", "中文 (简体) · Chinese (Simplified)"),
        ("yes", True, "ar", "العربية · Arabic"),
    ]
