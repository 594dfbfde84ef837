"""Locally served front-end packages from npm, and the health check."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, current_app, jsonify, send_from_directory
from flask.typing import ResponseReturnValue

from kiosk import i18n

bp = Blueprint("assets", __name__)

# Only these files from node_modules are served; the rest of the folder stays private.
VENDOR_FILES = {
    "htmx.min.js": "htmx.org/dist/htmx.min.js",
}


@bp.get("/vendor/<name>")
def vendor(name: str) -> ResponseReturnValue:
    """Serve one allow-listed file installed by npm."""
    relative = VENDOR_FILES.get(name)
    if relative is None:
        return Response("Not found", 404, mimetype="text/plain")
    path = Path(current_app.config["NODE_MODULES"]) / relative
    return send_from_directory(path.parent, path.name, max_age=86400)


@bp.get("/favicon.ico")
def favicon() -> ResponseReturnValue:
    """Answer the browser's icon request without a redirect through the language prefix."""
    return send_from_directory(Path(current_app.static_folder or "") / "core", "favicon.svg", mimetype="image/svg+xml")


@bp.get("/health")
def health() -> ResponseReturnValue:
    """Report that the kiosk is up, with the languages it offers."""
    return jsonify(
        status="ok",
        kiosk=current_app.config["KIOSK_NAME"],
        languages=[language.tag for language in i18n.languages().values()],
    )
