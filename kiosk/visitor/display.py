"""Routes for the visit as a whole: the bare address, the display choices and the reset that ends a visit."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, redirect, request, session
from flask.typing import ResponseReturnValue
from htmx_flask import make_response

from kiosk import i18n
from kiosk.core.partials import is_partial
from kiosk.core.urls import safe_next
from kiosk.extensions import csrf
from kiosk.visitor import content
from kiosk.visitor.visit import CONTRASTS, TEXT_SIZES, countdown_text, countdown_texts, display_choices

bp = Blueprint("display", __name__)
bp.add_app_template_filter(countdown_text, "countdown_text")


@bp.app_context_processor
def display_context() -> dict[str, Any]:
    """Give every template the visit's display choices, language and idle timings."""
    return {
        "display": display_choices(session, current_app.config["DEFAULT_TEXT_SIZE"]),
        "language": i18n.current_language(),
        "idle_seconds": int(current_app.config["IDLE_SECONDS"]),
        "idle_countdown": int(current_app.config["IDLE_COUNTDOWN_SECONDS"]),
        "text_sizes": TEXT_SIZES,
        "countdown_texts": countdown_texts,
        "disclaimer": content.DISCLAIMER,
        "nerve_alt": content.NERVE_ALT,
        "nerve_caption": content.NERVE_CAPTION,
    }


@bp.get("/")
def root() -> ResponseReturnValue:
    """Send a bare visit to the home screen in the visit's language."""
    return redirect(f"/{i18n.visit_language().tag}/")


@bp.post("/display")
def change_display() -> ResponseReturnValue:
    """Change the text size or contrast for this visit."""
    size = request.form.get("text_size")
    contrast = request.form.get("contrast")
    if size in TEXT_SIZES:
        session["text_size"] = size
    if contrast in CONTRASTS:
        session["contrast"] = contrast
    if is_partial():
        # The choice lives on <html>, outside any swap, so the page script applies it.
        choices = display_choices(session, current_app.config["DEFAULT_TEXT_SIZE"])
        response: Response = make_response("", 204, trigger={"kiosk-display": choices})
        return response
    return redirect(safe_next(request.form.get("next")))


@bp.post("/reset")
def reset() -> ResponseReturnValue:
    """End the visit: forget the language, display choices and everything else in the session."""
    session.clear()
    return redirect("/")


# Clearing one's own visit is harmless, and the idle timer must work with a stale token.
csrf.exempt(reset)
