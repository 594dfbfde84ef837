"""Typed SQLAlchemy models: clinics and their kiosks, staff and their roles, visitor requests and their history."""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any, ClassVar

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Permission(StrEnum):
    """What a staff account may do; an account may hold any number of them."""

    FRONT_DESK = "front_desk"
    TRANSLATOR = "translator"


class Reason(StrEnum):
    """What the visitor wants to talk about."""

    BOOK = "book"
    QUESTION = "question"
    OTHER = "other"
    # "Get help now": nothing is asked, staff come at once.
    URGENT = "urgent"


class When(StrEnum):
    """When the visitor would like the massage."""

    TODAY = "today"
    ANOTHER_DAY = "another_day"


class Status(StrEnum):
    """Where a visitor request stands."""

    WAITING = "waiting"
    ACKNOWLEDGED = "acknowledged"
    DONE = "done"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"


OPEN_STATUSES = (Status.WAITING, Status.ACKNOWLEDGED)
# The clinic the migration creates: a single-clinic install's only one, and where rows go unless told otherwise.
DEFAULT_CLINIC_ID = 1
FIRST_NAME_MAX = 40


def utcnow() -> datetime:
    """Return the current time in UTC."""
    return datetime.now(UTC)


def _in(column: str, values: type[StrEnum] | tuple[StrEnum, ...]) -> str:
    """Return SQL that allows only the given values in column."""
    return f"{column} IN ({', '.join(repr(str(value)) for value in values)})"


class UTCDateTime(sa.TypeDecorator[datetime]):
    """A moment stored as naive UTC on every database and read back as an aware UTC datetime."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        """Store aware datetimes as naive UTC; refuse naive ones, whose zone is a guess."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; pass an aware one")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        """Read a stored moment back as aware UTC."""
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    """The models' base, with constraint names Alembic can refer to on every database."""

    metadata = sa.MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime()}


class Clinic(Base):
    """One clinic of the chain: its kiosks, its staff roles and its requests are its own."""

    __tablename__ = "clinics"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ClinicKiosk(Base):
    """A kiosk screen, by the name it is known by, in its clinic; and when its browser was last heard from."""

    __tablename__ = "clinic_kiosks"

    # The kiosk's name is its identity (a key's, an address's or the server's own screen's), never an address.
    kiosk: Mapped[str] = mapped_column(sa.String(80), primary_key=True)
    clinic_id: Mapped[int] = mapped_column(sa.ForeignKey("clinics.id", ondelete="CASCADE"), index=True)
    last_seen: Mapped[datetime | None]
    clinic: Mapped[Clinic] = relationship(lazy="joined")


class Staff(Base):
    """A staff account: a unique name and a hashed password (login throttling lives in RateLimit)."""

    __tablename__ = "staff"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(256))
    # Bumped by logout and password changes, so an old signed session cookie stops working.
    session_version: Mapped[int] = mapped_column(default=1)
    # The language of the staff screens for this account (a catalog code such as "pt_BR"); None: the browser's.
    language: Mapped[str | None] = mapped_column(sa.String(35))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    grants: Mapped[list[StaffPermission]] = relationship(
        back_populates="staff", cascade="all, delete-orphan", lazy="selectin", order_by="StaffPermission.permission"
    )

    @property
    def permissions(self) -> frozenset[Permission]:
        """Return what this account may do."""
        return frozenset(Permission(grant.permission) for grant in self.grants)

    def can(self, permission: str) -> bool:
        """Tell whether this account holds permission at any clinic."""
        return permission in self.permissions

    def clinic_ids(self, permission: str) -> frozenset[int]:
        """Return the clinics where this account holds permission."""
        return frozenset(grant.clinic_id for grant in self.grants if grant.permission == permission)


class StaffPermission(Base):
    """One permission held by one staff account at one clinic: roles are per clinic."""

    __tablename__ = "staff_permissions"
    __table_args__ = (sa.CheckConstraint(_in("permission", Permission), name="permission"),)

    staff_id: Mapped[int] = mapped_column(sa.ForeignKey("staff.id", ondelete="CASCADE"), primary_key=True)
    clinic_id: Mapped[int] = mapped_column(
        sa.ForeignKey("clinics.id", ondelete="CASCADE"),
        primary_key=True,
        default=DEFAULT_CLINIC_ID,
        server_default=str(DEFAULT_CLINIC_ID),
    )
    permission: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    staff: Mapped[Staff] = relationship(back_populates="grants")
    clinic: Mapped[Clinic] = relationship(lazy="joined")


class Ticket(Base):
    """A visitor's request to talk to staff, numbered per day."""

    __tablename__ = "tickets"
    __table_args__ = (
        # Each clinic's desk calls its own numbers, starting again at 1 each day.
        sa.UniqueConstraint("clinic_id", "day", "number", name="uq_tickets_clinic_day_number"),
        sa.CheckConstraint(_in("reason", Reason), name="reason"),
        sa.CheckConstraint(f"wanted_when IS NULL OR {_in('wanted_when', When)}", name="wanted_when"),
        sa.CheckConstraint(_in("status", Status), name="status"),
        # The database itself guarantees one open request per visit, whatever the timing of the taps.
        sa.Index(
            "uq_tickets_open_visit",
            "visit",
            unique=True,
            sqlite_where=sa.text(_in("status", OPEN_STATUSES)),
            postgresql_where=sa.text(_in("status", OPEN_STATUSES)),
        ),
        sa.Index("ix_tickets_status_created", "status", "created_at"),
        sa.Index("ix_tickets_clinic_status", "clinic_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(sa.Date, index=True)
    number: Mapped[int]
    visit: Mapped[str] = mapped_column(sa.String(64))
    kiosk: Mapped[str] = mapped_column(sa.String(80))
    # The catalog code of the visit's language (such as "ar"); None for requests made before it was kept.
    language: Mapped[str | None] = mapped_column(sa.String(16))
    # The clinic of the kiosk that made the request: only that clinic's staff see it.
    clinic_id: Mapped[int] = mapped_column(
        sa.ForeignKey("clinics.id"), default=DEFAULT_CLINIC_ID, server_default=str(DEFAULT_CLINIC_ID)
    )
    reason: Mapped[str] = mapped_column(sa.String(16))
    wanted_when: Mapped[str | None] = mapped_column(sa.String(16))
    first_name: Mapped[str | None] = mapped_column(sa.String(FIRST_NAME_MAX))
    status: Mapped[str] = mapped_column(sa.String(16), default=Status.WAITING)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    acknowledged_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    name_purged_at: Mapped[datetime | None]
    # When the visitor asked for help at once, by "Get help now" or by upgrading a booking request.
    urgent_at: Mapped[datetime | None]
    acknowledged_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff.id", ondelete="SET NULL"))
    closed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff.id", ondelete="SET NULL"))
    acknowledged_by: Mapped[Staff | None] = relationship(foreign_keys=[acknowledged_by_id], lazy="joined")
    closed_by: Mapped[Staff | None] = relationship(foreign_keys=[closed_by_id], lazy="joined")

    @property
    def is_open(self) -> bool:
        """Tell whether staff still have to act on this request."""
        return self.status in OPEN_STATUSES

    @property
    def is_urgent(self) -> bool:
        """Tell whether the visitor needs someone at once."""
        return self.urgent_at is not None


class TicketEvent(Base):
    """The audit trail: who changed a request, from what, to what and when."""

    __tablename__ = "ticket_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    from_status: Mapped[str | None] = mapped_column(sa.String(16))
    to_status: Mapped[str] = mapped_column(sa.String(16))
    staff_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff.id", ondelete="SET NULL"))
    # Kept as text so the trail still says who acted after the account is removed.
    staff_name: Mapped[str | None] = mapped_column(sa.String(64))


class DayCounter(Base):
    """The last ticket number a clinic handed out on a day; numbers start again at 1 each day."""

    __tablename__ = "day_counters"

    clinic_id: Mapped[int] = mapped_column(
        sa.ForeignKey("clinics.id", ondelete="CASCADE"),
        primary_key=True,
        default=DEFAULT_CLINIC_ID,
        server_default=str(DEFAULT_CLINIC_ID),
    )
    day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    last: Mapped[int] = mapped_column(default=0)


class Kiosk(Base):
    """A kiosk screen that may send requests from any address: it proves itself with its key."""

    __tablename__ = "kiosks"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(64), unique=True)
    # SHA-256 of the key: the key is random and long, so a fast hash is enough, and a stolen database
    # does not give the keys away.
    key_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class RateLimit(Base):
    """A fixed-window counter (login attempts, requests per kiosk), shared by every server process."""

    __tablename__ = "rate_limits"

    key: Mapped[str] = mapped_column(sa.String(120), primary_key=True)
    # The window's start, in whole seconds since the epoch.
    window_start: Mapped[int] = mapped_column(sa.BigInteger)
    hits: Mapped[int] = mapped_column(default=0)
