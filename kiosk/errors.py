"""The app's error handlers: a friendly page in the visitor's language, never a stack trace, and one
answer to a rejected form (CSRF) for visitors and staff alike."""

from __future__ import annotations

import logging

import sqlalchemy as sa
from flask import Flask, Response, g, make_response, render_template, request, url_for
from flask_wtf.csrf import CSRFError
from htmx_flask import request as htmx_request
from werkzeug.exceptions import HTTPException, InternalServerError, MethodNotAllowed, ServiceUnavailable

from kiosk import i18n
from kiosk.core import db
from kiosk.core.partials import render_screen
from kiosk.i18n import gettext as _, lazy_gettext as _l
from kiosk.staff.guard import STAFF_BLUEPRINTS, current_staff, staff_language, use_staff_language
from kiosk.talk.labels import unreachable_message

log = logging.getLogger(__name__)

TEMPLATES = {404: "errors/404.html", 500: "errors/500.html"}
TITLES = {400: _l("Sorry, that did not work."), 404: _l("Page not found"), 500: _l("Something went wrong")}


def _language_from_path() -> i18n.Language | None:
    """Guess the visitor's language from the first part of the URL, for pages no route matched."""
    first = request.path.lstrip("/").split("/", 1)[0]
    return i18n.match(first, i18n.languages()) if first else None


def _is_staff_page() -> bool:
    """Tell whether the failed request was for a staff screen, which has its own shell and language."""
    return request.blueprint in STAFF_BLUEPRINTS or request.path == "/staff" or request.path.startswith("/staff/")


def _staff_error(error: HTTPException) -> Response:
    """Render an HTTP error inside the staff shell, linking only to pages the account may open."""
    use_staff_language()
    code = error.code or 500
    messages = {
        404: _("There is no such page. Check the address, or go back to your start page."),
        405: _("That page cannot be opened this way. Go back to your start page."),
    }
    # An error that carries its own words (a refused NUL byte, kiosk.core.inputs) says them.
    own = getattr(error, "message", None)
    message = (
        str(own)
        if own is not None
        else messages.get(code, _("Something went wrong, so nothing was changed. Try again."))
    )
    title = _("Page not found") if code == 404 else _("Nothing was changed")
    page = render_template("staff/error.html", title=title, message=message, staff=current_staff())
    return make_response(page, code)


def handle_http_error(error: HTTPException) -> Response:
    """Render the friendly page for an HTTP error."""
    if _is_staff_page():
        return _staff_error(error)
    if g.get("language") is None:
        g.language = _language_from_path() or i18n.visit_language()
    code = error.code or 500
    message = getattr(error, "message", None)
    template = TEMPLATES.get(code, "errors/4xx.html" if code < 500 else "errors/500.html")
    response = render_screen(
        template, status=code, screen="error", title=TITLES.get(code, TITLES[400]), back_url="/", message=message
    )
    if isinstance(error, MethodNotAllowed) and error.valid_methods:
        response.headers["Allow"] = ", ".join(error.valid_methods)
    return response


def handle_unexpected(error: Exception) -> Response:
    """Log an unexpected failure and show the friendly 500 page."""
    log.exception("Unhandled error on %s %s", request.method, request.path, exc_info=error)
    return handle_http_error(InternalServerError())


def handle_csrf(error: CSRFError) -> Response:
    """Explain a rejected form where it was sent from: nothing was changed, and a fresh form works."""
    log.warning("Form refused on %s %s: %s", request.method, request.path, error.description)
    if request.blueprint in STAFF_BLUEPRINTS:
        return _staff_form_refused()
    if request.blueprint == "talk":
        message = _("This screen was open too long, so nothing was sent. Please try again.")
        return render_screen(
            "talk/_sorry.html",
            status=400,
            screen="talk",
            title=_("Talk to staff about booking"),
            message=message,
            back_url=url_for("talk.start"),
        )
    return handle_http_error(error)


def _staff_form_refused() -> Response:
    """Tell a staff member their form had expired, in the place their screen shows messages."""
    message = _(
        "This form had expired or did not come from this screen, so nothing was changed. Reload the page and try again."
    )
    if htmx_request.htmx:
        # Into the page's message area, not the panel the form targets: the panel must keep polling.
        response = make_response(render_template("staff/_notice.html", message=message, kind="error"), 400)
        response.headers.update({"HX-Retarget": "#staff-flash", "HX-Reswap": "innerHTML"})
        return response
    if request.endpoint == "auth.login":
        # A login page left open too long: a fresh form with the reason, ready to try again.
        page = render_template("staff/login.html", next=request.form.get("next", ""), name="", error=message)
        return make_response(page, 400)
    return make_response(render_template("staff/error.html", message=message, staff=current_staff()), 400)


def handle_storage_unavailable(error: sa.exc.OperationalError | sa.exc.InterfaceError) -> Response:
    """The database is down, unreachable or its disk is full: say so where the visitor or staff member is."""
    busy = db.is_busy(error)
    if busy:
        log.warning("The database stayed busy too long on %s %s", request.method, request.path)
    else:
        db.report_unavailable(error)
    if _is_staff_page():
        # The account's language if it was read before the failure; else this browser's, without the database.
        if g.get("language") is None or "staff" not in g:
            g.language = staff_language(account=False)
        g.setdefault("staff", None)  # the pages' context must not ask the database for the account again
    elif g.get("language") is None:
        g.language = _language_from_path() or i18n.visit_language()
    if request.blueprint == "talk":
        return render_screen(
            "talk/_sorry.html",
            status=503,
            screen="talk",
            title=_("Talk to staff about booking"),
            message=_("Sorry, your request could not be sent. Please try again, or go to the front desk.")
            if busy
            else unreachable_message(),
            back_url=url_for("visitor.menu"),
        )
    if _is_staff_page():
        message = _(
            "The database can't be used right now, so nothing was saved and the requests can't be shown. "
            "This page works again by itself once the database is back."
        )
        if htmx_request.htmx:
            # Not swapped (a 5xx): the dashboard shows its "could not get the latest requests" banner and keeps polling.
            return make_response(str(message), 503)
        return make_response(render_template("staff/error.html", message=message, staff=None), 503)
    return handle_http_error(ServiceUnavailable())


def init_app(app: Flask) -> None:
    """Register the handlers."""
    app.register_error_handler(CSRFError, handle_csrf)
    for unavailable in db.UNAVAILABLE:
        app.register_error_handler(unavailable, handle_storage_unavailable)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected)
