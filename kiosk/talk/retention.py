"""Keeping first names no longer than needed: the purge and the timer that runs it in the server."""

from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta

from flask import Flask

from kiosk.core import db, throttle
from kiosk.core.clock import zone_of
from kiosk.talk import tickets

log = logging.getLogger(__name__)


def purge(app: Flask) -> int:
    """Erase the first names the retention period no longer covers, and return how many."""
    seconds = app.config["FIRST_NAME_RETENTION_SECONDS"]
    with db.session_scope(app) as session:
        # Rate-limit counters hold network addresses; keep them no longer than they count.
        throttle.purge_expired(session, time.time())
        return tickets.purge_first_names(
            session,
            retention=timedelta(seconds=float(seconds)) if seconds is not None else None,
            zone=zone_of(app.config["TIMEZONE"]),
        )


def start_schedule(app: Flask) -> threading.Event:
    """Purge now and then every PURGE_INTERVAL_SECONDS in a background thread; set the event to stop."""
    stop = threading.Event()
    interval = float(app.config["PURGE_INTERVAL_SECONDS"])

    def run() -> None:
        while True:
            try:
                erased = purge(app)
                if erased:
                    log.info("Erased %d first names past their retention period", erased)
            except Exception:
                log.exception("First-name purge failed; retrying in %s s", interval)
            if stop.wait(interval):
                return

    threading.Thread(target=run, name="kiosk-name-purge", daemon=True).start()
    return stop
