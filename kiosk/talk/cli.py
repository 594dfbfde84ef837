"""The `kiosk tickets` commands: erase first names past their retention, and export a day's requests."""

from __future__ import annotations

from datetime import date

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from kiosk.core import db
from kiosk.core.models import utcnow
from kiosk.talk import retention, tickets


def _app() -> Flask:
    """Return the app the command runs in."""
    return current_app._get_current_object()  # type: ignore[attr-defined]


@click.group("tickets")
def tickets_group() -> None:
    """Visitor requests: erase old first names, export a day as CSV."""


@tickets_group.command("purge")
@with_appcontext
def purge_command() -> None:
    """Erase first names older than the retention period now (the server also does this on a timer)."""
    click.echo(f"Erased {retention.purge(_app())} first names.")


@tickets_group.command("export")
@click.option("--day", type=click.DateTime(["%Y-%m-%d"]), help="The day, as YYYY-MM-DD. Default: today.")
@with_appcontext
def export_command(day: date | None) -> None:
    """Print a day's requests as CSV."""
    zone = tickets.zone_of(_app().config["TIMEZONE"])
    wanted = day.date() if day is not None else tickets.local_day(utcnow(), zone)  # type: ignore[attr-defined]
    with db.session_scope(_app()) as session:
        click.echo(tickets.to_csv(tickets.tickets_of_day(session, wanted), zone), nl=False)
