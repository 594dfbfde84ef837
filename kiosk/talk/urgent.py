"""Get help now: one urgent request per visit, made at once, or the visit's open request made urgent.

Only known kiosks call (kiosk.kiosks.guard, in the view). The per-kiosk limit that holds back a flood of
booking requests must never hold back an emergency, so urgent calls have their own rule (`held_back`): a
kiosk's urgent call is refused only while the dashboard is already sounding the siren for an unanswered
urgent call from that same screen, and that screen made REQUEST_LIMIT_PER_KIOSK urgent calls in the window.
A kiosk's first urgent call, and any call once staff have answered the earlier ones, always goes through;
a burst of taps in one visit is one request anyway (the one-open-request-per-visit rule).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Session

from kiosk.clinics.service import clinic_id_of_kiosk
from kiosk.core.clock import local_day
from kiosk.core.models import OPEN_STATUSES, Reason, Status, Ticket, TicketEvent, utcnow
from kiosk.talk.tickets import CREATE_ATTEMPTS, TicketLimitReached, next_number, open_for_visit, updated_rows


class Outcome(StrEnum):
    """What one tap on "Get help now" did."""

    NEW = "new"  # a new urgent request
    UPGRADED = "upgraded"  # the visit's open booking request is now urgent
    ALREADY = "already"  # the visit's request was already urgent: a repeated tap changes nothing


@dataclass(frozen=True)
class Call:
    """The visit's urgent request and what the tap did to it."""

    ticket: Ticket
    outcome: Outcome


def _upgrade(session: Session, visit: str, moment: datetime) -> Ticket | None:
    """Make the visit's open, not yet urgent request urgent and waiting again; return it, or None if there is none."""
    for source in OPEN_STATUSES:
        # One statement checks and changes, so two taps (or a tap and a staff click) can never both win. An
        # acknowledgement was for a booking chat, not an emergency: the request waits, and alarms, again.
        changed = updated_rows(
            session,
            sa.update(Ticket)
            .where(Ticket.visit == visit, Ticket.status == source, Ticket.urgent_at.is_(None))
            .values(urgent_at=moment, status=Status.WAITING, acknowledged_at=None, acknowledged_by_id=None),
        )
        if changed:
            ticket = open_for_visit(session, visit)
            assert ticket is not None
            session.add(TicketEvent(ticket_id=ticket.id, at=moment, from_status=source, to_status=Status.WAITING))
            session.commit()
            session.refresh(ticket)
            return ticket
    return None


def held_back(session: Session, kiosk: str, since: datetime, limit: int) -> bool:
    """Tell whether a new urgent call from this kiosk waits: limit calls since `since`, and one still unanswered."""
    recent = sa.select(sa.func.count()).where(Ticket.kiosk == kiosk, Ticket.urgent_at >= since)
    if int(session.scalar(recent) or 0) < limit:
        return False
    sounding = sa.select(Ticket.id).where(
        Ticket.kiosk == kiosk, Ticket.urgent_at.is_not(None), Ticket.status == Status.WAITING
    )
    return session.scalar(sounding.limit(1)) is not None


def call(
    session: Session,
    *,
    visit: str,
    kiosk: str,
    zone: tzinfo | None,
    language: str | None = None,
    limit: tuple[int, timedelta] | None = None,
    now: datetime | None = None,
) -> Call:
    """Commit an urgent request for this visit at once, or make its open request urgent; never a second one.

    limit, (count, span), refuses a new urgent request with TicketLimitReached only as `held_back` says;
    making the visit's own request urgent is never refused.
    """
    moment = now or utcnow()
    failures = 0
    while True:
        upgraded = _upgrade(session, visit, moment)
        if upgraded is not None:
            return Call(upgraded, Outcome.UPGRADED)
        existing = open_for_visit(session, visit)
        if existing is not None:
            session.rollback()
            return Call(existing, Outcome.ALREADY)
        day = local_day(moment, zone)
        try:
            clinic_id = clinic_id_of_kiosk(session, kiosk)
            number = next_number(session, clinic_id, day)
            # Counted under the counter's lock, so simultaneous calls are counted one at a time.
            if limit is not None and held_back(session, kiosk[:80], moment - limit[1], limit[0]):
                session.rollback()
                raise TicketLimitReached(kiosk)
            ticket = Ticket(
                day=day,
                number=number,
                visit=visit,
                kiosk=kiosk[:80],
                clinic_id=clinic_id,
                language=language[:16] if language else None,
                reason=Reason.URGENT,
                status=Status.WAITING,
                created_at=moment,
                urgent_at=moment,
            )
            session.add(ticket)
            session.flush()
            session.add(TicketEvent(ticket_id=ticket.id, at=moment, from_status=None, to_status=Status.WAITING))
            session.commit()
            return Call(ticket, Outcome.NEW)
        except sa.exc.IntegrityError:
            # Another tap of this visit, or its booking request, was stored first: upgrade or return that one.
            session.rollback()
            failures += 1
            if failures == CREATE_ATTEMPTS:
                raise


def unanswered(ticket: Ticket, now: datetime, after: timedelta) -> bool:
    """Tell whether an urgent request has waited too long for anyone to answer it."""
    return ticket.urgent_at is not None and ticket.status == Status.WAITING and now - ticket.urgent_at >= after


def hold_seconds(ticket: Ticket | None, now: datetime, hold: timedelta) -> int:
    """Return how much longer the kiosk keeps the urgent screen up: until staff answer, at most `hold` in all."""
    if ticket is None or ticket.urgent_at is None or ticket.status != Status.WAITING:
        return 0
    return max(0, int((hold - (now - ticket.urgent_at)).total_seconds()))
