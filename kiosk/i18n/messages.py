"""Translating messages: catalogs that reload when they change on disk, and gettext that never breaks a page."""

from __future__ import annotations

import logging
import os
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any

from flask import g
from flask_babel import Babel, Domain, force_locale, format_date, get_domain, get_locale
from flask_babel.speaklater import LazyString
from markupsafe import Markup, escape

from kiosk.i18n import journal

log = logging.getLogger(__name__)


class ReloadingDomain(Domain):
    """A gettext domain whose catalog cache empties itself when a .mo file changes on disk."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._stamp: tuple[tuple[str, int], ...] = ()

    def _current_stamp(self) -> tuple[tuple[str, int], ...]:
        """Return the modification time of every compiled catalog."""
        stamp = []
        for directory in self.translation_directories:
            try:
                entries = list(os.scandir(directory))
            except FileNotFoundError:
                continue
            if any(entry.name.startswith(journal.PREFIX) for entry in entries):
                # A save was killed halfway: finish it now rather than wait for the next one.
                journal.recover(Path(directory))
            folders = sorted(entry.path for entry in entries if entry.is_dir())
            for folder in folders:
                mo_path = Path(folder, "LC_MESSAGES", f"{self.domain[0]}.mo")
                try:
                    stamp.append((str(mo_path), mo_path.stat().st_mtime_ns))
                except FileNotFoundError:
                    continue
        return tuple(stamp)

    def get_translations_cache(self, ctx: Any) -> dict[Any, Any]:
        """Return the catalog cache, emptied first if any catalog changed since it was filled."""
        # Each worker process checks once per request, so an edit reaches every worker on its next page.
        if not getattr(ctx, "kiosk_catalogs_checked", False):
            ctx.kiosk_catalogs_checked = True
            stamp = self._current_stamp()
            if stamp != self._stamp:
                self.cache.clear()
                self._stamp = stamp
        cache: dict[Any, Any] = self.cache
        return cache


class KioskBabel(Babel):
    """Flask-Babel whose default domain reloads catalogs that change on disk."""

    @cached_property
    def domain_instance(self) -> Domain:
        """The default domain, one per app."""
        return ReloadingDomain(domain=self.domain)


def _format(translated: str, source: str, variables: dict[str, Any]) -> str:
    """Format a translation as plain text, falling back to the source if the translation is broken."""
    # Plain text, never Markup: it is escaped once, where a template or tojson writes it out. Escaping
    # here as well showed a translator's apostrophe as "&#39;" wherever text went through JSON.
    try:
        return translated % variables
    except (KeyError, ValueError, TypeError, IndexError) as exc:
        # A staff member's typo must not take the page down: show English for this one message.
        log.warning("Broken translation %r of %r: %s", translated, source, exc)
        return source % variables


def request_translations() -> Any:
    """Return the current request's catalog, looked up once per request rather than once per message."""
    if not g:
        return get_domain().get_translations()
    translations = g.get("kiosk_translations")
    if translations is None:
        translations = g.kiosk_translations = get_domain().get_translations()
    return translations


def current_locale() -> str:
    """Return the language messages are translated into now ("en" outside a request)."""
    return str(get_locale() or "en")


def gettext_in(code: str, string: str) -> str:
    """Translate a message into one given language, whatever the request's (for a line shown in every language)."""
    with force_locale(code):
        return str(get_domain().get_translations().ugettext(string))


def gettext(string: str, **variables: Any) -> str:
    """Translate and format a message as plain text; a broken translation falls back to English."""
    return _format(request_translations().ugettext(string), string, variables)


def ngettext(singular: str, plural: str, num: int, **variables: Any) -> str:
    """Translate and format a plural message; num fills %(num)d, as in Jinja's newstyle gettext."""
    variables.setdefault("num", num)
    source = singular if num == 1 else plural
    return _format(request_translations().ungettext(singular, plural, num), source, variables)


class SafeLazyString(LazyString):
    """A lazy translation that templates escape, so a translation can never inject markup."""

    def __html__(self) -> Markup:
        return escape(str(self))

    @property
    def message_id(self) -> str:
        """The English message this translates."""
        return str(self._args[0])


def lazy_gettext(string: str) -> SafeLazyString:
    """Mark a message for translation when it is shown, not when the module is imported."""
    return SafeLazyString(lambda text: request_translations().ugettext(text), string)


def long_date(day: date) -> str:
    """Write a day in full, as the current language writes dates ("30 de noviembre de 2026")."""
    return str(format_date(day, format="long"))
