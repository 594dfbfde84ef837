"""The `kiosk staff` commands: add, change and remove staff accounts."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.orm import Session

from kiosk.clinics import service as clinics
from kiosk.core import db
from kiosk.core.models import Clinic, Permission, Staff
from kiosk.staff import accounts

ROLE = click.Choice(sorted(str(permission) for permission in Permission))
CLINIC_HELP = "The clinic where the roles hold (see `kiosk clinics list`). Default: the first clinic."


def _clinic(session: Session, name: str | None) -> Clinic | None:
    """Return the clinic named on the command line, None for the default one."""
    return clinics.find(session, name) if name else None


def read_password(prompt: str) -> str:
    """Ask for a password twice without echo, or read one line from stdin when it is not a terminal."""
    if sys.stdin is not None and sys.stdin.isatty():
        return str(click.prompt(prompt, hide_input=True, confirmation_prompt=True))
    # Scripts and tests pipe the password in: one line, its newline removed.
    line = sys.stdin.readline() if sys.stdin is not None else ""
    if not line:
        raise click.ClickException("No password given on stdin.")
    return line.rstrip("\r\n")


@click.group("staff")
def staff_group() -> None:
    """Manage the staff accounts that can use the front-desk screen and the translation editor."""


@staff_group.command("add")
@click.argument("name")
@click.option("--role", "roles", multiple=True, type=ROLE, help="A permission; repeat for more. Default: front_desk.")
@click.option("--clinic", "clinic_name", help=CLINIC_HELP)
@with_appcontext
def add_command(name: str, roles: tuple[str, ...], clinic_name: str | None) -> None:
    """Add an account with roles at one clinic; you are asked for its password."""
    try:
        accounts.check_name(name)
        with db.session_scope(current_app) as session:
            _clinic(session, clinic_name)  # a mistyped clinic is said before the password is asked
        password = read_password("Password")
        with db.session_scope(current_app) as session:
            staff = accounts.add(
                session, name, password, roles or [Permission.FRONT_DESK], _clinic(session, clinic_name)
            )
            click.echo(f"Added {staff.name} ({_roles(session, staff)}).")
    except (accounts.AccountError, clinics.ClinicError) as error:
        raise click.ClickException(str(error)) from None


def _roles(session: Session, staff: Staff) -> str:
    """Describe an account's roles clinic by clinic ("front_desk at North; translator at South"), or just the roles."""
    if len(clinics.all_clinics(session)) == 1:
        return ", ".join(sorted(staff.permissions))  # a single-clinic install never hears about clinics
    return "; ".join(f"{', '.join(roles)} at {clinic}" for clinic, roles in accounts.roles_by_clinic(staff).items())


@staff_group.command("passwd")
@click.argument("name")
@with_appcontext
def passwd_command(name: str) -> None:
    """Set a new password; the account is logged out everywhere."""
    try:
        with db.session_scope(current_app) as session:
            if accounts.find(session, name) is None:
                raise accounts.AccountError(f"There is no staff account called {name!r}.")
            accounts.set_password(session, name, read_password("New password"))
            click.echo(f"Changed the password of {accounts.normalise_name(name)}.")
    except accounts.AccountError as error:
        raise click.ClickException(str(error)) from None


@staff_group.command("roles")
@click.argument("name")
@click.option("--role", "roles", multiple=True, type=ROLE, help="A permission; repeat for more. None: no role there.")
@click.option("--clinic", "clinic_name", help=CLINIC_HELP)
@with_appcontext
def roles_command(name: str, roles: tuple[str, ...], clinic_name: str | None) -> None:
    """Replace an account's permissions at one clinic; its roles at other clinics stay."""
    try:
        with db.session_scope(current_app) as session:
            staff = accounts.set_permissions(session, name, roles, _clinic(session, clinic_name))
            click.echo(f"{staff.name} now has: {_roles(session, staff)}.")
    except (accounts.AccountError, clinics.ClinicError) as error:
        raise click.ClickException(str(error)) from None


@staff_group.command("remove")
@click.argument("name")
@with_appcontext
def remove_command(name: str) -> None:
    """Remove an account; the requests it handled keep its name in their history."""
    try:
        with db.session_scope(current_app) as session:
            accounts.remove(session, name)
            click.echo(f"Removed {accounts.normalise_name(name)}.")
    except accounts.AccountError as error:
        raise click.ClickException(str(error)) from None


@staff_group.command("list")
@with_appcontext
def list_command() -> None:
    """List the accounts and their permissions."""
    with db.session_scope(current_app) as session:
        for staff in accounts.all_accounts(session):
            click.echo(f"{staff.name}\t{_roles(session, staff)}")
