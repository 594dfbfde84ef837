"""The live catalogs: the copy in the data directory that the kiosk serves and staff edit."""

from __future__ import annotations

import hashlib
import re
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from flask import Flask

from kiosk.i18n import catalogs, journal, problems
from kiosk.i18n.catalogs import entry_key as entry_key

# Re-exported: the editor writes its language settings under the same lock.
from kiosk.i18n.journal import advance_mtime as advance_mtime, locked as locked

LOG_NAME = "changes.jsonl"
# Every line of a .po file is blank, a comment, or an optional keyword and one quoted string.
PO_LINE = re.compile(r'^(?:(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+)?"(?:[^"\\]|\\.)*"$')


class CatalogRejected(Exception):
    """A catalog that would not compile cleanly; it was not written."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


class CatalogUnreadable(Exception):
    """A live .po file that cannot be read, after someone edited it on disk by hand."""

    def __init__(self, lang: str, reason: str) -> None:
        super().__init__(f"{lang}: {reason}")
        self.lang = lang
        self.reason = reason


@dataclass(frozen=True)
class State:
    """What one entry says: its translation (one string per plural form) and whether it needs review."""

    strings: tuple[str, ...]
    fuzzy: bool

    @property
    def translated(self) -> bool:
        """True when every form is filled and the entry is not waiting for review."""
        return bool(self.strings) and all(self.strings) and not self.fuzzy

    def token(self) -> str:
        """A short fingerprint, sent with a form so a later save can tell if someone else changed it."""
        raw = "\x00".join(self.strings) + ("\x01fuzzy" if self.fuzzy else "")
        return hashlib.sha256(raw.encode()).hexdigest()[:16]


def state_of(message: Message) -> State:
    """Return the state of one catalog entry."""
    strings = message.string if isinstance(message.string, tuple | list) else (message.string or "",)
    return State(tuple(text or "" for text in strings), message.fuzzy)


@dataclass(frozen=True)
class Store:
    """Where one app keeps its live catalogs, their history and staged uploads."""

    live: Path
    source: Path | None  # the repo's catalogs to seed from; None when the live ones are the repo's
    history: Path
    uploads: Path
    keep_copies: int = 200

    @classmethod
    def for_app(cls, app: Flask) -> Store:
        """Return the store an app is configured with."""
        live = Path(app.config["LIVE_TRANSLATIONS_DIR"]).resolve()
        source = Path(app.config["TRANSLATIONS_DIR"]).resolve()
        data = Path(app.instance_path)
        return cls(
            live,
            None if source == live else source,
            data / "translation-history",
            data / "translation-uploads",
            int(app.config.get("EDITOR_HISTORY_COPIES", 200)),
        )

    def po(self, lang: str) -> Path:
        """Return a language's live .po file."""
        return catalogs.po_path(self.live, lang)

    def mo(self, lang: str) -> Path:
        """Return a language's live .mo file."""
        return self.po(lang).with_suffix(".mo")

    @property
    def template(self) -> Path:
        """Return the live messages.pot."""
        return self.live / f"{catalogs.DOMAIN}.pot"

    def languages(self) -> list[str]:
        """Return the languages with a live catalog."""
        return catalogs.languages_on_disk(self.live)

    def log(self, lang: str) -> Path:
        """Return a language's change log: one JSON line per change, oldest first."""
        return self.history / lang / LOG_NAME

    def copies(self, lang: str) -> Path:
        """Return the folder of a language's dated copies of its saved .po files."""
        return self.history / lang / "copies"


def version_of(data: bytes) -> str:
    """Fingerprint a .po file's bytes, to detect a file that changed after a page was loaded."""
    return hashlib.sha256(data).hexdigest()[:16]


def syntax_error(text: str) -> tuple[int, str] | None:
    """Return the number and text of the first line that is not .po syntax; Babel skips some silently."""
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped and not stripped.startswith("#") and not PO_LINE.match(stripped):
            return number, stripped
    return None


def parse(data: bytes, lang: str) -> Catalog:
    """Parse .po bytes strictly: a malformed line raises instead of being skipped."""
    return catalogs.parse_catalog(data, lang)


@dataclass(frozen=True)
class Snapshot:
    """One language's catalog as read from disk, with the version it was read at. Read-only."""

    lang: str
    catalog: Catalog
    version: str


_cache: dict[Path, Snapshot] = {}
_cache_lock = threading.Lock()


def checked_parse(data: bytes, lang: str) -> Catalog:
    """Parse a live .po file, refusing one damaged on disk rather than reading what Babel can of it."""
    try:
        bad = syntax_error(data.decode("utf-8"))
        if bad is not None:
            raise ValueError(f"line {bad[0]} is not .po syntax: {bad[1][:80]}")
        return parse(data, lang)
    except Exception as exc:
        raise CatalogUnreadable(lang, str(exc)) from exc


def load(store: Store, lang: str) -> Snapshot:
    """Return a language's catalog, parsed again only when the file's bytes changed."""
    path = store.po(lang)
    data = path.read_bytes()
    version = version_of(data)
    with _cache_lock:
        hit = _cache.get(path)
    if hit is not None and hit.version == version:
        return hit
    snapshot = Snapshot(lang, checked_parse(data, lang), version)
    with _cache_lock:
        _cache[path] = snapshot
    return snapshot


def prune_copies(store: Store, lang: str) -> None:
    """Drop the oldest dated copies beyond the configured number."""
    for old in sorted(store.copies(lang).glob("*.po"))[: -store.keep_copies]:
        old.unlink(missing_ok=True)


def commit(
    store: Store,
    lang: str,
    catalog: Catalog,
    translator: str,
    history: list[str] | None = None,
    extra: list[journal.Write] | None = None,
    checked: set[str] | frozenset[str] = frozenset(),
) -> Snapshot:
    """Write a checked catalog and its history lines through the journal: the .po, a dated copy, the .mo, the log.

    The caller holds the lock. A crash at any point leaves every file whole, and the next process to look
    finishes the save, so a change is never on the kiosk without its line in the history. A problem in an
    entry named in checked, or in the file as a whole, refuses the save (CatalogRejected).
    """
    catalogs.stamp_header(catalog, translator)
    data = catalogs.po_bytes(catalog)
    version = version_of(data)
    compiled = parse(data, lang)
    # msgfmt looks at the entries this save changes; a merge (changing none by hand) has it look at all.
    found = problems.by_entry(data, lang, version, compiled, set(checked) or None)
    # Only the entries this save changes can stop it; one already broken elsewhere is left out of the .mo
    # (the kiosk shows its English) and reported on the overview, instead of blocking every save.
    blocking = [text for key in sorted(set(found) & (checked | {problems.HEADER})) for text in found[key]]
    if blocking:
        raise CatalogRejected(blocking)
    shown = problems.without(compiled, set(found)) if found else compiled
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%fZ")
    journal.run(
        store.live,
        lang,
        [
            journal.Write(store.po(lang), data),
            journal.Write(store.copies(lang) / f"{stamp}.po", data, durable=False),
            journal.Write(store.mo(lang), catalogs.mo_bytes(shown), advance=True),
            *(extra or []),
        ],
        [journal.Append(store.log(lang), history or [])],
    )
    prune_copies(store, lang)
    snapshot = Snapshot(lang, compiled, version)
    with _cache_lock:
        _cache[store.po(lang)] = snapshot  # what was just written needs no reading back
    return snapshot
