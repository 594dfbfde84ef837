"""Staff sign-in routes: the login and logout pages."""

from __future__ import annotations

import logging
import time
from typing import Any

from flask import (
    Blueprint,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue

from kiosk.core import db
from kiosk.core.urls import safe_next
from kiosk.i18n import gettext as _
from kiosk.staff import accounts, devices
from kiosk.staff.guard import SESSION_KEY, current_staff, login_required

log = logging.getLogger(__name__)

bp = Blueprint("auth", __name__, url_prefix="/staff")


@bp.context_processor
def account_context() -> dict[str, Any]:
    """Give the login pages the signed-in account, if any."""
    return {"staff": current_staff()}


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    """Show the login form, and sign in on a correct name and password."""
    target = safe_next(request.values.get("next")) if request.values.get("next") else url_for("staff.dashboard")
    if request.method == "GET":
        return make_response(render_template("staff/login.html", next=target, name=""))
    name = request.form.get("name", "")
    config = current_app.config
    secret = str(config["SECRET_KEY"])
    device_cookie = request.cookies.get(devices.COOKIE)
    result = accounts.authenticate(
        db.get_session(),
        name,
        request.form.get("password", ""),
        address=request.remote_addr or "",
        policy=accounts.LoginPolicy(
            window=int(config["LOGIN_WINDOW_SECONDS"]),
            per_address=int(config["LOGIN_FAILURES_PER_ADDRESS"]),
            per_account=int(config["LOGIN_FAILURES_PER_ACCOUNT"]),
        ),
        device=devices.device_for(secret, device_cookie, accounts.normalise_name(name[:256])),
    )
    if result.staff is None:
        log.warning("Failed staff login for %r from %s", name[:64], request.remote_addr)
        # The same page for a known and an unknown name; the wait never depends on whether the name exists.
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
    done = redirect(target)
    done.set_cookie(
        devices.COOKIE,
        devices.remember(secret, device_cookie, staff.name),
        max_age=devices.MAX_AGE_SECONDS,
        path="/staff/",
        secure=request.is_secure,
        httponly=True,
        samesite="Strict",
    )
    return done


@bp.post("/logout")
@login_required()
def logout() -> ResponseReturnValue:
    """Sign out, ending this account's sessions in every browser."""
    staff = current_staff()
    if staff is not None:
        accounts.end_sessions(db.get_session(), staff.id)
    session.pop(SESSION_KEY, None)
    flash(_("You are logged out."), "info")
    return redirect(url_for("auth.login"))
