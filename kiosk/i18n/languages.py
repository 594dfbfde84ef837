"""Languages: describing them from Babel's locale data, checking their catalogs, and matching tags."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from gettext import GNUTranslations
from pathlib import Path

from babel import Locale, UnknownLocaleError

from kiosk.i18n.catalogs import read_catalog

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
