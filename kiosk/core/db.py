"""The database: one SQLAlchemy engine per app, one session per request, the schema migrated on start."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache, partial
from pathlib import Path
from typing import Any

import click
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask, current_app, g
from flask.cli import with_appcontext
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Any fixed number: it names the PostgreSQL advisory lock that serialises migrations.
MIGRATION_LOCK_ID = 5_202_605
SQLITE_FILE = "kiosk.sqlite3"
CONNECT_TIMEOUT_SECONDS = 5
# While the database server cannot be reached: how often a starting kiosk tries again to migrate, and how
# often the failures of requests are logged (one line a minute, not one per dashboard poll).
RETRY_SECONDS = 10
REPORT_EVERY_SECONDS = 60
UNAVAILABLE = (sa.exc.OperationalError, sa.exc.InterfaceError)


def database_url(app: Flask) -> str:
    """Return the configured database URL, or a SQLite file in the data directory."""
    url = app.config.get("DATABASE_URL")
    if url:
        return str(url)
    return f"sqlite:///{Path(app.instance_path) / SQLITE_FILE}"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """Turn on WAL, foreign keys and full syncs for every new SQLite connection."""
    cursor = dbapi_connection.cursor()
    # WAL lets the dashboards read while a kiosk writes; FULL makes each commit survive power loss.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def make_engine(url: str, lock_timeout: float = 15) -> Engine:
    """Create an engine for url, with the settings the kiosk relies on; lock_timeout caps a write's wait.

    Every engine hides statement parameters in its errors: they are a row's values, a visitor's name among them.
    """
    parsed = sa.make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        if not (parsed.database or "").startswith("file:"):  # a URI filename (?mode=ro&uri=true) names its own
            Path(parsed.database or "").parent.mkdir(parents=True, exist_ok=True)
        # Writers queue for the lock instead of failing at once when two staff click together.
        engine = sa.create_engine(parsed, connect_args={"timeout": lock_timeout}, hide_parameters=True)
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        sa.event.listen(engine, "checkin", partial(_restore_lock_wait, lock_timeout))
        sa.event.listen(engine, "checkin", _restore_foreign_keys)
        return engine
    if backend == "postgresql":
        # Keep any libpq options the URL carries (such as a search_path) and add the lock wait.
        lock = f"-c lock_timeout={int(lock_timeout * 1000)}"
        options = " ".join(filter(None, [str(parsed.query.get("options") or ""), lock]))
        # pool_pre_ping replaces connections a database restart broke; connect_timeout keeps an unreachable
        # server from holding a visitor's request for long.
        return sa.create_engine(
            parsed.difference_update_query(["options"]),
            pool_pre_ping=True,
            hide_parameters=True,
            connect_args={"options": options, "connect_timeout": CONNECT_TIMEOUT_SECONDS},
        )
    return sa.create_engine(parsed, pool_pre_ping=True, hide_parameters=True)


def _restore_lock_wait(lock_timeout: float, dbapi_connection: Any, record: Any) -> None:
    """Give a SQLite connection that lock_wait shortened its usual wait back, before anyone else uses it."""
    if record.info.pop("kiosk_lock_wait", False):
        dbapi_connection.execute(f"PRAGMA busy_timeout = {int(lock_timeout * 1000)}")


def foreign_keys_off_for_migration(connection: sa.Connection) -> None:
    """Turn SQLite's foreign keys off on this connection for a migration, until it goes back to the pool.

    Batch mode changes a SQLite table by copying it and dropping the old one, and with foreign keys on that
    DROP TABLE deletes (or nulls) every row that refers to it: copying the staff table took every role and
    every "acknowledged by" with it, copying the requests every event. The migration checks the keys once at
    the end instead (kiosk/core/migrations/env.py). The pragma does nothing inside a transaction, so this
    comes before one; PostgreSQL changes tables in place and needs none of this.
    """
    if connection.dialect.name != "sqlite" or connection.connection.driver_connection.in_transaction:  # type: ignore[union-attr]
        return
    connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
    connection.connection.info["kiosk_foreign_keys_off"] = True


def _restore_foreign_keys(dbapi_connection: Any, record: Any) -> None:
    """Turn a migration's connection's foreign keys back on before anyone else uses it."""
    if record.info.pop("kiosk_foreign_keys_off", False):
        dbapi_connection.execute("PRAGMA foreign_keys=ON")


@contextmanager
def lock_wait(session: Session, seconds: float) -> Iterator[None]:
    """Within the block, let the session's writes wait at most `seconds` for another writer's lock."""
    milliseconds = int(seconds * 1000)

    def shorten(_session: Session, _transaction: Any, connection: sa.Connection) -> None:
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql(f"PRAGMA busy_timeout = {milliseconds}")
            connection.connection.info["kiosk_lock_wait"] = True
        elif connection.dialect.name == "postgresql":
            # SET LOCAL ends with the transaction by itself.
            connection.exec_driver_sql(f"SET LOCAL lock_timeout = {milliseconds}")

    sa.event.listen(session, "after_begin", shorten)
    try:
        yield
    finally:
        sa.event.remove(session, "after_begin", shorten)


@cache
def _script() -> ScriptDirectory:
    """Return the migration scripts, read once per process."""
    return ScriptDirectory.from_config(_alembic_config())


def _alembic_config() -> Config:
    """Return an Alembic config that points at the package's migrations."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def _lock_for_migration(connection: sa.Connection) -> None:
    """Make concurrent starts migrate one at a time."""
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    elif connection.dialect.name == "postgresql":
        connection.execute(sa.text("SELECT pg_advisory_xact_lock(:id)"), {"id": MIGRATION_LOCK_ID})


def current_revision(engine: Engine) -> str | None:
    """Return the schema revision the database is at, or None if it has no schema yet."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def _migrate_once(engine: Engine) -> None:
    """Upgrade the schema under the migration lock, unless it is already the newest."""
    before, head = current_revision(engine), _script().get_current_head()
    if before == head:
        return
    with engine.connect() as connection:
        foreign_keys_off_for_migration(connection)
        _lock_for_migration(connection)
        config = _alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
        connection.commit()
    log.info("Database schema upgraded", extra={"from_revision": before or "empty", "to_revision": head})


def migrate(engine: Engine, attempts: int = 30) -> None:
    """Create or upgrade the schema to the newest revision, even when several servers start at once."""
    for attempt in range(attempts):
        try:
            _migrate_once(engine)
            return
        except sa.exc.OperationalError as error:
            # A new SQLite file turns on WAL, and upgrades read locks, without waiting out the busy
            # timeout when another start holds a lock: SQLite reports "locked" at once to avoid a
            # deadlock. The lock is brief, so wait a moment and try again; the upgrade is idempotent.
            if engine.dialect.name != "sqlite" or "locked" not in str(error) or attempt == attempts - 1:
                raise
            engine.dispose()
            time.sleep(0.02 * (attempt + 1))


def engine() -> Engine:
    """Return the current app's engine."""
    found: Engine = current_app.extensions["kiosk_db"]["engine"]
    return found


def get_session() -> Session:
    """Return this request's database session, opening it on first use."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["kiosk_db"]["sessions"]()
    session: Session = g.db_session
    return session


def close_session(_error: BaseException | None = None) -> None:
    """Close this request's session, rolling back anything left uncommitted."""
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


@contextmanager
def session_scope(app: Flask) -> Iterator[Session]:
    """Give code outside a request (the CLI, the purge timer) a session that closes afterwards."""
    with app.extensions["kiosk_db"]["sessions"]() as session:
        yield session


@click.group("db")
def db_group() -> None:
    """The database schema, which the kiosk migrates by itself on start."""


@db_group.command("current")
@with_appcontext
def current_command() -> None:
    """Show the schema revision of the database and the newest one."""
    click.echo(f"database at {current_revision(engine())}; newest {_script().get_current_head()}")


@db_group.command("revision")
@click.option("-m", "--message", required=True, help="What the migration changes.")
@with_appcontext
def revision_command(message: str) -> None:
    """Write a new migration from the difference between kiosk/models.py and the database."""
    config = _alembic_config()
    with engine().connect() as connection:
        config.attributes["connection"] = connection
        command.revision(config, message=message, autogenerate=True)


class _Reporter:
    """Logs that storage fails at most once a minute, with how many failures the minute saw."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.last = float("-inf")
        self.quiet = 0

    def report(self, error: BaseException) -> None:
        """Log this failure, or count it if one was logged less than a minute ago."""
        with self.lock:
            now = time.monotonic()
            if now - self.last < REPORT_EVERY_SECONDS:
                self.quiet += 1
                return
            self.last, quiet, self.quiet = now, self.quiet, 0
        original = getattr(error, "orig", None) or error
        log.error(
            "The database cannot be used: requests to staff fail until it is back",
            extra={"error": f"{type(original).__name__}: {' '.join(str(original).split())}"[:300], "since": quiet},
        )


report_unavailable = _Reporter().report


def is_busy(error: BaseException) -> bool:
    """Tell a database that was only busy (another write held the lock too long) from one that is down or full."""
    return isinstance(error, sa.exc.OperationalError) and any(
        words in str(error) for words in ("database is locked", "lock timeout", "due to lock")
    )


def is_full(error: BaseException) -> bool:
    """Tell a database that can still be read but not written, because its disk is full."""
    original = getattr(error, "orig", None) or error
    return isinstance(error, sa.exc.OperationalError) and (
        type(original).__name__ == "DiskFull"
        or any(words in str(error) for words in ("database or disk is full", "No space left on device"))
    )


def _migrate_when_reachable(db_engine: Engine) -> None:
    """Keep trying to migrate in the background until the database server answers."""

    def keep_trying() -> None:
        while True:
            time.sleep(RETRY_SECONDS)
            try:
                migrate(db_engine)
            except UNAVAILABLE:
                continue
            log.info("The database can be reached again; its schema is up to date.")
            return

    threading.Thread(target=keep_trying, name="kiosk-migrate", daemon=True).start()


def init_app(app: Flask) -> None:
    """Connect the app to its database, migrate the schema and close sessions after each request."""
    db_engine = make_engine(database_url(app), float(app.config["DATABASE_LOCK_TIMEOUT_SECONDS"]))
    try:
        migrate(db_engine)
    except UNAVAILABLE as error:
        # A database server elsewhere may be down when the kiosk boots: the pages work without it, and the
        # staff features come back by themselves. A local SQLite file that fails is a real fault: stop.
        if db_engine.dialect.name == "sqlite":
            raise
        report_unavailable(error)
        _migrate_when_reachable(db_engine)
    app.extensions["kiosk_db"] = {
        "engine": db_engine,
        "sessions": sessionmaker(db_engine, expire_on_commit=False),
    }
    app.teardown_appcontext(close_session)
