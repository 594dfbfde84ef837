"""Who is signed in: the staff session in the browser, and the `login_required` guard for staff views."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any, TypeVar, cast
from urllib.parse import urlsplit

from flask import Response, current_app, flash, g, make_response, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from htmx_flask import request as htmx_request
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from kiosk import i18n
from kiosk.core import db
from kiosk.core.models import Permission, Staff
from kiosk.i18n import gettext as _

SESSION_KEY = "staff"
LANGUAGE_KEY = "staff_language"  # this browser's last choice, for the login page before an account is known
STAFF_BLUEPRINTS = frozenset({"auth", "staff", "editor", "recordings"})
PERMISSION_ATTRIBUTE = "required_permission"
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
    # Renewed now and then, not on every poll, but always well inside the idle limit.
    if now - seen > min(SEEN_RESOLUTION_SECONDS, config["STAFF_IDLE_SECONDS"] / 10):
        session[SESSION_KEY] = {**data, "seen": now}
    return staff


def current_staff() -> Staff | None:
    """Return the signed-in staff account for this request, or None."""
    if "staff" not in g:
        g.staff = _load_staff()
    staff: Staff | None = g.staff
    return staff


def staff_language(account: bool = True) -> i18n.Language:
    """Return the staff screens' language: the account's choice, this browser's last one, its own, or the default.

    account=False leaves the account out, for when the database that holds it cannot be read.
    """
    offered = i18n.languages()
    staff = current_staff() if account else None
    for wanted in (staff.language if staff is not None else None, session.get(LANGUAGE_KEY)):
        found = i18n.match(wanted, offered)
        if found is not None:
            return found
    best = request.accept_languages.best_match([language.tag for language in offered.values()])
    return offered.get(best or "") or i18n.default_language()


def use_staff_language() -> None:
    """Show a staff screen in the staff member's language, never in the one a visitor picked last."""
    if request.blueprint in STAFF_BLUEPRINTS or request.path.startswith("/staff/"):
        g.language = staff_language()


def home_for(staff: Staff | None) -> str:
    """Return where an account starts: the dashboard for the front desk, the editor for a translator only."""
    if staff is not None and not staff.can("front_desk") and staff.can("translator"):
        return url_for("editor.overview")
    return url_for("staff.dashboard")


def may_open(staff: Staff, path: str) -> bool:
    """Tell whether an account may open a path on this server; a path no route answers counts as no."""
    adapter = current_app.url_map.bind("localhost")
    try:
        endpoint, _values = adapter.match(path.split("?", 1)[0], method="GET")
    except RequestRedirect:
        return True
    except HTTPException:
        return False
    required = getattr(current_app.view_functions.get(endpoint), PERMISSION_ATTRIBUTE, None)
    return required is None or staff.can(required)


def _back_here() -> str | None:
    """Return the page to come back to after logging in: this one, or for a form the page it was sent from."""
    if request.method == "GET":
        return request.full_path.rstrip("?")
    # A form posted after the session ended: go back to the page that holds it (its text is kept there).
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc == request.host and referrer.path.startswith("/staff/"):
        return referrer.path + (f"?{referrer.query}" if referrer.query else "")
    return None


def desk_clinics() -> frozenset[int]:
    """Return the clinics whose requests and kiosks the signed-in account sees: where it is front desk."""
    staff = current_staff()
    return staff.clinic_ids(Permission.FRONT_DESK) if staff else frozenset()


def _login_redirect() -> ResponseReturnValue:
    """Send an anonymous request to the login page, and back here afterwards."""
    target = url_for("auth.login", next=_back_here())
    if htmx_request.htmx:
        # htmx would swap a login page into a panel; HX-Redirect makes it load the whole page.
        response = make_response(_("Please log in again."), 401)
        response.headers["HX-Redirect"] = target
        response.mimetype = "text/plain"
        return response
    return redirect(target)


def forbidden(permission: str) -> Response:
    """Tell a signed-in account it lacks the permission this page needs."""
    return make_response(
        render_template("staff/forbidden.html", title=_("Not allowed"), permission=permission, staff=current_staff()),
        403,
    )


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

        # Read by may_open, so a login never sends an account to a page it would be refused.
        setattr(guarded, PERMISSION_ATTRIBUTE, permission)
        return cast(View, guarded)

    return decorator
