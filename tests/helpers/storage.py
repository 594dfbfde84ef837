"""Databases for the storage tests: a SQLite file always, and PostgreSQL when KIOSK_TEST_DATABASE_URL is set."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from flask import Flask
from sqlalchemy.pool import NullPool

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("KIOSK_TEST_DATABASE_URL") else [])


@contextmanager
def empty_database(backend: str, tmp_path: Path) -> Iterator[str]:
    """Yield the URL of an empty database: a new SQLite file, or a new PostgreSQL schema dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'kiosk.sqlite3'}"
        return
    base = sa.make_url(os.environ["KIOSK_TEST_DATABASE_URL"])
    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base, poolclass=NullPool)
    with admin.begin() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    try:
        yield base.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


def dispose(app: Flask) -> None:
    """Close the app's database connections, so PostgreSQL's connection slots are not used up."""
    app.extensions["kiosk_db"]["engine"].dispose()


@contextmanager
def own_database(backend: str, tmp_path: Path, name: str) -> Iterator[str]:
    """Yield the URL of an empty database of its own: a SQLite file, or a PostgreSQL database dropped afterwards.

    For tests that copy a whole database (backups): a schema of the shared test database would not do.
    """
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / name / 'kiosk.sqlite3'}"
        return
    base = sa.make_url(os.environ["KIOSK_TEST_DATABASE_URL"])
    database = f"test_{name}_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(base, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{database}"')
    try:
        yield base.set(database=database).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        admin.dispose()
