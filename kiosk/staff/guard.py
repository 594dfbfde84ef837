"""Who is signed in: the staff session in the browser, and the `login_required` guard for staff views."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any, TypeVar, cast

from flask import Response, current_app, flash, g, make_response, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from htmx_flask import request as htmx_request

from kiosk.core import db
from kiosk.core.models import Permission, Staff
from kiosk.i18n import gettext as _

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
    staff: Staff | None = g.staff
    return staff


def desk_clinics() -> frozenset[int]:
    """Return the clinics whose requests and kiosks the signed-in account sees: where it is front desk."""
    staff = current_staff()
    return staff.clinic_ids(Permission.FRONT_DESK) if staff else frozenset()


def _login_redirect() -> ResponseReturnValue:
    """Send an anonymous request to the login page, and back here afterwards."""
    target = url_for("auth.login", next=request.full_path.rstrip("?") if request.method == "GET" else None)
    if htmx_request.htmx:
        # htmx would swap a login page into a panel; HX-Redirect makes it load the whole page.
        response = make_response(_("Please log in again."), 401)
        response.headers["HX-Redirect"] = target
        response.mimetype = "text/plain"
        return response
    return redirect(target)


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

        return cast(View, guarded)

    return decorator
