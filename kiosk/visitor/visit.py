"""One visit's state: its display choices, and the countdown the idle reset shows before it ends the visit."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kiosk import i18n

TEXT_SIZES = ("normal", "large", "largest")
CONTRASTS = ("normal", "high")


def display_choices(stored: Mapping[str, Any], default_size: str = TEXT_SIZES[0]) -> dict[str, str]:
    """Return a visit's display choices from what its session holds, defaulting any missing or tampered value."""
    size = stored.get("text_size")
    contrast = stored.get("contrast")
    return {
        "text_size": size if size in TEXT_SIZES else default_size if default_size in TEXT_SIZES else TEXT_SIZES[0],
        "contrast": contrast if contrast in CONTRASTS else CONTRASTS[0],
    }


def countdown_text(seconds: int) -> str:
    """Say how many seconds are left before the idle reset, with the language's plural form."""
    return i18n.ngettext(
        "Going back to the start in %(num)d second.",
        "Going back to the start in %(num)d seconds.",
        seconds,
    )


def countdown_texts(total: int) -> list[str]:
    """Return the countdown sentence for every second from 0 to total, in the visitor's language."""
    # Kept on the catalog object itself, so a reloaded catalog starts a fresh list.
    cache = i18n.request_translations().__dict__.setdefault("kiosk_countdown", {})
    if total not in cache:
        cache[total] = [countdown_text(seconds) for seconds in range(total + 1)]
    return list(cache[total])
