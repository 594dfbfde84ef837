"""The request service on SQLite (and PostgreSQL when configured): numbers, states, races, retention, CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import Session

from kiosk.core import db
from kiosk.core.models import Staff, Status, Ticket, TicketEvent
from kiosk.staff import accounts
from kiosk.talk import tickets
from tests.helpers.threads import run_together

NOON = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
UTC_ZONE = UTC


@pytest.fixture
def app(storage_apps: Callable[..., Flask]) -> Flask:
    """An app on the test database."""
    return storage_apps()


@pytest.fixture
def session(app: Flask) -> Iterator[Session]:
    """A database session outside any request."""
    with db.session_scope(app) as opened:
        yield opened


def new(session: Session, visit: str = "visit-aaaaaaaaaaaaaaaa", **fields: Any) -> Ticket:
    """Create a request with sensible defaults."""
    values: dict[str, Any] = {
        "kiosk": "Waiting room",
        "reason": "book",
        "when": "today",
        "first_name": "Ana",
        "zone": UTC_ZONE,
        "now": NOON,
        **fields,
    }
    return tickets.create(session, visit=visit, **values)


def staff_member(session: Session, name: str) -> Staff:
    """Add a front-desk account."""
    return accounts.add(session, name, "correct horse battery", ["front_desk"])


def test_numbers_count_up_from_one_and_start_again_each_day(session: Session) -> None:
    first = new(session, "visit-1aaaaaaaaaaaaaaa")
    second = new(session, "visit-2aaaaaaaaaaaaaaa", kiosk="Hall")
    next_day = new(session, "visit-3aaaaaaaaaaaaaaa", now=NOON + timedelta(days=1))
    assert (first.number, second.number, next_day.number) == (1, 2, 1)
    assert second.kiosk == "Hall"


def test_a_visit_has_one_open_request_and_tapping_again_returns_it(session: Session) -> None:
    first = new(session)
    again = new(session, reason="question", first_name="Someone else")
    assert again.id == first.id
    assert again.reason == "book"
    assert session.scalar(sa.select(sa.func.count()).select_from(Ticket)) == 1


def test_a_visit_may_ask_again_once_its_request_is_closed(session: Session) -> None:
    first = new(session)
    tickets.act(session, first.id, "done")
    second = new(session)
    assert second.id != first.id
    assert second.number == 2


def test_a_burst_of_taps_from_one_visit_creates_exactly_one_request(app: Flask) -> None:
    def tap(_index: int) -> int:
        with db.session_scope(app) as own:
            return new(own).id

    results = run_together(12, tap)
    assert all(isinstance(result, int) for result in results), results
    assert len(set(results)) == 1
    with db.session_scope(app) as check:
        assert check.scalar(sa.select(sa.func.count()).select_from(Ticket)) == 1


def test_many_kiosks_at_once_get_distinct_numbers(app: Flask) -> None:
    def tap(index: int) -> int:
        with db.session_scope(app) as own:
            return new(own, f"visit-{index:02d}aaaaaaaaaaaaaa", kiosk=f"Kiosk {index % 3}").number

    numbers = run_together(10, tap)
    assert sorted(numbers) == list(range(1, 11)), numbers


@pytest.mark.parametrize(
    ("steps", "final"),
    [
        (["acknowledge", "done"], Status.DONE),
        (["acknowledge", "no_show"], Status.NO_SHOW),
        (["done"], Status.DONE),
        (["no_show"], Status.NO_SHOW),
        (["cancel"], Status.CANCELLED),
        (["acknowledge", "cancel"], Status.CANCELLED),
    ],
)
def test_allowed_steps_move_the_request_on_and_are_audited(session: Session, steps: list[str], final: Status) -> None:
    ana = staff_member(session, "Ana")
    ticket = new(session)
    for step in steps:
        ticket = tickets.act(session, ticket.id, step, staff=ana, now=NOON + timedelta(minutes=1))
    assert ticket.status == final
    trail = session.scalars(sa.select(TicketEvent).where(TicketEvent.ticket_id == ticket.id).order_by(TicketEvent.id))
    assert [event.to_status for event in trail] == ["waiting", *[tickets.TRANSITIONS[s][1] for s in steps]]


@pytest.mark.parametrize("closing", ["done", "no_show", "cancel"])
@pytest.mark.parametrize("action", ["acknowledge", "done", "no_show", "cancel"])
def test_a_closed_request_refuses_every_action_and_stays_as_it_was(session: Session, closing: str, action: str) -> None:
    ana = staff_member(session, "Ana")
    ticket = tickets.act(session, new(session).id, closing, staff=ana)
    with pytest.raises(tickets.TicketConflict) as conflict:
        tickets.act(session, ticket.id, action, staff=ana)
    assert conflict.value.ticket.status == ticket.status
    assert session.get(Ticket, ticket.id, populate_existing=True).closed_at == ticket.closed_at


def test_acknowledging_twice_is_a_conflict_naming_who_was_first(session: Session) -> None:
    ana, bo = staff_member(session, "Ana"), staff_member(session, "Bo")
    ticket = tickets.act(session, new(session).id, "acknowledge", staff=ana)
    with pytest.raises(tickets.TicketConflict) as conflict:
        tickets.act(session, ticket.id, "acknowledge", staff=bo)
    assert conflict.value.ticket.acknowledged_by.name == "Ana"


def test_an_unknown_request_id_is_not_found(session: Session) -> None:
    with pytest.raises(tickets.TicketNotFound):
        tickets.act(session, 4242, "done")


def test_a_visitor_cannot_cancel_another_visits_request(session: Session) -> None:
    theirs = new(session, "visit-theirsaaaaaaaaaa")
    with pytest.raises(tickets.TicketNotFound):
        tickets.act(session, theirs.id, "cancel", visit="visit-mineaaaaaaaaaaaa")
    assert session.get(Ticket, theirs.id, populate_existing=True).status == Status.WAITING


def test_two_staff_acknowledging_at_once_exactly_one_wins(app: Flask) -> None:
    with db.session_scope(app) as setup:
        staff_ids = [staff_member(setup, name).id for name in ("Ana", "Bo", "Cy", "Di")]
        ticket_ids = [new(setup, f"visit-{i:02d}aaaaaaaaaaaaaa").id for i in range(5)]

    for ticket_id in ticket_ids:

        def acknowledge(index: int, ticket_id: int = ticket_id) -> str:
            with db.session_scope(app) as own:
                staff = own.get(Staff, staff_ids[index])
                return tickets.act(own, ticket_id, "acknowledge", staff=staff).acknowledged_by.name

        results = run_together(len(staff_ids), acknowledge)
        winners = [result for result in results if isinstance(result, str)]
        losers = [result for result in results if isinstance(result, tickets.TicketConflict)]
        assert len(winners) == 1, results
        assert len(losers) == len(staff_ids) - 1, results
        with db.session_scope(app) as check:
            stored = check.get(Ticket, ticket_id)
            assert stored.acknowledged_by.name == winners[0]
            events = check.scalars(sa.select(TicketEvent).where(TicketEvent.ticket_id == ticket_id)).all()
            assert [event.to_status for event in events] == ["waiting", "acknowledged"]


def test_a_request_is_escalated_only_after_the_configured_time_without_acknowledgement(session: Session) -> None:
    ticket = new(session)
    after = timedelta(minutes=3)
    assert not tickets.is_escalated(ticket, NOON + timedelta(minutes=2, seconds=59), after)
    assert tickets.is_escalated(ticket, NOON + timedelta(minutes=3), after)
    acknowledged = tickets.act(session, ticket.id, "acknowledge", now=NOON + timedelta(minutes=4))
    assert not tickets.is_escalated(acknowledged, NOON + timedelta(hours=1), after)
    assert tickets.waited(acknowledged, NOON + timedelta(hours=1)) == timedelta(minutes=4)


@pytest.mark.parametrize("closing", ["done", "no_show", "cancel"])
def test_an_open_request_holds_its_visit_until_it_ends_or_waited_the_longest(session: Session, closing: str) -> None:
    ticket = new(session)
    longest = timedelta(minutes=30)
    assert tickets.holds_visit(ticket, NOON, longest) == longest
    assert tickets.holds_visit(ticket, NOON + timedelta(minutes=29), longest) == timedelta(minutes=1)
    assert tickets.holds_visit(ticket, NOON + timedelta(minutes=30), longest) == timedelta(0)
    assert tickets.holds_visit(ticket, NOON + timedelta(hours=5), longest) == timedelta(0)
    acknowledged = tickets.act(session, ticket.id, "acknowledge", now=NOON + timedelta(minutes=1))
    assert tickets.holds_visit(acknowledged, NOON + timedelta(minutes=10), longest) == timedelta(minutes=20)
    closed = tickets.act(session, ticket.id, closing, now=NOON + timedelta(minutes=2))
    assert tickets.holds_visit(closed, NOON + timedelta(minutes=3), longest) == timedelta(0)


def test_first_names_are_erased_at_the_end_of_the_day_and_counts_are_kept(session: Session) -> None:
    yesterday = new(session, "visit-1aaaaaaaaaaaaaaa", now=NOON - timedelta(days=1), first_name="Old")
    tickets.act(session, yesterday.id, "done", now=NOON - timedelta(days=1))
    today = new(session, "visit-2aaaaaaaaaaaaaaa", first_name="New")
    erased = tickets.purge_first_names(session, retention=None, zone=UTC_ZONE, now=NOON + timedelta(hours=1))
    assert erased == 1
    assert session.get(Ticket, yesterday.id, populate_existing=True).first_name is None
    assert session.get(Ticket, yesterday.id).name_purged_at is not None
    assert session.get(Ticket, today.id, populate_existing=True).first_name == "New"
    assert tickets.counts(session, yesterday.day) == {
        "waiting": 0,
        "acknowledged": 0,
        "done": 1,
        "no_show": 0,
        "cancelled": 0,
        "total": 1,
        "urgent": 0,
    }


def test_a_configured_retention_period_erases_names_sooner(session: Session) -> None:
    ticket = new(session)
    later = NOON + timedelta(minutes=31)
    assert tickets.purge_first_names(session, retention=timedelta(minutes=30), zone=UTC_ZONE, now=later) == 1
    assert session.get(Ticket, ticket.id, populate_existing=True).first_name is None
    assert tickets.purge_first_names(session, retention=timedelta(minutes=30), zone=UTC_ZONE, now=later) == 0


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("<script>alert(1)</script>", "<script>alert(1)</script>"),
        ("مريم", "مريم"),
        ("Zoë 🌸", "Zoë 🌸"),
        ("An\x00na\x1b[31m\u202e", "An na [31m"),
        ("   \t\n ", None),
        ("x" * 10_000, "x" * 40),
        ("e\u0301lodie", "élodie"),
    ],
)
def test_first_names_are_stored_tidied_and_never_longer_than_forty_letters(
    session: Session, given: str, stored: str | None
) -> None:
    assert new(session, first_name=given).first_name == stored


def test_an_unknown_reason_or_time_is_refused(session: Session) -> None:
    with pytest.raises(tickets.TicketError):
        new(session, reason="surgery")
    with pytest.raises(tickets.TicketError):
        new(session, when="yesterday")
    assert session.scalar(sa.select(sa.func.count()).select_from(Ticket)) == 0


def test_csv_export_has_every_request_of_the_day_and_no_formulas(session: Session) -> None:
    ana = staff_member(session, "Ana")
    first = new(session, "visit-1aaaaaaaaaaaaaaa", first_name='=HYPERLINK("http://x")')
    tickets.act(session, first.id, "acknowledge", staff=ana, now=NOON + timedelta(minutes=2))
    new(session, "visit-2aaaaaaaaaaaaaaa", first_name=None, kiosk="Hall", reason="question", when=None)
    new(session, "visit-3aaaaaaaaaaaaaaa", now=NOON + timedelta(days=1))
    rows = list(csv.DictReader(io.StringIO(tickets.to_csv(tickets.tickets_of_day(session, first.day), UTC_ZONE))))
    assert [row["number"] for row in rows] == ["1", "2"]
    assert rows[0]["first_name"] == '\'=HYPERLINK("http://x")'
    assert rows[0]["acknowledged_by"] == "Ana"
    assert rows[0]["waited_seconds"] == "120"
    assert rows[0]["created"] == "2026-03-02T12:00:00+00:00"
    assert rows[1]["kiosk"] == "Hall"
    assert rows[1]["first_name"] == ""
    assert rows[1]["when"] == ""
