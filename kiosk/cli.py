"""The `kiosk` command: Flask's CLI group plus the production server."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from kiosk import create_app


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8080, show_default=True, type=int, help="Port to listen on.")
@click.option("--threads", default=8, show_default=True, type=int, help="Worker threads.")
@with_appcontext
def serve_command(host: str, port: int, threads: int) -> None:
    """Serve the kiosk with waitress, a production WSGI server."""
    import waitress

    from kiosk import retention

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    click.echo(f"Sciatica Kiosk on http://{host}:{port}  (data: {app.instance_path})")
    # First names are erased on a timer while the server runs (see FIRST_NAME_RETENTION_SECONDS).
    retention.start_schedule(app)
    waitress.serve(app, host=host, port=port, threads=threads, ident="kiosk")


main = FlaskGroup(create_app=create_app, help="Run and manage the Sciatica Kiosk.")
main.add_command(serve_command)
