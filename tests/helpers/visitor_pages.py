"""The list of every visitor page, shared by the route and browser tests, and how the audit samples them."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import ViewportSize

from kiosk.visitor import content
from tests.helpers.browser import LANDSCAPE, PORTRAIT

VISITOR_PATHS = ["/", "/topics", "/talk-to-staff", "/talk-to-staff/urgent"] + [
    f"/topics/{topic.slug}" for topic in content.TOPICS
]
# Screens around the content: the language choice, the new-visit question, the flow's steps and the offline page.
OTHER_SCREENS = [
    "/language",
    "/new-visit",
    "/talk-to-staff/when?reason=book",
    "/talk-to-staff/name?reason=book",
    "/offline",
]
AUDITED_PATHS = VISITOR_PATHS + OTHER_SCREENS

# Every language is audited on every screen once, each in its own orientation, text size and contrast, so
# that together with English in both orientations and both contrasts every combination is covered.
AUDIT_PLAN: dict[str, tuple[ViewportSize, str, str]] = {
    "en": (PORTRAIT, "large", "normal"),
    "es": (PORTRAIT, "normal", "normal"),
    "fr": (PORTRAIT, "normal", "high"),
    "pt-BR": (LANDSCAPE, "normal", "normal"),
    "zh-Hans": (LANDSCAPE, "normal", "high"),
    "vi": (PORTRAIT, "largest", "normal"),
    "ar": (PORTRAIT, "largest", "high"),
    "ru": (LANDSCAPE, "largest", "normal"),
    "fil": (LANDSCAPE, "largest", "high"),
}


def open_screen(page: Any, url: str) -> None:
    """Open a visitor screen; the offline page as it is while the server is away (it leaves once /health
    answers, so /health fails for the page until the next screen is opened)."""
    page.unroute("**/health")
    if url.endswith("/offline"):
        page.route("**/health", lambda route: route.abort())
    page.goto(url)
