"""Which languages the kiosk shows: staff add them from Babel's locales, enable them and set a threshold."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path

from babel import Locale, UnknownLocaleError, localedata
from babel.messages.catalog import Catalog
from flask import Flask, has_request_context

from kiosk import i18n
from kiosk.core.files import atomic_write
from kiosk.i18n import catalogs
from kiosk.i18n.live import Store, advance_mtime, locked, state_of

log = logging.getLogger(__name__)

STATE_NAME = "languages.json"
DEFAULT_THRESHOLD = 90


@dataclass(frozen=True)
class Setting:
    """What staff chose for one language, and how complete it was at its last save."""

    enabled: bool
    threshold: int  # percent translated needed before the kiosk shows it
    completion: int | None = None

    @property
    def visible(self) -> bool:
        """True when the kiosk shows this language."""
        return self.enabled and (self.threshold <= 0 or (self.completion or 0) >= self.threshold)


def completion(catalog: Catalog) -> int:
    """Return the whole percentage of entries translated and reviewed."""
    states = [state_of(message) for message in catalog if message.id]
    done = sum(1 for state in states if state.translated)
    return 100 * done // len(states) if states else 100


def state_path(live: Path) -> Path:
    """Return the file holding the staff's language settings."""
    return live / STATE_NAME


def settings(live: Path) -> dict[str, Setting]:
    """Return the staff's settings for every language that has any."""
    try:
        raw = json.loads(state_path(live).read_text(encoding="utf-8"))
        return {
            code: Setting(bool(value["enabled"]), int(value["threshold"]), value.get("completion"))
            for code, value in raw.items()
        }
    except FileNotFoundError:
        return {}
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        log.error("Ignoring unreadable language settings in %s: %s", state_path(live), exc)
        return {}


def setting(live: Path, code: str, configured: bool) -> Setting:
    """Return a language's setting; configured languages are on by default, added ones off."""
    return settings(live).get(code) or Setting(configured, 0 if configured else DEFAULT_THRESHOLD)


def _write(live: Path, found: dict[str, Setting]) -> None:
    """Store every setting atomically; the caller holds the lock."""
    data = json.dumps({code: asdict(value) for code, value in sorted(found.items())}, indent=1)
    path = state_path(live)
    before = path.stat().st_mtime_ns if path.exists() else None
    atomic_write(path, data.encode())
    advance_mtime(path, before)


def choose(store: Store, code: str, enabled: bool, threshold: int) -> Setting:
    """Save whether a language is on and the completion it needs before the kiosk shows it."""
    with locked(store.live):
        found = settings(store.live)
        percent = completion(catalogs.read_catalog(store.po(code), code))
        found[code] = Setting(enabled, max(0, min(100, threshold)), percent)
        _write(store.live, found)
        return found[code]


def note_completion(store: Store, code: str, catalog: Catalog) -> None:
    """Remember a language's completion after a save, so every worker can apply its threshold cheaply."""
    found = settings(store.live)
    current = found.get(code)
    percent = completion(catalog)
    # Only a language staff have set up has a threshold; the others need no bookkeeping.
    if current is not None and current.completion != percent:
        found[code] = Setting(current.enabled, current.threshold, percent)
        _write(store.live, found)


@cache
def addable() -> tuple[tuple[str, str], ...]:
    """Return Babel's locales as (code, "English name – own name"), sorted by English name; read once (about 1 s)."""
    found = []
    for code in localedata.locale_identifiers():
        try:
            locale = Locale.parse(code)
        except (UnknownLocaleError, ValueError):
            continue
        english, own = locale.get_display_name("en") or code, locale.display_name or code
        found.append((code, english if english == own else f"{english} – {own}"))
    return tuple(sorted(found, key=lambda item: item[1].casefold()))


def addable_for(existing: list[str]) -> list[tuple[str, str]]:
    """Return the locales staff may add: not English (the kiosk's own), not a language it has, nor a
    regional variant of one it has without a region (es_MX when it has es; but pt when it has pt_BR)."""
    have = set(existing)
    locales = [Locale.parse(code) for code in existing]
    general = {(locale.language, locale.script) for locale in locales if locale.territory is None}
    found = []
    for code, name in addable():
        locale = Locale.parse(code)
        if locale.language == i18n.SOURCE_LANGUAGE or code in have:
            continue
        if (locale.language, locale.script) in general or ((locale.language, None) in general and not locale.script):
            continue
        found.append((code, name))
    return found


def resolve(wanted: str, choices: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Find the choices a typed language means: its code, its listed name, or every name containing the words."""
    typed = " ".join(wanted.split()).casefold()
    if not typed:
        return []
    for code, name in choices:
        if typed in {code.casefold(), name.casefold(), f"{name} ({code})".casefold()}:
            return [(code, name)]
    # "Deutsch" or "german": the English name or the language's own, in full.
    named = [(code, name) for code, name in choices if typed in {part.casefold() for part in name.split(" – ")}]
    return named or [(code, name) for code, name in choices if typed in name.casefold()]


def add(store: Store, code: str, translator: str) -> Path:
    """Create a language's catalog from the template; it stays off the kiosk until staff enable it."""
    if code not in set(localedata.locale_identifiers()):
        raise ValueError(code)
    with locked(store.live):
        if store.po(code).exists():
            raise FileExistsError(code)
        path = catalogs.init(catalogs.read_catalog(store.template), store.live, code)
        catalog = catalogs.read_catalog(path, code)
        catalogs.stamp_header(catalog, translator)
        atomic_write(path, catalogs.po_bytes(catalog))
        problems = catalogs.compile_catalog(path, code)
        if problems:
            raise RuntimeError("; ".join(p.text for p in problems))
        found = settings(store.live)
        found[code] = Setting(False, DEFAULT_THRESHOLD, completion(catalog))
        _write(store.live, found)
    return path


def offered(app: Flask) -> tuple[dict[str, i18n.Language], dict[str, i18n.Language]]:
    """Return the languages the kiosk shows now, and every language it could show; cached until settings change."""
    live = Path(app.config["LIVE_TRANSLATIONS_DIR"])
    try:
        stat = state_path(live).stat()
        key: tuple[int, int, int] | None = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
    except FileNotFoundError:
        key = None
    cached = app.extensions.get("kiosk_language_offer_cache")
    if cached is not None and cached[0] == key:
        return cached[1], cached[2]
    found = settings(live)
    started: dict[str, i18n.Language] = app.extensions["kiosk_languages"]
    configured = {language.code for language in started.values()} | set(app.config["LANGUAGES"])
    added = [code for code in catalogs.languages_on_disk(live) if code not in configured and code in found]
    known = {**started, **i18n.load_languages(added, live)}
    shown = {
        tag: language
        for tag, language in known.items()
        if language.code == i18n.SOURCE_LANGUAGE
        or (language.code in found and found[language.code].visible)
        or (language.code not in found and language.code in configured)
    }
    app.extensions["kiosk_language_offer_cache"] = (key, shown, known)
    return shown, known


def init_app(app: Flask, previewed: Callable[[], set[str]]) -> None:
    """Let staff settings decide which languages the kiosk offers; previewed() names the hidden ones this
    request's browser may open anyway (a translator previewing their work)."""

    def offer() -> dict[str, i18n.Language]:
        shown, known = offered(app)
        wanted = previewed() if has_request_context() else set()
        if not wanted:
            return shown
        return {**shown, **{tag: language for tag, language in known.items() if language.code in wanted}}

    app.extensions["kiosk_language_offer"] = offer
