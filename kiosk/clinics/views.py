"""Kiosk heartbeats: the kiosk browser's beat, and the front desk's panel of its clinic's kiosks."""

from __future__ import annotations

import logging
from datetime import timedelta

import sqlalchemy as sa
from flask import Blueprint, current_app, make_response, render_template, request
from flask.typing import ResponseReturnValue

from kiosk.clinics import heartbeat
from kiosk.clinics.service import ClinicError
from kiosk.core import db
from kiosk.extensions import csrf
from kiosk.kiosks.guard import current_identity
from kiosk.staff.guard import desk_clinics, login_required

log = logging.getLogger(__name__)

bp = Blueprint("clinics", __name__)

# Set by static/clinics/heartbeat.js. A page on another site cannot send a custom header here without a CORS
# preflight, which this server never grants, so the header does the work of a CSRF token.
HEARTBEAT_HEADER = "X-Kiosk-Heartbeat"


@bp.post("/kiosk/heartbeat")
def beat() -> ResponseReturnValue:
    """Record that the kiosk this browser is (by its name, never its proxy's address) is alive."""
    if request.headers.get(HEARTBEAT_HEADER) != "1":
        return make_response("", 400)
    try:
        # Only a known kiosk (its key, its configured address or the server's own screen) is on the panel, so
        # no other device on the network can add screens to it or keep a dead one looking alive.
        found = current_identity()
        if found.kiosk is None:
            # Every beat of such a screen comes here; its visitors' requests log the refusal as a warning.
            log.info("A kiosk heartbeat from %s was refused: %s.", request.remote_addr, found.refusal)
            return make_response("", 403)
        heartbeat.beat(db.get_session(), found.kiosk.name)
    except ClinicError as error:
        log.warning("A kiosk heartbeat was refused: %s Check KIOSK_NAME, KIOSK_NAMES and `kiosk kiosks`.", error)
        return make_response("", 400)
    except sa.exc.SQLAlchemyError as error:
        db.report_unavailable(error)
        return make_response("", 503)
    response = make_response("", 204)
    response.headers["Cache-Control"] = "no-store"
    return response


csrf.exempt(beat)  # the custom header above stands in for the token


@bp.app_template_global("kiosk_panel")
def panel() -> dict[str, object]:
    """Return what the kiosks panel shows: the signed-in account's clinics' kiosks, online or not."""
    offline_after = timedelta(seconds=float(current_app.config["HEARTBEAT_OFFLINE_AFTER"]))
    kiosks = heartbeat.states(db.get_session(), desk_clinics(), offline_after)
    return {"kiosks": kiosks, "several_clinics": len({kiosk.clinic for kiosk in kiosks}) > 1}


@bp.get("/staff/kiosks")
@login_required("front_desk")
def kiosks() -> ResponseReturnValue:
    """The kiosks panel that the dashboard polls."""
    response = make_response(render_template("clinics/_kiosks.html"))
    response.headers["Cache-Control"] = "no-store"
    return response
