"""The `kiosk tickets` commands: erase first names past their retention, and export a day's requests."""

from __future__ import annotations

from datetime import datetime

import click
from flask import current_app
from flask.cli import with_appcontext

from kiosk.clinics import service as clinics
from kiosk.core import db
from kiosk.core.clock import local_day, zone_of
from kiosk.core.models import utcnow
from kiosk.staff.languages import language_label
from kiosk.talk import retention, tickets


@click.group("tickets")
def tickets_group() -> None:
    """Visitor requests: erase old first names, export a day as CSV."""


@tickets_group.command("purge")
@with_appcontext
def purge_command() -> None:
    """Erase first names older than the retention period now (the server also does this on a timer)."""
    click.echo(f"Erased {retention.purge(current_app)} first names.")


@tickets_group.command("export")
@click.option("--day", type=click.DateTime(["%Y-%m-%d"]), help="The day, as YYYY-MM-DD. Default: today.")
@click.option("--clinic", "clinic_name", help="Only this clinic's requests. Default: every clinic's.")
@with_appcontext
def export_command(day: datetime | None, clinic_name: str | None) -> None:
    """Print a day's requests as CSV."""
    zone = zone_of(current_app.config["TIMEZONE"])
    wanted = day.date() if day is not None else local_day(utcnow(), zone)
    with db.session_scope(current_app) as session:
        try:
            only = frozenset({clinics.find(session, clinic_name).id}) if clinic_name else None
        except clinics.ClinicError as error:
            raise click.ClickException(str(error)) from None
        names = {clinic.id: clinic.name for clinic in clinics.all_clinics(session)}
        rows = tickets.tickets_of_day(session, wanted, only)
        # The command line has no staff language: languages are named in their own script and in English.
        labels = {row.language: language_label(row.language, "en") for row in rows}
        languages = {code: label.text for code, label in labels.items() if label}
        click.echo(tickets.to_csv(rows, zone, clinic_names=names, languages=languages), nl=False)
