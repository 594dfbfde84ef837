"""The emergency telephone number: read from the settings, checked at start, shown as set, read aloud digit by digit."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from flask import Flask

log = logging.getLogger(__name__)

# 112 reaches the emergency services from any mobile phone in the EU and the UK, and in many other countries.
DEFAULT_NUMBER = "112"
NUMBER = re.compile(r"[0-9]{2,8}")


class SettingError(ValueError):
    """A setting that the kiosk cannot start with; the message says what to write instead."""


def number(config: Mapping[str, Any]) -> str:
    """Return the emergency number to show: EMERGENCY_NUMBER, or the default when it is not set."""
    configured = config.get("EMERGENCY_NUMBER")
    return DEFAULT_NUMBER if configured is None else str(configured).strip()


def spoken(digits: str) -> str:
    """Return the number as speech should read it: one digit at a time ("1 1 2", never "a hundred and twelve")."""
    # Measured with espeak-ng: every voice reads "112" as a whole number, but "1 1 2" digit by digit.
    return " ".join(digits)


def reviewed(config: Mapping[str, Any]) -> date:
    """Return the day the content was last reviewed, from CONTENT_REVIEWED (YYYY-MM-DD)."""
    value = config["CONTENT_REVIEWED"]
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def check(app: Flask) -> None:
    """Refuse to start with an emergency number or review date that cannot be right; warn when the number is a guess."""
    shown = number(app.config)
    if not NUMBER.fullmatch(shown):
        raise SettingError(
            f"EMERGENCY_NUMBER must be the emergency telephone number in digits only, such as 112, 999 or 911; "
            f"got {app.config.get('EMERGENCY_NUMBER')!r}."
        )
    try:
        reviewed(app.config)
    except ValueError:
        raise SettingError(
            f"CONTENT_REVIEWED must be a date written YYYY-MM-DD; got {app.config['CONTENT_REVIEWED']!r}."
        ) from None
    if app.config.get("EMERGENCY_NUMBER") is None:
        log.warning(
            "EMERGENCY_NUMBER is not set, so the kiosk tells visitors to call %s. Set it to this clinic's "
            'emergency number (KIOSK_EMERGENCY_NUMBER=999, or EMERGENCY_NUMBER = "999" in %s/config.py).',
            DEFAULT_NUMBER,
            app.instance_path,
        )
