"""A write-ahead journal for catalog saves: a change becomes visible only together with its history entry.

A save first writes, durably, one journal file naming every file it will write and every history line it
will append. Then it writes them and deletes the journal. A writer killed halfway leaves the journal
behind; the next process that looks (every request checks, and so does every start) finds it, sees that
no writer holds the catalogs' lock, and finishes the save. So a change on the kiosk always has its line
in the history, and every process shows the new catalog without waiting for another save.
"""

from __future__ import annotations

import base64
import fcntl
import json
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.core.files import atomic_write

log = logging.getLogger(__name__)

LOCK = ".lock"
PREFIX = ".pending-"
SUFFIX = ".json"


@dataclass(frozen=True)
class Write:
    """One whole file to write; advance makes its mtime move forward, for reloaders keyed on it."""

    path: Path
    data: bytes
    advance: bool = False
    durable: bool = True  # False for a convenience copy that a power cut may lose


@dataclass(frozen=True)
class Append:
    """History lines to append to a log; each is a JSON object with an "id", so a replay never repeats one."""

    path: Path
    lines: list[str] = field(default_factory=list)


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


def advance_mtime(path: Path, previous_ns: int | None) -> None:
    """Make a rewritten file's mtime move forward, so reloaders keyed on it never miss a change."""
    if previous_ns is None:
        return
    stat = path.stat()
    if stat.st_mtime_ns <= previous_ns:
        os.utime(path, ns=(stat.st_atime_ns, previous_ns + 1_000))


def journal_path(live: Path, name: str) -> Path:
    """Return the journal file of one save (one per language: a language has one writer at a time)."""
    return live / f"{PREFIX}{name}{SUFFIX}"


def _encode(writes: list[Write], appends: list[Append]) -> bytes:
    """Serialise a save's plan; files with the same content (the .po and its dated copy) share one copy."""
    blobs: dict[bytes, int] = {}
    for write in writes:
        blobs.setdefault(write.data, len(blobs))
    return json.dumps(
        {
            "blobs": [base64.b64encode(data).decode() for data in blobs],
            "writes": [
                {"path": str(w.path), "blob": blobs[w.data], "advance": w.advance, "durable": w.durable} for w in writes
            ],
            "appends": [{"path": str(a.path), "lines": a.lines} for a in appends],
        }
    ).encode()


def _decode(data: bytes) -> tuple[list[Write], list[Append]]:
    """Read a save's plan back."""
    raw = json.loads(data)
    blobs = [base64.b64decode(blob) for blob in raw["blobs"]]
    writes = [
        Write(Path(w["path"]), blobs[w["blob"]], bool(w["advance"]), bool(w.get("durable", True)))
        for w in raw["writes"]
    ]
    appends = [Append(Path(a["path"]), list(a["lines"])) for a in raw["appends"]]
    return writes, appends


def _logged_ids(path: Path) -> set[str]:
    """Return the ids already in a history log."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return set()
    found = set()
    for line in lines:
        try:
            found.add(str(json.loads(line)["id"]))
        except (ValueError, KeyError, TypeError):
            continue  # a line cut short by a crash before journals existed
    return found


def append_lines(path: Path, lines: list[str]) -> None:
    """Append lines to a log durably, in one write, so a crash loses a whole line at most."""
    if not lines:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        os.write(fd, "".join(line + "\n" for line in lines).encode())
        os.fsync(fd)
    finally:
        os.close(fd)


def _apply(writes: list[Write], appends: list[Append], replay: bool) -> None:
    """Write every file, then append the history; a replay skips history lines already there."""
    for write in writes:
        before = write.path.stat().st_mtime_ns if write.advance and write.path.exists() else None
        atomic_write(write.path, write.data, durable=write.durable)
        if write.advance:
            advance_mtime(write.path, before)
    for append in appends:
        lines = append.lines
        if replay:
            done = _logged_ids(append.path)
            lines = [line for line in lines if str(json.loads(line)["id"]) not in done]
        append_lines(append.path, lines)


def run(live: Path, name: str, writes: list[Write], appends: list[Append]) -> None:
    """Carry out one save through the journal; the caller holds the lock."""
    path = journal_path(live, name)
    atomic_write(path, _encode(writes, appends))
    _apply(writes, appends, replay=False)
    path.unlink()


def pending(live: Path) -> list[Path]:
    """Return the journals a killed writer left behind."""
    return sorted(live.glob(f"{PREFIX}*{SUFFIX}"))


def finish(live: Path) -> list[str]:
    """Finish every save a killed writer left half done; the caller holds the lock. Returns their names."""
    finished = []
    for path in pending(live):
        try:
            writes, appends = _decode(path.read_bytes())
        except (ValueError, KeyError, TypeError) as exc:
            # Written whole through a rename, so this is damage from outside; nothing of the save was done.
            log.error("Discarding the unreadable catalog journal %s: %s", path, exc)
        else:
            _apply(writes, appends, replay=True)
            log.warning("Finished a catalog save that was interrupted: %s", path.name)
            finished.append(path.name.removeprefix(PREFIX).removesuffix(SUFFIX))
        path.unlink(missing_ok=True)
    return finished


def recover(live: Path) -> list[str]:
    """Finish interrupted saves unless a writer is at work (it holds the lock and will finish its own)."""
    if not pending(live):
        return []
    with (live / LOCK).open("a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return []
        try:
            return finish(live)
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
