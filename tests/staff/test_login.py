"""Staff login: the login_required guard on every staff route, lockout, timeouts and CSRF."""

from __future__ import annotations

import functools
import re
import time
from datetime import UTC
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask, url_for
from werkzeug.routing import IntegerConverter

from kiosk.core import db
from kiosk.core.models import Staff, Ticket
from kiosk.staff import accounts
from kiosk.staff.guard import login_required
from kiosk.talk import tickets
from tests.helpers.app import make_app
from tests.helpers.desk import PASSWORD, add_account, csrf_token, login


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    """An app with CSRF checks on, as in production, and one ticket so a leaking route would show data."""
    built = make_app(tmp_path / "data", WTF_CSRF_ENABLED=True)
    with db.session_scope(built) as session:
        tickets.create(
            session, visit="visit-aaaaaaaaaaaaaaaa", kiosk="Hall", reason="book", when=None, first_name="Ana", zone=UTC
        )
    return built


def protected_requests(app: Flask) -> list[tuple[str, str, str]]:
    """Return (endpoint, method, url) for every route of the staff and auth blueprints but the login page."""
    found = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            # The login page, and its language menu, are for people who have not signed in yet.
            if rule.endpoint in {"auth.login", "auth.choose_language"}:
                continue
            if rule.endpoint.split(".")[0] not in {"auth", "staff"} and not rule.rule.startswith("/staff"):
                continue
            values: dict[str, Any] = {}
            for argument in rule.arguments:
                converter = rule._converters[argument]
                options = getattr(converter, "items", None)
                if options:
                    values[argument] = sorted(options)[0]
                else:
                    values[argument] = 1 if isinstance(converter, IntegerConverter) else "x"
            for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
                found.append((rule.endpoint, method, url_for(rule.endpoint, **values)))
    return found


def test_every_staff_route_sends_an_anonymous_visitor_to_the_login_page(app: Flask) -> None:
    routes = protected_requests(app)
    assert {"staff.dashboard", "staff.requests", "staff.act", "staff.history", "staff.export", "auth.logout"} <= {
        endpoint for endpoint, _, _ in routes
    }
    app.config["WTF_CSRF_ENABLED"] = False  # a valid form, so only the login check can stop it
    client = app.test_client()
    for endpoint, method, url in routes:
        plain = client.open(url, method=method)
        assert plain.status_code in (302, 303), (endpoint, method, plain.status_code)
        assert plain.headers["Location"].startswith("/staff/login"), (endpoint, plain.headers["Location"])
        partial = client.open(url, method=method, headers={"HX-Request": "true"})
        assert partial.status_code == 401, endpoint
        assert partial.headers["HX-Redirect"].startswith("/staff/login"), endpoint
        assert "Ana" not in plain.get_data(as_text=True) + partial.get_data(as_text=True)


def test_every_front_desk_route_refuses_an_account_without_front_desk(app: Flask) -> None:
    add_account(app, "Tran", "translator")
    client = app.test_client()
    login(client, "Tran")
    app.config["WTF_CSRF_ENABLED"] = False
    for endpoint, method, url in protected_requests(app):
        if endpoint.startswith("staff."):
            response = client.open(url, method=method)
            assert response.status_code == 403, (endpoint, method)
            assert "front_desk" in response.get_data(as_text=True)


def test_login_required_takes_a_permission_and_checks_it(tmp_path: Path) -> None:
    app = make_app(tmp_path / "data", WTF_CSRF_ENABLED=False)

    @app.get("/staff/words")
    @login_required("translator")
    def words() -> str:
        return "the translation editor"

    @app.get("/staff/anyone")
    @login_required()
    def anyone() -> str:
        return "any signed-in account"

    for name, roles in {"Desk": ["front_desk"], "Words": ["translator"], "Both": ["front_desk", "translator"]}.items():
        add_account(app, name, *roles)
    outcomes = {}
    for name in ("Desk", "Words", "Both"):
        client = app.test_client()
        login(client, name)
        outcomes[name] = (client.get("/staff/words").status_code, client.get("/staff/anyone").status_code)
    assert outcomes == {"Desk": (403, 200), "Words": (200, 200), "Both": (200, 200)}
    assert app.test_client().get("/staff/words").headers["Location"] == "/staff/login?next=/staff/words"


def test_login_required_used_without_a_permission_call_fails_at_import_time() -> None:
    with pytest.raises(TypeError, match="login_required"):
        login_required(lambda: "oops")  # type: ignore[arg-type]  # the mistake this test makes on purpose
    with pytest.raises(ValueError, match="admin"):
        login_required("admin")


def test_a_correct_login_opens_the_dashboard_and_goes_back_where_it_was_asked(app: Flask) -> None:
    add_account(app, "Ana")
    client = app.test_client()
    page = client.get("/staff/login?next=/staff/history").get_data(as_text=True)
    response = client.post(
        "/staff/login",
        data={
            "name": "Ana",
            "password": PASSWORD,
            "csrf_token": csrf_token(page),
            "next": "/staff/history",
        },
    )
    assert response.headers["Location"] == "/staff/history"
    assert "Signed in as Ana" in client.get("/staff/").get_data(as_text=True)


def test_login_never_redirects_off_the_kiosk(app: Flask) -> None:
    add_account(app, "Ana")
    client = app.test_client()
    token = csrf_token(client.get("/staff/login").get_data(as_text=True))
    response = client.post(
        "/staff/login",
        data={
            "name": "Ana",
            "password": PASSWORD,
            "csrf_token": token,
            "next": "//evil.example/steal",
        },
    )
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("name", ["Ana", "nobody", "<script>alert(1)</script>", "x" * 10_000, "\x01\x1b", "مريم 🌸"])
def test_a_wrong_login_gets_a_plain_message_and_no_session(app: Flask, name: str) -> None:
    add_account(app, "Ana")
    client = app.test_client()
    token = csrf_token(client.get("/staff/login").get_data(as_text=True))
    response = client.post("/staff/login", data={"name": name, "password": "wrong password", "csrf_token": token})
    body = response.get_data(as_text=True)
    assert response.status_code == 401
    assert "That name and password do not match an account." in body
    assert "<script>alert" not in body
    assert client.get("/staff/").status_code == 302


def test_wrong_passwords_past_the_limit_wait_for_the_window_and_no_longer(app: Flask) -> None:
    add_account(app, "Ana")
    app.config.update(LOGIN_FAILURES_PER_ACCOUNT=3, LOGIN_WINDOW_SECONDS=60)
    client = app.test_client()
    token = csrf_token(client.get("/staff/login").get_data(as_text=True))
    statuses = [
        client.post("/staff/login", data={"name": "Ana", "password": "nope", "csrf_token": token}).status_code
        for _ in range(4)
    ]
    assert statuses == [401, 401, 401, 429]
    waiting = client.post("/staff/login", data={"name": "Ana", "password": PASSWORD, "csrf_token": token})
    assert waiting.status_code == 429
    assert 0 < int(waiting.headers["Retry-After"]) <= 60
    assert "Too many wrong passwords" in waiting.get_data(as_text=True)


def test_no_number_of_failures_makes_anyone_wait_longer_than_one_window(tmp_path: Path) -> None:
    app = make_app(tmp_path / "data")
    add_account(app, "Ana")
    policy = accounts.LoginPolicy(window=60, per_address=10, per_account=5)
    authenticate = functools.partial(accounts.authenticate, address="10.0.0.66", policy=policy)
    start = 1_800_000_000.0  # the start of a window
    with db.session_scope(app) as session:
        results = [authenticate(session, "Ana", "bad", now=start + n * 0.1) for n in range(200)]
        waits = [result.locked_for.total_seconds() for result in results if result.locked_for is not None]
        assert len(waits) == 195
        assert max(waits) <= 60
        assert authenticate(session, "Ana", PASSWORD, now=start + 59).staff is None
        opened = authenticate(session, "Ana", PASSWORD, now=start + 60)
        assert opened.staff is not None


def test_a_right_password_is_not_counted_as_a_failure(tmp_path: Path) -> None:
    app = make_app(tmp_path / "data")
    add_account(app, "Ana")
    policy = accounts.LoginPolicy(window=60, per_address=3, per_account=3)
    with db.session_scope(app) as session:
        for _ in range(10):
            assert accounts.authenticate(session, "Ana", PASSWORD, address="10.0.0.5", policy=policy).staff
        assert accounts.authenticate(session, "Ana", "bad", address="10.0.0.5", policy=policy).locked_for is None


def test_an_idle_session_times_out_with_a_message(app: Flask) -> None:
    add_account(app, "Ana")
    client = app.test_client()
    login(client, "Ana")
    with client.session_transaction() as session:
        session["staff"] = {**session["staff"], "seen": time.time() - app.config["STAFF_IDLE_SECONDS"] - 1}
    response = client.get("/staff/")
    assert response.status_code == 302
    assert "Your session timed out" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_a_session_ends_after_a_shift_however_busy(app: Flask) -> None:
    add_account(app, "Ana")
    client = app.test_client()
    login(client, "Ana")
    with client.session_transaction() as session:
        session["staff"] = {**session["staff"], "at": time.time() - app.config["STAFF_SESSION_MAX_SECONDS"] - 1}
    assert client.get("/staff/").status_code == 302


def test_logging_out_makes_a_copied_session_cookie_useless(app: Flask) -> None:
    add_account(app, "Ana")
    client = app.test_client()
    login(client, "Ana")
    stolen = client.get_cookie("session").value
    page = client.get("/staff/").get_data(as_text=True)
    assert client.post("/staff/logout", data={"csrf_token": csrf_token(page)}).status_code == 302
    replay = app.test_client()
    replay.set_cookie("session", stolen)
    assert replay.get("/staff/").status_code == 302


def test_logging_out_without_a_csrf_token_is_refused_clearly(app: Flask) -> None:
    add_account(app, "Ana")
    client = app.test_client()
    login(client, "Ana")
    response = client.post("/staff/logout")
    assert response.status_code == 400
    assert "nothing was changed" in response.get_data(as_text=True)
    assert client.get("/staff/").status_code == 200


def test_a_login_form_without_its_token_is_refused_with_a_clear_message(app: Flask) -> None:
    add_account(app, "Ana")
    client = app.test_client()
    response = client.post("/staff/login", data={"name": "Ana", "password": PASSWORD})
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "did not come from this screen, so nothing was changed" in body
    assert 'id="login-password"' in body  # a fresh form to try again
    assert client.get("/staff/").status_code == 302
    retry = client.post("/staff/login", data={"name": "Ana", "password": PASSWORD, "csrf_token": csrf_token(body)})
    assert retry.status_code == 302


def test_a_password_change_logs_the_account_out_everywhere(app: Flask) -> None:
    add_account(app, "Ana")
    client = app.test_client()
    login(client, "Ana")
    with db.session_scope(app) as session:
        accounts.set_password(session, "Ana", "another long password")
    assert client.get("/staff/").status_code == 302


def test_removing_an_account_ends_its_session(app: Flask) -> None:
    add_account(app, "Ana")
    client = app.test_client()
    login(client, "Ana")
    with db.session_scope(app) as session:
        accounts.remove(session, "Ana")
        assert session.get(Staff, 1) is None
    assert client.get("/staff/").status_code == 302


def test_every_form_post_without_a_csrf_token_is_refused_with_a_clear_message(app: Flask) -> None:
    add_account(app, "Ana")
    client = app.test_client()
    login(client, "Ana")
    client.get("/en/talk-to-staff")
    messages = {
        "talk": "This screen was open too long, so nothing was sent.",
        "staff": "did not come from this screen, so nothing was changed",
        "auth": "did not come from this screen, so nothing was changed",
    }
    posts = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            blueprint = rule.endpoint.split(".")[0]
            # Get help now takes no token on purpose: an emergency call is never refused (see test_urgent_views).
            if blueprint in messages and "POST" in (rule.methods or set()) and rule.endpoint != "talk.call_urgent":
                values: dict[str, Any] = {"ticket_id": 1, "action": "done", "lang": "en"}
                posts.append((blueprint, url_for(rule.endpoint, **{k: values[k] for k in rule.arguments})))
    assert len(posts) >= 6
    for blueprint, url in posts:
        response = client.post(url, data={"reason": "book", "name": "Ana", "password": PASSWORD})
        assert response.status_code == 400, url
        assert messages[blueprint] in response.get_data(as_text=True), url
    with db.session_scope(app) as session:
        assert session.scalar(sa.select(Ticket.status)) == "waiting"
        assert session.scalar(sa.select(sa.func.count()).select_from(Ticket)) == 1


def test_each_account_lands_on_and_sees_only_pages_it_may_open(app: Flask) -> None:
    add_account(app, "Words", "translator")
    add_account(app, "Desk", "front_desk")
    translator, desk = app.test_client(), app.test_client()

    def sign_in(client: Any, name: str) -> str:
        token = csrf_token(client.get("/staff/login").get_data(as_text=True))
        response = client.post("/staff/login", data={"name": name, "password": PASSWORD, "csrf_token": token})
        return str(response.headers["Location"])

    assert sign_in(translator, "Words") == "/staff/translations/"
    nav = translator.get("/staff/translations/").get_data(as_text=True)
    assert "/staff/translations/" in nav
    assert 'href="/staff/"' not in nav
    assert "/staff/history" not in nav
    assert sign_in(desk, "Desk") == "/staff/"
    nav = desk.get("/staff/").get_data(as_text=True)
    assert "/staff/history" in nav
    assert "/staff/translations/" not in nav


def served_login_fields(html: str) -> dict[str, str]:
    """Return the hidden fields of the login form exactly as the page serves them."""
    start = html.index('action="/staff/login"')
    form = html[start : html.index("</form>", start)]
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))


@pytest.mark.parametrize("start", ["/staff/login", "/staff/"])
def test_a_translator_only_account_lands_on_the_editor_whatever_the_form_carried(app: Flask, start: str) -> None:
    add_account(app, "Words", "translator")
    client = app.test_client()
    first = client.get(start, follow_redirects=True).get_data(as_text=True)
    fields = served_login_fields(first)
    response = client.post("/staff/login", data={**fields, "name": "Words", "password": PASSWORD})
    assert response.headers["Location"] == "/staff/translations/"
    assert client.get(response.headers["Location"]).status_code == 200


def test_a_next_page_the_account_may_not_open_is_replaced_by_its_home(app: Flask) -> None:
    add_account(app, "Desk", "front_desk")
    client = app.test_client()
    page = client.get("/staff/login?next=/staff/translations/es/").get_data(as_text=True)
    fields = served_login_fields(page)
    assert fields["next"] == "/staff/translations/es/"
    response = client.post("/staff/login", data={**fields, "name": "Desk", "password": PASSWORD})
    assert response.headers["Location"] == "/staff/"


def test_error_pages_offer_only_what_the_account_may_open(app: Flask) -> None:
    add_account(app, "Words", "translator")
    client = app.test_client()
    login(client, "Words")
    refused = client.get("/staff/history")
    assert refused.status_code == 403
    for response in (refused, client.get("/staff/translations/xx/"), client.get("/staff/nothing-here")):
        body = response.get_data(as_text=True)
        assert response.status_code in (403, 404)
        assert 'href="/staff/"' not in body
        assert 'href="/staff/history"' not in body
        assert 'href="/staff/translations/"' in body
        assert "Signed in as Words" in body
