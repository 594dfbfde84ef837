"""Security headers on every response of every route, and browser features granted per route."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.datastructures import Headers

from kiosk.core.headers import allow_features
from tests.helpers.app import make_app
from tests.helpers.desk import add_account, login

ARGUMENT = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")
VALID = {
    "lang": "en",
    "slug": "symptoms",
    "ticket_id": "1",
    "action": "done",
    "entry_id": "1",
    "token": "x",
    "index": "0",
    "name": "htmx.min.js",
    "filename": "core/tokens.css",
}


# The one route whose page may use a powerful feature: the staff recording screen, the microphone.
GRANTED = {"recordings.record": "microphone=(self)"}


def assert_secure(headers: Headers, where: str, microphone: str = "microphone=()") -> None:
    """Fail unless the response carries every security header, the microphone as given."""
    csp = headers.get("Content-Security-Policy", "")
    assert "frame-ancestors 'none'" in csp, where
    assert "script-src 'self'" in csp, where
    assert "unsafe-inline" not in csp, where
    assert headers.get("X-Content-Type-Options") == "nosniff", where
    assert headers.get("Referrer-Policy") == "same-origin", where
    assert headers.get("X-Frame-Options") == "DENY", where
    assert microphone in headers.get("Permissions-Policy", ""), where
    assert "camera=()" in headers.get("Permissions-Policy", ""), where


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    """An app with CSRF off and speech workers left unstarted."""
    return make_app(tmp_path / "data", WTF_CSRF_ENABLED=False, SPEECH_PRESTART=False)


def test_every_route_of_the_url_map_sends_the_security_headers(app: Flask) -> None:
    add_account(app, "Desk", "front_desk", "translator")
    staff, visitor = app.test_client(), app.test_client()
    login(staff, "Desk")
    checked = 0
    for rule in app.url_map.iter_rules():
        url = ARGUMENT.sub(lambda match: VALID.get(match.group(1), "x"), rule.rule)
        for method in sorted((rule.methods or set()) - {"OPTIONS"}):
            for client in (visitor, staff):
                if rule.endpoint == "auth.logout" and client is staff:
                    continue
                response = client.open(url, method=method)
                microphone = GRANTED.get(rule.endpoint, "microphone=()")
                assert_secure(response.headers, f"{method} {url} -> {response.status_code}", microphone)
                response.close()
                checked += 1
    assert checked >= 80
    # Errors and files too.
    for url in ("/no/such/page", "/static/core/tokens.css", "/vendor/nothing.js"):
        response = visitor.get(url)
        assert_secure(response.headers, url)
        response.close()


def test_a_route_can_grant_the_microphone_and_only_that_route_gets_it(app: Flask) -> None:
    @app.get("/staff/translations/en/record-test")
    @allow_features("microphone")
    def record() -> str:
        return "the recording screen"

    client = app.test_client()
    granted = client.get("/staff/translations/en/record-test").headers["Permissions-Policy"]
    assert "microphone=(self)" in granted
    assert "camera=()" in granted
    assert "microphone=()" in client.get("/en/topics").headers["Permissions-Policy"]
    with pytest.raises(ValueError, match="telepathy"):
        allow_features("telepathy")


def test_config_can_grant_a_feature_to_an_endpoint(tmp_path: Path) -> None:
    app = make_app(tmp_path / "data", PERMISSIONS_POLICY_GRANTS={"visitor.menu": ["microphone"]})
    assert "microphone=(self)" in app.test_client().get("/en/topics").headers["Permissions-Policy"]


def test_hsts_only_on_https(app: Flask) -> None:
    client = app.test_client()
    assert "Strict-Transport-Security" not in client.get("/en/topics").headers
    secure = client.get("/en/topics", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000"
