"""Urgent requests: "Get help now" asks for no reason (reason 'urgent'), and any request may become urgent.

Revision ID: 0002_urgent_requests
Revises: 0001
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_urgent_requests"
down_revision = "0001"
branch_labels = None
depends_on = None

OPEN = sa.text("status IN ('waiting', 'acknowledged')")
REASONS_BEFORE = "reason IN ('book', 'question', 'other')"
REASONS_AFTER = "reason IN ('book', 'question', 'other', 'urgent')"


def _replace_reason_check(allowed: str) -> None:
    """Swap the tickets.reason check, keeping the one-open-request-per-visit index."""
    # SQLite changes a CHECK only by copying the table; the partial unique index is dropped first and made
    # again afterwards, so its WHERE clause cannot be lost in the copy.
    op.drop_index("uq_tickets_open_visit", table_name="tickets")
    with op.batch_alter_table("tickets") as batch:
        batch.drop_constraint(op.f("ck_tickets_reason"), type_="check")
        batch.create_check_constraint(op.f("ck_tickets_reason"), sa.text(allowed))
    op.create_index(
        "uq_tickets_open_visit", "tickets", ["visit"], unique=True, sqlite_where=OPEN, postgresql_where=OPEN
    )


def upgrade() -> None:
    """Add tickets.urgent_at and the 'urgent' reason."""
    with op.batch_alter_table("tickets") as batch:
        batch.add_column(sa.Column("urgent_at", sa.DateTime(), nullable=True))
    _replace_reason_check(REASONS_AFTER)


def downgrade() -> None:
    """Remove them; an urgent request made by "Get help now" becomes 'other'."""
    op.execute("UPDATE tickets SET reason = 'other' WHERE reason = 'urgent'")
    _replace_reason_check(REASONS_BEFORE)
    with op.batch_alter_table("tickets") as batch:
        batch.drop_column("urgent_at")
