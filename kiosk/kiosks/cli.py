"""The `kiosk kiosks` commands: give a kiosk screen its key, list the screens, remove one."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from kiosk.core import db
from kiosk.kiosks import identity


@click.group("kiosks")
def kiosks_group() -> None:
    """Kiosk screens allowed to call staff from any address, each by its own key."""


@kiosks_group.command("add")
@click.argument("name")
@with_appcontext
def add_command(name: str) -> None:
    """Add a kiosk screen and print the address its browser must start at (shown once)."""
    try:
        with db.session_scope(current_app) as session:
            kiosk, key = identity.add(session, name)
    except identity.KioskError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Added kiosk {kiosk.name}. Start its browser at this address (keep it secret):")
    click.echo(f"  https://SERVER/kiosk/start?key={key}")


@kiosks_group.command("list")
@with_appcontext
def list_command() -> None:
    """List the kiosk screens that have a key."""
    with db.session_scope(current_app) as session:
        for kiosk in identity.all_kiosks(session):
            click.echo(f"{kiosk.name}\tadded {kiosk.created_at:%Y-%m-%d}")


@kiosks_group.command("remove")
@click.argument("name")
@with_appcontext
def remove_command(name: str) -> None:
    """Remove a kiosk screen: its key stops working at once."""
    try:
        with db.session_scope(current_app) as session:
            identity.remove(session, name)
    except identity.KioskError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Removed kiosk {name}.")
