"""A write-ahead journal for catalog saves: a change becomes visible only together with its history entry.

A save first writes, durably, one journal file naming every file it will write and every history line it
will append. Then it writes every file to a temporary one, appends the history lines, renames the files
into place and deletes the journal. All that needs room on the disk comes before the first rename (which
needs none), so a full disk fails the save with nothing changed. A writer killed halfway leaves the journal
behind; the next process that looks (every request checks, and so does every start) finds it, sees that
no writer holds the catalogs' lock, and finishes the save. So a change on the kiosk always has its line
in the history, and every process shows the new catalog without waiting for another save.
"""

from __future__ import annotations

import base64
import errno
import fcntl
import json
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.core.files import atomic_write, stage

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
    """Hold the catalogs' lock, which every writer in every process takes; a save a killed writer left half
    done is finished first, so the holder reads the catalogs as they are meant to be."""
    live.mkdir(parents=True, exist_ok=True)
    with (live / LOCK).open("a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            if pending(live):
                finish(live)
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


def append_lines(path: Path, lines: list[str]) -> int | None:
    """Append lines to a log durably, in one write; return its size before, to cut it back to, or None if unchanged.

    A full disk may take part of the write: it is cut off again, so the log never holds half a line.
    """
    if not lines:
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    data = "".join(line + "\n" for line in lines).encode()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    size = os.fstat(fd).st_size
    try:
        if os.write(fd, data) != len(data):
            raise OSError(errno.ENOSPC, "the change log was only partly written", str(path))
        os.fsync(fd)
    except OSError:
        os.ftruncate(fd, size)
        raise
    finally:
        os.close(fd)
    return size


def _cut_back(path: Path, size: int) -> None:
    """Take the lines a failed save appended off a log again."""
    with path.open("r+b") as handle:
        handle.truncate(size)
        os.fsync(handle.fileno())


def _prepare(writes: list[Write], appends: list[Append], replay: bool) -> list[tuple[Path, Write]]:
    """Write every file to a temporary one beside it, then append the history; nothing is live yet.

    All that needs room on the disk happens here, so a full disk fails with an OSError and leaves no trace:
    the temporary files are deleted and the appended lines cut off again. A replay skips lines already there.
    """
    staged: list[tuple[Path, Write]] = []
    appended: list[tuple[Path, int]] = []
    try:
        for write in writes:
            staged.append((stage(write.path, write.data, write.durable), write))
        for append in appends:
            lines = append.lines
            if replay:
                done = _logged_ids(append.path)
                lines = [line for line in lines if str(json.loads(line)["id"]) not in done]
            size = append_lines(append.path, lines)
            if size is not None:
                appended.append((append.path, size))
    except BaseException:
        for tmp, _write in staged:
            tmp.unlink(missing_ok=True)
        for path, size in appended:
            _cut_back(path, size)
        raise
    return staged


def _install(staged: list[tuple[Path, Write]]) -> None:
    """Rename the written files into place: this needs no room on the disk, and is where the save goes live."""
    for tmp, write in staged:
        before = write.path.stat().st_mtime_ns if write.advance and write.path.exists() else None
        tmp.replace(write.path)
        if write.advance:
            advance_mtime(write.path, before)


class Unfinished(RuntimeError):
    """A save failed after it began to go live; its journal is kept and the next process to look finishes it."""


def run(live: Path, name: str, writes: list[Write], appends: list[Append]) -> None:
    """Carry out one save through the journal; the caller holds the lock.

    An OSError (a full disk) means nothing was changed: not the files, not the history, no journal left.
    """
    path = journal_path(live, name)
    if path.exists():
        # An earlier save of this language stopped halfway and could not be finished when the lock was taken
        # (a crash, then a full disk). This save was made on the catalog before it, so it must not go ahead,
        # nor its journal replace that one. Finishing is tried again; an OSError means there is still no room.
        _finish_one(path)
        raise OSError(errno.EAGAIN, "an interrupted save was finished first; nothing of this one was written")
    atomic_write(path, _encode(writes, appends))
    try:
        staged = _prepare(writes, appends, replay=False)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    try:
        _install(staged)
    except OSError as error:
        raise Unfinished(f"The catalog save {name} stopped halfway and is left to its journal: {error}") from error
    path.unlink()


def pending(live: Path) -> list[Path]:
    """Return the journals a killed writer left behind."""
    return sorted(live.glob(f"{PREFIX}*{SUFFIX}"))


def _finish_one(path: Path) -> bool:
    """Finish one interrupted save and delete its journal; False if the journal was unreadable (and dropped).

    An OSError (a full disk) leaves the journal as it was, and nothing of the save half done.
    """
    try:
        writes, appends = _decode(path.read_bytes())
    except (ValueError, KeyError, TypeError) as exc:
        # Written whole through a rename, so this is damage from outside; nothing of the save was done.
        log.error("Discarding the unreadable catalog journal %s: %s", path, exc)
        path.unlink(missing_ok=True)
        return False
    _install(_prepare(writes, appends, replay=True))
    log.warning("Finished a catalog save that was interrupted: %s", path.name)
    path.unlink(missing_ok=True)
    return True


def finish(live: Path) -> list[str]:
    """Finish every save a killed writer left half done; the caller holds the lock. Returns their names."""
    finished = []
    for path in pending(live):
        try:
            if _finish_one(path):
                finished.append(path.name.removeprefix(PREFIX).removesuffix(SUFFIX))
        except OSError as exc:
            # A full disk, most likely: the journal stays, and the next request or start tries again.
            log.error("Could not yet finish the interrupted catalog save %s: %s", path.name, exc)
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
