"""Kiosk heartbeats: each kiosk browser says it is alive, and the front desk sees which screens went quiet."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.orm import Session

from kiosk.clinics.service import check_kiosk_name, clinic_id_of_kiosk, kiosks_of
from kiosk.core.models import ClinicKiosk, utcnow

ATTEMPTS = 3


@dataclass(frozen=True)
class KioskState:
    """One kiosk screen as the front desk sees it."""

    name: str
    clinic: str
    last_seen: datetime | None
    online: bool
    quiet_for: timedelta | None  # since the last heartbeat; None if it never sent one


def beat(session: Session, kiosk: str, now: datetime | None = None) -> None:
    """Record that a kiosk's browser is alive; a kiosk heard from for the first time joins the default clinic."""
    name = check_kiosk_name(kiosk)
    moment = now or utcnow()
    for attempt in range(ATTEMPTS):
        update = sa.update(ClinicKiosk).where(ClinicKiosk.kiosk == name).values(last_seen=moment)
        if cast(sa.CursorResult[Any], session.execute(update)).rowcount == 1:
            session.commit()
            return
        try:
            session.add(ClinicKiosk(kiosk=name, clinic_id=clinic_id_of_kiosk(session, name), last_seen=moment))
            session.commit()
            return
        except sa.exc.IntegrityError:
            # Another app server recorded this kiosk's first heartbeat at the same moment: update that row.
            session.rollback()
            if attempt == ATTEMPTS - 1:
                raise


def states(
    session: Session, clinic_ids: frozenset[int] | set[int], offline_after: timedelta, now: datetime | None = None
) -> list[KioskState]:
    """Return the kiosks of these clinics, each online or not by how long it has been quiet."""
    moment = now or utcnow()
    found = []
    for kiosk in kiosks_of(session, clinic_ids):
        quiet = moment - kiosk.last_seen if kiosk.last_seen is not None else None
        online = quiet is not None and quiet <= offline_after
        found.append(KioskState(kiosk.kiosk, kiosk.clinic.name, kiosk.last_seen, online, quiet))
    return found
