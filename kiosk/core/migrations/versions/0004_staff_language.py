"""Each staff account's own language for the staff screens.

Revision ID: 0004_staff_language
Revises: 0002_urgent_requests
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_staff_language"
down_revision = "0002_urgent_requests"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the column; existing accounts keep following their browser until they choose."""
    with op.batch_alter_table("staff") as batch:
        batch.add_column(sa.Column("language", sa.String(length=35), nullable=True))


def downgrade() -> None:
    """Drop the column."""
    with op.batch_alter_table("staff") as batch:
        batch.drop_column("language")
