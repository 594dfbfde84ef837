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
