"""Clinics: each kiosk, staff role and request belongs to one; an existing install's all go to a default clinic.

Revision ID: 0005_clinics
Revises: 0002_urgent_requests
Create Date: 2026-12-01
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0005_clinics"
down_revision = "0004_staff_language"
branch_labels = None
depends_on = None

OPEN = sa.text("status IN ('waiting', 'acknowledged')")
DEFAULT_CLINIC_ID = 1
# The clinic a single-clinic install has without any configuration; `kiosk clinics rename` names it.
DEFAULT_CLINIC_NAME = "Our clinic"


def _clinic_column(table: str, ondelete: str | None = "CASCADE") -> sa.Column[int]:
    """A clinic_id column that existing rows fill with the default clinic.

    The default stays: during a chain's rolling upgrade, a server still on the old code keeps working.
    """
    return sa.Column(
        "clinic_id",
        sa.Integer(),
        sa.ForeignKey("clinics.id", name=op.f(f"fk_{table}_clinic_id_clinics"), ondelete=ondelete),
        nullable=False,
        server_default=str(DEFAULT_CLINIC_ID),
    )


def upgrade() -> None:
    """Add the clinics and their kiosks; put the clinic in roles, requests and day counters."""
    clinics = op.create_table(
        "clinics",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clinics")),
        sa.UniqueConstraint("name", name=op.f("uq_clinics_name")),
    )
    op.bulk_insert(
        clinics,
        [{"id": DEFAULT_CLINIC_ID, "name": DEFAULT_CLINIC_NAME, "created_at": datetime.now(UTC).replace(tzinfo=None)}],
    )
    if op.get_bind().dialect.name == "postgresql":
        # The row above was given its id by hand: the next clinic must not collide with it.
        op.execute("SELECT setval(pg_get_serial_sequence('clinics', 'id'), (SELECT max(id) FROM clinics))")
    op.create_table(
        "clinic_kiosks",
        sa.Column("kiosk", sa.String(length=80), nullable=False),
        sa.Column("clinic_id", sa.Integer(), nullable=False),
        sa.Column("last_seen", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["clinic_id"], ["clinics.id"], name=op.f("fk_clinic_kiosks_clinic_id_clinics"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("kiosk", name=op.f("pk_clinic_kiosks")),
    )
    op.create_index(op.f("ix_clinic_kiosks_clinic_id"), "clinic_kiosks", ["clinic_id"])

    # Roles become per clinic: every existing role is held at the default clinic.
    with op.batch_alter_table("staff_permissions", recreate="always") as batch:
        batch.add_column(_clinic_column("staff_permissions"))
        batch.drop_constraint(op.f("pk_staff_permissions"), type_="primary")
        batch.create_primary_key(op.f("pk_staff_permissions"), ["staff_id", "clinic_id", "permission"])

    # Numbers are per clinic and day. SQLite copies the table for this: the partial unique index goes first
    # and comes back afterwards, so its WHERE clause cannot be lost in the copy.
    op.drop_index("uq_tickets_open_visit", table_name="tickets")
    with op.batch_alter_table("tickets") as batch:
        # A request outlives anything done to its clinic: no cascade.
        batch.add_column(_clinic_column("tickets", ondelete=None))
        batch.drop_constraint("uq_tickets_day_number", type_="unique")
        batch.create_unique_constraint("uq_tickets_clinic_day_number", ["clinic_id", "day", "number"])
    op.create_index(
        "uq_tickets_open_visit", "tickets", ["visit"], unique=True, sqlite_where=OPEN, postgresql_where=OPEN
    )
    op.create_index("ix_tickets_clinic_status", "tickets", ["clinic_id", "status"])

    with op.batch_alter_table("day_counters", recreate="always") as batch:
        batch.add_column(_clinic_column("day_counters"))
        batch.drop_constraint(op.f("pk_day_counters"), type_="primary")
        batch.create_primary_key(op.f("pk_day_counters"), ["clinic_id", "day"])


def downgrade() -> None:
    """Back to one clinic; refused while more than one clinic exists, as their numbers and roles would clash."""
    clinics = op.get_bind().scalar(sa.text("SELECT count(*) FROM clinics"))
    if clinics and clinics > 1:
        raise RuntimeError("Cannot go back to a single clinic while several exist: their ticket numbers clash.")
    with op.batch_alter_table("day_counters", recreate="always") as batch:
        batch.drop_constraint(op.f("pk_day_counters"), type_="primary")
        batch.drop_column("clinic_id")
        batch.create_primary_key(op.f("pk_day_counters"), ["day"])
    op.drop_index("ix_tickets_clinic_status", table_name="tickets")
    op.drop_index("uq_tickets_open_visit", table_name="tickets")
    with op.batch_alter_table("tickets") as batch:
        batch.drop_constraint("uq_tickets_clinic_day_number", type_="unique")
        batch.drop_constraint(op.f("fk_tickets_clinic_id_clinics"), type_="foreignkey")
        batch.drop_column("clinic_id")
        batch.create_unique_constraint("uq_tickets_day_number", ["day", "number"])
    op.create_index(
        "uq_tickets_open_visit", "tickets", ["visit"], unique=True, sqlite_where=OPEN, postgresql_where=OPEN
    )
    with op.batch_alter_table("staff_permissions", recreate="always") as batch:
        batch.drop_constraint(op.f("pk_staff_permissions"), type_="primary")
        batch.drop_constraint(op.f("fk_staff_permissions_clinic_id_clinics"), type_="foreignkey")
        batch.drop_column("clinic_id")
        batch.create_primary_key(op.f("pk_staff_permissions"), ["staff_id", "permission"])
    op.drop_index(op.f("ix_clinic_kiosks_clinic_id"), table_name="clinic_kiosks")
    op.drop_table("clinic_kiosks")
    op.drop_table("clinics")
