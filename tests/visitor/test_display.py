"""Per-visit display choices and the reset that ends a visit."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from flask.testing import FlaskClient

from kiosk.core.urls import safe_next
from tests.helpers.app import make_app


def test_text_size_and_contrast_last_for_the_visit(client: FlaskClient) -> None:
    client.post("/display", data={"text_size": "largest", "next": "/en/topics"})
    client.post("/display", data={"contrast": "high", "next": "/en/topics"})
    body = client.get("/en/topics").get_data(as_text=True)
    assert 'data-text-size="largest" data-contrast="high"' in body


def test_display_form_without_javascript_returns_to_the_page(client: FlaskClient) -> None:
    response = client.post("/display", data={"text_size": "large", "next": "/en/topics/symptoms"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/en/topics/symptoms"


def test_display_change_by_htmx_triggers_the_page_event(client: FlaskClient, hx: Callable[..., dict[str, str]]) -> None:
    response = client.post("/display", data={"text_size": "largest"}, headers=hx())
    assert response.status_code == 204
    assert json.loads(response.headers["HX-Trigger"]) == {
        "kiosk-display": {"text_size": "largest", "contrast": "normal"}
    }


def test_a_visit_starts_at_the_configured_text_size(client: FlaskClient, tmp_path: Path) -> None:
    # The middle size by default: the kiosk's screens were designed at it (see the README's screenshots).
    assert 'data-text-size="large" data-contrast="normal"' in client.get("/en/").get_data(as_text=True)
    small = make_app(tmp_path / "small", DEFAULT_TEXT_SIZE="normal").test_client()
    assert 'data-text-size="normal"' in small.get("/en/").get_data(as_text=True)
    broken = make_app(tmp_path / "broken", DEFAULT_TEXT_SIZE="gigantic").test_client()
    assert 'data-text-size="normal"' in broken.get("/en/").get_data(as_text=True)


def test_tampered_values_and_foreign_next_are_ignored(client: FlaskClient) -> None:
    response = client.post("/display", data={"text_size": "huge", "next": "https://example.org/"})
    assert response.headers["Location"] == "/"
    assert 'data-text-size="large"' in client.get("/en/topics").get_data(as_text=True)
    for target in ["//evil.example", "/\\evil", "javascript:alert(1)", None, ""]:
        assert safe_next(target) == "/"


def test_reset_forgets_language_and_display_choices(client: FlaskClient) -> None:
    client.get("/ar/topics")
    client.post("/display", data={"text_size": "largest", "contrast": "high"})
    response = client.post("/reset")
    assert response.headers["Location"] == "/"
    assert client.get("/").headers["Location"] == "/en/"
    assert 'data-text-size="large" data-contrast="normal"' in client.get("/en/").get_data(as_text=True)


def test_display_form_requires_a_csrf_token(tmp_path: Path) -> None:
    app = make_app(tmp_path, WTF_CSRF_ENABLED=True)
    client = app.test_client()
    response = client.post("/display", data={"text_size": "large"})
    assert response.status_code == 400
    assert "Sorry" in response.get_data(as_text=True)
    # The idle reset works even with a stale token.
    assert client.post("/reset").status_code == 302
