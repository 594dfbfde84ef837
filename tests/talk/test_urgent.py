"""Get help now on SQLite (and PostgreSQL when configured): one urgent request per visit, made or upgraded
atomically, sorted first, counted apart, and held on the kiosk until staff answer."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import Session

from kiosk.core import db
from kiosk.core.models import Reason, Status, Ticket, TicketEvent
from kiosk.staff import accounts
from kiosk.talk import tickets, urgent
from kiosk.talk.urgent import Outcome
from tests.helpers.threads import run_together

NOON = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
VISIT = "visit-urgentaaaaaaaaaa"


@pytest.fixture
def app(storage_apps: Callable[..., Flask]) -> Flask:
    """An app on the test database."""
    return storage_apps()


@pytest.fixture
def session(app: Flask) -> Iterator[Session]:
    """A database session outside any request."""
    with db.session_scope(app) as opened:
        yield opened


def call(session: Session, visit: str = VISIT, now: datetime = NOON) -> urgent.Call:
    """Tap Get help now."""
    return urgent.call(session, visit=visit, kiosk="Waiting room", zone=UTC, now=now)


def book(session: Session, visit: str = VISIT) -> Ticket:
    """Ask for staff about booking."""
    return tickets.create(
        session, visit=visit, kiosk="Waiting room", reason="book", when="today", first_name="Ana", zone=UTC, now=NOON
    )


def count(session: Session) -> int:
    """Return how many requests are stored."""
    return int(session.scalar(sa.select(sa.func.count()).select_from(Ticket)) or 0)


def test_one_tap_stores_an_urgent_request_at_once_asking_nothing(session: Session) -> None:
    made = call(session)
    assert made.outcome is Outcome.NEW
    stored = session.get(Ticket, made.ticket.id, populate_existing=True)
    assert stored is not None
    assert (stored.reason, stored.status, stored.urgent_at, stored.first_name, stored.wanted_when) == (
        Reason.URGENT,
        Status.WAITING,
        NOON,
        None,
        None,
    )
    assert stored.is_urgent
    assert stored.number == 1


def test_tapping_again_changes_nothing(session: Session) -> None:
    first = call(session)
    again = call(session, now=NOON + timedelta(seconds=3))
    assert again.outcome is Outcome.ALREADY
    assert again.ticket.id == first.ticket.id
    assert again.ticket.urgent_at == NOON
    assert count(session) == 1


def test_a_burst_of_taps_makes_exactly_one_urgent_request(app: Flask) -> None:
    def tap(_index: int) -> tuple[int, Outcome]:
        with db.session_scope(app) as own:
            made = call(own)
            return made.ticket.id, made.outcome

    results = run_together(12, tap)
    assert all(isinstance(result, tuple) for result in results), results
    assert len({ticket_id for ticket_id, _ in results}) == 1
    assert sorted(outcome for _, outcome in results).count(Outcome.NEW) == 1
    with db.session_scope(app) as check:
        assert count(check) == 1


def test_an_open_booking_request_is_made_urgent_not_duplicated(session: Session) -> None:
    booking = book(session)
    made = call(session, now=NOON + timedelta(minutes=2))
    assert made.outcome is Outcome.UPGRADED
    assert made.ticket.id == booking.id
    assert made.ticket.reason == "book"  # what they asked for stays on the dashboard
    assert made.ticket.first_name == "Ana"
    assert made.ticket.urgent_at == NOON + timedelta(minutes=2)
    assert count(session) == 1
    assert call(session).outcome is Outcome.ALREADY


def test_an_acknowledged_booking_made_urgent_waits_and_alarms_again(session: Session) -> None:
    desk = accounts.add(session, "Ana", "correct horse battery", ["front_desk"])
    booking = book(session)
    tickets.act(session, booking.id, "acknowledge", staff=desk, now=NOON + timedelta(minutes=1))
    made = call(session, now=NOON + timedelta(minutes=2))
    assert made.outcome is Outcome.UPGRADED
    assert (made.ticket.status, made.ticket.acknowledged_at, made.ticket.acknowledged_by_id) == (
        Status.WAITING,
        None,
        None,
    )
    trail = session.scalars(sa.select(TicketEvent).where(TicketEvent.ticket_id == booking.id).order_by(TicketEvent.id))
    assert [(event.from_status, event.to_status) for event in trail] == [
        (None, "waiting"),
        ("waiting", "acknowledged"),
        ("acknowledged", "waiting"),
    ]


def test_booking_and_get_help_at_the_same_moment_make_one_urgent_request(app: Flask) -> None:
    for round_ in range(4):
        visit = f"visit-race{round_}aaaaaaaaaaaa"

        def tap(index: int, visit: str = visit) -> int:
            with db.session_scope(app) as own:
                return call(own, visit).ticket.id if index % 2 else book(own, visit).id

        results = run_together(6, tap)
        assert all(isinstance(result, int) for result in results), results
        assert len(set(results)) == 1
        with db.session_scope(app) as check:
            (only,) = check.scalars(sa.select(Ticket).where(Ticket.visit == visit)).all()
            assert only.is_urgent


def test_a_visit_whose_request_was_closed_can_call_again(session: Session) -> None:
    first = call(session)
    tickets.act(session, first.ticket.id, "done")
    second = call(session, now=NOON + timedelta(minutes=5))
    assert second.outcome is Outcome.NEW
    assert second.ticket.id != first.ticket.id


def test_the_booking_form_cannot_make_an_urgent_request(session: Session) -> None:
    with pytest.raises(tickets.TicketError):
        tickets.create(
            session, visit=VISIT, kiosk="Hall", reason="urgent", when=None, first_name=None, zone=UTC, now=NOON
        )
    assert count(session) == 0


def test_the_database_refuses_an_unknown_reason_still(session: Session) -> None:
    session.add(Ticket(day=NOON.date(), number=1, visit=VISIT, kiosk="x", reason="panic", status="waiting"))
    with pytest.raises(sa.exc.IntegrityError):
        session.commit()


def test_urgent_requests_come_first_oldest_urgent_first(session: Session) -> None:
    booked = book(session, "visit-bookaaaaaaaaaaaaa")
    later = call(session, "visit-laterraaaaaaaaaaa", now=NOON + timedelta(minutes=3)).ticket
    sooner = call(session, "visit-soonerraaaaaaaaaa", now=NOON + timedelta(minutes=1)).ticket
    plain = book(session, "visit-plainaaaaaaaaaaaa")
    assert [ticket.id for ticket in tickets.open_tickets(session)] == [sooner.id, later.id, booked.id, plain.id]


def test_urgent_requests_count_apart_in_the_history_and_the_csv(session: Session) -> None:
    book(session, "visit-bookaaaaaaaaaaaaa")
    call(session, "visit-helpaaaaaaaaaaaaa")
    upgraded = book(session, "visit-upgradeaaaaaaaaa")
    call(session, "visit-upgradeaaaaaaaaa", now=NOON + timedelta(minutes=1))
    counts = tickets.counts(session, NOON.date())
    assert (counts["total"], counts["urgent"], counts["waiting"]) == (3, 2, 3)
    rows = list(csv.DictReader(io.StringIO(tickets.to_csv(tickets.tickets_of_day(session, NOON.date()), UTC, NOON))))
    assert [(row["reason"], row["urgent"]) for row in rows] == [("book", "no"), ("urgent", "yes"), ("book", "yes")]
    assert rows[2]["urgent_at"] == "2026-03-02T12:01:00+00:00"
    assert rows[0]["urgent_at"] == ""
    assert upgraded.number == 3


def test_an_unanswered_urgent_request_is_late_after_the_answer_time(session: Session) -> None:
    made = call(session).ticket
    minute = timedelta(seconds=60)
    assert not urgent.unanswered(made, NOON + timedelta(seconds=59), minute)
    assert urgent.unanswered(made, NOON + minute, minute)
    answered = tickets.act(session, made.id, "acknowledge")
    assert not urgent.unanswered(answered, NOON + timedelta(hours=1), minute)


def test_the_kiosk_holds_the_urgent_screen_until_staff_answer_or_the_hold_runs_out(session: Session) -> None:
    made = call(session).ticket
    hold = timedelta(minutes=15)
    assert urgent.hold_seconds(made, NOON + timedelta(seconds=30), hold) == 870
    assert urgent.hold_seconds(made, NOON + timedelta(minutes=20), hold) == 0
    assert urgent.hold_seconds(book(session, "visit-bookaaaaaaaaaaaaa"), NOON, hold) == 0
    answered = tickets.act(session, made.id, "acknowledge")
    assert urgent.hold_seconds(answered, NOON + timedelta(seconds=30), hold) == 0
    assert urgent.hold_seconds(None, NOON, hold) == 0


def test_an_urgent_request_keeps_the_visits_language_and_an_upgrade_keeps_the_bookings(session: Session) -> None:
    made = urgent.call(session, visit=VISIT, kiosk="Waiting room", zone=UTC, language="ar", now=NOON)
    assert made.ticket.language == "ar"
    tickets.create(
        session,
        visit="visit-bookedaaaaaaaaaaa",
        kiosk="Waiting room",
        reason="book",
        when="today",
        first_name=None,
        zone=UTC,
        language="vi",
        now=NOON,
    )
    upgraded = urgent.call(session, visit="visit-bookedaaaaaaaaaaa", kiosk="Waiting room", zone=UTC, language="en")
    assert (upgraded.outcome, upgraded.ticket.language) == (Outcome.UPGRADED, "vi")


def test_a_kiosks_first_urgent_call_goes_through_whatever_the_limit(session: Session) -> None:
    # Its booking limit is spent, and the urgent limit is as strict as it can be.
    for number in range(3):
        tickets.create(
            session,
            visit=f"visit-booking{number}aaaaaaaa",
            kiosk="Waiting room",
            reason="book",
            when=None,
            first_name=None,
            zone=UTC,
            now=NOON,
        )
    made = urgent.call(session, visit=VISIT, kiosk="Waiting room", zone=UTC, limit=(0, timedelta(minutes=1)), now=NOON)
    assert made.outcome is Outcome.NEW


def test_urgent_calls_from_one_screen_are_held_back_only_while_one_is_unanswered(session: Session) -> None:
    limit = (2, timedelta(minutes=1))

    def tap(visit: str, kiosk: str = "Waiting room") -> urgent.Call:
        return urgent.call(session, visit=visit.ljust(20, "a"), kiosk=kiosk, zone=UTC, limit=limit, now=NOON)

    first, second = tap("visit-one"), tap("visit-two")
    assert (first.outcome, second.outcome) == (Outcome.NEW, Outcome.NEW)
    with pytest.raises(tickets.TicketLimitReached):
        tap("visit-three")
    assert tap("visit-one").outcome is Outcome.ALREADY  # a repeated tap of a visit is never refused
    assert tap("visit-hall", kiosk="Hall").outcome is Outcome.NEW  # another screen has its own count
    # Staff answer both: the siren is off for that screen, so the next call goes through at once.
    for made in (first, second):
        tickets.act(session, made.ticket.id, "acknowledge")
    assert tap("visit-three").outcome is Outcome.NEW
    assert count(session) == 4
