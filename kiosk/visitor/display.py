"""Per-visit display choices (text size, high contrast) and the reset that clears the visit."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, redirect, request, session
from htmx_flask import make_response

from kiosk import i18n
from kiosk.core.partials import is_partial
from kiosk.extensions import csrf
from kiosk.visitor import content

bp = Blueprint("display", __name__)

TEXT_SIZES = ("normal", "large", "largest")
CONTRASTS = ("normal", "high")


def safe_next(target: str | None) -> str:
    """Return target if it is a path on this kiosk, else the home screen, so no form leaves the kiosk."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def current_display() -> dict[str, str]:
    """Return this visit's display choices, defaulting any missing or tampered value."""
    size = session.get("text_size")
    contrast = session.get("contrast")
    return {
        "text_size": size if size in TEXT_SIZES else TEXT_SIZES[0],
        "contrast": contrast if contrast in CONTRASTS else CONTRASTS[0],
    }


@bp.app_context_processor
def display_context() -> dict[str, Any]:
    """Give every template the visit's display choices, language and idle timings."""
    return {
        "display": current_display(),
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
def root() -> Response:
    """Send a bare visit to the home screen in the visit's language."""
    return redirect(f"/{i18n.visit_language().tag}/")  # type: ignore[return-value]


@bp.post("/display")
def change_display() -> Response:
    """Change the text size or contrast for this visit."""
    size = request.form.get("text_size")
    contrast = request.form.get("contrast")
    if size in TEXT_SIZES:
        session["text_size"] = size
    if contrast in CONTRASTS:
        session["contrast"] = contrast
    if is_partial():
        # The choice lives on <html>, outside any swap, so the page script applies it.
        return make_response("", 204, trigger={"kiosk-display": current_display()})
    return redirect(safe_next(request.form.get("next")))  # type: ignore[return-value]


@bp.post("/reset")
@csrf.exempt  # Clearing one's own visit is harmless, and the idle timer must work with a stale token.
def reset() -> Response:
    """End the visit: forget the language, display choices and everything else in the session."""
    session.clear()
    return redirect("/")  # type: ignore[return-value]


def countdown_texts(total: int) -> list[str]:
    """Return the countdown sentence for every second from 0 to total, in the visitor's language."""
    # Kept on the catalog object itself, so a reloaded catalog starts a fresh list.
    cache = i18n.request_translations().__dict__.setdefault("kiosk_countdown", {})
    if total not in cache:
        cache[total] = [str(countdown_text(seconds)) for seconds in range(total + 1)]
    return cache[total]


@bp.app_template_filter("countdown_text")
def countdown_text(seconds: int) -> str:
    """Say how many seconds are left before the idle reset, with the language's plural form."""
    return i18n.ngettext(
        "Going back to the start in %(num)d second.",
        "Going back to the start in %(num)d seconds.",
        seconds,
    )
