"""Staff sign-in routes: the login and logout pages."""

from __future__ import annotations

import logging
import time
from typing import Any
from urllib.parse import urlsplit

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

from kiosk import i18n
from kiosk.core import db
from kiosk.core.urls import safe_next
from kiosk.i18n import gettext as _
from kiosk.staff import accounts, devices
from kiosk.staff.guard import (
    LANGUAGE_KEY,
    SESSION_KEY,
    current_staff,
    home_for,
    login_required,
    may_open,
    use_staff_language,
)

log = logging.getLogger(__name__)

bp = Blueprint("auth", __name__, url_prefix="/staff")
# Every staff blueprint's pages speak the staff member's language; the login pages are the first of them.
bp.before_app_request(use_staff_language)


@bp.context_processor
def account_context() -> dict[str, Any]:
    """Give the login pages the signed-in account, if any."""
    return {"staff": current_staff()}


@bp.app_template_global("staff_languages")
def staff_languages() -> list[i18n.Language]:
    """The languages the staff screens can be shown in: those the kiosk offers."""
    return list(i18n.languages().values())


@bp.app_template_global("staff_home")
def staff_home() -> str:
    """Where the signed-in account starts, for links back from messages and error pages."""
    return home_for(current_staff())


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    """Show the login form, and sign in on a correct name and password."""
    # Only an address the login was asked to return to is carried; with none, each role goes to its own home.
    target = safe_next(request.values.get("next")) if request.values.get("next") else ""
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
    chosen = session.get(LANGUAGE_KEY)
    # A fresh session on login: nothing from before it (or planted in it) carries over but the screen language.
    session.clear()
    now = time.time()
    session[SESSION_KEY] = {"id": staff.id, "v": staff.session_version, "at": now, "seen": now}
    if isinstance(chosen, str):
        session[LANGUAGE_KEY] = chosen
    log.info("Staff %s logged in from %s", staff.name, request.remote_addr)
    if not target or not may_open(staff, target):
        target = home_for(staff)
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


@bp.post("/language")
def choose_language() -> ResponseReturnValue:
    """Choose the staff screens' language: kept on the account, and in this browser for the login page."""
    wanted = i18n.match(request.form.get("language"), i18n.languages())
    staff = current_staff()
    if wanted is None:
        message = _("Choose a language from the list.")
        page = render_template("staff/error.html", title=_("Nothing was changed"), message=message, staff=staff)
        return make_response(page, 422)
    session[LANGUAGE_KEY] = wanted.code
    if staff is not None:
        accounts.set_language(db.get_session(), staff.id, wanted.code)
    back = urlsplit(request.referrer or "")
    if back.netloc == request.host and back.path.startswith("/staff/"):
        return redirect(back.path + (f"?{back.query}" if back.query else ""), code=303)
    return redirect(home_for(staff) if staff is not None else url_for(".login"), code=303)


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
