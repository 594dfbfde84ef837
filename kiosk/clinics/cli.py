"""The `kiosk clinics` commands: add, list and rename clinics, and say which clinic a kiosk screen is in."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext

from kiosk.clinics import service
from kiosk.core import db
from kiosk.core.models import StaffPermission


@click.group("clinics")
def clinics_group() -> None:
    """The clinics of a chain: each has its own kiosks, staff roles and requests."""


@clinics_group.command("add")
@click.argument("name")
@with_appcontext
def add_command(name: str) -> None:
    """Add a clinic."""
    try:
        with db.session_scope(current_app) as session:
            clinic = service.add(session, name)
            click.echo(f"Added the clinic {clinic.name}.")
            click.echo(f"Next: `kiosk clinics assign KIOSK {clinic.name!r}` and `kiosk staff add NAME --clinic ...`.")
    except service.ClinicError as error:
        raise click.ClickException(str(error)) from None


@clinics_group.command("rename")
@click.argument("name")
@click.argument("new_name")
@with_appcontext
def rename_command(name: str, new_name: str) -> None:
    """Rename a clinic; its kiosks, staff and requests stay with it."""
    try:
        with db.session_scope(current_app) as session:
            clinic = service.rename(session, name, new_name)
            click.echo(f"The clinic is now called {clinic.name}.")
    except service.ClinicError as error:
        raise click.ClickException(str(error)) from None


@clinics_group.command("assign")
@click.argument("kiosk")
@click.argument("clinic_name")
@with_appcontext
def assign_command(kiosk: str, clinic_name: str) -> None:
    """Put the kiosk screen KIOSK (its name, as the dashboard shows it) in a clinic."""
    try:
        with db.session_scope(current_app) as session:
            clinic = service.find(session, clinic_name)
            placed = service.place_kiosk(session, kiosk, clinic)
            click.echo(f"The kiosk {placed.kiosk} is in {clinic.name}: its requests go to that clinic's staff.")
    except service.ClinicError as error:
        raise click.ClickException(str(error)) from None


@clinics_group.command("list")
@with_appcontext
def list_command() -> None:
    """List the clinics, each with its kiosks and how many staff hold a role there."""
    with db.session_scope(current_app) as session:
        default = service.default_clinic(session)
        for clinic in service.all_clinics(session):
            staff = session.scalar(
                sa.select(sa.func.count(sa.distinct(StaffPermission.staff_id))).where(
                    StaffPermission.clinic_id == clinic.id
                )
            )
            kiosks = ", ".join(kiosk.kiosk for kiosk in service.kiosks_of(session, {clinic.id})) or "no kiosk yet"
            note = " (default: kiosks not assigned elsewhere belong here)" if clinic.id == default.id else ""
            click.echo(f"{clinic.name}{note}\n  kiosks: {kiosks}\n  staff with a role: {staff}")
