"""Clinics and their kiosks on SQLite (and PostgreSQL when configured): zero configuration, placing kiosks, numbers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from kiosk.clinics import service
from kiosk.core import db
from kiosk.core.models import DEFAULT_CLINIC_ID, Staff
from kiosk.staff import accounts
from kiosk.talk import tickets, urgent

NOON = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


@pytest.fixture
def session(storage_apps: Callable[..., Flask]) -> Iterator[Session]:
    """A session on a fresh, migrated database."""
    with db.session_scope(storage_apps()) as opened:
        yield opened


def ask(session: Session, kiosk: str, visit: str) -> int:
    """A visitor at kiosk asks to book; return the request's clinic."""
    made = tickets.create(
        session, visit=visit, kiosk=kiosk, reason="book", when=None, first_name=None, zone=UTC, now=NOON
    )
    return made.clinic_id


def test_a_new_install_has_one_clinic_and_every_kiosk_belongs_to_it(session: Session) -> None:
    assert [clinic.name for clinic in service.all_clinics(session)] == ["Our clinic"]
    assert service.default_clinic(session).id == DEFAULT_CLINIC_ID
    assert ask(session, "Waiting room", "visit-1aaaaaaaaaaaaaaa") == DEFAULT_CLINIC_ID
    assert service.clinic_id_of_kiosk(session, "Any screen") == DEFAULT_CLINIC_ID


def test_clinic_names_are_unique_whatever_their_case_and_spacing(session: Session) -> None:
    north = service.add(session, "  North   clinic ")
    assert north.name == "North clinic"
    with pytest.raises(service.ClinicError, match="already a clinic called 'North clinic'"):
        service.add(session, "north CLINIC")
    with pytest.raises(service.ClinicError, match="1 to 64 characters"):
        service.add(session, "   ")
    assert service.find(session, "NORTH clinic").id == north.id
    with pytest.raises(service.ClinicError, match="The clinics are: Our clinic, North clinic"):
        service.find(session, "South")


def test_renaming_keeps_a_clinics_kiosks_and_refuses_a_taken_name(session: Session) -> None:
    north = service.add(session, "North")
    service.place_kiosk(session, "Hall", north)
    service.add(session, "South")
    with pytest.raises(service.ClinicError, match="already a clinic called 'South'"):
        service.rename(session, "North", "south")
    service.rename(session, "North", "Porto")
    assert service.clinic_id_of_kiosk(session, "Hall") == north.id
    assert [kiosk.clinic.name for kiosk in service.kiosks_of(session, {north.id})] == ["Porto"]


def test_a_request_belongs_to_its_kiosks_clinic_and_each_clinic_numbers_its_own(session: Session) -> None:
    north, south = service.add(session, "North"), service.add(session, "South")
    service.place_kiosk(session, "North hall", north)
    service.place_kiosk(session, "South hall", south)
    first_north = tickets.create(
        session, visit="visit-1aaaaaaaaaaaaaaa", kiosk="North hall", reason="book", when=None, first_name=None, zone=UTC
    )
    first_south = urgent.call(session, visit="visit-2aaaaaaaaaaaaaaa", kiosk="South hall", zone=UTC).ticket
    second_north = tickets.create(
        session, visit="visit-3aaaaaaaaaaaaaaa", kiosk="North hall", reason="book", when=None, first_name=None, zone=UTC
    )
    assert (first_north.clinic_id, first_north.number) == (north.id, 1)
    assert (first_south.clinic_id, first_south.number) == (south.id, 1)
    assert (second_north.clinic_id, second_north.number) == (north.id, 2)
    assert [ticket.id for ticket in tickets.open_tickets(session, frozenset({south.id}))] == [first_south.id]


def test_moving_a_kiosk_sends_its_next_requests_to_the_new_clinic(session: Session) -> None:
    north = service.add(session, "North")
    assert ask(session, "Hall", "visit-1aaaaaaaaaaaaaaa") == DEFAULT_CLINIC_ID
    service.place_kiosk(session, "Hall", north)
    assert ask(session, "Hall", "visit-2aaaaaaaaaaaaaaa") == north.id


def test_roles_are_per_clinic_and_changing_one_clinic_keeps_the_others(session: Session) -> None:
    north = service.add(session, "North")
    ana = accounts.add(session, "Ana", "correct horse battery", ["front_desk"], north)
    assert ana.clinic_ids("front_desk") == {north.id}
    accounts.set_permissions(session, "Ana", ["translator"])  # the default clinic
    staff = session.get(Staff, ana.id)
    assert staff is not None
    assert accounts.roles_by_clinic(staff) == {"North": ["front_desk"], "Our clinic": ["translator"]}
    accounts.set_permissions(session, "Ana", [], north)
    assert accounts.roles_by_clinic(staff) == {"Our clinic": ["translator"]}
    assert not staff.can("front_desk")
    with pytest.raises(accounts.AccountError, match="at least one permission at some clinic"):
        accounts.set_permissions(session, "Ana", [])
