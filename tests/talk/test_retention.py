"""The first-name purge as the server and `kiosk tickets purge` run it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, timedelta

from flask import Flask

from kiosk.core import db
from kiosk.core.clock import local_day
from kiosk.core.models import Ticket, utcnow
from kiosk.talk import retention, tickets


def request_at(app: Flask, visit: str, age: timedelta) -> int:
    """Store a named request made `age` ago."""
    with db.session_scope(app) as session:
        return tickets.create(
            session, visit=visit, kiosk="Hall", reason="book", when=None, first_name="Ana", zone=UTC, now=utcnow() - age
        ).id


def first_name(app: Flask, ticket_id: int) -> str | None:
    """The stored first name of a request."""
    with db.session_scope(app) as session:
        return session.get(Ticket, ticket_id).first_name


def test_the_purge_command_erases_names_from_before_today(storage_apps: Callable[..., Flask]) -> None:
    app = storage_apps(TIMEZONE="UTC")
    old = request_at(app, "visit-oldaaaaaaaaaaaaa", timedelta(days=1, hours=1))
    fresh = request_at(app, "visit-newaaaaaaaaaaaaa", timedelta(0))
    result = app.test_cli_runner().invoke(args=["tickets", "purge"])
    assert result.exit_code == 0
    assert "Erased 1 first names." in result.output
    assert (first_name(app, old), first_name(app, fresh)) == (None, "Ana")


def test_a_configured_retention_in_seconds_is_honoured(storage_apps: Callable[..., Flask]) -> None:
    app = storage_apps(FIRST_NAME_RETENTION_SECONDS=60)
    old = request_at(app, "visit-oldaaaaaaaaaaaaa", timedelta(minutes=2))
    fresh = request_at(app, "visit-newaaaaaaaaaaaaa", timedelta(seconds=1))
    assert retention.purge(app) == 1
    assert (first_name(app, old), first_name(app, fresh)) == (None, "Ana")


def test_the_server_purges_on_a_timer(storage_apps: Callable[..., Flask]) -> None:
    app = storage_apps(FIRST_NAME_RETENTION_SECONDS=0.05, PURGE_INTERVAL_SECONDS=0.05)
    stop = retention.start_schedule(app)
    try:
        ticket_id = request_at(app, "visit-timeraaaaaaaaaa", timedelta(0))
        for _ in range(100):
            if first_name(app, ticket_id) is None:
                break
            stop.wait(0.05)
        assert first_name(app, ticket_id) is None
    finally:
        stop.set()


def test_export_command_prints_the_days_csv(storage_apps: Callable[..., Flask]) -> None:
    app = storage_apps(TIMEZONE="UTC")
    request_at(app, "visit-oneaaaaaaaaaaaaa", timedelta(0))
    day = local_day(utcnow(), UTC).isoformat()
    output = app.test_cli_runner().invoke(args=["tickets", "export", "--day", day]).output
    assert output.splitlines()[0].startswith("number,day,kiosk")
    assert ",Ana," in output
