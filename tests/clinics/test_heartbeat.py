"""Kiosk heartbeats: recorded by kiosk name, shown to the front desk of the kiosk's own clinic, online or not."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask

from kiosk.clinics import heartbeat, service
from kiosk.core import db
from kiosk.core.models import DEFAULT_CLINIC_ID, ClinicKiosk
from kiosk.staff import accounts
from tests.helpers.desk import PASSWORD, login

NOON = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
BEAT = {"X-Kiosk-Heartbeat": "1"}


def test_a_first_heartbeat_puts_an_unknown_kiosk_in_the_default_clinic(storage_apps: Callable[..., Flask]) -> None:
    with db.session_scope(storage_apps()) as session:
        north = service.add(session, "North")
        service.place_kiosk(session, "North hall", north)
        heartbeat.beat(session, "North hall", NOON)
        heartbeat.beat(session, "Lobby", NOON)
        heartbeat.beat(session, "Lobby", NOON + timedelta(seconds=30))
        assert session.get(ClinicKiosk, "North hall").clinic_id == north.id
        lobby = session.get(ClinicKiosk, "Lobby")
        assert (lobby.clinic_id, lobby.last_seen) == (DEFAULT_CLINIC_ID, NOON + timedelta(seconds=30))


def test_a_kiosk_silent_longer_than_the_setting_is_offline(storage_apps: Callable[..., Flask]) -> None:
    with db.session_scope(storage_apps()) as session:
        clinic = service.default_clinic(session)
        heartbeat.beat(session, "Hall", NOON)
        service.place_kiosk(session, "Upstairs", clinic)  # placed, never heard from
        after = timedelta(seconds=90)
        mine = frozenset({clinic.id})
        assert [(k.name, k.online) for k in heartbeat.states(session, mine, after, NOON + after)] == [
            ("Hall", True),
            ("Upstairs", False),
        ]
        late = heartbeat.states(session, mine, after, NOON + after + timedelta(seconds=1))
        assert (late[0].name, late[0].online, late[0].quiet_for) == ("Hall", False, timedelta(seconds=91))
        assert late[1].last_seen is None


def test_the_kiosk_browser_beats_under_its_kiosk_name_never_its_address(app: Flask) -> None:
    app.config["KIOSK_NAMES"] = {"10.1.2.3": "Upstairs"}
    upstairs = app.test_client()
    assert upstairs.post("/kiosk/heartbeat", environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 400
    answer = upstairs.post("/kiosk/heartbeat", headers=BEAT, environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert answer.status_code == 204
    assert app.test_client().post("/kiosk/heartbeat", headers=BEAT).status_code == 204
    with db.session_scope(app) as session:
        assert {kiosk.kiosk for kiosk in service.kiosks_of(session, {DEFAULT_CLINIC_ID})} == {
            "Upstairs",
            "Waiting room",
        }


def test_a_kiosk_name_that_cannot_be_stored_is_refused_plainly(app: Flask) -> None:
    app.config["KIOSK_NAME"] = "x" * 81
    assert app.test_client().post("/kiosk/heartbeat", headers=BEAT).status_code == 400


def test_every_kiosk_page_carries_the_heartbeat(app: Flask) -> None:
    page = app.test_client().get("/en/").get_data(as_text=True)
    assert 'data-heartbeat-url="/kiosk/heartbeat" data-heartbeat-seconds="30"' in page
    assert "/static/clinics/heartbeat.js" in page


@pytest.fixture
def chain_app(app: Flask) -> Flask:
    """North and South, a kiosk each that beat a while ago; Nia at North's desk."""
    with db.session_scope(app) as session:
        for name in ("North", "South"):
            clinic = service.add(session, name)
            service.place_kiosk(session, f"{name} hall", clinic)
        heartbeat.beat(session, "North hall", datetime.now(UTC) - timedelta(seconds=200))
        heartbeat.beat(session, "South hall")
        accounts.add(session, "Nia", PASSWORD, ["front_desk"], service.find(session, "North"))
    return app


def test_the_desk_sees_its_own_clinics_kiosks_and_which_went_quiet(chain_app: Flask) -> None:
    assert chain_app.test_client().get("/staff/kiosks").status_code == 302
    nia = chain_app.test_client()
    login(nia, "Nia")
    for page in (nia.get("/staff/kiosks").get_data(as_text=True), nia.get("/staff/").get_data(as_text=True)):
        assert 'data-kiosk="North hall"' in page
        assert 'data-online="false"' in page
        assert "Offline: check its screen, power and network" in page
        assert "Last seen at " in page
        assert "(3 minutes ago)" in page
        assert "South hall" not in page
    assert 'hx-trigger="every 5s"' in nia.get("/staff/kiosks").get_data(as_text=True)
