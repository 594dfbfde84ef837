"""The outage pieces served by Flask: the service worker at the root and the offline page per language."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from flask import Flask, g
from flask.testing import FlaskClient

from kiosk import i18n
from kiosk.visitor import content, outage
from tests.helpers.app import make_app


def worker_settings(client: FlaskClient) -> dict[str, object]:
    """Return the settings line the service worker starts with."""
    body = client.get("/sw.js").get_data(as_text=True)
    first = body.splitlines()[0]
    assert first.startswith("self.KIOSK_SHELL = ")
    assert first.endswith(";")
    settings: dict[str, object] = json.loads(first.removeprefix("self.KIOSK_SHELL = ").removesuffix(";"))
    return settings


def test_the_worker_is_served_from_the_root_and_never_cached_stale(client: FlaskClient) -> None:
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    assert 'self.addEventListener("fetch"' in response.get_data(as_text=True)


def test_the_worker_keeps_the_shell_and_one_offline_page_per_language_and_nothing_else(client: FlaskClient) -> None:
    settings = worker_settings(client)
    shell = settings["shell"]
    assert isinstance(shell, list)
    assert all(path.startswith(("/static/", "/vendor/")) or path == "/favicon.ico" for path in shell)
    assert settings["offline"] == {
        tag: f"/{tag}/offline" for tag in ["en", "es", "fr", "pt-BR", "zh-Hans", "vi", "ar", "ru", "fil"]
    }
    assert settings["default"] == "en"
    # Every file a visitor page loads is kept, so a page still draws while the server restarts.
    page = client.get("/en/topics").get_data(as_text=True)
    for asset in re.findall(r'(?:href|src)="(/(?:static|vendor)/[^"]+)"', page):
        assert asset in shell, asset
    for asset in shell:
        with client.get(asset) as response:
            assert response.status_code == 200, asset


def test_the_worker_version_changes_with_what_it_keeps(app: Flask, client: FlaskClient, tmp_path: Path) -> None:
    first = worker_settings(client)["version"]
    assert worker_settings(client)["version"] == first
    app.config["EMERGENCY_NUMBER"] = "911"  # the offline pages it keeps now say something else
    assert worker_settings(client)["version"] != first
    kept = tmp_path / "kept.css"
    kept.write_text("a")
    before = outage.shell_version([kept], {})
    kept.write_text("ab")
    assert outage.shell_version([kept], {}) != before


def test_the_offline_page_is_calm_in_the_visitors_language_with_the_red_flags(app: Flask, client: FlaskClient) -> None:
    response = client.get("/es/offline")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-cache"
    body = response.get_data(as_text=True)
    assert '<html lang="es" dir="ltr" data-kiosk="offline"' in body
    texts = [text for block in outage.red_flags().blocks for text in block.texts]
    with app.test_request_context("/es/offline"):
        g.language = i18n.languages()["es"]
        expected = [outage.restarting_message("112")] + [content.text_in(text, "112") for text in texts]
    # The red flags in Spanish (those already translated), with the number filled in wherever it has a place.
    assert any(shown != text.message_id for shown, text in zip(expected[1:], texts, strict=True))
    assert not any("%(number)s" in text for text in expected)
    for text in expected:
        assert html.escape(text) in body, text
    assert "If you need urgent help, call 112 or ask at the desk." in client.get("/en/offline").get_data(as_text=True)


def test_the_offline_page_shows_the_configured_number_and_red_flags_from_the_urgent_topic(tmp_path: Path) -> None:
    client = make_app(tmp_path, EMERGENCY_NUMBER="999").test_client()
    body = client.get("/en/offline").get_data(as_text=True)
    assert "call 999 or ask at the desk" in body
    urgent = content.BY_SLUG["urgent-help"]
    assert outage.red_flags() is urgent
    for block in urgent.blocks:
        for text in block.texts:
            assert html.escape(text.message_id.replace("%(number)s", "999")) in body


def test_the_offline_page_touches_nothing_of_the_visit(client: FlaskClient) -> None:
    client.get("/ar/topics")
    response = client.get("/es/offline")
    assert "Set-Cookie" not in response.headers
    assert client.get("/").headers["Location"] == "/ar/"  # the visit's language is unchanged
    assert client.get("/xx/offline").status_code == 404


def test_every_answer_is_marked_as_the_kiosks_own(client: FlaskClient) -> None:
    # The worker treats a 502-504 without this mark as a gateway's (the server is down behind nginx).
    for path in ["/en/", "/en/nothing-here", "/static/visitor/kiosk.css", "/health"]:
        with client.get(path) as response:
            assert response.headers["X-Kiosk"] == "1"
