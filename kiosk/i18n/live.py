"""The live catalogs: the copy in the data directory that the kiosk serves and staff edit."""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from flask import Flask

from kiosk.core.files import atomic_write_all
from kiosk.i18n import catalogs

LOCK = ".lock"
# Every line of a .po file is blank, a comment, or an optional keyword and one quoted string.
PO_LINE = re.compile(r'^(?:(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+)?"(?:[^"\\]|\\.)*"$')
MSGFMT = shutil.which("msgfmt")


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


def entry_key(message: Message) -> str:
    """Name an entry the way gettext does: context, EOT, then the singular English."""
    msgid = message.id[0] if isinstance(message.id, tuple | list) else message.id
    return f"{message.context}\x04{msgid}" if message.context else str(msgid)


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


@contextmanager
def locked(live: Path) -> Iterator[None]:
    """Hold the catalogs' lock, which every writer in every process takes."""
    live.mkdir(parents=True, exist_ok=True)
    with (live / LOCK).open("a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


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


def msgfmt_problems(data: bytes) -> list[str]:
    """Ask GNU msgfmt, when installed, whether the .po bytes compile cleanly; it sees what Babel misses."""
    if MSGFMT is None:
        return []
    with tempfile.TemporaryDirectory(prefix="kiosk-msgfmt-") as folder:
        path = Path(folder) / "messages.po"
        path.write_bytes(data)
        result = subprocess.run(
            [MSGFMT, "-c", "--check-format", "-o", os.devnull, str(path)],
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
    if result.returncode == 0:
        return []
    lines = [
        line.replace(f"{path}:", "line ").replace(str(path), "the catalog").strip()
        for line in result.stderr.splitlines()
    ]
    problems = [line for line in lines if line and not line.startswith(f"{Path(MSGFMT).name}: found")]
    return problems or [f"msgfmt failed with exit code {result.returncode}"]


def compile_problems(data: bytes, lang: str) -> list[str]:
    """Return why these .po bytes must not go live: Babel's checks, then msgfmt's."""
    try:
        catalog = parse(data, lang)
    except Exception as exc:  # noqa: BLE001 - any parse failure blocks the save
        return [f"the catalog could not be read back: {exc}"]
    path = Path(f"{lang}.po")
    problems = [
        p.text for p in catalogs.catalog_problems(catalog, path) if not p.text.startswith(("untranslated", "fuzzy"))
    ]
    return problems or msgfmt_problems(data)


def copy_path(store: Store, lang: str) -> Path:
    """Return the path of a new dated copy of a language's .po file."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%fZ")
    return store.history / lang / "copies" / f"{stamp}.po"


def drop_old_copies(store: Store, lang: str) -> None:
    """Drop the oldest dated copies beyond the configured number."""
    for old in sorted((store.history / lang / "copies").glob("*.po"))[: -store.keep_copies]:
        old.unlink(missing_ok=True)


def advance_mtime(path: Path, previous_ns: int | None) -> None:
    """Make a rewritten file's mtime move forward, so reloaders keyed on it never miss a change."""
    if previous_ns is None:
        return
    stat = path.stat()
    if stat.st_mtime_ns <= previous_ns:
        os.utime(path, ns=(stat.st_atime_ns, previous_ns + 1_000))


def commit(store: Store, lang: str, catalog: Catalog, translator: str) -> Snapshot:
    """Write a checked catalog: its .po, its .mo and a history copy, each whole, together.

    The caller holds the lock. A crash at any point leaves every file whole: old or new.
    """
    catalogs.stamp_header(catalog, translator)
    data = catalogs.po_bytes(catalog)
    problems = compile_problems(data, lang)
    if problems:
        raise CatalogRejected(problems)
    po, mo = store.po(lang), store.mo(lang)
    before = mo.stat().st_mtime_ns if mo.exists() else None
    catalog = parse(data, lang)
    # The .po, its .mo and the history copy are all written before any goes live: a full disk fails the
    # save with nothing changed, never leaving a new .po beside an old .mo.
    atomic_write_all({copy_path(store, lang): data, po: data, mo: catalogs.mo_bytes(catalog)})
    drop_old_copies(store, lang)
    advance_mtime(mo, before)
    return Snapshot(lang, catalog, version_of(data))
