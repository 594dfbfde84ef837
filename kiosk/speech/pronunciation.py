"""Each language's pronunciation lexicon: the entries shipped in the repo, and the staff's own on top.

The repo's `pronunciation/<lang>.tsv` files hold the shipped entries. What staff add, change or remove
in the translation editor is kept in `<data dir>/pronunciation/<lang>.json`, so a repo update never
loses it and staff never edit the repo: a staff entry wins over a shipped one with the same word, and a
removed shipped entry stays removed. Every change is also appended to `<lang>.changes.jsonl`.
Each process notices a change on disk on its next use (one stat per file).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kiosk.core.files import atomic_write
from kiosk.speech.lexicon import Entry, Lexicon, parse

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Listed:
    """One entry as the editor lists it: where it comes from, and who changed it last."""

    entry: Entry
    shipped: Entry | None  # the repo's entry for the same word, when there is one
    user: str = ""
    time: str = ""

    @property
    def origin(self) -> str:
        """ "repo" (as shipped), "changed" (staff changed a shipped entry) or "staff" (added by staff)."""
        if self.entry.origin == "repo":
            return "repo"
        return "changed" if self.shipped is not None else "staff"


def _stat(path: Path) -> tuple[int, int, int]:
    """A file's identity and age; all zero when it does not exist."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return (0, 0, 0)
    return (stat.st_mtime_ns, stat.st_ino, stat.st_size)


class PronunciationStore:
    """The merged lexicon of every language, from the repo's folder and the data directory's."""

    def __init__(self, repo: Path, data: Path) -> None:
        self.repo = repo
        self.data = data
        self._cache: dict[str, tuple[tuple[Any, ...], list[Listed], Lexicon, list[str]]] = {}
        self._lock = threading.Lock()

    def repo_file(self, lang: str) -> Path:
        """Return the shipped lexicon of a language."""
        return self.repo / f"{lang}.tsv"

    def staff_file(self, lang: str) -> Path:
        """Return the staff's additions and changes for a language."""
        return self.data / f"{lang}.json"

    def _stamp(self, lang: str) -> tuple[Any, ...]:
        return (_stat(self.repo_file(lang)), _stat(self.staff_file(lang)))

    def _load(self, lang: str) -> tuple[tuple[Any, ...], list[Listed], Lexicon, list[str]]:
        """Return the language's merged entries and compiled lexicon, reading the files again if they changed."""
        stamp = self._stamp(lang)
        with self._lock:
            hit = self._cache.get(lang)
        if hit is not None and hit[0] == stamp:
            return hit
        shipped, problems = self._read_repo(lang)
        staff = self._read_staff(lang)
        merged: dict[str, Listed] = {
            item.word.casefold(): Listed(item, item) for item in shipped if item.word.casefold() not in staff["removed"]
        }
        by_word = {item.word.casefold(): item for item in shipped}
        for key, row in staff["entries"].items():
            item = Entry(row["word"], row["replacement"], row["reason"], "staff")
            merged[key] = Listed(item, by_word.get(key), row.get("user", ""), row.get("time", ""))
        listed = sorted(merged.values(), key=lambda found: found.entry.word.casefold())
        loaded = (stamp, listed, Lexicon(found.entry for found in listed), problems)
        with self._lock:
            self._cache[lang] = loaded
        return loaded

    def _read_repo(self, lang: str) -> tuple[list[Entry], list[str]]:
        """Read the shipped entries; a bad line is skipped and reported, never fatal to a page."""
        path = self.repo_file(lang)
        if not path.is_file():
            return [], []
        entries, problems = parse(path.read_text(encoding="utf-8"), path.name)
        for problem in problems:
            log.error("Pronunciation lexicon: %s", problem)
        return entries, problems

    def _read_staff(self, lang: str) -> dict[str, dict[str, Any]]:
        """Read the staff's entries and removals; a damaged file is reported and ignored."""
        path = self.staff_file(lang)
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            return {"entries": dict(raw.get("entries", {})), "removed": dict(raw.get("removed", {}))}
        except FileNotFoundError:
            return {"entries": {}, "removed": {}}
        except (OSError, ValueError, AttributeError) as exc:
            log.error("Pronunciation lexicon %s cannot be read, staff entries are ignored: %s", path, exc)
            return {"entries": {}, "removed": {}}

    def lexicon(self, lang: str) -> Lexicon:
        """Return the compiled lexicon of a language."""
        return self._load(lang)[2]

    def listed(self, lang: str) -> list[Listed]:
        """Return every entry of a language, shipped and staff, by word."""
        return self._load(lang)[1]

    def problems(self, lang: str) -> list[str]:
        """Return the lines of the shipped file that were skipped, and why."""
        return self._load(lang)[3]

    def removed(self, lang: str) -> list[str]:
        """Return the shipped words staff removed."""
        removed = self._read_staff(lang)["removed"]
        return sorted((row.get("word", key) for key, row in removed.items()), key=str.casefold)

    def version(self, lang: str) -> str:
        """A short fingerprint of a language's lexicon, for caches of what the engine reads."""
        return hashlib.sha256(repr(self._load(lang)[0]).encode()).hexdigest()[:12]

    @contextmanager
    def _editing(self, lang: str) -> Iterator[dict[str, dict[str, Any]]]:
        """Hold the lock, hand over the staff file's content to change, then write it atomically."""
        self.data.mkdir(parents=True, exist_ok=True)
        with (self.data / ".lock").open("a+b") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                staff = self._read_staff(lang)
                yield staff
                data = json.dumps(staff, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")
                atomic_write(self.staff_file(lang), data + b"\n")
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _log(self, lang: str, user: str, action: str, word: str, old: Entry | None, new: Entry | None) -> None:
        """Append a change to the language's history, so nothing a staff member wrote is ever lost."""
        record = {
            "time": datetime.now(UTC).isoformat(timespec="seconds"),
            "user": user,
            "action": action,
            "word": word,
            "old": [old.replacement, old.reason] if old else None,
            "new": [new.replacement, new.reason] if new else None,
        }
        with (self.data / f"{lang}.changes.jsonl").open("a", encoding="utf-8") as history:
            history.write(json.dumps(record, ensure_ascii=False) + "\n")

    def find(self, lang: str, word: str) -> Listed | None:
        """Return the entry for a word, if the language has one."""
        key = word.casefold()
        return next((found for found in self.listed(lang) if found.entry.word.casefold() == key), None)

    def save(self, lang: str, entry: Entry, user: str, replacing: str | None = None) -> None:
        """Add or change an entry (already checked); replacing names the word it had before a rename."""
        old = self.find(lang, replacing or entry.word)
        with self._editing(lang) as staff:
            if replacing and replacing.casefold() != entry.word.casefold():
                self._drop(staff, lang, replacing, user)
            key = entry.word.casefold()
            staff["removed"].pop(key, None)
            staff["entries"][key] = {
                "word": entry.word,
                "replacement": entry.replacement,
                "reason": entry.reason,
                "user": user,
                "time": datetime.now(UTC).isoformat(timespec="seconds"),
            }
        self._log(lang, user, "save", entry.word, old.entry if old else None, entry)

    def _drop(self, staff: dict[str, dict[str, Any]], lang: str, word: str, user: str) -> None:
        """Forget a staff entry, and hide the shipped one with the same word."""
        key = word.casefold()
        staff["entries"].pop(key, None)
        if any(item.word.casefold() == key for item in self._read_repo(lang)[0]):
            removed = {"word": word, "user": user, "time": datetime.now(UTC).isoformat(timespec="seconds")}
            staff["removed"][key] = removed

    def remove(self, lang: str, word: str, user: str) -> None:
        """Remove an entry, whether staff added it or it was shipped."""
        old = self.find(lang, word)
        with self._editing(lang) as staff:
            self._drop(staff, lang, word, user)
        self._log(lang, user, "remove", word, old.entry if old else None, None)

    def restore(self, lang: str, word: str, user: str) -> None:
        """Put back the shipped entry for a word, dropping the staff's change or removal."""
        old = self.find(lang, word)
        key = word.casefold()
        with self._editing(lang) as staff:
            staff["entries"].pop(key, None)
            staff["removed"].pop(key, None)
        new = self.find(lang, word)
        self._log(lang, user, "restore", word, old.entry if old else None, new.entry if new else None)
