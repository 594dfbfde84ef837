"""The front-desk dashboard: open requests live, the actions on them, today's history and its CSV export."""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, Response, current_app, flash, make_response, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from htmx_flask import request as htmx_request
from werkzeug.wrappers import Response as WerkzeugResponse

from kiosk import i18n
from kiosk.clinics import service as clinics
from kiosk.core import db
from kiosk.core.clock import local_day, zone_of
from kiosk.core.models import Status, Ticket, utcnow
from kiosk.i18n import gettext as _, ngettext
from kiosk.staff.guard import current_staff, desk_clinics, login_required
from kiosk.staff.languages import LanguageLabel, language_label
from kiosk.talk import tickets, urgent
from kiosk.talk.labels import STAFF_REASONS, WHENS

log = logging.getLogger(__name__)

bp = Blueprint("staff", __name__, url_prefix="/staff")

TOKEN_RENEWAL_SECONDS = 20 * 60


def _zone() -> tzinfo | None:
    """Return the clinic's time zone."""
    return zone_of(current_app.config["TIMEZONE"])


def _escalate_after() -> timedelta:
    """Return how long a request may wait before it is escalated."""
    return timedelta(seconds=float(current_app.config["ESCALATE_AFTER_SECONDS"]))


@bp.app_template_filter("clock")
def clock(moment: datetime | None) -> str:
    """Return a moment as the clinic's hours and minutes."""
    return moment.astimezone(_zone()).strftime("%H:%M") if moment else ""


@bp.app_template_filter("duration")
def duration(span: timedelta) -> str:
    """Return a wait in whole minutes, in words."""
    minutes = int(span.total_seconds() // 60)
    if minutes < 1:
        return str(_("under a minute"))
    return str(ngettext("%(num)d minute", "%(num)d minutes", minutes))


def status_label(ticket: Ticket) -> str:
    """Return a request's status in words, naming who acted."""
    who = ticket.acknowledged_by.name if ticket.acknowledged_by else _("someone")
    closer = ticket.closed_by.name if ticket.closed_by else None
    labels = {
        Status.WAITING: _("Waiting"),
        Status.ACKNOWLEDGED: _("%(name)s is on the way", name=who),
        Status.DONE: _("Done by %(name)s", name=closer) if closer else _("Done"),
        Status.NO_SHOW: _("No-show, marked by %(name)s", name=closer) if closer else _("No-show"),
        Status.CANCELLED: _("Cancelled by the visitor") if not closer else _("Cancelled"),
    }
    return str(labels[Status(ticket.status)])


def request_language(code: str | None) -> LanguageLabel | None:
    """Return a request's language named in its own script and in the staff member's language."""
    return language_label(code, i18n.current_language().code)


def clinic_names() -> dict[int, str]:
    """Return the names of the signed-in account's front-desk clinics, by id."""
    mine = desk_clinics()
    if not mine:
        return {}
    return {clinic.id: clinic.name for clinic in clinics.all_clinics(db.get_session()) if clinic.id in mine}


def is_chain() -> bool:
    """Tell whether this install has several clinics, so staff pages name them."""
    return len(clinics.all_clinics(db.get_session())) > 1


@bp.context_processor
def staff_context() -> dict[str, Any]:
    """Give staff templates the account, its clinics, the labels and the clock."""
    return {
        "staff": current_staff(),
        "reasons": STAFF_REASONS,
        "whens": WHENS,
        "status_label": status_label,
        "request_language": request_language,
        "clinic_names": clinic_names(),
        "chain": is_chain(),
    }


@dataclass(frozen=True)
class Row:
    """One open request on the dashboard, with whether it waits too long and for how long."""

    ticket: Ticket
    late: bool
    waited: timedelta


def _late(ticket: Ticket, now: datetime) -> bool:
    """Tell whether a request waits too long: URGENT_ANSWER_SECONDS if urgent, else ESCALATE_AFTER_SECONDS."""
    if ticket.is_urgent:
        return urgent.unanswered(ticket, now, timedelta(seconds=float(current_app.config["URGENT_ANSWER_SECONDS"])))
    return tickets.is_escalated(ticket, now, _escalate_after())


def _panel() -> dict[str, Any]:
    """Return what the open requests panel shows, urgent first, with a stamp that changes whenever that does."""
    now = utcnow()
    rows = [
        Row(ticket, _late(ticket, now), tickets.waited(ticket, now))
        for ticket in tickets.open_tickets(db.get_session(), desk_clinics())
    ]
    shown = "|".join(
        f"{row.ticket.id}:{row.ticket.status}:{row.ticket.is_urgent}:{row.late}:{int(row.waited.total_seconds() // 60)}"
        for row in rows
    )
    # The account and a 20-minute tick are part of it, so the forms' CSRF tokens (valid for an hour) are
    # renewed while the screen stays open all day.
    tick = int(time.time() // TOKEN_RENEWAL_SECONDS)
    staff = current_staff()
    stamp = hashlib.sha256(f"{shown}|{staff.id if staff else ''}|{tick}".encode()).hexdigest()[:16]
    return {"rows": rows, "stamp": stamp}


def _open_requests(notice: str | None = None, kind: str = "info", status: int = 200) -> Response:
    """Render the open requests panel; when `seen` matches and there is nothing to say, answer 204."""
    panel = _panel()
    # Unchanged: the browser keeps its DOM, so focus and a half-finished click survive the poll.
    if notice is None and request.args.get("seen") == panel["stamp"]:
        return make_response("", 204)
    body = render_template("staff/_requests.html", notice=notice, kind=kind, renew_token=True, **panel)
    return make_response(body, status)


@bp.get("/")
@login_required("front_desk")
def dashboard() -> ResponseReturnValue:
    """The front-desk screen."""
    return make_response(
        render_template("staff/dashboard.html", title=_("Open requests"), page="dashboard", **_panel())
    )


@bp.get("/requests")
@login_required("front_desk")
def requests() -> ResponseReturnValue:
    """The open requests panel that the dashboard polls."""
    return _open_requests()


@bp.post("/requests/<int:ticket_id>/<any(acknowledge, done, no_show):action>")
@login_required("front_desk")
def act(ticket_id: int, action: str) -> ResponseReturnValue:
    """Acknowledge, finish or mark a no-show; if someone else was quicker, say so and change nothing."""
    staff = current_staff()
    status, kind = 200, "info"
    try:
        ticket = tickets.act(db.get_session(), ticket_id, action, staff=staff, clinic_ids=desk_clinics())
        message = _("Number %(number)d: %(status)s.", number=ticket.number, status=status_label(ticket))
    except tickets.TicketNotFound:
        message, status, kind = _("There is no such request. Nothing was changed."), 404, "error"
    except tickets.TicketConflict as conflict:
        # TRANSLATORS: %(status)s is a request's status, such as "Ana is on the way" or "Done by Ana".
        message = _(
            "Number %(number)d was not changed, because someone else updated it first. Now: %(status)s.",
            number=conflict.ticket.number,
            status=status_label(conflict.ticket),
        )
        status, kind = 409, "error"
    except sa.exc.SQLAlchemyError:
        log.exception("Could not store a staff action")
        message, status, kind = (
            _("The server had a problem saving that. Check the request and try again."),
            503,
            "error",
        )
        if htmx_request.htmx:
            # Not swapped (a 5xx): the page shows its "could not reach the server" banner and keeps polling.
            return make_response(str(message), status)
    response: WerkzeugResponse
    if htmx_request.htmx:
        response = _open_requests(str(message), kind, status)
    else:
        flash(str(message), kind)
        response = redirect(url_for(".dashboard"), code=303)
    response.vary.add("HX-Request")
    return response


def _requested_day() -> date | None:
    """Return the day asked for in ?day=YYYY-MM-DD, today when absent, None when unreadable."""
    raw = request.args.get("day")
    if not raw:
        return local_day(utcnow(), _zone())
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return None


@bp.get("/history")
@login_required("front_desk")
def history() -> ResponseReturnValue:
    """Every request of a day (today by default), with counts."""
    day = _requested_day()
    if day is None:
        return make_response(render_template("staff/error.html", message=_("That is not a date."), title=""), 400)
    session = db.get_session()
    return make_response(
        render_template(
            "staff/history.html",
            title=_("Today's history"),
            page="history",
            day=day,
            now=utcnow(),
            rows=tickets.tickets_of_day(session, day, desk_clinics()),
            counts=tickets.counts(session, day, desk_clinics()),
            waited=tickets.waited,
        )
    )


@bp.get("/history.csv")
@login_required("front_desk")
def export() -> ResponseReturnValue:
    """Download a day's requests as CSV."""
    day = _requested_day()
    if day is None:
        return make_response(render_template("staff/error.html", message=_("That is not a date."), title=""), 400)
    rows = tickets.tickets_of_day(db.get_session(), day, desk_clinics())
    languages = {row.language: request_language(row.language) for row in rows}
    body = tickets.to_csv(
        rows,
        _zone(),
        clinic_names=clinic_names(),
        languages={code: label.text for code, label in languages.items() if label},
    )
    response = make_response(body)
    response.mimetype = "text/csv"
    response.headers["Content-Disposition"] = f'attachment; filename="requests-{day.isoformat()}.csv"'
    response.headers["Cache-Control"] = "no-store"
    return response
