"""Where a message appears on the kiosk: found by rendering every visitor page in English once."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

from flask import Flask, session
from markupsafe import escape

from kiosk.i18n import catalogs
from kiosk.visitor import content

log = logging.getLogger(__name__)

PREVIEW_KEY = "translation_preview"  # languages this browser may preview before the kiosk shows them
FIXED_PAGES = ("/", "/topics")


def kiosk_paths(app: Flask) -> list[str]:
    """Return every visitor page that needs no input: the fixed screens, each topic, and other simple screens."""
    paths = list(FIXED_PAGES) + [f"/topics/{topic.slug}" for topic in content.TOPICS]
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/<lang>") and rule.arguments == {"lang"} and "GET" in (rule.methods or ()):
            path = rule.rule.removeprefix("/<lang>") or "/"
            if path not in paths:
                paths.append(path)
    return paths


def _pattern(msgid: str) -> re.Pattern[str]:
    """Match a message as it appears in HTML, with anything standing in for its placeholders."""
    literal = catalogs.PLACEHOLDER.sub("\x00", msgid).split("\x00")
    return re.compile(".{0,40}?".join(re.escape(str(escape(piece))) for piece in literal), re.DOTALL)


def _render_pages(app: Flask) -> dict[str, str]:
    """Render every kiosk page in English, with a client of its own."""
    pages = {}
    client = app.test_client()
    for path in kiosk_paths(app):
        response = client.get(f"/en{path}")
        if response.status_code == 200:
            pages[path] = response.get_data(as_text=True)
    return pages


def pages_for(app: Flask, msgids: Iterable[str]) -> list[str]:
    """Return the kiosk pages where any of the messages appears, most specific first."""
    pages = app.extensions.get("kiosk_editor_pages")
    if pages is None:
        pages = app.extensions["kiosk_editor_pages"] = _render_pages(app)
    found: list[str] = []
    titled: list[str] = []
    for msgid in msgids:
        pattern = _pattern(msgid)
        found.extend(path for path, html in pages.items() if path not in found and pattern.search(html))
        titled.extend(path for path in found if f"<title>{escape(msgid)} –" in pages[path])
    # A page titled with the message comes first; one on every page (a bar button) is best seen on the first.
    if len(found) == len(pages):
        return ["/"]
    return titled + [path for path in found if path not in titled]


def allow_preview(code: str) -> None:
    """Let this browser open a language's kiosk pages even while the kiosk hides it."""
    allowed = set(session.get(PREVIEW_KEY, []))
    allowed.add(code)
    session[PREVIEW_KEY] = sorted(allowed)


def previewed() -> set[str]:
    """Return the languages this browser may preview."""
    return set(session.get(PREVIEW_KEY, []))
