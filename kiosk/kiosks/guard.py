"""The kiosk this request comes from, read from the request for the views that need it."""

from __future__ import annotations

import logging

from flask import current_app, g, request

from kiosk.core import db
from kiosk.core.proxy import UNTRUSTED_FORWARD
from kiosk.kiosks import identity

log = logging.getLogger(__name__)

COOKIE = "kiosk_key"
COOKIE_MAX_AGE_SECONDS = 400 * 24 * 3600  # Chromium keeps no cookie longer than 400 days


def current_identity() -> identity.Identity:
    """Return the kiosk this request comes from, or why it is not a known kiosk."""
    if "kiosk_identity" not in g:
        config = current_app.config
        g.kiosk_identity = identity.identify(
            db.get_session(),
            key=request.cookies.get(COOKIE),
            address=request.remote_addr or "",
            names=dict(config["KIOSK_NAMES"]),
            loopback_name=str(config["KIOSK_NAME"]) if config["KIOSK_LOOPBACK"] else None,
            via_untrusted_proxy=bool(request.environ.get(UNTRUSTED_FORWARD)),
        )
    found: identity.Identity = g.kiosk_identity
    return found


def known_kiosk() -> identity.KnownKiosk | None:
    """Return the known kiosk this request comes from; log why when there is none."""
    found = current_identity()
    if found.kiosk is None:
        log.warning("Refused a request to staff from %s: %s.", request.remote_addr, found.refusal)
    return found.kiosk
