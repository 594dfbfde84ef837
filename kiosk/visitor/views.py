"""Visitor routes: the home screen, the topic menu and the sciatica pages (the staff call is kiosk.talk.views)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, url_for
from flask.typing import ResponseReturnValue

from kiosk import i18n
from kiosk.core.partials import render_screen
from kiosk.i18n import gettext as _
from kiosk.visitor import content, emergency
from kiosk.visitor.language_urls import language_prefixed

bp = language_prefixed(Blueprint("visitor", __name__, url_prefix="/<lang>"))


@bp.app_template_global("emergency_number")
def emergency_number() -> str:
    """Return the emergency telephone number as the screen shows it."""
    return emergency.number(current_app.config)


@bp.app_template_global("spoken_number")
def spoken_number() -> str:
    """Return the emergency number as it is read aloud, one digit at a time."""
    return emergency.spoken(emergency_number())


@bp.app_template_global("emergency_text")
def emergency_text(message: Any) -> str:
    """Return a content message as the screen shows it, with the emergency number filled in."""
    return content.text_in(message, emergency_number())


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
    """One sciatica page, with the sources it rests on and when it was last reviewed."""
    page = content.topic(slug)
    if page is None:
        abort(404)
    parent = url_for(".topic", slug=page.parent) if page.parent else url_for(".menu")
    day = i18n.long_date(emergency.reviewed(current_app.config))
    return render_screen(
        "visitor/_topic.html",
        screen="topic",
        title=page.title,
        page=page,
        trail=content.trail(page),
        children=[content.BY_SLUG[child] for child in page.children],
        back_url=parent,
        sources=[content.SOURCES[key] for key in page.sources],
        # TRANSLATORS: Shown at the foot of each page under its sources. %(date)s is a date already written in
        # the visitor's language; keep it exactly as written.
        reviewed=_("Last reviewed: %(date)s", date=day),
    )
