"""The Content-Security-Policy in Debian's Chromium: no page of the kiosk or the staff screens breaks it."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers.browser import CSP_VIOLATIONS, LANDSCAPE
from tests.helpers.desk import PASSWORD, add_account
from tests.helpers.servers import LiveServer

pytestmark = pytest.mark.browser

VISITOR_PAGES = ["/en/", "/en/topics", "/en/topics/symptoms", "/ar/topics/causes", "/en/talk-to-staff"]
STAFF_PAGES = ["/staff/", "/staff/history", "/staff/translations/", "/staff/translations/fr/"]


def violations(page: Any) -> list[str]:
    """Return the CSP violations the page has reported so far."""
    return list(page.evaluate("window.__cspViolations"))


def test_no_page_breaks_the_content_security_policy(new_page: Any, live_server: LiveServer) -> None:
    add_account(live_server.app, "Csp", "front_desk", "translator")
    page = new_page(LANDSCAPE, bypass_csp=False)
    page.add_init_script(CSP_VIOLATIONS)
    found = {}
    for path in VISITOR_PAGES:
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
        found[path] = violations(page)
    page.goto(live_server.url + "/staff/login")
    page.fill("#login-name", "Csp")
    page.fill("#login-password", PASSWORD)
    page.click("button[type=submit]")
    page.locator("#staff-requests").wait_for()
    for path in STAFF_PAGES:
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
        found[path] = violations(page)
    assert {path: seen for path, seen in found.items() if seen} == {}
