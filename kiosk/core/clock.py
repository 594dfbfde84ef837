"""The clinic's time: its zone, its calendar day, and when that day starts."""

from __future__ import annotations

from datetime import date, datetime, time, tzinfo
from zoneinfo import ZoneInfo


def zone_of(name: str | None) -> tzinfo | None:
    """Return the clinic's time zone from its name, or None for the server's own."""
    return ZoneInfo(name) if name else None


def local_day(moment: datetime, zone: tzinfo | None) -> date:
    """Return the clinic's calendar day at moment."""
    return moment.astimezone(zone).date()


def start_of_day(day: date, zone: tzinfo | None) -> datetime:
    """Return the moment the clinic's day begins."""
    naive = datetime.combine(day, time())
    return naive.replace(tzinfo=zone) if zone else naive.astimezone()
