"""Alembic's entry point: migrate the connection kiosk.core.db hands over, or the URL given on the command line."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context

from kiosk.core.models import Base

config = context.config


def run_migrations(connection: sa.Connection) -> None:
    """Run the pending migrations on connection, inside the caller's transaction."""
    # render_as_batch lets SQLite, which cannot ALTER most things, take later column changes.
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    run_migrations(connection)
else:
    with sa.create_engine(config.get_main_option("sqlalchemy.url") or "").begin() as own_connection:
        run_migrations(own_connection)
