"""Front-desk security: shared rate limits instead of the account lockout, known kiosks, the visit's language.

It runs after 0005_clinics (and 0004_staff_language), which reached main first: a database already
there gains these tables too. Revision ids are names, not an order.

Revision ID: 0003_desk_security
Revises: 0005_clinics
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_desk_security"
down_revision = "0005_clinics"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the rate limits, the kiosks and the request language; drop the old lockout columns."""
    op.create_table(
        "rate_limits",
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("window_start", sa.BigInteger(), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_rate_limits")),
    )
    op.create_table(
        "kiosks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kiosks")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_kiosks_key_hash")),
        sa.UniqueConstraint("name", name=op.f("uq_kiosks_name")),
    )
    with op.batch_alter_table("tickets") as batch:
        batch.add_column(sa.Column("language", sa.String(length=16), nullable=True))
    with op.batch_alter_table("staff") as batch:
        batch.drop_column("failed_logins")
        batch.drop_column("locked_until")


def downgrade() -> None:
    """Put the lockout columns back (unlocked) and drop the new tables and column."""
    with op.batch_alter_table("staff") as batch:
        batch.add_column(sa.Column("failed_logins", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("locked_until", sa.DateTime(), nullable=True))
    with op.batch_alter_table("tickets") as batch:
        batch.drop_column("language")
    op.drop_table("kiosks")
    op.drop_table("rate_limits")
