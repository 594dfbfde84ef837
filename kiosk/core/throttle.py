"""Fixed-window rate limits kept in the database, so every server process and thread shares one count.

Why not Flask-Limiter: its storage (the `limits` package) is process memory, Redis, Memcached, MongoDB or
etcd. Process memory gives each waitress process its own count, and this kiosk has no Redis or
Memcached; it already has a database that every process shares. One UPSERT per attempt (INSERT ... ON
CONFLICT DO UPDATE ... RETURNING, on SQLite 3.35+ and PostgreSQL) counts atomically, however many
attempts arrive at once. A fixed window also caps how long anyone waits: never more than one window.

A database that can be read but not written (its disk is full) must not shut staff out: the counts then
go on in this process's memory (the kiosk serves from one process), with the same limits, until the
database takes writes again.
"""

from __future__ import annotations

import hashlib
import math
import threading
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from kiosk.core import db
from kiosk.core.models import RateLimit

# Rows for windows that ended this long ago are deleted by purge_expired().
KEEP_SECONDS = 24 * 3600


@dataclass(frozen=True)
class Verdict:
    """Whether one more hit fits in its window, and if not, how many seconds until the window ends."""

    allowed: bool
    retry_after: int = 0


def digest(text: str) -> str:
    """Return a short, fixed-length stand-in for text in a key, so no typed name is kept as it was typed."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _window_start(now: float, window: int) -> int:
    """Return the start of the fixed window that holds now."""
    return int(now // window * window)


def _upsert(session: Session, key: str, start: int) -> int:
    """Count one hit on key in the window starting at start, atomically, and return the window's hits."""
    values = {"key": key, "window_start": start, "hits": 1}
    same_window = RateLimit.window_start == start
    changes = {
        "hits": sa.case((same_window, RateLimit.hits + 1), else_=1),
        "window_start": start,
    }
    dialect = session.get_bind().dialect.name
    upsert: sa.UpdateBase
    if dialect == "postgresql":
        upsert = postgresql.insert(RateLimit).values(values).on_conflict_do_update(index_elements=["key"], set_=changes)
    elif dialect == "sqlite":
        upsert = sqlite.insert(RateLimit).values(values).on_conflict_do_update(index_elements=["key"], set_=changes)
    else:  # pragma: no cover - the kiosk supports SQLite and PostgreSQL
        raise RuntimeError(f"rate limits need SQLite or PostgreSQL, not {dialect}")
    return int(session.execute(upsert.returning(RateLimit.hits)).scalar_one())


class _Fallback:
    """Counts kept in memory while the database cannot be written: the same fixed windows, one process."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.counts: dict[str, tuple[int, int, int]] = {}  # key -> (window start, window, hits)

    def hit(self, key: str, start: int, window: int, now: float) -> int:
        """Count one hit on key in the window starting at start, and return the window's hits."""
        with self.lock:
            # Windows that ended are of no more use; dropping them keeps the table small.
            self.counts = {name: count for name, count in self.counts.items() if count[0] + count[1] > now}
            began, _window, hits = self.counts.get(key, (start, window, 0))
            hits = hits + 1 if began == start else 1
            self.counts[key] = (start, window, hits)
            return hits

    def give_back(self, key: str, start: int) -> None:
        """Take back one hit counted in memory in the window starting at start."""
        with self.lock:
            began, window, hits = self.counts.get(key, (start, 0, 0))
            if began == start and hits > 0:
                self.counts[key] = (began, window, hits - 1)


_fallback = _Fallback()


def hit(session: Session, key: str, limit: int, window: int, now: float) -> Verdict:
    """Count one hit on key and commit; allowed while the window holds at most limit hits."""
    start = _window_start(now, window)
    try:
        hits = _upsert(session, key, start)
        session.commit()
    except sa.exc.OperationalError as error:
        session.rollback()
        if not db.is_full(error):
            raise
        db.report_unavailable(error)
        hits = _fallback.hit(key, start, window, now)
    if hits <= limit:
        return Verdict(True)
    return Verdict(False, max(1, math.ceil(start + window - now)))


def peek(session: Session, key: str, limit: int, window: int, now: float) -> Verdict:
    """Tell whether key still has room in its window, without counting anything."""
    start = _window_start(now, window)
    hits = session.scalar(sa.select(RateLimit.hits).where(RateLimit.key == key, RateLimit.window_start == start))
    if (hits or 0) < limit:
        return Verdict(True)
    return Verdict(False, max(1, math.ceil(start + window - now)))


def give_back(session: Session, key: str, window: int, now: float) -> None:
    """Take back one hit counted in the current window (a reserved attempt that turned out fine) and commit."""
    start = _window_start(now, window)
    _fallback.give_back(key, start)
    try:
        session.execute(
            sa.update(RateLimit)
            .where(RateLimit.key == key, RateLimit.window_start == start, RateLimit.hits > 0)
            .values(hits=RateLimit.hits - 1)
        )
        session.commit()
    except sa.exc.OperationalError as error:
        session.rollback()
        if not db.is_full(error):
            raise


def clear(session: Session, key: str) -> None:
    """Forget every hit on key and commit (a new password, a removed kiosk)."""
    session.execute(sa.delete(RateLimit).where(RateLimit.key == key))
    session.commit()


def purge_expired(session: Session, now: float) -> int:
    """Delete counters whose window ended long ago, and return how many; they hold network addresses."""
    result = session.execute(sa.delete(RateLimit).where(RateLimit.window_start < now - KEEP_SECONDS))
    session.commit()
    return int(getattr(result, "rowcount", 0) or 0)
