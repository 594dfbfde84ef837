"""The words speech mode adds to what is on screen: roles, states, help, and what it says when it starts."""

from __future__ import annotations

from kiosk.i18n import gettext as _
from kiosk.speech.views import NO_VOICE, UNAVAILABLE


def mode_strings() -> dict[str, object]:
    """Return speech mode's own words in the current language."""
    return {
        "roles": {
            # TRANSLATORS: Speech mode says this after a control's name, as screen readers do: "Start, button".
            "button": _("button"),
            # TRANSLATORS: Speech mode says this after a link's name, as screen readers do: "Symptoms, link".
            "link": _("link"),
            # TRANSLATORS: Speech mode says this after a heading, as screen readers do.
            "heading": _("heading"),
            # TRANSLATORS: Speech mode says this after the description of a drawing.
            "img": _("picture"),
            # TRANSLATORS: Speech mode says this after the label of a box to type in, such as "First name".
            "textbox": _("text field"),
            # TRANSLATORS: Speech mode says this after the title of a window over the screen ("Are you still there?").
            "dialog": _("dialog"),
        },
        "states": {
            # TRANSLATORS: Speech mode says this after a chosen button or language: "English, link, selected".
            "selected": _("selected"),
            # TRANSLATORS: Speech mode says this for a box to type in that is still empty.
            "empty": _("empty"),
            # TRANSLATORS: Speech mode says this after a button that cannot be used right now.
            "unavailable": _("unavailable"),
        },
        # TRANSLATORS: Said when speech mode starts, before how to use it.
        "on": _("Speech is on."),
        # TRANSLATORS: Said when the visitor turns speech mode off.
        "off": _("Speech is off."),
        # TRANSLATORS: How to use speech mode on the touchscreen, said when it starts and on request.
        "touch": _(
            "Touch the screen to hear what is there. Tap the same place again to choose it. "
            "Slide one finger to explore, and two fingers to scroll."
        ),
        # TRANSLATORS: How to use speech mode with a keyboard or keypad, said when it starts and on request.
        "keys": _(
            "Use Tab or the arrow keys to move, Enter to choose and Escape to go back. "
            "The question mark or star key tells you where you are."
        ),
        # TRANSLATORS: Said before the title of the screen when the visitor asks where they are.
        "where": _("You are here:"),
        "volume": _("Volume %(level)s of %(levels)s.", level="{level}", levels="{levels}"),
        "loudest": _("This is the loudest setting."),
        "quietest": _("This is the quietest setting."),
        "no_voice": str(NO_VOICE),
        "unavailable": str(UNAVAILABLE),
        "offline": _("The kiosk cannot reach its server. Please ask at the front desk."),
    }
