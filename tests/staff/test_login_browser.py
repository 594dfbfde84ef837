"""Signing in, in Debian's Chromium: each role lands on its own home, whichever way it came to the login page."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.helpers.app import make_app
from tests.helpers.browser import LANDSCAPE
from tests.helpers.desk import PASSWORD, add_account
from tests.helpers.servers import LiveServer

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server with CSRF on, as in production, a translator-only and a front-desk account."""
    app = make_app(tmp_path_factory.mktemp("login"))
    add_account(app, "Words", "translator")
    add_account(app, "Desk", "front_desk")
    served = LiveServer(app)
    yield served
    served.stop()


@pytest.mark.parametrize(
    ("name", "start", "home", "heading"),
    [
        ("Words", "/staff/login", "/staff/translations/", "Translations"),
        ("Words", "/staff/", "/staff/translations/", "Translations"),
        ("Desk", "/staff/login", "/staff/", "Open requests"),
        ("Desk", "/staff/translations/", "/staff/", "Open requests"),
    ],
)
def test_each_role_lands_on_its_own_home_after_signing_in(
    new_page: Any, server: LiveServer, name: str, start: str, home: str, heading: str
) -> None:
    page = new_page(LANDSCAPE)
    page.goto(server.url + start)
    page.fill("#login-name", name)
    page.fill("#login-password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(server.url + home)
    expect(page.locator("h1")).to_have_text(heading)
    expect(page.locator(".staff-bar")).to_contain_text(f"Signed in as {name}")
