"""The dashboard, history and CSV show only the account's own clinics; another clinic's requests can't be touched."""

from __future__ import annotations

import csv
import io
from datetime import UTC

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kiosk.clinics import service as clinics
from kiosk.core import db
from kiosk.core.models import Ticket
from kiosk.staff import accounts
from kiosk.talk import tickets
from tests.helpers.desk import PASSWORD, login


@pytest.fixture
def chain(app: Flask) -> dict[str, int]:
    """Two clinics, North and South, with a kiosk and a waiting visitor each; Nia at North, Sol at South, Bo at both."""
    made: dict[str, int] = {}
    with db.session_scope(app) as session:
        for name in ("North", "South"):
            clinic = clinics.add(session, name)
            clinics.place_kiosk(session, f"{name} hall", clinic)
            ticket = tickets.create(
                session,
                visit=f"visit-{name.lower()}aaaaaaaaaaaa",
                kiosk=f"{name} hall",
                reason="book",
                when="today",
                first_name=f"{name}visitor",
                zone=UTC,
            )
            made[name] = ticket.id
        north, south = clinics.find(session, "North"), clinics.find(session, "South")
        accounts.add(session, "Nia", PASSWORD, ["front_desk"], north)
        accounts.add(session, "Sol", PASSWORD, ["front_desk"], south)
        accounts.add(session, "Bo", PASSWORD, ["front_desk"], north)
        accounts.set_permissions(session, "Bo", ["front_desk"], south)
    return made


def signed_in(app: Flask, name: str) -> FlaskClient:
    """A browser signed in as name."""
    client = app.test_client()
    login(client, name)
    return client


def test_staff_see_only_their_own_clinics_requests(app: Flask, chain: dict[str, int]) -> None:
    nia = signed_in(app, "Nia")
    for path in ("/staff/", "/staff/requests", "/staff/history"):
        page = nia.get(path).get_data(as_text=True)
        assert "Northvisitor" in page, path
        assert "Southvisitor" not in page, path
        assert "South hall" not in page, path
    assert "Clinic: North" in nia.get("/staff/").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(nia.get("/staff/history.csv").get_data(as_text=True))))
    assert [(row["first_name"], row["clinic"]) for row in rows] == [("Northvisitor", "North")]


def test_a_member_of_two_clinics_sees_both_each_named(app: Flask, chain: dict[str, int]) -> None:
    page = signed_in(app, "Bo").get("/staff/").get_data(as_text=True)
    assert "Northvisitor" in page
    assert "Southvisitor" in page
    assert "Clinic: North, South" in page
    assert page.count("<dt>Clinic</dt>") == 2


def test_another_clinics_request_cannot_be_acted_on(app: Flask, chain: dict[str, int]) -> None:
    sol = signed_in(app, "Sol")
    answer = sol.post(f"/staff/requests/{chain['North']}/acknowledge", headers={"HX-Request": "true"})
    assert answer.status_code == 404
    assert "There is no such request" in answer.get_data(as_text=True)
    with db.session_scope(app) as session:
        assert session.get(Ticket, chain["North"]).status == "waiting"
    assert sol.post(f"/staff/requests/{chain['South']}/acknowledge").status_code == 303


def test_an_account_with_no_front_desk_role_anywhere_sees_no_requests(app: Flask, chain: dict[str, int]) -> None:
    with db.session_scope(app) as session:
        accounts.add(session, "Tia", PASSWORD, ["translator"], clinics.find(session, "North"))
    assert signed_in(app, "Tia").get("/staff/").status_code == 403
