"""One error handler: a friendly page in the visitor's language, never a stack trace."""

from __future__ import annotations

import logging

from flask import Flask, Response, g, request
from werkzeug.exceptions import HTTPException, InternalServerError

from kiosk import i18n
from kiosk.core.partials import render_screen
from kiosk.i18n import lazy_gettext as _l

log = logging.getLogger(__name__)

TEMPLATES = {404: "errors/404.html", 500: "errors/500.html"}
TITLES = {400: _l("Sorry, that did not work."), 404: _l("Page not found"), 500: _l("Something went wrong")}


def _language_from_path() -> i18n.Language | None:
    """Guess the visitor's language from the first part of the URL, for pages no route matched."""
    first = request.path.lstrip("/").split("/", 1)[0]
    return i18n.match(first, i18n.languages()) if first else None


def handle_http_error(error: HTTPException) -> Response:
    """Render the friendly page for an HTTP error."""
    if g.get("language") is None:
        g.language = _language_from_path() or i18n.visit_language()
    code = error.code or 500
    template = TEMPLATES.get(code, "errors/4xx.html" if code < 500 else "errors/500.html")
    response = render_screen(template, status=code, screen="error", title=TITLES.get(code, TITLES[400]), back_url="/")
    if code == 405 and isinstance(error.valid_methods, list | tuple | set):
        response.headers["Allow"] = ", ".join(error.valid_methods)
    return response


def handle_unexpected(error: Exception) -> Response:
    """Log an unexpected failure and show the friendly 500 page."""
    log.exception("Unhandled error on %s %s", request.method, request.path, exc_info=error)
    return handle_http_error(InternalServerError())


def init_app(app: Flask) -> None:
    """Register the handlers."""
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected)
