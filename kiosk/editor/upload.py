"""Uploading a .po file from a professional translator: strict reading, a review of the differences, then applying."""

from __future__ import annotations

import gettext
import re
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import unescape

from kiosk.editor import checks as editor_checks
from kiosk.editor.service import Applied, apply, entry_id
from kiosk.i18n import gettext as _
from kiosk.i18n.live import State, Store, entry_key, load, parse, state_of, syntax_error

MAX_BYTES = 2_000_000
MAX_ENTRIES = 5_000
STAGED_SECONDS = 86_400
TOKEN = re.compile(r"^[A-Za-z0-9_-]{16}$")
HEADER = re.compile(r'\A(?:\s*#[^\n]*\n)*\s*msgid ""\s*\nmsgstr ((?:"(?:[^"\\]|\\.)*"\s*)+)')
CHARSET = re.compile(r"charset=([A-Za-z0-9_.:-]+)", re.IGNORECASE)


class UploadError(Exception):
    """An upload refused as a whole, with the reason in plain words."""


@dataclass(frozen=True)
class Difference:
    """One entry the upload would change."""

    id: str
    key: str
    sources: tuple[str, ...]
    old: State
    new: State
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Refused:
    """One entry of the upload that will not be applied, and why."""

    sources: tuple[str, ...]
    strings: tuple[str, ...]
    reasons: list[str]


@dataclass
class Review:
    """What an uploaded file would change, checked entry by entry."""

    token: str
    lang: str
    version: str
    changes: list[Difference] = field(default_factory=list)
    refused: list[Refused] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    unchanged: int = 0
    needs_review: int = 0
    empty: int = 0


def read_upload(
    data: bytes, lang: str, nplurals: int, max_bytes: int = MAX_BYTES, max_entries: int = MAX_ENTRIES
) -> Catalog:
    """Read an uploaded .po file strictly; anything odd about the file as a whole raises UploadError."""
    if len(data) > max_bytes:
        raise UploadError(
            _(
                "The file is too big: %(size)s KB. The limit is %(limit)s KB.",
                size=f"{len(data) // 1000:,}",
                limit=f"{max_bytes // 1000:,}",
            )
        )
    data = data.removeprefix(b"\xef\xbb\xbf")
    if not data.strip():
        raise UploadError(_("The file is empty."))
    if b"\x00" in data:
        raise UploadError(_("This is not a .po text file: it contains binary data."))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UploadError(
            _(
                "The file is not UTF-8 text (byte %(position)d cannot be read). Save it as UTF-8 and upload it again.",
                position=exc.start,
            )
        ) from exc
    declared = CHARSET.search(raw_headers(text).get("Content-Type", ""))
    if declared and declared.group(1).lower().replace("_", "-") not in {"utf-8", "utf8"}:
        raise UploadError(
            _(
                "The file says its charset is %(charset)s. The kiosk needs UTF-8: save it as UTF-8, "
                "set charset=UTF-8 in its header, and upload it again.",
                charset=declared.group(1),
            )
        )
    count = len(re.findall(r"^msgid\s", text, re.MULTILINE)) - (1 if HEADER.search(text) else 0)
    if count > max_entries:
        raise UploadError(
            _(
                "The file has %(count)s entries; at most %(limit)s are accepted.",
                count=f"{count:,}",
                limit=f"{max_entries:,}",
            )
        )
    bad = syntax_error(text)
    if bad is not None:
        raise UploadError(_("Line %(number)d is not valid .po syntax: %(line)s", number=bad[0], line=bad[1][:80]))
    try:
        catalog = parse(data, lang)
    except Exception as exc:
        raise UploadError(_("The file is not a valid .po file: %(reason)s", reason=str(exc)[:200])) from exc
    if catalog.fuzzy:
        raise UploadError(
            _(
                "The file's header is marked fuzzy (“#, fuzzy” above the first msgid), which means "
                "the translation is not finished. Remove that mark when it is, and upload it again."
            )
        )
    _check_header(text, lang, nplurals)
    return catalog


def raw_headers(text: str) -> dict[str, str]:
    """Return the header fields exactly as the file states them (Babel fills in defaults for missing ones)."""
    found = HEADER.search(text)
    if found is None:
        return {}
    value = "".join(unescape(f'"{part}"') for part in re.findall(r'"((?:[^"\\]|\\.)*)"', found.group(1)))
    pairs = (line.split(":", 1) for line in value.split("\n") if ":" in line)
    return {name.strip(): field_value.strip() for name, field_value in pairs}


def _check_header(text: str, lang: str, nplurals: int) -> None:
    """Refuse a file for another language, or one whose plural rule does not match the kiosk's."""
    headers = raw_headers(text)
    language = headers.get("Language", "").strip().replace("-", "_")
    if language and language.lower() != lang.lower():
        raise UploadError(
            _("This file is for the language “%(found)s”, not “%(wanted)s”.", found=language, wanted=lang)
        )
    rule = headers.get("Plural-Forms", "").strip()
    if not rule:
        return
    found = re.search(r"nplurals\s*=\s*(\d+)\s*;\s*plural\s*=\s*(.+?);?\s*$", rule)
    try:
        if found is None:
            raise ValueError(rule)
        gettext.c2py(found.group(2))
    except (ValueError, SyntaxError) as exc:
        raise UploadError(_("The file's Plural-Forms header cannot be read: %(rule)s", rule=rule[:120])) from exc
    if int(found.group(1)) != nplurals:
        raise UploadError(
            _(
                "The file's plural rule has %(found)d forms, but this language has %(wanted)d. Plural "
                "translations in it would be wrong.",
                found=int(found.group(1)),
                wanted=nplurals,
            )
        )


def review(
    store: Store,
    lang: str,
    data: bytes,
    max_bytes: int = MAX_BYTES,
    max_entries: int = MAX_ENTRIES,
    token: str | None = None,
) -> Review:
    """Check an upload against the live catalog entry by entry, and stage it for applying."""
    snapshot = load(store, lang)
    ours = snapshot.catalog
    uploaded = read_upload(data, lang, ours.num_plurals, max_bytes, max_entries)
    if token is None:
        token = stage(store, lang, data)
    result = Review(token, lang, snapshot.version)
    by_key = {entry_key(message): message for message in ours if message.id}
    for message in uploaded:
        if not message.id:
            continue
        key = entry_key(message)
        mine = by_key.get(key)
        if mine is None:
            result.unknown.append(key.rsplit("\x04", 1)[-1])
            continue
        new = State(state_of(message).strings, False)
        english = editor_checks.sources(mine)
        if message.fuzzy:
            result.needs_review += 1
        elif not any(new.strings):
            result.empty += 1
        elif mine.pluralizable != message.pluralizable:
            result.refused.append(
                Refused(
                    english,
                    new.strings,
                    [
                        _(
                            "The plural forms in the file do not match the English: this message has plural forms "
                            "in the kiosk only if it has them in the file too."
                        )
                    ],
                )
            )
        elif new == state_of(mine):
            result.unchanged += 1
        else:
            findings = editor_checks.check(mine, new.strings, ours.num_plurals)
            if findings.blocked:
                result.refused.append(Refused(english, new.strings, findings.all_errors()))
            else:
                warnings = [text for index in sorted(findings.warnings) for text in findings.warnings[index]]
                result.changes.append(Difference(entry_id(key), key, english, state_of(mine), new, warnings))
    return result


def stage(store: Store, lang: str, data: bytes) -> str:
    """Keep an uploaded file until staff apply it, and forget files staged more than a day ago."""
    store.uploads.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - STAGED_SECONDS
    for old in store.uploads.glob("*.po"):
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    token = secrets.token_urlsafe(12)
    (store.uploads / f"{lang}-{token}.po").write_bytes(data)
    return token


def staged(store: Store, lang: str, token: str) -> Path | None:
    """Return a staged upload, if the token names one."""
    path = store.uploads / f"{lang}-{token}.po"
    return path if TOKEN.match(token) and path.exists() else None


def apply_upload(store: Store, lang: str, token: str, version: str, user: str) -> tuple[Review | None, Applied | None]:
    """Apply the passing entries of a reviewed upload; a catalog changed since the review is reviewed again."""
    path = staged(store, lang, token)
    if path is None:
        return None, None
    again = review(store, lang, path.read_bytes(), max_bytes=path.stat().st_size, token=token)
    if again.version != version:
        return again, None
    wanted = {difference.key: difference.new for difference in again.changes}
    expected = {difference.key: difference.old.token() for difference in again.changes}
    applied = apply(store, lang, wanted, user, "upload", expected)
    path.unlink(missing_ok=True)
    return again, applied
