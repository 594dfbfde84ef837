"""Clinics and the kiosks placed in them; a single-clinic install has one, made by the migration."""

from __future__ import annotations

import unicodedata

import sqlalchemy as sa
from sqlalchemy.orm import Session

from kiosk.core.models import DEFAULT_CLINIC_ID, Clinic, ClinicKiosk

NAME_MAX = 64
KIOSK_NAME_MAX = 80


class ClinicError(ValueError):
    """A change to the clinics that cannot be made; the message says why, in plain words."""


def _clean(name: str) -> str:
    """Return a name as stored: NFC, trimmed, single spaces, no control characters."""
    text = unicodedata.normalize("NFC", name)
    text = "".join(" " if unicodedata.category(ch).startswith("C") else ch for ch in text)
    return " ".join(text.split())


def check_name(name: str) -> str:
    """Return the clinic name as stored, or raise ClinicError."""
    clean = _clean(name)
    if not clean or len(clean) > NAME_MAX:
        raise ClinicError(f"A clinic name is 1 to {NAME_MAX} characters.")
    return clean


def default_clinic(session: Session) -> Clinic:
    """Return the clinic that kiosks and roles belong to unless told otherwise: the one the migration made."""
    clinic = session.get(Clinic, DEFAULT_CLINIC_ID)
    if clinic is None:
        raise ClinicError("The default clinic is missing from the database; restore it from a backup.")
    return clinic


def all_clinics(session: Session) -> list[Clinic]:
    """Return every clinic, the default one first, then by name."""
    clinics = list(session.scalars(sa.select(Clinic)))
    return sorted(clinics, key=lambda clinic: (clinic.id != DEFAULT_CLINIC_ID, clinic.name.casefold()))


def find(session: Session, name: str) -> Clinic:
    """Return the clinic with this name (any case), or raise ClinicError naming the clinics there are."""
    clean = _clean(name).casefold()
    for clinic in session.scalars(sa.select(Clinic)):
        if clinic.name.casefold() == clean:
            return clinic
    known = ", ".join(clinic.name for clinic in all_clinics(session))
    raise ClinicError(f"There is no clinic called {_clean(name)!r}. The clinics are: {known}.")


def add(session: Session, name: str) -> Clinic:
    """Add a clinic and commit it."""
    clean = check_name(name)
    for clinic in session.scalars(sa.select(Clinic)):
        if clinic.name.casefold() == clean.casefold():
            raise ClinicError(f"There is already a clinic called {clinic.name!r}.")
    clinic = Clinic(name=clean)
    session.add(clinic)
    try:
        session.commit()
    except sa.exc.IntegrityError:
        session.rollback()
        raise ClinicError(f"There is already a clinic called {clean!r}.") from None
    return clinic


def rename(session: Session, name: str, new_name: str) -> Clinic:
    """Give a clinic a new name; its kiosks, staff and requests stay with it."""
    clinic = find(session, name)
    clean = check_name(new_name)
    for other in session.scalars(sa.select(Clinic).where(Clinic.id != clinic.id)):
        if other.name.casefold() == clean.casefold():
            raise ClinicError(f"There is already a clinic called {other.name!r}.")
    clinic.name = clean
    session.commit()
    return clinic


def check_kiosk_name(kiosk: str) -> str:
    """Return a kiosk's name as requests and heartbeats carry it, or raise ClinicError."""
    clean = _clean(kiosk)
    if not clean or len(clean) > KIOSK_NAME_MAX:
        raise ClinicError(f"A kiosk name is 1 to {KIOSK_NAME_MAX} characters.")
    return clean


def place_kiosk(session: Session, kiosk: str, clinic: Clinic) -> ClinicKiosk:
    """Put a kiosk screen, by its name, in a clinic: its requests and its heartbeat go to that clinic's staff."""
    name = check_kiosk_name(kiosk)
    placed = session.get(ClinicKiosk, name)
    if placed is None:
        placed = ClinicKiosk(kiosk=name, clinic_id=clinic.id)
        session.add(placed)
    else:
        placed.clinic_id = clinic.id
    session.commit()
    return placed


def kiosks_of(session: Session, clinic_ids: frozenset[int] | set[int]) -> list[ClinicKiosk]:
    """Return the kiosks of these clinics, by clinic, then by name."""
    query = sa.select(ClinicKiosk).where(ClinicKiosk.clinic_id.in_(clinic_ids))
    return list(session.scalars(query.order_by(ClinicKiosk.clinic_id, ClinicKiosk.kiosk)))


def clinic_id_of_kiosk(session: Session, kiosk: str) -> int:
    """Return the clinic a kiosk belongs to: where it was placed, else the default clinic."""
    found = session.scalar(sa.select(ClinicKiosk.clinic_id).where(ClinicKiosk.kiosk == _clean(kiosk)[:KIOSK_NAME_MAX]))
    return found if found is not None else DEFAULT_CLINIC_ID
