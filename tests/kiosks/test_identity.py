"""Only known kiosks may call staff: by key (told apart behind one proxy), by address, or on loopback."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from kiosk.core import db
from kiosk.core.models import Ticket
from kiosk.kiosks import identity
from tests.helpers.app import make_app

KEY = re.compile(r"key=([A-Za-z0-9_-]+)")
CALM = "This screen cannot call staff. Please go to the front desk"


def add_kiosk(app: Flask, name: str) -> str:
    """Add a kiosk with the CLI, as staff would, and return its key from the printed address."""
    result = app.test_cli_runner().invoke(args=["kiosks", "add", name])
    assert result.exit_code == 0, result.output
    found = KEY.search(result.output)
    assert found, result.output
    return found.group(1)


def ask_for_staff(client: FlaskClient, lang: str = "en", **environ: str) -> int:
    """Go through the flow's first screen and send a request; return the status of the send."""
    client.get(f"/{lang}/talk-to-staff", environ_base=environ)
    return client.post(f"/{lang}/talk-to-staff", data={"reason": "question"}, environ_base=environ).status_code


def kiosk_names(app: Flask) -> list[str]:
    """Return the kiosk name of every stored request, oldest first."""
    with db.session_scope(app) as session:
        return list(session.scalars(sa.select(Ticket.kiosk).order_by(Ticket.id)))


@pytest.fixture
def proxied(tmp_path: Path) -> Flask:
    """An app behind a TLS proxy on the same machine, which it trusts."""
    return make_app(tmp_path / "data", WTF_CSRF_ENABLED=False, TRUSTED_PROXIES=["127.0.0.1"])


def test_two_screens_behind_one_proxy_are_told_apart_by_their_keys(proxied: Flask) -> None:
    keys = {name: add_kiosk(proxied, name) for name in ("Upstairs", "Hall")}
    for name in ("Upstairs", "Hall"):
        screen = proxied.test_client()
        # Both screens reach the server through nginx from the same address.
        headers = {"X-Forwarded-For": "10.0.0.40", "X-Forwarded-Proto": "https"}
        started = screen.get(f"/kiosk/start?key={keys[name]}", headers=headers)
        assert started.status_code == 302
        assert started.headers["Location"] == "/"
        cookie = started.headers["Set-Cookie"]
        assert "HttpOnly" in cookie
        assert "Secure" in cookie
        assert "Max-Age=34560000" in cookie
        screen.post("/reset", headers=headers)  # the idle reset forgets the visit, not the screen
        screen.get("/en/talk-to-staff", headers=headers)
        assert screen.post("/en/talk-to-staff", data={"reason": "book"}, headers=headers).status_code == 303
    assert kiosk_names(proxied) == ["Upstairs", "Hall"]


def test_an_unknown_screen_is_refused_calmly_and_the_log_says_why(
    proxied: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    stranger = proxied.test_client()
    with caplog.at_level(logging.WARNING, "kiosk.kiosks.guard"):
        page = stranger.get("/en/talk-to-staff", headers={"X-Forwarded-For": "10.0.0.99"})
        sent = stranger.post("/en/talk-to-staff", data={"reason": "book"}, headers={"X-Forwarded-For": "10.0.0.99"})
    assert page.status_code == sent.status_code == 403
    assert CALM in page.get_data(as_text=True)
    assert "Traceback" not in page.get_data(as_text=True)
    assert "10.0.0.99: it has no kiosk key and its address is not in KIOSK_NAMES" in caplog.text
    assert kiosk_names(proxied) == []


def test_a_wrong_or_removed_key_is_refused(proxied: Flask, caplog: pytest.LogCaptureFixture) -> None:
    key = add_kiosk(proxied, "Upstairs")
    screen = proxied.test_client()
    headers = {"X-Forwarded-For": "10.0.0.40"}
    bad = screen.get("/kiosk/start?key=not-a-key", headers=headers)
    assert bad.status_code == 302
    assert "kiosk_key=;" in bad.headers["Set-Cookie"]  # any old key is forgotten
    screen.get(f"/kiosk/start?key={key}", headers=headers)
    assert proxied.test_cli_runner().invoke(args=["kiosks", "remove", "Upstairs"]).exit_code == 0
    with caplog.at_level(logging.WARNING, "kiosk.kiosks.guard"):
        assert ask_for_staff(screen, HTTP_X_FORWARDED_FOR="10.0.0.40") == 403
    assert "its kiosk key is not known" in caplog.text


def test_loopback_through_a_proxy_nobody_trusts_is_not_the_local_kiosk(tmp_path: Path) -> None:
    app = make_app(tmp_path / "data", WTF_CSRF_ENABLED=False)
    assert ask_for_staff(app.test_client()) == 303  # the screen on this machine
    assert ask_for_staff(app.test_client(), HTTP_X_FORWARDED_FOR="10.0.0.99") == 403  # nginx, not listed
    off = make_app(tmp_path / "off", WTF_CSRF_ENABLED=False, KIOSK_LOOPBACK=False)
    assert ask_for_staff(off.test_client()) == 403


def test_each_kiosk_has_its_own_request_limit_and_a_repeat_tap_is_not_counted(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app = make_app(
        tmp_path / "data", WTF_CSRF_ENABLED=False, REQUEST_LIMIT_PER_KIOSK=2, KIOSK_NAMES={"10.0.0.21": "Upstairs"}
    )
    statuses = []
    for _ in range(3):
        visit = app.test_client()
        statuses.append(ask_for_staff(visit))
        statuses.append(visit.post("/en/talk-to-staff", data={"reason": "question"}).status_code)  # a second tap
    assert statuses == [303, 303, 303, 303, 429, 429]
    with caplog.at_level(logging.WARNING, "kiosk.talk.views"):
        refused = app.test_client()
        refused.get("/en/talk-to-staff")
        answer = refused.post("/en/talk-to-staff", data={"reason": "question"})
    assert "Many requests were sent from this screen just now" in answer.get_data(as_text=True)
    assert "Refused a request to staff from kiosk 'Waiting room'" in caplog.text
    assert ask_for_staff(app.test_client(), REMOTE_ADDR="10.0.0.21") == 303  # another kiosk is not held up
    assert kiosk_names(app) == ["Waiting room", "Waiting room", "Upstairs"]


def test_kiosk_names_are_checked_and_unique(tmp_path: Path) -> None:
    app = make_app(tmp_path / "data")
    with db.session_scope(app) as session:
        identity.add(session, "Hall")
        with pytest.raises(identity.KioskError, match="already"):
            identity.add(session, "Hall")
        with pytest.raises(identity.KioskError, match="letters"):
            identity.add(session, "<script>")
    listing = app.test_cli_runner().invoke(args=["kiosks", "list"]).output
    assert listing.startswith("Hall\tadded ")


def test_the_request_records_the_visits_language(tmp_path: Path) -> None:
    app = make_app(tmp_path / "data", WTF_CSRF_ENABLED=False)
    ask_for_staff(app.test_client(), "ar")
    with db.session_scope(app) as session:
        assert session.scalar(sa.select(Ticket.language)) == "ar"
