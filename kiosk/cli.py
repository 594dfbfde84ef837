"""The `kiosk` command's groups, registered in one place, and `kiosk serve`, the production server."""

from __future__ import annotations

from pathlib import Path

import click
import waitress
from flask import Blueprint
from flask.globals import app_ctx

from kiosk.clinics.cli import clinics_group
from kiosk.core.db import db_group
from kiosk.i18n.cli import translate
from kiosk.kiosks.cli import kiosks_group
from kiosk.ops.cli import backup_command, logs_command, restore_command
from kiosk.ops.restore import serving
from kiosk.speech.cli import speech_cli
from kiosk.staff.cli import staff_group
from kiosk.talk import retention
from kiosk.talk.cli import tickets_group

# cli_group=None puts these commands at the top level: `kiosk serve`, `kiosk staff add`.
bp = Blueprint("cli", __name__, cli_group=None)
for group in (db_group, translate, speech_cli, staff_group, tickets_group, kiosks_group, clinics_group):
    bp.cli.add_command(group)
for command in (backup_command, restore_command, logs_command):
    bp.cli.add_command(command)


@bp.cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8080, show_default=True, type=int, help="Port to listen on.")
@click.option("--threads", default=8, show_default=True, type=int, help="Worker threads.")
def serve_command(host: str, port: int, threads: int) -> None:
    """Serve the kiosk with waitress, a production WSGI server."""
    # The app itself, not the proxy: the purge timer's thread runs outside this context.
    app = app_ctx.app
    click.echo(f"Sciatica Kiosk on http://{host}:{port}  (data: {app.instance_path})")
    # First names are erased on a timer while the server runs (see FIRST_NAME_RETENTION_SECONDS).
    retention.start_schedule(app)
    # Held while serving, so `kiosk restore` refuses to swap the data out from under a running server.
    # The app decides which proxies to believe (TRUSTED_PROXIES), so waitress passes X-Forwarded-* through.
    with serving(Path(app.instance_path)):
        waitress.serve(app, host=host, port=port, threads=threads, ident="kiosk", clear_untrusted_proxy_headers=False)
