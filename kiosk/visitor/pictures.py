"""The kiosk's own pictures: the icons and pictograms drawn once and kept, and what each pictogram shows, in words."""

from __future__ import annotations

from typing import Any

from flask import current_app
from markupsafe import Markup

from kiosk.i18n import SafeLazyString as LazyString, lazy_gettext as _l

ICONS = "components/icons.html"
PICTOGRAMS = "components/pictograms.html"

# One description per pictogram (templates/components/pictograms.html draws them), read by screen readers
# wherever a picture is content rather than decoration beside its label.
PICTOGRAM_ALTS: dict[str, LazyString] = {
    # TRANSLATORS: Text alternative for a picture, read by screen readers.
    "question": _l("Picture: a person holding their lower back, where it hurts"),
    # TRANSLATORS: Text alternative for a picture, read by screen readers.
    "symptoms": _l("Picture: a leg with pain shooting down the back of it"),
    # TRANSLATORS: Text alternative for a picture, read by screen readers.
    "causes": _l("Picture: the bones of the spine, looked at through a magnifying glass"),
    # TRANSLATORS: Text alternative for a picture, read by screen readers.
    "disc": _l("Picture: a soft disc between two bones of the spine, bulging out and pressing on a nerve"),
    # TRANSLATORS: Text alternative for a picture, read by screen readers.
    "muscle": _l("Picture: the hips from behind, with a tight muscle deep in one buttock pressing on the nerve"),
    # TRANSLATORS: Text alternative for a picture, read by screen readers.
    "stenosis": _l("Picture: a tunnel that gets narrow in the middle and squeezes the nerve inside it"),
    # TRANSLATORS: Text alternative for a picture, read by screen readers.
    "slip": _l("Picture: three bones of the spine; the middle one has slipped forward, out of line"),
    # TRANSLATORS: Text alternative for a picture, read by screen readers.
    "massage": _l("Picture: two hands massaging the lower back of a person lying down"),
    # TRANSLATORS: Text alternative for a picture, read by screen readers.
    "urgent": _l("Picture: a warning sign"),
    # TRANSLATORS: Text alternative for a picture, read by screen readers.
    "ask": _l("Picture: a speech bubble with a question mark"),
    # TRANSLATORS: Text alternative for a picture, read by screen readers.
    "staff": _l("Picture: a member of staff who will talk with you"),
}


def pictogram_alt(name: str) -> str | None:
    """Return the description of a pictogram in the current language, or None for one without a picture."""
    alt = PICTOGRAM_ALTS.get(name)
    return str(alt) if alt is not None else None


def _drawn(template: str, macro: str, *args: Any) -> Markup:
    """Draw a picture with its template macro the first time, and return the kept drawing after that."""
    # A screen has a dozen pictures; calling their macros on every page cost more than the rest of the dock.
    kept: dict[tuple[Any, ...], Markup] = current_app.extensions.setdefault("kiosk_pictures", {})
    key = (template, macro, *args)
    if key not in kept:
        kept[key] = Markup(getattr(current_app.jinja_env.get_template(template).module, macro)(*args))
    return kept[key]


def icon(name: str, extra: str = "") -> Markup:
    """Return a small icon beside a label (decoration: the label names the control)."""
    return _drawn(ICONS, "icon", name, extra)


def pictogram(name: str, alt: str | None = None, extra: str = "") -> Markup:
    """Return a 96 px pictogram: content with its words when alt is given, else decoration."""
    return _drawn(PICTOGRAMS, "pictogram", name, alt, extra)
