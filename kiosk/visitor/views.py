"""Visitor routes: the home screen, the topic menu and the sciatica pages (the staff call is kiosk.talk.views)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, g, redirect, request, session, url_for

from kiosk import i18n
from kiosk.core.partials import render_screen
from kiosk.i18n import gettext as _
from kiosk.visitor import content

bp = Blueprint("visitor", __name__, url_prefix="/<lang>")


@bp.url_defaults
def add_language(endpoint: str, values: dict[str, Any]) -> None:
    """Keep the visitor's language in every link."""
    values.setdefault("lang", i18n.current_language().tag)


@bp.url_value_preprocessor
def pull_language(endpoint: str | None, values: dict[str, Any] | None) -> None:
    """Set the request's language from the URL prefix."""
    tag = (values or {}).pop("lang", None)
    g.url_language_tag = tag
    g.language = i18n.match(tag, i18n.languages())


@bp.before_request
def canonical_language() -> Response | None:
    """Send an unknown or oddly spelled language prefix to the right address."""
    language = g.language
    if language is None or g.url_language_tag != language.tag:
        language = language or i18n.visit_language()
        rest = request.path.split("/", 2)[2] if request.path.count("/") >= 2 else ""
        return redirect(f"/{language.tag}/{rest}")  # type: ignore[return-value]
    session["lang"] = language.tag
    return None


@bp.get("/")
def home() -> Response:
    """The welcome screen with the language picker."""
    return render_screen(
        "visitor/_home.html",
        screen="home",
        title=_("Welcome"),
        languages=i18n.languages().values(),
    )


@bp.get("/topics")
def menu() -> Response:
    """The menu of topics."""
    return render_screen(
        "visitor/_menu.html",
        screen="menu",
        title=_("Topics"),
        topics=content.MENU,
        back_url=url_for(".home"),
    )


@bp.get("/topics/<slug>")
def topic(slug: str) -> Response:
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
