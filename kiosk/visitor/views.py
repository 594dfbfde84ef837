"""Visitor routes: the home screen, the topic menu and the sciatica pages (the staff call is kiosk.talk.views)."""

from __future__ import annotations

from flask import Blueprint, abort, url_for
from flask.typing import ResponseReturnValue

from kiosk import i18n
from kiosk.core.partials import render_screen
from kiosk.i18n import gettext as _
from kiosk.visitor import content
from kiosk.visitor.language_urls import language_prefixed

bp = language_prefixed(Blueprint("visitor", __name__, url_prefix="/<lang>"))


@bp.get("/")
def home() -> ResponseReturnValue:
    """The welcome screen with the language picker."""
    return render_screen(
        "visitor/_home.html",
        screen="home",
        title=_("Welcome"),
        languages=i18n.languages().values(),
    )


@bp.get("/topics")
def menu() -> ResponseReturnValue:
    """The menu of topics."""
    return render_screen(
        "visitor/_menu.html",
        screen="menu",
        title=_("Topics"),
        topics=content.MENU,
        back_url=url_for(".home"),
    )


@bp.get("/topics/<slug>")
def topic(slug: str) -> ResponseReturnValue:
    """One sciatica page."""
    page = content.topic(slug)
    if page is None:
        abort(404)
    parent = url_for(".topic", slug=page.parent) if page.parent else url_for(".menu")
    return render_screen(
        "visitor/_topic.html",
        screen="topic",
        title=page.title,
        page=page,
        trail=content.trail(page),
        children=[content.BY_SLUG[child] for child in page.children],
        back_url=parent,
    )
