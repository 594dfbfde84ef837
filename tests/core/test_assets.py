"""Locally served front-end files and the health check."""

from __future__ import annotations

from flask.testing import FlaskClient


def test_htmx_is_served_locally_from_npm(client: FlaskClient) -> None:
    with client.get("/vendor/htmx.min.js") as response:
        assert response.status_code == 200
        assert response.mimetype in {"text/javascript", "application/javascript"}
        assert b"htmx" in response.data[:2000]


def test_only_allow_listed_vendor_files_are_served(client: FlaskClient) -> None:
    assert client.get("/vendor/package.json").status_code == 404
    assert client.get("/vendor/..%2Fpackage.json").status_code == 404


def test_pages_load_nothing_from_other_hosts(client: FlaskClient) -> None:
    body = client.get("/en/topics/what-is-sciatica").get_data(as_text=True)
    assert "http://" not in body
    assert "https://" not in body


def test_health_reports_ok_and_languages(client: FlaskClient) -> None:
    data = client.get("/health").get_json()
    assert data["status"] == "ok"
    assert {"en", "es", "fr", "pt-BR", "zh-Hans", "vi", "ar", "ru", "fil"} <= set(data["languages"])


def test_favicon_does_not_wander_through_the_language_prefix(client: FlaskClient) -> None:
    with client.get("/favicon.ico") as response:
        assert response.status_code == 200
        assert response.mimetype == "image/svg+xml"
