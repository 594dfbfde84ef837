"""Uploading a .po file from a professional translator: strict reading, a review of the differences, then applying."""

from __future__ import annotations

import re
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.editor import (
    checks as editor_checks,
    history as editor_history,
    language_check,
    po_file,
)
from kiosk.editor.history import Change
from kiosk.editor.po_file import UploadError as UploadError
from kiosk.editor.saving import Applied, apply
from kiosk.editor.service import entry_id
from kiosk.i18n import SOURCE_LANGUAGE, gettext as _
from kiosk.i18n.live import CatalogUnreadable, State, Store, entry_key, load, state_of

MAX_BYTES = 2_000_000
MAX_ENTRIES = 5_000
STAGED_SECONDS = 86_400
TOKEN = re.compile(r"^[A-Za-z0-9_-]{16}$")
REVISION_FIELD = "X-Kiosk-Revision"  # stamped on downloads: the history revision the file was taken at


@dataclass(frozen=True)
class Difference:
    """One entry the upload would change; a conflict also says who changed it since the file was downloaded."""

    id: str
    key: str
    sources: tuple[str, ...]
    old: State
    new: State
    warnings: list[str] = field(default_factory=list)
    changed_by: Change | None = None  # the latest change on the kiosk since the file's revision
    stale: bool = False  # the file has what the entry said before that change: taking it would undo it


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
    conflicts: list[Difference] = field(default_factory=list)  # changed on the kiosk since the download
    refused: list[Refused] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    unchanged: int = 0
    needs_review: int = 0
    empty: int = 0
    revision: str | None = None  # the history revision the file was downloaded at, if it says
    converted_from: str | None = None


def revision_of(store: Store, lang: str) -> str:
    """Name the catalog's revision: the id of its latest recorded change ("0" before any)."""
    latest = editor_history.last_change(store, lang)
    return latest.id if latest is not None else "0"


def exported(store: Store, lang: str) -> bytes:
    """Return a language's .po file for download, stamped with the revision it was taken at."""
    text = store.po(lang).read_bytes().decode("utf-8")
    header = po_file.HEADER.search(text)
    if header is None:
        return text.encode("utf-8")
    # Right after the closing quote of the header's last line.
    at = header.start(1) + len(header.group(1).rstrip())
    stamp = f'\n"{REVISION_FIELD}: {revision_of(store, lang)}\\n"'
    return (text[:at] + stamp + text[at:]).encode("utf-8")


def _changed_since(store: Store, lang: str, revision: str | None) -> dict[str, Change]:
    """Return, by entry, the latest change recorded after a revision; nothing when the revision is unknown."""
    if revision is None:
        return {}
    found: dict[str, Change] = {}
    for change in editor_history.changes(store, lang):  # newest first
        if change.id > revision:
            found.setdefault(change.key, change)
    return found


def _references(store: Store, lang: str) -> dict[str, dict[str, str]]:
    """Every live catalog's translations by key, and the English, to tell which language a file is in."""
    found: dict[str, dict[str, str]] = {}
    for code in store.languages():
        try:
            catalog = load(store, code).catalog
        except CatalogUnreadable:
            continue
        found[code] = {entry_key(m): " ".join(state_of(m).strings) for m in catalog if m.id and not m.fuzzy}
    found[SOURCE_LANGUAGE] = {
        entry_key(m): " ".join(editor_checks.sources(m)) for m in load(store, lang).catalog if m.id
    }
    return found


def _refuse_other_language(store: Store, lang: str, uploaded: dict[str, str]) -> None:
    """Refuse a file whose text is in another script or matches another language's translations."""
    found = language_check.verdict(lang, uploaded, _references(store, lang))
    if found is None:
        return
    wanted = language_check.language_name(lang)
    if found.found_script is not None:
        raise UploadError(
            _(
                "Most of the file's text is in the %(found)s script, but %(language)s is written in the "
                "%(wanted)s script. Check that this is the %(language)s file.",
                found=found.found_script,
                wanted=found.wanted_script,
                language=wanted,
            )
        )
    like = language_check.language_name(found.like or "")
    english, text = found.example or ("", "")
    raise UploadError(
        _(
            "Most of the translations in this file look like %(like)s, not %(language)s (for example, "
            "“%(text)s” for “%(english)s”). Upload it to %(like)s, or check that you chose the right file.",
            like=like,
            language=wanted,
            text=text[:80],
            english=english[:80],
        )
    )


def review(
    store: Store,
    lang: str,
    data: bytes,
    max_bytes: int = MAX_BYTES,
    max_entries: int = MAX_ENTRIES,
    token: str | None = None,
    locale: str = "en",
) -> Review:
    """Check an upload against the live catalog entry by entry, and stage it for applying."""
    snapshot = load(store, lang)
    ours = snapshot.catalog
    read = po_file.read_upload(data, lang, ours.num_plurals, max_bytes, max_entries, locale)
    uploaded = read.catalog
    by_key = {entry_key(message): message for message in ours if message.id}
    _refuse_other_language(
        store,
        lang,
        {
            entry_key(m): " ".join(state_of(m).strings)
            for m in uploaded
            if m.id and not m.fuzzy and entry_key(m) in by_key
        },
    )
    if token is None:
        token = stage(store, lang, data)
    revision = read.headers.get(REVISION_FIELD) or None
    result = Review(token, lang, snapshot.version, revision=revision, converted_from=read.converted_from)
    since = _changed_since(store, lang, revision)
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
            findings = editor_checks.check(mine, new.strings, ours.num_plurals, lang)
            if findings.blocked:
                result.refused.append(Refused(english, new.strings, findings.all_errors()))
                continue
            warnings = [text for index in sorted(findings.warnings) for text in findings.warnings[index]]
            change = since.get(key)
            difference = Difference(
                entry_id(key),
                key,
                english,
                state_of(mine),
                new,
                warnings,
                change,
                stale=change is not None and change.old.strings == new.strings,
            )
            (result.conflicts if change is not None else result.changes).append(difference)
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


def apply_upload(store: Store, lang: str, token: str, chosen: dict[str, str], user: str) -> Applied | None:
    """Apply the chosen entries of a reviewed upload (entry id -> the state it was seen in at the review).

    An entry changed since the review is not applied but reported as a conflict; the others are applied.
    None when the token names no staged upload.
    """
    path = staged(store, lang, token)
    if path is None:
        return None
    again = review(store, lang, path.read_bytes(), max_bytes=path.stat().st_size, token=token)
    offered = {difference.id: difference for difference in [*again.changes, *again.conflicts]}
    picked = [offered[entry] for entry in chosen if entry in offered]
    wanted = {difference.key: difference.new for difference in picked}
    expected = {difference.key: chosen[difference.id] for difference in picked}
    applied = apply(store, lang, wanted, user, "upload", expected)
    path.unlink(missing_ok=True)
    return applied
