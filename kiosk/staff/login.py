"""Staff login: the login and logout pages, the signed-in account, and the `login_required` guard."""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_wtf.csrf import CSRFError
from htmx_flask import request as htmx_request

from kiosk.core import db
from kiosk.core.models import Permission, Staff
from kiosk.i18n import gettext as _
from kiosk.staff import accounts
from kiosk.visitor.display import safe_next

log = logging.getLogger(__name__)

bp = Blueprint("auth", __name__, url_prefix="/staff")

SESSION_KEY = "staff"
# The session's last-seen time is rewritten at most this often, not on every dashboard poll.
SEEN_RESOLUTION_SECONDS = 30

View = TypeVar("View", bound=Callable[..., Any])


def _end_staff_session(reason: str | None) -> None:
    """Forget the signed-in account in this browser, saying why on the login page."""
    if session.pop(SESSION_KEY, None) is not None and reason:
        flash(reason, "info")


def _load_staff() -> Staff | None:
    """Return the account this browser is signed in as, if its session is still valid."""
    data = session.get(SESSION_KEY)
    if not isinstance(data, dict):
        return None
    try:
        staff_id, version = int(data["id"]), int(data["v"])
        started, seen = float(data["at"]), float(data["seen"])
    except (KeyError, TypeError, ValueError):
        _end_staff_session(None)
        return None
    now = time.time()
    config = current_app.config
    if now - started > config["STAFF_SESSION_MAX_SECONDS"] or now - seen > config["STAFF_IDLE_SECONDS"]:
        _end_staff_session(_("Your session timed out. Please log in again."))
        return None
    staff = db.get_session().get(Staff, staff_id)
    if staff is None or staff.session_version != version:
        _end_staff_session(_("You were logged out. Please log in again."))
        return None
    if now - seen > SEEN_RESOLUTION_SECONDS:
        session[SESSION_KEY] = {**data, "seen": now}
    return staff


def current_staff() -> Staff | None:
    """Return the signed-in staff account for this request, or None."""
    if "staff" not in g:
        g.staff = _load_staff()
    return g.staff


def _login_redirect() -> Response:
    """Send an anonymous request to the login page, and back here afterwards."""
    target = url_for("auth.login", next=request.full_path.rstrip("?") if request.method == "GET" else None)
    if htmx_request.htmx:
        # htmx would swap a login page into a panel; HX-Redirect makes it load the whole page.
        response = make_response(_("Please log in again."), 401)
        response.headers["HX-Redirect"] = target
        response.mimetype = "text/plain"
        return response
    return redirect(target)  # type: ignore[return-value]


def forbidden(permission: str) -> Response:
    """Tell a signed-in account it lacks the permission this page needs."""
    return make_response(render_template("staff/forbidden.html", permission=permission, staff=current_staff()), 403)


def login_required(permission: str | None = None) -> Callable[[View], View]:
    """Let a view run only for a signed-in account, holding permission if one is named.

    Use it as ``@login_required("translator")`` or ``@login_required()``.
    """
    if callable(permission):
        raise TypeError('login_required takes a permission: write @login_required("front_desk") or @login_required()')
    if permission is not None and permission not in {str(item) for item in Permission}:
        raise ValueError(f"Unknown permission {permission!r}; choose from {', '.join(sorted(Permission))}.")

    def decorator(view: View) -> View:
        @functools.wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            staff = current_staff()
            if staff is None:
                return _login_redirect()
            if permission is not None and not staff.can(permission):
                return forbidden(permission)
            return view(*args, **kwargs)

        return guarded  # type: ignore[return-value]

    return decorator


def csrf_failed(error: CSRFError) -> Response:
    """Explain a rejected form: nothing changed, and reloading gives a fresh one."""
    log.warning("CSRF check failed on %s %s: %s", request.method, request.path, error.description)
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
        page = render_template("staff/login.html", next=url_for("staff.dashboard"), name="", error=message)
        return make_response(page, 400)
    return make_response(render_template("staff/error.html", message=message, staff=current_staff()), 400)


bp.register_error_handler(CSRFError, csrf_failed)


@bp.context_processor
def account_context() -> dict[str, Any]:
    """Give the login pages the signed-in account, if any."""
    return {"staff": current_staff()}


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response:
    """Show the login form, and sign in on a correct name and password."""
    target = safe_next(request.values.get("next")) if request.values.get("next") else url_for("staff.dashboard")
    if request.method == "GET":
        return make_response(render_template("staff/login.html", next=target, name=""))
    name = request.form.get("name", "")
    config = current_app.config
    result = accounts.authenticate(
        db.get_session(),
        name,
        request.form.get("password", ""),
        max_failures=int(config["LOGIN_MAX_FAILURES"]),
        lockout=timedelta(seconds=float(config["LOGIN_LOCKOUT_SECONDS"])),
    )
    if result.staff is None:
        log.warning("Failed staff login for %r from %s", name[:64], request.remote_addr)
        if result.locked_for is not None:
            seconds = max(1, int(result.locked_for.total_seconds() + 0.999))
            error = _("Too many wrong passwords. Try again in %(seconds)d seconds.", seconds=seconds)
            response = make_response(render_template("staff/login.html", next=target, name=name, error=error), 429)
            response.headers["Retry-After"] = str(seconds)
            return response
        error = _("That name and password do not match an account.")
        return make_response(render_template("staff/login.html", next=target, name=name, error=error), 401)
    staff = result.staff
    # A fresh session on login: nothing from before it (or planted in it) carries over.
    session.clear()
    now = time.time()
    session[SESSION_KEY] = {"id": staff.id, "v": staff.session_version, "at": now, "seen": now}
    log.info("Staff %s logged in from %s", staff.name, request.remote_addr)
    if not request.values.get("next") and not staff.can("front_desk"):
        # A translator without front-desk work starts where their work is.
        target = url_for("editor.overview")
    return redirect(target)  # type: ignore[return-value]


@bp.post("/logout")
@login_required()
def logout() -> Response:
    """Sign out, ending this account's sessions in every browser."""
    staff = current_staff()
    if staff is not None:
        accounts.end_sessions(db.get_session(), staff.id)
    session.pop(SESSION_KEY, None)
    flash(_("You are logged out."), "info")
    return redirect(url_for("auth.login"))  # type: ignore[return-value]
