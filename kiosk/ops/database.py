"""The database in a snapshot: SQLite through its online backup API, PostgreSQL through pg_dump and psql."""

from __future__ import annotations

import errno
import os
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

import sqlalchemy as sa

from kiosk.core import db
from kiosk.core.models import Base
from kiosk.ops.archive import BackupError

SQLITE_MEMBER = "database/kiosk.sqlite3"
POSTGRES_MEMBER = "database/postgresql.sql"
# Long enough to wait out a burst of writes; the backup itself holds only a read transaction.
SQLITE_BUSY_SECONDS = 30
_SEARCH_PATH = re.compile(r"search_path\s*=\s*([^\s,]+)")


def backend(url: str) -> str:
    """Return "sqlite" or "postgresql" for a database URL; anything else cannot be backed up."""
    name = sa.make_url(url).get_backend_name()
    if name not in ("sqlite", "postgresql"):
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {name}.")
    return name


def sqlite_path(url: str) -> Path:
    """Return the file of a SQLite URL."""
    return Path(sa.make_url(url).database or "")


def counts(url: str) -> dict[str, int]:
    """Return the number of rows in each of the kiosk's tables, for the manifest and the restore summary."""
    engine = db.make_engine(url)
    try:
        with engine.connect() as connection:
            present = set(sa.inspect(connection).get_table_names())
            return {
                table.name: int(connection.scalar(sa.select(sa.func.count()).select_from(table)) or 0)
                for table in Base.metadata.sorted_tables
                if table.name in present
            }
    finally:
        engine.dispose()


def revision(url: str) -> str | None:
    """Return a database's schema revision."""
    engine = db.make_engine(url)
    try:
        return db.current_revision(engine)
    finally:
        engine.dispose()


def sqlite_snapshot(url: str, target: Path) -> None:
    """Copy a live SQLite database to target with the online backup API: one consistent moment, writers unblocked."""
    source = sqlite3.connect(sqlite_path(url), timeout=SQLITE_BUSY_SECONDS)
    copy = sqlite3.connect(target)
    try:
        # One step (pages=-1): the copy is of a single read transaction, so it is consistent.
        source.backup(copy)
        # A self-contained file: no WAL beside it.
        copy.execute("PRAGMA journal_mode=DELETE")
        problem = copy.execute("PRAGMA quick_check").fetchone()[0]
        if problem != "ok":
            raise BackupError(f"The database failed SQLite's check ({problem}); it needs repair before a backup.")
    except sqlite3.OperationalError as error:
        if "full" in str(error):
            raise OSError(errno.ENOSPC, str(error), str(target)) from error
        raise BackupError(f"The database could not be copied: {error}.") from error
    finally:
        copy.close()
        source.close()


def sqlite_restore(snapshot: Path, url: str) -> None:
    """Write a snapshot's database into the live SQLite file in one transaction, through the backup API."""
    path = sqlite_path(url)
    path.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(snapshot)
    live = sqlite3.connect(path, timeout=SQLITE_BUSY_SECONDS)
    try:
        if source.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupError("The database in the backup failed SQLite's integrity check.")
        source.backup(live)
    except sqlite3.Error as error:
        raise BackupError(f"The database could not be restored: {error}.") from error
    finally:
        live.close()
        source.close()


def schema(url: str) -> str:
    """Return the PostgreSQL schema the kiosk's tables live in: the URL's search_path, else public."""
    found = _SEARCH_PATH.search(str(sa.make_url(url).query.get("options") or ""))
    return found.group(1).strip("\"'") if found else "public"


def libpq_environment(url: str) -> dict[str, str]:
    """Return the environment that points libpq's programs at a database, the password out of their arguments."""
    parsed = sa.make_url(url)
    env = {**os.environ, "PGCONNECT_TIMEOUT": "10", "PGDATABASE": parsed.database or ""}
    for key, value in (
        ("PGHOST", parsed.host or parsed.query.get("host")),
        ("PGPORT", parsed.port),
        ("PGUSER", parsed.username),
        ("PGPASSWORD", parsed.password),
    ):
        if value:
            env[key] = str(value)
    return env


def _tool(name: str) -> str:
    """Return the path of a PostgreSQL client program, or say how to install it."""
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed; install PostgreSQL's client programs (postgresql-client).")
    return found


def postgres_dump(url: str, target: Path) -> None:
    """Dump the kiosk's schema with pg_dump as plain SQL (one consistent snapshot of the database)."""
    name = schema(url)
    command = [_tool("pg_dump"), "--format=plain", "--no-owner", "--no-privileges", f"--schema={name}"]
    with target.open("wb") as out:
        result = subprocess.run(
            command, env=libpq_environment(url), stdout=out, stderr=subprocess.PIPE, timeout=3600, check=False
        )
    if result.returncode != 0:
        complaint = result.stderr.decode(errors="replace").strip()
        if "No space left" in complaint:
            raise OSError(errno.ENOSPC, complaint, str(target))
        raise BackupError(f"pg_dump failed: {complaint}")


def postgres_restore(dump: Path, url: str) -> None:
    """Replace the kiosk's schema with the dump's, in a single transaction: all of it, or nothing."""
    name = schema(url)
    script = dump.with_name("restore.sql")
    quoted = '"' + name.replace('"', '""') + '"'
    with script.open("wb") as out:
        out.write(f"SET client_min_messages = warning;\nDROP SCHEMA IF EXISTS {quoted} CASCADE;\n".encode())
        with dump.open("rb") as source:
            shutil.copyfileobj(source, out)
    command = [_tool("psql"), "--no-psqlrc", "--quiet", "--single-transaction", "-v", "ON_ERROR_STOP=1"]
    result = subprocess.run(
        [*command, "--file", str(script)],
        env=libpq_environment(url),
        capture_output=True,
        timeout=3600,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(f"The database could not be restored: {result.stderr.decode(errors='replace').strip()}")
