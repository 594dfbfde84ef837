"""Addresses a form may send the browser back to: only paths on this kiosk, never another site."""

from __future__ import annotations


def safe_next(target: str | None) -> str:
    """Return target if it is a path on this kiosk, else the home screen, so no form leaves the kiosk."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"
