"""Visitor routes for "Talk to staff": what they want, when, an optional first name, then a live ticket."""

from __future__ import annotations

import contextlib
import logging
import re
import secrets
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask import (
    Blueprint,
    Response,
    current_app,
    g,
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
from kiosk.core.clock import zone_of
from kiosk.core.models import Reason, Ticket, When, utcnow
from kiosk.core.partials import render_screen
from kiosk.i18n import gettext as _
from kiosk.kiosks.guard import known_kiosk
from kiosk.talk import keyboard, tickets, urgent
from kiosk.talk.labels import REASONS, WHENS, talk_chip_label, talk_status_label, unreachable_message
from kiosk.visitor.language_urls import language_prefixed

log = logging.getLogger(__name__)

bp = language_prefixed(Blueprint("talk", __name__, url_prefix="/<lang>/talk-to-staff"))
bp.add_app_template_global(talk_status_label, "talk_status_label")
bp.add_app_template_global(talk_chip_label, "talk_chip_label")

VISIT_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")


def visit_token() -> str:
    """Return this visit's token, which ties its requests together; the idle reset starts a new one."""
    token = session.get("visit")
    if not isinstance(token, str) or not VISIT_TOKEN.fullmatch(token):
        token = secrets.token_urlsafe(24)
        session["visit"] = token
    return token


def _choice(raw: str | None, kind: type[Reason] | type[When]) -> Any:
    """Return raw as a member of kind, or None."""
    try:
        return kind(raw) if raw else None
    except ValueError:
        return None


def _seconds(name: str) -> timedelta:
    """Return a setting given in seconds."""
    return timedelta(seconds=float(current_app.config[name]))


def status_context(ticket: Ticket | None) -> dict[str, Any]:
    """Return the live status: the request, its state (or "late", or "gone") and the seconds it holds the idle reset."""
    if ticket is None:
        return {"ticket": None, "state": "gone", "hold": 0}
    now = utcnow()
    if ticket.is_urgent:
        late = urgent.unanswered(ticket, now, _seconds("URGENT_ANSWER_SECONDS"))
    else:
        late = tickets.is_escalated(ticket, now, _seconds("ESCALATE_AFTER_SECONDS"))
    hold = urgent.hold_seconds(ticket, now, _seconds("URGENT_HOLD_SECONDS"))
    return {"ticket": ticket, "state": "late" if late else str(ticket.status), "hold": hold}


def visitor_state(ticket: Ticket) -> str:
    """Return what the kiosk shows for a request: its status, or "late" when it waits too long."""
    return str(status_context(ticket)["state"])


def hold_seconds(ticket: Ticket) -> int:
    """Return how many more seconds this request keeps the kiosk from its idle reset."""
    # An urgent call holds the screen only until staff answer (at most URGENT_HOLD_SECONDS): then the person
    # is on the way, and a visitor who walked away must not leave the kiosk on it for the longest wait.
    if ticket.is_urgent:
        return urgent.hold_seconds(ticket, utcnow(), _seconds("URGENT_HOLD_SECONDS"))
    return int(tickets.holds_visit(ticket, utcnow(), _seconds("TICKET_WAIT_MAX_SECONDS")).total_seconds())


def open_visit_ticket() -> Ticket | None:
    """Return this visit's open request, for the chip at the foot of every screen; looked up once per request."""
    if "kiosk_visit_ticket" not in g:
        token = session.get("visit")
        found = None
        # A visit that never opened the flow has no token, and so no request: no query at all.
        if isinstance(token, str) and VISIT_TOKEN.fullmatch(token):
            try:
                found = tickets.open_for_visit(db.get_session(), token)
            except sa.exc.SQLAlchemyError as error:
                # The screen still shows, without the chip; the outage is logged once a minute, not per page.
                if not db.is_busy(error):
                    db.report_unavailable(error)
        g.kiosk_visit_ticket = found
    ticket: Ticket | None = g.kiosk_visit_ticket
    return ticket


@bp.app_context_processor
def ticket_context() -> dict[str, Any]:
    """Give every screen the visit's open request, for the ticket chip and the idle reset's hold."""
    return {
        "open_visit_ticket": open_visit_ticket,
        "ticket_state": visitor_state,
        "ticket_hold_seconds": hold_seconds,
    }


def _screen(partial: str, status: int = 200, **context: Any) -> Response:
    """Render one of the flow's screens, without the staff button at its foot."""
    context.setdefault("title", _("Talk to staff about booking"))
    return render_screen(partial, status=status, screen="talk", **context)


def _sorry(message: str, status: int) -> Response:
    """Show a kind message and a way to start again."""
    return _screen("talk/_sorry.html", status=status, message=message, back_url=url_for(".start"))


def refused(urgent: bool = False) -> Response:
    """Tell a visitor calmly that this screen cannot call staff (the log says why); after Get help now, with the
    emergency number."""
    message = _("This screen cannot call staff. Please go to the front desk, where staff will be glad to help.")
    if urgent:
        # As the urgent screen: the dock leaves out Get help now, which would only be refused again.
        return render_screen(
            "talk/_refused.html",
            status=403,
            screen="urgent",
            title=_("Urgent help"),
            message=message,
            urgent=True,
            back_url=url_for("visitor.menu"),
        )
    return _screen("talk/_refused.html", status=403, message=message, urgent=False, back_url=url_for("visitor.menu"))


@bp.get("")
def start() -> ResponseReturnValue:
    """Ask what the visitor wants, or show their ticket if they already have one."""
    if known_kiosk() is None:
        return refused()
    if tickets.open_for_visit(db.get_session(), visit_token()) is not None:
        return redirect(url_for(".ticket"))
    return _screen("talk/_reason.html", reasons=REASONS, back_url=url_for("visitor.menu"))


@bp.get("/when")
def when() -> ResponseReturnValue:
    """Ask when they would like the massage."""
    reason = _choice(request.args.get("reason"), Reason)
    if reason is None:
        return redirect(url_for(".start"))
    return _screen("talk/_when.html", reason=reason, whens=WHENS, back_url=url_for(".start"))


@bp.route("/name", methods=["GET", "POST"])
def name() -> ResponseReturnValue:
    """Offer the on-screen keyboard for a first name; without JavaScript each key press comes here."""
    reason = _choice(request.values.get("reason"), Reason)
    if reason is None:
        return redirect(url_for(".start"))
    wanted = _choice(request.values.get("when"), When)
    typed = keyboard.tidy(request.form.get("first_name"))
    if request.form.get("key"):
        typed = keyboard.press(typed, request.form["key"])
    layout = keyboard.layout_for(i18n.current_language().code, request.form.get("keyboard"))
    back = url_for(".when", reason=reason) if reason is Reason.BOOK else url_for(".start")
    return _screen(
        "talk/_name.html",
        reason=reason,
        when=wanted,
        typed=typed,
        layout=layout,
        layouts=keyboard.LAYOUTS,
        visit=visit_token(),
        back_url=back,
    )


@bp.post("")
def create() -> ResponseReturnValue:
    """Send the request to the front desk, then show the ticket; a repeat tap shows the same ticket."""
    first_name = None if request.form.get("skip_name") else request.form.get("first_name")
    kiosk = known_kiosk()
    if kiosk is None:
        return refused()
    config = current_app.config
    try:
        tickets.create(
            db.get_session(),
            visit=visit_token(),
            kiosk=kiosk.name,
            language=i18n.current_language().code,
            limit=(
                int(config["REQUEST_LIMIT_PER_KIOSK"]),
                timedelta(seconds=float(config["REQUEST_LIMIT_WINDOW_SECONDS"])),
            ),
            reason=request.form.get("reason", ""),
            when=request.form.get("when") or None,
            first_name=first_name,
            zone=zone_of(current_app.config["TIMEZONE"]),
        )
    except tickets.TicketError:
        return _sorry(_("Something was missing from your request. Please start again."), 400)
    except tickets.TicketLimitReached:
        log.warning(
            "Refused a request to staff from kiosk %r at %s: it sent %s in the last %s s.",
            kiosk.name,
            request.remote_addr,
            config["REQUEST_LIMIT_PER_KIOSK"],
            config["REQUEST_LIMIT_WINDOW_SECONDS"],
        )
        return _sorry(_("Many requests were sent from this screen just now. Please go to the front desk."), 429)
    except sa.exc.SQLAlchemyError as error:
        if not db.is_busy(error) and isinstance(error, db.UNAVAILABLE):
            db.report_unavailable(error)
            return _sorry(unreachable_message(), 503)
        log.exception("Could not store a visitor request")
        return _sorry(_("Sorry, your request could not be sent. Please try again, or go to the front desk."), 503)
    # Only now, with the request committed, does the visitor see a number.
    return redirect(url_for(".ticket"), code=303)


@bp.get("/ticket")
def ticket() -> ResponseReturnValue:
    """Show the visitor's ticket number and its live status."""
    current = tickets.latest_for_visit(db.get_session(), visit_token())
    if current is None:
        return redirect(url_for(".start"))
    if current.is_urgent:
        return redirect(url_for(".urgent"))
    return _screen(
        "talk/_ticket.html",
        **status_context(current),
        reasons=REASONS,
        whens=WHENS,
        title=_("Your number is %(number)d", number=current.number),
        back_url=url_for("visitor.menu"),
        hide_chip=True,
    )


@bp.get("/ticket/status")
def status() -> ResponseReturnValue:
    """Return the ticket's status for the kiosk to poll; 204 when nothing changed since `seen`."""
    try:
        current = tickets.latest_for_visit(db.get_session(), visit_token())
    except sa.exc.SQLAlchemyError as error:
        if db.is_busy(error):
            return make_response("", 204)  # keep showing the last state; the next poll tries again
        db.report_unavailable(error)
        # The visitor is told, and the poll goes on: the status comes back by itself with the database.
        # Whether the request is urgent is unknown now, so the screen keeps holding the idle reset off.
        shown = {"ticket": None, "state": "unreachable", "hold": int(_seconds("URGENT_HOLD_SECONDS").total_seconds())}
    else:
        shown = status_context(current)
    if request.args.get("seen") == shown["state"]:
        return make_response("", 204)
    return make_response(render_template("talk/_status.html", **shown))


@bp.get("/ticket/chip")
def chip() -> ResponseReturnValue:
    """Return the ticket chip for the kiosk to poll; 204 when nothing changed since `seen`."""
    try:
        current = tickets.latest_for_visit(db.get_session(), visit_token())
    except sa.exc.SQLAlchemyError as error:
        if not db.is_busy(error):
            db.report_unavailable(error)
        return make_response("", 204)  # keep showing the last state; the next poll tries again
    state = visitor_state(current) if current else "gone"
    if request.args.get("seen") == state:
        return make_response("", 204)
    return make_response(render_template("talk/_chip.html", ticket=current, state=state))


@bp.route("/ticket/cancel", methods=["GET", "POST"])
def cancel() -> ResponseReturnValue:
    """Ask whether to cancel the request, and cancel it on a yes."""
    current = tickets.open_for_visit(db.get_session(), visit_token())
    if current is None:
        return redirect(url_for(".ticket"))
    if current.is_urgent:
        # A visitor who may be confused or in great pain cannot call off an emergency; staff close it.
        return redirect(url_for(".urgent"), code=303)
    if request.method == "GET":
        return _screen("talk/_cancel.html", ticket=current, back_url=url_for(".ticket"), hide_chip=True)
    # Staff may have closed it a moment earlier; the ticket screen then says how it ended.
    with contextlib.suppress(tickets.TicketConflict, tickets.TicketNotFound):
        tickets.act(db.get_session(), current.id, "cancel", visit=visit_token())
    return redirect(url_for(".ticket"), code=303)


@bp.app_template_filter("key_label")
def key_label(key: str) -> str:
    """Return what an on-screen key shows."""
    return keyboard.mark_label(key)


@bp.app_template_filter("key_name")
def key_name(key: str) -> str | None:
    """Return the spoken name of an on-screen key that shows a symbol."""
    return keyboard.key_name(key)
