"""Signing in in Debian's Chromium: a hostile "next" address never takes the browser off the kiosk."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlsplit

import pytest

from tests.helpers.browser import LANDSCAPE
from tests.helpers.desk import PASSWORD, add_account
from tests.helpers.servers import LiveServer

pytestmark = pytest.mark.browser

HOSTILE_NEXT = ["/\t/evil.example/", "/\\evil.example", "//evil.example", "/%2F%2Fevil.example", "https://evil.example"]


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
