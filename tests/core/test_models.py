"""The models and the rules the database itself keeps, on SQLite and (when configured) PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import Session

from kiosk.core import db
from kiosk.core.models import Permission, Staff, StaffPermission, Status, Ticket, TicketEvent


@pytest.fixture
def session(storage_apps: Callable[..., Flask]) -> Iterator[Session]:
    """A session on a fresh database."""
    with db.session_scope(storage_apps()) as opened:
        yield opened


def account(name: str, *permissions: Permission) -> Staff:
    """An account with a placeholder hash (no login happens in these tests)."""
    staff = Staff(name=name, password_hash="not-a-real-hash")
    staff.grants = [StaffPermission(permission=str(permission)) for permission in permissions]
    return staff


def ticket(visit: str, number: int, status: Status = Status.WAITING) -> Ticket:
    """A request on 2 March 2026."""
    return Ticket(day=date(2026, 3, 2), number=number, visit=visit, kiosk="Hall", reason="book", status=status)


def test_an_account_may_hold_front_desk_translator_or_both(session: Session) -> None:
    session.add_all(
        [
            account("desk", Permission.FRONT_DESK),
            account("words", Permission.TRANSLATOR),
            account("both", Permission.FRONT_DESK, Permission.TRANSLATOR),
        ]
    )
    session.commit()
    found = {staff.name: staff for staff in session.scalars(sa.select(Staff))}
    assert found["desk"].can("front_desk")
    assert not found["desk"].can("translator")
    assert found["words"].can("translator")
    assert not found["words"].can("front_desk")
    assert found["both"].permissions == {Permission.FRONT_DESK, Permission.TRANSLATOR}


def test_the_database_refuses_an_unknown_permission(session: Session) -> None:
    session.add(account("odd"))
    session.flush()
    session.add(StaffPermission(staff_id=session.scalar(sa.select(Staff.id)), permission="admin"))
    with pytest.raises(sa.exc.IntegrityError):
        session.commit()


def test_the_database_allows_one_open_request_per_visit(session: Session) -> None:
    session.add_all([ticket("visit-a", 1, Status.DONE), ticket("visit-a", 2, Status.CANCELLED), ticket("visit-a", 3)])
    session.commit()
    session.add(ticket("visit-a", 4, Status.ACKNOWLEDGED))
    with pytest.raises(sa.exc.IntegrityError):
        session.commit()


def test_the_database_refuses_a_repeated_number_on_one_day(session: Session) -> None:
    session.add_all([ticket("visit-a", 1), ticket("visit-b", 1)])
    with pytest.raises(sa.exc.IntegrityError):
        session.commit()


def test_removing_an_account_keeps_the_history_of_what_it_did(session: Session) -> None:
    ana = account("Ana", Permission.FRONT_DESK)
    session.add(ana)
    handled = ticket("visit-a", 1, Status.ACKNOWLEDGED)
    handled.acknowledged_by = ana
    session.add(handled)
    session.flush()
    session.add(TicketEvent(ticket_id=handled.id, to_status="acknowledged", staff_id=ana.id, staff_name="Ana"))
    session.commit()
    session.delete(ana)
    session.commit()
    session.expire_all()
    kept = session.get(Ticket, handled.id)
    assert kept.status == "acknowledged"
    assert kept.acknowledged_by is None
    assert session.scalars(sa.select(TicketEvent.staff_name)).all() == ["Ana"]
    assert session.scalar(sa.select(sa.func.count()).select_from(StaffPermission)) == 0


def test_moments_come_back_as_the_same_instant_in_utc(session: Session) -> None:
    lisbon_summer = datetime(2026, 7, 1, 9, 30, tzinfo=timezone(timedelta(hours=1)))
    stored = ticket("visit-a", 1)
    stored.created_at = lisbon_summer
    session.add(stored)
    session.commit()
    session.expire_all()
    again = session.scalar(sa.select(Ticket))
    assert again.created_at == lisbon_summer
    assert again.created_at.tzinfo is UTC


def test_a_moment_without_a_time_zone_is_refused(session: Session) -> None:
    stored = ticket("visit-a", 1)
    stored.created_at = datetime(2026, 7, 1, 9, 30)
    session.add(stored)
    with pytest.raises(sa.exc.StatementError, match="naive datetime"):
        session.commit()
