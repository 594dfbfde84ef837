"""The address a kiosk's browser starts at: it hands over the screen's key once, kept in a cookie."""

from __future__ import annotations

import logging

from flask import Blueprint, redirect, request
from flask.typing import ResponseReturnValue

from kiosk.core import db
from kiosk.kiosks import identity
from kiosk.kiosks.guard import COOKIE, COOKIE_MAX_AGE_SECONDS

log = logging.getLogger(__name__)

bp = Blueprint("kiosks", __name__, url_prefix="/kiosk")


@bp.get("/start")
def start() -> ResponseReturnValue:
    """Keep the screen's key in a long-lived cookie and go to the welcome screen, without the key in the address."""
    key = request.args.get("key", "")
    response = redirect("/")
    kiosk = identity.by_key(db.get_session(), key)
    if kiosk is None:
        # Visitors see the welcome screen as usual; the refusal comes only if they try to call staff.
        log.warning("Kiosk start from %s with an unknown kiosk key; run 'kiosk kiosks add NAME'.", request.remote_addr)
        response.delete_cookie(COOKIE)
        return response
    log.info("Kiosk %r started from %s", kiosk.name, request.remote_addr)
    # The idle reset clears the session, never this cookie: it belongs to the screen, not the visit.
    response.set_cookie(
        COOKIE, key, max_age=COOKIE_MAX_AGE_SECONDS, secure=request.is_secure, httponly=True, samesite="Lax"
    )
    return response
