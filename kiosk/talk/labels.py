"""The words a visitor's request is shown with: what they want, when, and where it stands, urgent or not."""

from __future__ import annotations

from kiosk.core.models import Reason, Status, Ticket, When
from kiosk.i18n import gettext as _, lazy_gettext as _l

REASONS = {
    Reason.BOOK: _l("Book a massage for sciatica"),
    Reason.QUESTION: _l("Ask a question"),
    Reason.OTHER: _l("Something else"),
}
WHENS = {When.TODAY: _l("Today"), When.ANOTHER_DAY: _l("Another day")}
# What the front desk reads for every reason, "Get help now" included (which the kiosk never offers as a choice).
STAFF_REASONS = {**REASONS, Reason.URGENT: _l("Urgent help")}


def unreachable_message() -> str:
    """Tell a visitor, plainly, that the staff cannot be reached from the kiosk (the database is down or full)."""
    # TRANSLATORS: shown when the kiosk cannot pass a request on to the staff, for example in a network outage.
    return str(
        _(
            "Sorry, we can't reach the staff from this screen right now. "
            "Please go to the front desk, or try again in a minute."
        )
    )


def talk_status_label(state: str) -> str:
    """Return the kiosk's words for a request's state."""
    labels = {
        str(Status.WAITING): _("Please wait here. A staff member will come to you soon."),
        "late": _(
            "We are sorry: no one has answered yet. We have alerted the front desk again. "
            "Please wait a little longer, or go to the front desk."
        ),
        str(Status.ACKNOWLEDGED): _("A staff member is on the way."),
        str(Status.DONE): _("Done. Thank you!"),
        str(Status.NO_SHOW): _("We could not find you. If you still need help, please ask again."),
        str(Status.CANCELLED): _("Your request is cancelled."),
        "gone": _("This request has ended."),
        "unreachable": unreachable_message(),
    }
    return labels.get(state, labels["gone"])


def urgent_status_lines(ticket: Ticket, state: str, number: str) -> list[str]:
    """Return the kiosk's words for an urgent request's state: what is happening, then what to do."""
    ask_someone = _("If you cannot walk, ask someone near you to get help.")
    if state == "late":
        # TRANSLATORS: Shown when no staff member has answered an urgent request after a short time.
        # %(number)s is the emergency telephone number; keep it exactly as written.
        return [_("No one has answered yet. Call %(number)s now, or go to the front desk.", number=number), ask_someone]
    if state == Status.ACKNOWLEDGED:
        # TRANSLATORS: Shown when a staff member has answered the urgent request on their screen.
        return [_("A staff member has seen your call and is on the way.")]
    if state != Status.WAITING:
        return [talk_status_label(state)]
    # TRANSLATORS: Shown at once after "Get help now" is tapped, when the request reached the staff.
    coming = _("A staff member is coming now.")
    if ticket.reason != Reason.URGENT:
        # TRANSLATORS: Shown when a visitor who was already waiting about booking taps "Get help now".
        coming = _("Your request is now marked urgent. A staff member is coming now.")
    # TRANSLATORS: Shown after "Get help now", while waiting for staff: so that staff find the visitor here.
    return [coming, _("Please stay where you are.")]


def talk_chip_label(state: str) -> str:
    """Return the one or two words the ticket chip at the foot of every screen shows for a request's state."""
    labels = {
        # TRANSLATORS: Status on the small ticket chip at the foot of the screen. At most 16 characters.
        str(Status.WAITING): _("Waiting"),
        # TRANSLATORS: Status on the ticket chip: no one has answered for a while. At most 16 characters.
        "late": _("Still waiting"),
        # TRANSLATORS: Status on the ticket chip: a staff member is coming. At most 16 characters.
        str(Status.ACKNOWLEDGED): _("On the way"),
        # TRANSLATORS: Status on the ticket chip: the request was dealt with. At most 16 characters.
        str(Status.DONE): _("Done"),
        # TRANSLATORS: Status on the ticket chip: staff could not find the visitor. At most 16 characters.
        str(Status.NO_SHOW): _("Not found"),
        # TRANSLATORS: Status on the ticket chip: the request was cancelled. At most 16 characters.
        str(Status.CANCELLED): _("Cancelled"),
    }
    # TRANSLATORS: Status on the ticket chip: the request no longer exists. At most 16 characters.
    return labels.get(state) or _("Ended")
