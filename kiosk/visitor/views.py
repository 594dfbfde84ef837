"""Visitor routes: the home screen, the topic menu and the sciatica pages (the staff call is kiosk.talk.views)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, request, url_for
from flask.typing import ResponseReturnValue

from kiosk import i18n
from kiosk.core.partials import render_screen
from kiosk.core.urls import safe_next
from kiosk.i18n import gettext as _
from kiosk.visitor import content, emergency
from kiosk.visitor.attract import touch_to_start
from kiosk.visitor.language_urls import in_language, language_prefixed, page_language, this_page
from kiosk.visitor.pictures import icon, pictogram, pictogram_alt

bp = language_prefixed(Blueprint("visitor", __name__, url_prefix="/<lang>"))
bp.add_app_template_global(this_page, "this_page")
bp.add_app_template_global(pictogram_alt, "pictogram_alt")
bp.add_app_template_global(icon, "icon")
bp.add_app_template_global(pictogram, "pictogram")


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
        invitations=touch_to_start(i18n.languages().values()),
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


@bp.get("/language")
def language() -> ResponseReturnValue:
    """Choose a language; each choice opens the screen the visitor came from, in that language."""
    came_from = safe_next(request.args.get("next"))
    if page_language(came_from) is None:
        came_from = url_for(".home")  # not a visitor's screen: offer the home screen instead
    return render_screen(
        "visitor/_language.html",
        screen="language",
        title=_("Choose your language"),
        choices=[(item, in_language(came_from, item.tag)) for item in i18n.languages().values()],
        back_url=came_from,
    )


@bp.get("/new-visit")
def new_visit() -> ResponseReturnValue:
    """Ask before starting a new visit, showing the ticket that stays with the front desk, if there is one."""
    came_from = safe_next(request.args.get("next"))
    return render_screen(
        "visitor/_new_visit.html",
        screen="new-visit",
        title=_("Start a new visit"),
        back_url=came_from if page_language(came_from) else url_for(".home"),
        hide_chip=True,
    )
