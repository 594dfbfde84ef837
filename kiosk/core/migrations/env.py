"""Alembic's entry point: migrate the connection kiosk.core.db hands over, or the URL given on the command line."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context

from kiosk.core.db import foreign_keys_off_for_migration
from kiosk.core.models import Base

config = context.config


def run_migrations(connection: sa.Connection) -> None:
    """Run the pending migrations on connection, inside the caller's transaction."""
    # render_as_batch lets SQLite, which cannot ALTER most things, take later column changes; its table copies
    # run with foreign keys off (kiosk.core.db explains why), and the keys are checked once at the end.
    foreign_keys_off_for_migration(connection)
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
        if connection.dialect.name == "sqlite":
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                tables = sorted({str(row[0]) for row in broken})
                raise RuntimeError(f"The migration would leave rows that refer to nothing in {', '.join(tables)}.")


connection = config.attributes.get("connection")
if connection is not None:
    run_migrations(connection)
else:
    with sa.create_engine(config.get_main_option("sqlalchemy.url") or "").begin() as own_connection:
        run_migrations(own_connection)
