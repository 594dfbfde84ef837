"""Signing in, in Debian's Chromium: each role lands on its own home, whichever way it came to the login page,
and a hostile "next" address never takes the browser off the kiosk."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
from playwright.sync_api import expect

from tests.helpers.app import make_app
from tests.helpers.browser import LANDSCAPE
from tests.helpers.desk import PASSWORD, add_account
from tests.helpers.servers import LiveServer

pytestmark = pytest.mark.browser

HOSTILE_NEXT = ["/\t/evil.example/", "/\\evil.example", "//evil.example", "/%2F%2Fevil.example", "https://evil.example"]


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


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_a_real_login_with_a_hostile_next_stays_on_the_kiosk(
    new_page: Any, live_server: LiveServer, target: str
) -> None:
    name = f"Next{HOSTILE_NEXT.index(target)}"
    add_account(live_server.app, name)
    page = new_page(LANDSCAPE)
    page.goto(f"{live_server.url}/staff/login?next={quote(target, safe='')}")
    page.fill("#login-name", name)
    page.fill("#login-password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    assert urlsplit(page.url).netloc == urlsplit(live_server.url).netloc
