"""Languages: which ones the kiosk offers, how a request picks one, and catalogs that reload."""

from __future__ import annotations

from gettext import GNUTranslations
import logging
import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError
from flask import Flask, current_app, g, session
from flask_babel import Babel, Domain, get_domain
from flask_babel.speaklater import LazyString
from markupsafe import Markup, escape

from kiosk.catalogs import read_catalog

log = logging.getLogger(__name__)

SOURCE_LANGUAGE = "en"


@dataclass(frozen=True)
class Language:
    """One language the kiosk offers."""

    code: str  # catalog identifier, such as "pt_BR"
    tag: str  # BCP 47 tag used in URLs and <html lang>, such as "pt-BR"
    name: str  # the language's own name, in its own script
    direction: str  # "ltr" or "rtl"


def describe(code: str) -> Language:
    """Build a Language from Babel's locale data."""
    locale = Locale.parse(code)
    name = locale.display_name or code
    return Language(
        code=code,
        tag=code.replace("_", "-"),
        name=name[:1].upper() + name[1:],
        direction=locale.text_direction,
    )


def catalog_paths(translations_dir: Path, code: str) -> tuple[Path, Path]:
    """Return the .po and .mo paths of one language's catalog."""
    folder = translations_dir / code / "LC_MESSAGES"
    return folder / "messages.po", folder / "messages.mo"


def catalog_problem(translations_dir: Path, code: str) -> str | None:
    """Say why a language's catalog can't be used, or None when it loads."""
    if code == SOURCE_LANGUAGE:
        return None
    po_path, mo_path = catalog_paths(translations_dir, code)
    try:
        read_catalog(po_path, code)
        with mo_path.open("rb") as handle:
            GNUTranslations(handle)
    except FileNotFoundError as exc:
        return f"missing {exc.filename}; run 'kiosk translate compile'"
    except Exception as exc:  # noqa: BLE001 - any parse failure disables just this language
        return f"unreadable catalog: {exc}"
    return None


def load_languages(codes: list[str], translations_dir: Path) -> dict[str, Language]:
    """Return the usable languages by tag, logging and skipping any with a broken catalog."""
    languages: dict[str, Language] = {}
    for code in codes:
        try:
            language = describe(code)
        except (UnknownLocaleError, ValueError):
            log.error("Language %r is not a known locale; it is disabled.", code)
            continue
        problem = catalog_problem(translations_dir, code)
        if problem:
            log.error("Language %s is disabled: %s", code, problem)
            continue
        languages[language.tag] = language
    return languages


def match(tag: str | None, languages: dict[str, Language]) -> Language | None:
    """Find the offered language for a tag such as "pt-BR", "zh-CN" or "PT-br"."""
    if not tag:
        return None
    if tag in languages:
        return languages[tag]
    try:
        wanted = Locale.parse(tag.replace("_", "-"), sep="-")
    except (UnknownLocaleError, ValueError, TypeError):
        return None
    # Match on language and script, so zh-CN (zh_Hans_CN) finds zh-Hans and pt finds pt-BR.
    for language in languages.values():
        offered = Locale.parse(language.code)
        if offered.language == wanted.language and (
            offered.script == wanted.script or not wanted.script or not offered.script
        ):
            return language
    return None


def languages() -> dict[str, Language]:
    """Return the languages the running app offers, by tag; staff settings may change them while it runs."""
    offer = current_app.extensions.get("kiosk_language_offer")
    return offer() if offer is not None else current_app.extensions["kiosk_languages"]


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
    """Tell Flask-Babel which catalog the current request uses."""
    return current_language().code


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
                entries = sorted(entry.path for entry in os.scandir(directory) if entry.is_dir())
            except FileNotFoundError:
                continue
            for folder in entries:
                mo_path = os.path.join(folder, "LC_MESSAGES", f"{self.domain[0]}.mo")
                try:
                    stamp.append((mo_path, os.stat(mo_path).st_mtime_ns))
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
        return self.cache


class KioskBabel(Babel):
    """Flask-Babel whose default domain reloads catalogs that change on disk."""

    @cached_property
    def domain_instance(self) -> Domain:
        """The default domain, one per app."""
        return ReloadingDomain(domain=self.domain)


def _format(translated: str, source: str, variables: dict[str, Any]) -> Markup:
    """Format a translation as escaped markup, falling back to the source if the translation is broken."""
    try:
        return escape(translated) % variables
    except (KeyError, ValueError, TypeError, IndexError) as exc:
        # A staff member's typo must not take the page down: show English for this one message.
        log.warning("Broken translation %r of %r: %s", translated, source, exc)
        return escape(source) % variables


def request_translations() -> Any:
    """Return the current request's catalog, looked up once per request rather than once per message."""
    if not g:
        return get_domain().get_translations()
    translations = g.get("kiosk_translations")
    if translations is None:
        translations = g.kiosk_translations = get_domain().get_translations()
    return translations


def gettext(string: str, **variables: Any) -> Markup:
    """Translate and format a message as escaped markup; a broken translation falls back to English."""
    return _format(request_translations().ugettext(string), string, variables)


def ngettext(singular: str, plural: str, num: int, **variables: Any) -> Markup:
    """Translate and format a plural message; num fills %(num)d, as in Jinja's newstyle gettext."""
    variables.setdefault("num", num)
    source = singular if num == 1 else plural
    return _format(request_translations().ungettext(singular, plural, num), source, variables)


class SafeLazyString(LazyString):
    """A lazy translation that templates escape, so a translation can never inject markup."""

    def __html__(self) -> Markup:
        return escape(str(self))


def lazy_gettext(string: str) -> SafeLazyString:
    """Mark a message for translation when it is shown, not when the module is imported."""
    return SafeLazyString(lambda text: request_translations().ugettext(text), string)


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
    app.jinja_env.newstyle_gettext = True  # type: ignore[attr-defined]
    app.jinja_env.globals.update(gettext=gettext, _=gettext, ngettext=ngettext)
