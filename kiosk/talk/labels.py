"""The words a visitor's request is shown with: what they want, when, and where it stands."""

from __future__ import annotations

from kiosk.core.models import Reason, Status, When
from kiosk.i18n import gettext as _, lazy_gettext as _l

REASONS = {
    Reason.BOOK: _l("Book a massage for sciatica"),
    Reason.QUESTION: _l("Ask a question"),
    Reason.OTHER: _l("Something else"),
}
WHENS = {When.TODAY: _l("Today"), When.ANOTHER_DAY: _l("Another day")}


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
    }
    return labels.get(state, labels["gone"])


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
