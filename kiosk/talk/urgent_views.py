"""Visitor routes for "Get help now": one tap calls a member of staff at once, then the urgent screen.

The routes sit on the "Talk to staff" blueprint (kiosk.talk.views.bp), under /<lang>/talk-to-staff/urgent.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask import Response, current_app, redirect, request, session, url_for
from flask.typing import ResponseReturnValue

from kiosk import i18n
from kiosk.core import db
from kiosk.core.clock import zone_of
from kiosk.core.partials import render_screen
from kiosk.extensions import csrf
from kiosk.i18n import gettext as _
from kiosk.kiosks.guard import known_kiosk
from kiosk.kiosks.identity import KnownKiosk
from kiosk.talk import tickets, urgent as service
from kiosk.talk.labels import urgent_status_lines
from kiosk.talk.views import VISIT_TOKEN, bp, refused, status_context, visit_token
from kiosk.visitor import content, emergency

log = logging.getLogger(__name__)

bp.add_app_template_global(visit_token, "visit_token")
bp.add_app_template_global(urgent_status_lines, "urgent_status_lines")

# An urgent call waits at most this long for a database another writer holds: the visitor then sees the
# emergency number and the signs, and is told plainly that staff were not called, instead of waiting 15 s.
WRITE_WAIT_SECONDS = 3.0


def _screen(status: int = 200, **context: Any) -> Response:
    """Render the urgent screen: the live status (or the failure), the emergency number and the signs."""
    number = emergency.number(current_app.config)
    return render_screen(
        "talk/_urgent.html",
        status=status,
        screen="urgent",
        title=_("Urgent help"),
        number=number,
        signs=[content.text_in(sign, number) for sign in content.EMERGENCY_CARD.texts[2:]],
        back_url=url_for("visitor.home"),
        **context,
    )


def _visit() -> str:
    """Return this visit's token; a session without one takes the token the page was rendered with."""
    # The button's page gave the visit a token when it was drawn, and carries it: taps sent before the
    # browser stored the cookie still belong to one visit, so they still make one request.
    sent = request.form.get("visit", "")
    if not isinstance(session.get("visit"), str) and VISIT_TOKEN.fullmatch(sent):
        session["visit"] = sent
    return visit_token()


@bp.get("/urgent")
def urgent() -> ResponseReturnValue:
    """Show the visit's urgent request with its live status, or, if it has none, the button that makes one."""
    current = tickets.latest_for_visit(db.get_session(), visit_token())
    return _screen(**status_context(current if current is not None and current.is_urgent else None))


@bp.post("/urgent")
def call_urgent() -> ResponseReturnValue:
    """Call a member of staff at once: a new urgent request, or the visit's open one made urgent; never two."""
    config = current_app.config
    database = db.get_session()
    kiosk: KnownKiosk | None = None
    try:
        with db.lock_wait(database, min(WRITE_WAIT_SECONDS, float(config["DATABASE_LOCK_TIMEOUT_SECONDS"]))):
            # Inside the try: a database that cannot say whether the key is known still leaves the number shown.
            kiosk = known_kiosk()
            if kiosk is None:
                # No unknown device on the network can set off the siren; the visitor still gets the number.
                return refused(urgent=True)
            service.call(
                database,
                visit=_visit(),
                kiosk=kiosk.name,
                language=i18n.current_language().code,
                zone=zone_of(config["TIMEZONE"]),
                # Never the booking limit: see kiosk.talk.urgent (a kiosk's first urgent call always goes through).
                limit=(
                    int(config["REQUEST_LIMIT_PER_KIOSK"]),
                    timedelta(seconds=float(config["REQUEST_LIMIT_WINDOW_SECONDS"])),
                ),
            )
    except tickets.TicketLimitReached:
        log.warning(
            "Held back an urgent call from kiosk %r at %s: it made %s in the last %s s and one is still unanswered.",
            kiosk.name if kiosk else "",
            request.remote_addr,
            config["REQUEST_LIMIT_PER_KIOSK"],
            config["REQUEST_LIMIT_WINDOW_SECONDS"],
        )
        return _screen(status=429, failed=True, ticket=None, state="failed", hold=0)
    except sa.exc.SQLAlchemyError:
        log.exception("Could not store an urgent request: the visitor was told to call the emergency number")
        return _screen(status=503, failed=True, ticket=None, state="failed", hold=0)
    return redirect(url_for(".urgent"), code=303)


# An emergency call must never be refused because the screen sat open past its form token's hour; it
# changes nothing but bringing a member of staff, which anyone standing at the kiosk may ask for anyway.
csrf.exempt(call_urgent)
