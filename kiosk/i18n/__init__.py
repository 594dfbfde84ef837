"""Languages and translations: which languages the kiosk offers, gettext, catalog tools and the live catalogs."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from kiosk.i18n.languages import SOURCE_LANGUAGE, Language, describe, load_languages, match
from kiosk.i18n.messages import (
    KioskBabel,
    SafeLazyString,
    gettext,
    gettext_in,
    lazy_gettext,
    long_date,
    ngettext,
    request_translations,
)
from kiosk.i18n.selection import current_language, default_language, languages, select_locale, visit_language

__all__ = [
    "SOURCE_LANGUAGE",
    "Language",
    "SafeLazyString",
    "current_language",
    "default_language",
    "describe",
    "gettext",
    "gettext_in",
    "init_app",
    "languages",
    "lazy_gettext",
    "load_languages",
    "long_date",
    "match",
    "ngettext",
    "request_translations",
    "select_locale",
    "visit_language",
]


def init_app(app: Flask, translations_dir: Path) -> None:
    """Set up Flask-Babel with reloading catalogs and register the offered languages."""
    # A Babel instance per app keeps each app's catalog cache its own (tests build many apps).
    KioskBabel().init_app(
        app,
        locale_selector=select_locale,
        default_locale=SOURCE_LANGUAGE,
        default_translation_directories=str(translations_dir.resolve()),
    )
    offered = load_languages(list(app.config["LANGUAGES"]), translations_dir)
    if SOURCE_LANGUAGE not in offered:
        offered[SOURCE_LANGUAGE] = describe(SOURCE_LANGUAGE)
    app.extensions["kiosk_languages"] = offered
    # Installed as plain callables: they do the newstyle formatting themselves, safely.
    app.jinja_env.extend(newstyle_gettext=True)
    app.jinja_env.globals.update(gettext=gettext, _=gettext, ngettext=ngettext)
