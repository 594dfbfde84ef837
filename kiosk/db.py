"""The database: one SQLAlchemy engine per app, one session per request, the schema migrated on start."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask, current_app, g
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Any fixed number: it names the PostgreSQL advisory lock that serialises migrations.
MIGRATION_LOCK_ID = 5_202_605
SQLITE_FILE = "kiosk.sqlite3"


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


def make_engine(url: str) -> Engine:
    """Create an engine for url, with the SQLite settings the kiosk relies on."""
    if sa.make_url(url).get_backend_name() == "sqlite":
        Path(sa.make_url(url).database or "").parent.mkdir(parents=True, exist_ok=True)
        # Writers queue for the lock instead of failing at once when two staff click together.
        engine = sa.create_engine(url, connect_args={"timeout": 30})
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return sa.create_engine(url, pool_pre_ping=True)


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


def migrate(engine: Engine) -> None:
    """Create or upgrade the schema to the newest revision."""
    if current_revision(engine) == _script().get_current_head():
        return
    with engine.connect() as connection:
        _lock_for_migration(connection)
        config = _alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
        connection.commit()


def engine() -> Engine:
    """Return the current app's engine."""
    return current_app.extensions["kiosk_db"]["engine"]


def get_session() -> Session:
    """Return this request's database session, opening it on first use."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["kiosk_db"]["sessions"]()
    return g.db_session


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


def init_app(app: Flask) -> None:
    """Connect the app to its database, migrate the schema and close sessions after each request."""
    db_engine = make_engine(database_url(app))
    migrate(db_engine)
    app.extensions["kiosk_db"] = {
        "engine": db_engine,
        "sessions": sessionmaker(db_engine, expire_on_commit=False),
    }
    app.teardown_appcontext(close_session)
