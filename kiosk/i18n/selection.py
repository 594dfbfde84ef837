"""Which language a request is in: the URL's, else the one chosen earlier in the visit, else the default.

This is the request-facing side of kiosk.i18n: it reads the session and `g`, as Flask-Babel's locale
selector must.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app, g, has_request_context, session

from kiosk.i18n.languages import SOURCE_LANGUAGE, Language, match


def languages() -> dict[str, Language]:
    """Return the languages the running app offers, by tag; staff settings may change them while it runs."""
    offer: Callable[[], dict[str, Language]] | None = current_app.extensions.get("kiosk_language_offer")
    if offer is not None:
        return offer()
    started: dict[str, Language] = current_app.extensions["kiosk_languages"]
    return started


def default_language() -> Language:
    """Return the configured default language, or the first usable one."""
    offered = languages()
    return match(current_app.config["DEFAULT_LANGUAGE"], offered) or next(iter(offered.values()))


def visit_language() -> Language:
    """Return the language chosen earlier in this visit, or the default."""
    return match(session.get("lang"), languages()) or default_language()


def current_language() -> Language:
    """Return the language of the current request."""
    return g.get("language") or visit_language()


def select_locale() -> str:
    """Tell Flask-Babel which catalog the current request uses.

    Outside a request, the language a block chose (the speech service renders pages in each language), or
    English (the CLI): there is no visit to ask.
    """
    if not has_request_context():
        chosen: Language | None = g.get("language")
        return chosen.code if chosen is not None else SOURCE_LANGUAGE
    return current_language().code
