"""Visitor requests: numbering, the open -> acknowledged -> done state machine, escalation, retention and export."""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta, tzinfo
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.orm import Session

from kiosk.clinics.service import clinic_id_of_kiosk
from kiosk.core.clock import local_day, start_of_day
from kiosk.core.models import (
    FIRST_NAME_MAX,
    OPEN_STATUSES,
    DayCounter,
    Reason,
    Staff,
    Status,
    Ticket,
    TicketEvent,
    When,
    utcnow,
)

# Which statuses each action may start from, and where it leads.
TRANSITIONS: dict[str, tuple[tuple[Status, ...], Status]] = {
    "acknowledge": ((Status.WAITING,), Status.ACKNOWLEDGED),
    "done": (OPEN_STATUSES, Status.DONE),
    "no_show": (OPEN_STATUSES, Status.NO_SHOW),
    "cancel": (OPEN_STATUSES, Status.CANCELLED),
}
CREATE_ATTEMPTS = 3
# Spreadsheets run a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class TicketError(ValueError):
    """A request that cannot be made as asked; the message is for the person who asked."""


class TicketLimitReached(Exception):
    """The kiosk has sent as many requests as its limit allows for now; nothing was stored."""


class TicketNotFound(LookupError):
    """No request has this id."""


class TicketConflict(Exception):
    """The request is no longer in a state that allows the action, usually because someone was quicker."""

    def __init__(self, ticket: Ticket, action: str) -> None:
        super().__init__(f"ticket {ticket.id} is {ticket.status}; cannot {action}")
        self.ticket = ticket
        self.action = action


def clean_first_name(raw: str | None) -> str | None:
    """Return the name as stored: control characters removed, spaces tidied, at most FIRST_NAME_MAX letters."""
    if raw is None:
        return None
    text = unicodedata.normalize("NFC", raw)
    # Control and formatting characters (Cc, Cf, Cs, Co, Cn) have no place in a name and can garble a screen.
    text = "".join(ch if not unicodedata.category(ch).startswith("C") else " " for ch in text)
    return " ".join(text.split())[:FIRST_NAME_MAX].rstrip() or None


def updated_rows(session: Session, statement: sa.Update) -> int:
    """Run an UPDATE inside the caller's transaction and return how many rows it changed."""
    return cast(sa.CursorResult[Any], session.execute(statement)).rowcount


def open_for_visit(session: Session, visit: str) -> Ticket | None:
    """Return this visit's open request, if it has one."""
    return session.scalar(sa.select(Ticket).where(Ticket.visit == visit, Ticket.status.in_(OPEN_STATUSES)))


def latest_for_visit(session: Session, visit: str) -> Ticket | None:
    """Return this visit's most recent request, open or not."""
    return session.scalar(sa.select(Ticket).where(Ticket.visit == visit).order_by(Ticket.id.desc()).limit(1))


def next_number(session: Session, clinic_id: int, day: date) -> int:
    """Take the clinic's next ticket number of day, inside the caller's transaction."""
    # The UPDATE locks the counter (the whole file on SQLite), so two kiosks never get one number.
    mine = (DayCounter.clinic_id == clinic_id, DayCounter.day == day)
    bumped = updated_rows(session, sa.update(DayCounter).where(*mine).values(last=DayCounter.last + 1))
    if bumped == 0:
        session.add(DayCounter(clinic_id=clinic_id, day=day, last=1))
        session.flush()
        return 1
    return int(session.scalar(sa.select(DayCounter.last).where(*mine)) or 0)


def _recent(session: Session, kiosk: str, since: datetime) -> int:
    """Return how many requests a kiosk has made since a moment."""
    recent = sa.select(sa.func.count()).where(Ticket.kiosk == kiosk, Ticket.created_at >= since)
    return int(session.scalar(recent) or 0)


def create(
    session: Session,
    *,
    visit: str,
    kiosk: str,
    reason: str,
    when: str | None,
    first_name: str | None,
    zone: tzinfo | None,
    language: str | None = None,
    limit: tuple[int, timedelta] | None = None,
    now: datetime | None = None,
) -> Ticket:
    """Commit a new request for this visit, or return the visit's open one; the number exists once this returns.

    limit, (count, span), refuses a new request with TicketLimitReached when this kiosk made count
    requests in the last span.
    """
    try:
        reason = Reason(reason)
    except ValueError:
        raise TicketError("unknown reason") from None
    if reason is Reason.URGENT:
        raise TicketError("an urgent request is made by Get help now (kiosk.talk.urgent.call)")
    try:
        wanted = When(when) if when else None
    except ValueError:
        raise TicketError("unknown time") from None
    name = clean_first_name(first_name)
    failures = 0
    while True:
        existing = open_for_visit(session, visit)
        if existing is not None:
            return existing
        moment = now or utcnow()
        day = local_day(moment, zone)
        try:
            # The request belongs to the clinic of the kiosk that made it, and only its staff see it.
            clinic_id = clinic_id_of_kiosk(session, kiosk)
            number = next_number(session, clinic_id, day)
            # Counted after the counter's lock is taken (a kiosk's requests all take its clinic's counter), so
            # simultaneous requests from one kiosk are counted one at a time.
            if limit is not None and _recent(session, kiosk[:80], moment - limit[1]) >= limit[0]:
                session.rollback()
                raise TicketLimitReached(kiosk)
            ticket = Ticket(
                day=day,
                number=number,
                visit=visit,
                kiosk=kiosk[:80],
                clinic_id=clinic_id,
                language=language[:16] if language else None,
                reason=reason,
                wanted_when=wanted,
                first_name=name,
                status=Status.WAITING,
                created_at=moment,
            )
            session.add(ticket)
            session.flush()
            session.add(TicketEvent(ticket_id=ticket.id, at=moment, from_status=None, to_status=Status.WAITING))
            session.commit()
            return ticket
        except sa.exc.IntegrityError:
            # A second tap of the same visit, or two servers creating the day's counter at once: look again.
            session.rollback()
            failures += 1
            if failures == CREATE_ATTEMPTS:
                raise


def act(
    session: Session,
    ticket_id: int,
    action: str,
    *,
    staff: Staff | None = None,
    visit: str | None = None,
    clinic_ids: frozenset[int] | None = None,
    now: datetime | None = None,
) -> Ticket:
    """Move a request on by one action; of two simultaneous actions exactly one wins, the other gets TicketConflict.

    Staff pass the clinics they may act in: another clinic's request is, to them, no request at all.
    """
    sources, target = TRANSITIONS[action]
    moment = now or utcnow()
    values: dict[str, object] = {"status": target}
    if target is Status.ACKNOWLEDGED:
        values.update(acknowledged_at=moment, acknowledged_by_id=staff.id if staff else None)
    else:
        values.update(closed_at=moment, closed_by_id=staff.id if staff else None)
    owner = [Ticket.visit == visit] if visit is not None else []
    if clinic_ids is not None:
        owner.append(Ticket.clinic_id.in_(clinic_ids))
    for source in sources:
        # The WHERE on status makes the check and the change one step, whatever else runs at the same time.
        changed = updated_rows(
            session, sa.update(Ticket).where(Ticket.id == ticket_id, Ticket.status == source, *owner).values(**values)
        )
        if changed == 1:
            session.add(
                TicketEvent(
                    ticket_id=ticket_id,
                    at=moment,
                    from_status=source,
                    to_status=target,
                    staff_id=staff.id if staff else None,
                    staff_name=staff.name if staff else None,
                )
            )
            session.commit()
            ticket = session.get(Ticket, ticket_id, populate_existing=True)
            assert ticket is not None
            return ticket
    session.rollback()
    ticket = session.get(Ticket, ticket_id, populate_existing=True)
    if ticket is None or (visit is not None and ticket.visit != visit):
        raise TicketNotFound(ticket_id)
    if clinic_ids is not None and ticket.clinic_id not in clinic_ids:
        raise TicketNotFound(ticket_id)
    raise TicketConflict(ticket, action)


def is_escalated(ticket: Ticket, now: datetime, after: timedelta) -> bool:
    """Tell whether a request has waited too long for anyone to acknowledge it."""
    return ticket.status == Status.WAITING and now - ticket.created_at >= after


def holds_visit(ticket: Ticket, now: datetime, longest: timedelta) -> timedelta:
    """Return how much longer a request keeps its visit from the idle reset: zero once it ended or waited longest."""
    if not ticket.is_open:
        return timedelta(0)
    return max(ticket.created_at + longest - now, timedelta(0))


def waited(ticket: Ticket, now: datetime) -> timedelta:
    """Return how long the visitor waited for someone: until acknowledged or closed, or until now."""
    end = ticket.acknowledged_at or ticket.closed_at or now
    return max(end - ticket.created_at, timedelta(0))


def open_tickets(session: Session, clinic_ids: frozenset[int] | None = None) -> list[Ticket]:
    """Return the open requests of these clinics (None: every clinic), urgent first, each group oldest first."""
    query = sa.select(Ticket).where(Ticket.status.in_(OPEN_STATUSES))
    if clinic_ids is not None:
        query = query.where(Ticket.clinic_id.in_(clinic_ids))
    return list(session.scalars(query.order_by(Ticket.urgent_at.is_(None), Ticket.urgent_at, Ticket.id)))


def _of_day(day: date, clinic_ids: frozenset[int] | None) -> list[sa.ColumnElement[bool]]:
    """Return the conditions for a day's requests, of these clinics only (None: every clinic)."""
    found = [Ticket.day == day]
    if clinic_ids is not None:
        found.append(Ticket.clinic_id.in_(clinic_ids))
    return found


def tickets_of_day(session: Session, day: date, clinic_ids: frozenset[int] | None = None) -> list[Ticket]:
    """Return every request made on day in these clinics (None: every clinic), by clinic and number."""
    query = sa.select(Ticket).where(*_of_day(day, clinic_ids)).order_by(Ticket.clinic_id, Ticket.number)
    return list(session.scalars(query))


def counts(session: Session, day: date, clinic_ids: frozenset[int] | None = None) -> dict[str, int]:
    """Return how many requests of day in these clinics ended in each status, the total, and how many were urgent."""
    mine = _of_day(day, clinic_ids)
    rows = session.execute(sa.select(Ticket.status, sa.func.count()).where(*mine).group_by(Ticket.status))
    result = {str(status): 0 for status in Status}
    result.update({status: int(count) for status, count in rows})
    result["total"] = sum(result[str(status)] for status in Status)
    urgent = sa.select(sa.func.count()).where(*mine, Ticket.urgent_at.is_not(None))
    result["urgent"] = int(session.scalar(urgent) or 0)
    return result


def purge_first_names(
    session: Session, *, retention: timedelta | None, zone: tzinfo | None, now: datetime | None = None
) -> int:
    """Erase first names older than the retention period (default: given before today) and return how many."""
    moment = now or utcnow()
    cutoff = moment - retention if retention is not None else start_of_day(local_day(moment, zone), zone)
    purged = updated_rows(
        session,
        sa.update(Ticket)
        .where(Ticket.first_name.is_not(None), Ticket.created_at < cutoff)
        .values(first_name=None, name_purged_at=moment),
    )
    session.commit()
    return purged


def _cell(value: object) -> str:
    """Return value as CSV text that a spreadsheet shows and never runs."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _local(moment: datetime | None, zone: tzinfo | None) -> str:
    """Return moment as clinic-local ISO time to the second, or nothing."""
    return moment.astimezone(zone).isoformat(timespec="seconds") if moment else ""


CSV_HEADER: Sequence[str] = (
    "number",
    "day",
    "kiosk",
    "language",
    "language_name",
    "reason",
    "when",
    "first_name",
    "status",
    "created",
    "acknowledged",
    "closed",
    "waited_seconds",
    "acknowledged_by",
    "closed_by",
    "urgent",
    "urgent_at",
    "clinic",
)


def to_csv(
    tickets: Iterable[Ticket],
    zone: tzinfo | None,
    now: datetime | None = None,
    clinic_names: dict[int, str] | None = None,
    languages: dict[str | None, str] | None = None,
) -> str:
    """Return the requests as CSV, one row each, times in the clinic's zone, with its clinic's and language's names."""
    moment = now or utcnow()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for ticket in tickets:
        writer.writerow(
            _cell(value)
            for value in (
                ticket.number,
                ticket.day.isoformat(),
                ticket.kiosk,
                (ticket.language or "").replace("_", "-"),
                (languages or {}).get(ticket.language, ""),
                ticket.reason,
                ticket.wanted_when or "",
                ticket.first_name,
                ticket.status,
                _local(ticket.created_at, zone),
                _local(ticket.acknowledged_at, zone),
                _local(ticket.closed_at, zone),
                int(waited(ticket, moment).total_seconds()),
                ticket.acknowledged_by.name if ticket.acknowledged_by else "",
                ticket.closed_by.name if ticket.closed_by else "",
                "yes" if ticket.is_urgent else "no",
                _local(ticket.urgent_at, zone),
                (clinic_names or {}).get(ticket.clinic_id, ""),
            )
        )
    return out.getvalue()
