"""Bad input gets a friendly page in the visitor's language, never a stack trace."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient


@pytest.mark.parametrize("path", ["/en/nope", "/nope/at/all", "/fr/topics/zzz", "/en/%ff%fe", "/en/topics/%00"])
def test_unknown_addresses_get_a_friendly_page(client: FlaskClient, path: str) -> None:
    response = client.get(path, follow_redirects=True)
    assert response.status_code == 404
    body = response.get_data(as_text=True)
    assert "could not find" in body or "trouvé" in body
    assert "Traceback" not in body
    assert 'data-nav="home"' in body


def test_unknown_address_uses_the_visit_language(client: FlaskClient) -> None:
    client.get("/ru/topics")
    body = client.get("/no/such/page").get_data(as_text=True)
    assert 'lang="ru"' in body


def test_odd_query_strings_are_ignored(client: FlaskClient) -> None:
    for query in ["?a=%ff", "?" + "x" * 5000, "?lang=<script>", "?page[]=1&page[]=2"]:
        response = client.get("/en/topics/symptoms" + query)
        assert response.status_code == 200
        assert "<script>" not in response.get_data(as_text=True).split("</head>")[1].split("<script")[0]


def test_non_html_accept_header_still_gets_a_page(client: FlaskClient) -> None:
    for path, status in [("/en/topics", 200), ("/en/nope", 404)]:
        response = client.get(path, headers={"Accept": "application/json"})
        assert response.status_code == status
        assert response.mimetype == "text/html"


def test_wrong_method_gets_a_friendly_page(client: FlaskClient) -> None:
    response = client.post("/en/topics")
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]
    assert "Sorry" in response.get_data(as_text=True)


def test_a_crash_shows_the_friendly_500_page(app: Flask) -> None:
    @app.get("/boom")
    def boom() -> str:
        raise RuntimeError("kaboom")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "something went wrong" in body.lower()
    assert "kaboom" not in body


def test_htmx_errors_are_small_partials(client: FlaskClient, hx: Callable[..., dict[str, str]]) -> None:
    response = client.get("/en/nope", headers=hx())
    assert response.status_code == 404
    assert "<html" not in response.get_data(as_text=True)
