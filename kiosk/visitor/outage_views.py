"""Routes that let the kiosk outlive its server: the service worker at the root, and the offline page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, Response, abort, current_app, g, render_template, request, url_for
from flask.typing import ResponseReturnValue

from kiosk import i18n
from kiosk.visitor import emergency, outage

bp = Blueprint("outage", __name__)


def shell_urls() -> dict[str, list[str]]:
    """Return the addresses of the shell's styles and scripts, worked out once: every page loads the same."""
    cache: dict[str, dict[str, list[str]]] = current_app.extensions.setdefault("kiosk_shell_urls", {})
    if request.script_root not in cache:
        cache[request.script_root] = {
            "styles": [url_for("static", filename=name) for name in outage.SHELL_STYLES],
            "scripts": [url_for("assets.vendor", name="htmx.min.js")]
            + [url_for("static", filename=name) for name in outage.SHELL_SCRIPTS],
        }
    return cache[request.script_root]


@bp.app_context_processor
def shell_context() -> dict[str, Any]:
    """Give every page the shell it loads and the words for an outage."""
    return {
        "shell_urls": shell_urls,
        "restarting_message": lambda: outage.restarting_message(emergency.number(current_app.config)),
    }


@bp.after_app_request
def mark_kiosk_answer(response: Response) -> Response:
    """Mark every answer as the kiosk's own, so the worker tells a gateway's 502 from the kiosk's own 503 page."""
    response.headers["X-Kiosk"] = "1"
    return response


@bp.get("/sw.js")
def worker() -> ResponseReturnValue:
    """Serve the service worker from the root, so its scope is the whole kiosk."""
    static = Path(current_app.static_folder or "")
    languages = i18n.languages()
    settings = {
        "shell": [url_for("static", filename=name) for name in outage.KEPT_FILES]
        + [url_for("assets.vendor", name="htmx.min.js"), url_for("assets.favicon")],
        "offline": {tag: url_for(".offline", lang=tag) for tag in languages},
        "default": i18n.default_language().tag,
    }
    files = [
        *outage.shell_files(static),
        *outage.page_files(Path(current_app.template_folder or "")),
        *outage.catalog_files(Path(current_app.config["LIVE_TRANSLATIONS_DIR"])),
    ]
    version = outage.shell_version(files, {**settings, "number": emergency.number(current_app.config)})
    source = (static / outage.WORKER_SOURCE).read_text(encoding="utf-8")
    response = Response(outage.worker_script(source, {**settings, "version": version}), mimetype="text/javascript")
    # The browser checks for a new worker on every page load; it must never get a stale copy.
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/<lang>/offline")
def offline(lang: str) -> ResponseReturnValue:
    """The calm page the worker shows while the server is away, with the red flags, in one language.

    It reads nothing from the visit and changes nothing in it: the worker fetches it for every language.
    """
    language = i18n.languages().get(lang)
    if language is None:
        abort(404)
    g.language = language
    response = Response(
        render_template(
            outage.OFFLINE_TEMPLATE,
            language=language,
            title=outage.restarting_message(emergency.number(current_app.config)),
            topic=outage.red_flags(),
            styles=outage.OFFLINE_STYLES,
            scripts=outage.OFFLINE_SCRIPTS,
        )
    )
    response.headers["Cache-Control"] = "no-cache"
    return response
