"""The `kiosk translate` commands: one place for the gettext workflow."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from kiosk.core.files import atomic_write
from kiosk.core.paths import REPO_ROOT
from kiosk.i18n import catalogs

translate = AppGroup("translate", help="Extract, update, compile and check translations.")


def _translations() -> Path:
    """Return the catalogs folder of the running app."""
    return Path(current_app.config["TRANSLATIONS_DIR"])


@translate.command("extract")
def extract_command() -> None:
    """Write messages.pot from the code and templates."""
    template = catalogs.extract(REPO_ROOT)
    atomic_write(_translations() / "messages.pot", catalogs.po_bytes(template))
    click.echo(f"Extracted {len(template)} messages.")


@translate.command("update")
def update_command() -> None:
    """Merge messages.pot into every language's catalog."""
    template = catalogs.read_catalog(_translations() / "messages.pot")
    for lang in catalogs.update(template, _translations()):
        click.echo(f"Updated {lang}.")


@translate.command("init")
@click.argument("lang")
def init_command(lang: str) -> None:
    """Start a catalog for a new language, such as 'de' or 'pt_BR'."""
    template = catalogs.read_catalog(_translations() / "messages.pot")
    try:
        path = catalogs.init(template, _translations(), lang)
    except (FileExistsError, ValueError) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Created {path}.")


@translate.command("compile")
def compile_command() -> None:
    """Compile every catalog to .mo; a catalog with errors keeps its old .mo."""
    failed = False
    for lang in catalogs.languages_on_disk(_translations()):
        problems = catalogs.compile_catalog(catalogs.po_path(_translations(), lang), lang)
        for problem in problems:
            click.echo(f"error: {problem}", err=True)
        failed = failed or bool(problems)
        click.echo(f"{lang}: {'NOT compiled' if problems else 'compiled'}")
    if failed:
        raise SystemExit(1)


@translate.command("check")
def check_command() -> None:
    """List every problem in the catalogs; exit 1 if there is any."""
    problems = catalogs.check(REPO_ROOT, _translations())
    for problem in problems:
        click.echo(str(problem))
    if problems:
        click.echo(f"{len(problems)} problem(s) found.", err=True)
        raise SystemExit(1)
    click.echo("All catalogs are complete and valid.")
