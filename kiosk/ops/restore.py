"""`kiosk restore`: check a snapshot whole, keep a copy of what is there now, then put the snapshot back."""

from __future__ import annotations

import fcntl
import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kiosk.core import db
from kiosk.ops import archive, backup, database
from kiosk.ops.archive import BackupError
from kiosk.ops.backup import Sources

log = logging.getLogger(__name__)

SERVE_LOCK = ".serve.lock"
SAFETY_PREFIX = "sciatica-kiosk-before-restore-"


@contextmanager
def serving(data_dir: Path) -> Iterator[None]:
    """Mark a data directory as served for as long as `kiosk serve` runs; restore refuses to run meanwhile."""
    data_dir.mkdir(parents=True, exist_ok=True)
    with (data_dir / SERVE_LOCK).open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_SH)
        yield


def server_running(data_dir: Path) -> bool:
    """Tell whether a `kiosk serve` holds this data directory."""
    path = data_dir / SERVE_LOCK
    if not path.exists():
        return False
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
    return False


@dataclass(frozen=True)
class Outcome:
    """What a restore did: the snapshot's manifest, and where the data that was there before went."""

    manifest: dict[str, Any]
    safety_copy: Path | None


# Rows a fresh install's migrations make by themselves: the default clinic.
FRESH_ROWS = {"clinics": 1}


def _holds_data(sources: Sources) -> bool:
    """Tell whether the target has anything worth keeping: rows in the database, or staff files beyond a fresh start."""
    rows = database.counts(sources.database_url)
    if any(count > FRESH_ROWS.get(table, 0) for table, count in rows.items() if table != "alembic_version"):
        return True
    fresh = {"secret_key", "translations", "config.py"}
    if not sources.data_dir.exists():
        return False
    ignored = fresh | _kept_in_place(sources)
    return any(path.name not in ignored for path in sources.data_dir.iterdir())


class Swap:
    """Renames, undone in reverse order; a rename needs no disk space, so undoing cannot fail for lack of it."""

    def __init__(self) -> None:
        self.done: list[tuple[Path, Path]] = []

    def move(self, source: Path, target: Path) -> None:
        """Rename source to target, remembering it."""
        source.rename(target)
        self.done.append((source, target))

    def undo(self) -> None:
        """Put everything back where it was."""
        for source, target in reversed(self.done):
            target.rename(source)
        self.done.clear()


def _swap_in(swap: Swap, new: Path, target: Path, old: Path, keep: set[str]) -> None:
    """Move target's entries (except keep) into old, then new's entries into target."""
    old.mkdir(parents=True)
    if target.exists():
        for path in sorted(target.iterdir()):
            if path.name not in keep:
                swap.move(path, old / path.name)
    target.mkdir(parents=True, exist_ok=True)
    if new.exists():
        for path in sorted(new.iterdir()):
            swap.move(path, target / path.name)


def _kept_in_place(sources: Sources) -> set[str]:
    """Return the data directory's entries a restore leaves alone: caches, the live database, the server's lock."""
    kept = {SERVE_LOCK}
    if database.backend(sources.database_url) == "sqlite":
        live = database.sqlite_path(sources.database_url)
        kept |= {f"{live.name}{suffix}" for suffix in ("", "-wal", "-shm", "-journal")}
    return kept | {path.name for path in sources.data_dir.iterdir() if backup.skipped(Path(path.name))}


def check(snapshot: Path, sources: Sources) -> dict[str, Any]:
    """Read a whole snapshot against its manifest and make sure it fits this kiosk; return the manifest."""
    if not snapshot.is_file():
        raise BackupError(f"There is no backup file at {snapshot}.")
    manifest = archive.read_manifest(snapshot)
    kind = database.backend(sources.database_url)
    stored = manifest["database"]
    if stored["backend"] != kind:
        raise BackupError(
            f"This backup holds a {stored['backend']} database and this kiosk uses {kind}; "
            "restore it onto a kiosk that uses the same kind of database."
        )
    schema = database.schema(sources.database_url)
    if kind == "postgresql" and stored.get("schema", schema) != schema:
        raise BackupError(f"This backup is of the PostgreSQL schema {stored['schema']}; this kiosk uses {schema}.")
    return manifest


def restore(
    snapshot: Path, sources: Sources, safety_folder: Path, confirm: Callable[[dict[str, Any]], bool] | None = None
) -> Outcome:
    """Restore a snapshot onto sources; a damaged snapshot, or any failure, leaves the target as it was.

    confirm, if given, sees the checked manifest and may still say no before anything is changed.
    """
    manifest = check(snapshot, sources)
    if confirm is not None and not confirm(manifest):
        raise BackupError("Nothing was restored.")
    if server_running(sources.data_dir):
        raise BackupError("The kiosk server is running on this data directory. Stop it first, then restore.")
    safety = None
    if _holds_data(sources):
        safety_name = backup.snapshot_name(datetime.now(UTC), SAFETY_PREFIX)
        try:
            safety, _ = backup.write(sources, safety_folder, safety_name)
        except OSError as error:
            why = archive.explain_os_error(error, safety_folder)
            raise BackupError(f"Nothing was restored: the current data could not be saved first ({why}).") from error
    sources.data_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".restore-", dir=sources.data_dir))
    try:
        try:
            archive.extract(snapshot, staging / "unpacked")
            os.sync()
        except OSError as error:
            raise BackupError(f"Nothing was restored: {archive.explain_os_error(error, sources.data_dir)}.") from error
        _apply(manifest, staging, sources)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    log.info("Backup restored", extra={"file": str(snapshot), "made": manifest.get("created")})
    return Outcome(manifest, safety)


def _apply(manifest: dict[str, Any], staging: Path, sources: Sources) -> None:
    """Swap the unpacked files in and restore the database, migrated; undo the swap if the database fails."""
    unpacked = staging / "unpacked"
    member = unpacked / manifest["database"]["member"]
    is_sqlite = manifest["database"]["backend"] == "sqlite"
    if is_sqlite:
        # Migrate the copy before it goes live, so the live file changes once, to a current schema.
        _migrate(f"sqlite:///{member}")
    swap = Swap()
    try:
        _swap_in(swap, unpacked / "data", sources.data_dir, staging / "old", _kept_in_place(sources))
        if sources.translations_outside and (unpacked / "live-translations").exists():
            _swap_in(swap, unpacked / "live-translations", sources.live_translations, staging / "live-old", {".lock"})
        if is_sqlite:
            database.sqlite_restore(member, sources.database_url)
        else:
            database.postgres_restore(member, sources.database_url)
            _migrate(sources.database_url)
    except BaseException:
        swap.undo()
        raise
    os.sync()


def _migrate(url: str) -> None:
    """Bring a restored database's schema up to this version's newest revision."""
    engine = db.make_engine(url)
    try:
        db.migrate(engine)
    finally:
        engine.dispose()
