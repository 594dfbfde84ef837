"""`kiosk backup`: one consistent snapshot of everything staff and visitors made, kept N deep."""

from __future__ import annotations

import fcntl
import logging
import re
import shutil
import socket
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from flask import Flask

from kiosk.core import db
from kiosk.i18n import journal
from kiosk.i18n.live import Store, locked
from kiosk.ops import archive, database, logs
from kiosk.ops.archive import BackupError

log = logging.getLogger(__name__)

PREFIX = "sciatica-kiosk-"
SUFFIX = ".tar.gz"
# Nightly snapshots, named by their UTC moment, so names sort by age; retention only ever touches these.
NAME = re.compile(rf"^{PREFIX}(\d{{8}}T\d{{6}}\d*Z){re.escape(SUFFIX)}$")
# Folders of the data directory that hold nothing a person made: the read-aloud audio (rendered again from
# the text), the log files, and backups kept inside it. Everything else is staff work and goes in.
CACHES = frozenset({"speech", "logs", "backups"})
LOCK = ".sciatica-kiosk-backup.lock"


@dataclass(frozen=True)
class Sources:
    """Where one app keeps what a snapshot holds."""

    data_dir: Path
    database_url: str
    live_translations: Path
    kiosk_name: str

    @classmethod
    def for_app(cls, app: Flask) -> Sources:
        """Return what the app's snapshot is made of."""
        return cls(
            Path(app.instance_path),
            db.database_url(app),
            Store.for_app(app).live,
            str(app.config["KIOSK_NAME"]),
        )

    @property
    def translations_outside(self) -> bool:
        """True when the live catalogs are not in the data directory (TRANSLATIONS_DIR names them)."""
        return not self.live_translations.is_relative_to(self.data_dir)


def backup_dir(app: Flask) -> Path:
    """Return the configured backup folder, or the data directory's backups/."""
    configured = app.config.get("BACKUP_DIR")
    return Path(configured) if configured else Path(app.instance_path) / "backups"


def skipped(relative: Path) -> bool:
    """Tell whether a data-directory path stays out of a snapshot: caches, locks, temp files, a restore's staging."""
    name = relative.name
    return (
        relative.parts[0] in CACHES
        or relative.parts[0].startswith(".restore-")
        or name in (".lock", LOCK, ".serve.lock")
        or (name.startswith(".") and name.endswith(".tmp"))
        or _journal(name)
    )


def _journal(name: str) -> bool:
    """Tell whether a file is an interrupted catalog save's journal: it names this machine's paths, so stays."""
    return name.startswith(journal.PREFIX) and name.endswith(journal.SUFFIX)


def data_files(sources: Sources, backups: Path) -> Iterator[tuple[str, Path]]:
    """Yield (member name, path) for every file of the data directory a snapshot keeps."""
    also: set[Path] = set()
    if database.backend(sources.database_url) == "sqlite":
        live = database.sqlite_path(sources.database_url)
        also = {Path(f"{live}{suffix}") for suffix in ("", "-wal", "-shm", "-journal")}
    also = {path.relative_to(sources.data_dir) for path in also if path.is_relative_to(sources.data_dir)}
    if backups.resolve().is_relative_to(sources.data_dir):
        also.add(backups.resolve().relative_to(sources.data_dir))
    for path in sorted(sources.data_dir.rglob("*")):
        relative = path.relative_to(sources.data_dir)
        if relative in also or any(parent in also for parent in relative.parents) or skipped(relative):
            continue
        if path.is_file() and not path.is_symlink():
            yield f"data/{relative.as_posix()}", path


def _app_version() -> str:
    """Return the installed kiosk's version."""
    try:
        return metadata.version("sciatica-kiosk")
    except metadata.PackageNotFoundError:
        return "unknown"


@contextmanager
def _folder_lock(folder: Path) -> Iterator[None]:
    """Let one backup at a time write in folder; another waits for it."""
    with (folder / LOCK).open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _remove_leftovers(folder: Path) -> None:
    """Delete temp files from a backup that a power cut or a kill stopped; only ours, under the lock."""
    for temp in folder.glob(f".{PREFIX}*.tmp"):
        temp.unlink(missing_ok=True)
    for staging in folder.glob(".kiosk-backup-*"):
        shutil.rmtree(staging, ignore_errors=True)


def prune(folder: Path, keep: int) -> list[Path]:
    """Delete the oldest snapshots beyond keep; return what was deleted."""
    snapshots = sorted(path for path in folder.iterdir() if NAME.match(path.name))
    doomed = snapshots[:-keep] if keep > 0 else []
    for path in doomed:
        path.unlink(missing_ok=True)
    return doomed


def snapshot_name(moment: datetime, prefix: str = PREFIX) -> str:
    """Return a snapshot's file name for a UTC moment."""
    return f"{prefix}{moment.astimezone(UTC).strftime('%Y%m%dT%H%M%S%fZ')}{SUFFIX}"


def write(sources: Sources, folder: Path, name: str | None = None) -> tuple[Path, dict[str, Any]]:
    """Write one snapshot of sources into folder and return its path and manifest."""
    kind = database.backend(sources.database_url)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    final = folder / (name or snapshot_name(datetime.now(UTC)))
    with _folder_lock(folder):
        _remove_leftovers(folder)
        with tempfile.TemporaryDirectory(prefix=".kiosk-backup-", dir=folder) as staging:
            dump = Path(staging) / "database"
            if kind == "sqlite":
                database.sqlite_snapshot(sources.database_url, dump)
                url, member = f"sqlite:///{dump}", database.SQLITE_MEMBER
            else:
                database.postgres_dump(sources.database_url, dump)
                url, member = sources.database_url, database.POSTGRES_MEMBER
            manifest: dict[str, Any] = {
                "app": "sciatica-kiosk",
                "version": _app_version(),
                "created": datetime.now(UTC).isoformat(timespec="seconds"),
                "host": socket.gethostname(),
                "kiosk": sources.kiosk_name,
                "database": {
                    "backend": kind,
                    "member": member,
                    "revision": database.revision(url),
                    "schema": database.schema(sources.database_url) if kind == "postgresql" else None,
                    "rows": database.counts(url),
                },
                "translations": "data" if not sources.translations_outside else "live-translations",
            }
            with archive.written(final, manifest) as writer:
                writer.add_file(member, dump)
                # The editor writes a save's .po, history copy, .mo and history line under this lock: never half
                # a save. One a crash left half done is finished first, from its journal.
                with locked(sources.live_translations):
                    journal.finish(sources.live_translations)
                    for member_name, path in data_files(sources, folder):
                        writer.add_file(member_name, path)
                    if sources.translations_outside:
                        for path in sorted(sources.live_translations.rglob("*")):
                            if (
                                path.is_file()
                                and path.name != ".lock"
                                and not path.name.endswith(".tmp")
                                and not _journal(path.name)
                            ):
                                relative = path.relative_to(sources.live_translations).as_posix()
                                writer.add_file(f"live-translations/{relative}", path)
                manifest["files"] = writer.files
    return final, manifest


def run(sources: Sources, folder: Path, keep: int) -> tuple[Path, dict[str, Any], list[Path]]:
    """Write a snapshot, then drop the oldest beyond keep; a failure says why and leaves older ones as they were."""
    try:
        final, manifest = write(sources, folder)
    except OSError as error:
        why = archive.explain_os_error(error, folder)
        log.error("Backup failed: %s", why, extra={"backup_dir": str(folder), logs.ECHOED: True})
        raise BackupError(f"The backup was not written: {why}. The older backups are untouched.") from error
    except BackupError as error:
        log.error("Backup failed: %s", error, extra={"backup_dir": str(folder), logs.ECHOED: True})
        raise
    removed = prune(folder, keep)
    size = final.stat().st_size
    log.info("Backup written", extra={"file": str(final), "bytes": size, "removed": len(removed)})
    return final, manifest, removed
