"""Device cookies: a browser that has signed in to an account keeps its own allowance of wrong passwords.

An attacker's burst of guesses then slows down only the attacker; the front-desk PC, which signed in
before, still gets in at once (OWASP, "Slow Down Online Guessing Attacks with Device Cookies").
"""

from __future__ import annotations

import secrets

from itsdangerous import BadSignature, URLSafeTimedSerializer

from kiosk.core.throttle import digest

COOKIE = "staff_device"
MAX_AGE_SECONDS = 400 * 24 * 3600  # Chromium keeps no cookie longer than 400 days
# Several receptionists may share one PC; the cookie remembers this many accounts.
MAX_NAMES = 8


def _serializer(secret: str) -> URLSafeTimedSerializer:
    """Return the signer for device cookies; its salt keeps them apart from every other signed value."""
    return URLSafeTimedSerializer(secret, salt="staff-device")


def _read(secret: str, value: str | None) -> tuple[str, list[str]] | None:
    """Return a device cookie's id and account digests if it is genuine and not too old."""
    if not value:
        return None
    try:
        data = _serializer(secret).loads(value, max_age=MAX_AGE_SECONDS)
    except BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    device, names = data.get("d"), data.get("n")
    if not isinstance(device, str) or not isinstance(names, list):
        return None
    return device, [str(item) for item in names]


def device_for(secret: str, value: str | None, name: str) -> str | None:
    """Return this browser's device id if it has signed in to the account called name before."""
    found = _read(secret, value)
    if found is None or digest(name.casefold()) not in found[1]:
        return None
    return found[0]


def remember(secret: str, value: str | None, name: str) -> str:
    """Return the cookie value after a successful sign-in to the account called name."""
    device, names = _read(secret, value) or (secrets.token_urlsafe(16), [])
    mine = digest(name.casefold())
    kept = [item for item in names if item != mine] + [mine]
    return str(_serializer(secret).dumps({"d": device, "n": kept[-MAX_NAMES:]}))
