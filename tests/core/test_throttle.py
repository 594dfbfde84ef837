"""Rate limits in the database, and what they do on a full disk: count in memory, never shut staff out."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from kiosk.core import db, throttle
from kiosk.core.models import RateLimit
from kiosk.staff import accounts
from tests.helpers.desk import PASSWORD
from tests.helpers.disks import can_mount, fill, small_filesystem

NOW = 1_800_000_030.0  # 30 s into a 60 s window
POLICY = accounts.LoginPolicy(window=60, per_address=3, per_account=3)


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[sa.Engine]:
    """A migrated SQLite database in a file."""
    made = db.make_engine(f"sqlite:///{tmp_path / 'kiosk.sqlite3'}")
    db.migrate(made)
    yield made
    made.dispose()


def stored(engine: sa.Engine, key: str) -> int | None:
    """Return the hits the database holds for key, or None."""
    with Session(engine) as session:
        return session.scalar(sa.select(RateLimit.hits).where(RateLimit.key == key))


def test_hits_count_in_a_fixed_window_and_a_new_window_starts_again(engine: sa.Engine) -> None:
    with Session(engine) as session:
        verdicts = [throttle.hit(session, "k", 2, 60, NOW) for _ in range(3)]
        assert [verdict.allowed for verdict in verdicts] == [True, True, False]
        assert verdicts[2].retry_after == 30  # the rest of the window, never more
        assert not throttle.peek(session, "k", 2, 60, NOW).allowed
        throttle.give_back(session, "k", 60, NOW)
        assert stored(engine, "k") == 2
        assert throttle.hit(session, "k", 2, 60, NOW + 30).allowed  # the next window
        assert stored(engine, "k") == 1


@pytest.fixture
def full_disk() -> Iterator[Path]:
    """A real, small filesystem for the database, which the test fills."""
    if not can_mount():
        pytest.fail("This test mounts a small filesystem and needs root, as `make test` and CI have.")
    with small_filesystem(8) as mounted:
        yield mounted


def test_a_full_disk_counts_sign_ins_in_memory_and_the_right_password_still_gets_in(full_disk: Path) -> None:
    path = full_disk / "kiosk.sqlite3"
    engine = db.make_engine(f"sqlite:///{path}")
    try:
        db.migrate(engine)
        with Session(engine) as session:
            accounts.add(session, "Ana", PASSWORD, ["front_desk"])
        with sqlite3.connect(path) as connection:
            # An empty write-ahead log: the next write must grow it, and cannot.
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        filler = fill(full_disk)
        with Session(engine) as session:
            session.execute(sa.insert(RateLimit).values(key="probe", window_start=0, hits=1))
            with pytest.raises(sa.exc.OperationalError) as full:
                session.commit()
            session.rollback()
            assert db.is_full(full.value)
            assert not db.is_busy(full.value)

            # Guesses from another address are still limited, in memory; the answers stay the same for all.
            guesses = [
                accounts.authenticate(session, "Ana", "wrong", address="10.0.0.9", policy=POLICY, now=NOW)
                for _ in range(4)
            ]
            assert [guess.staff for guess in guesses] == [None] * 4
            assert [guess.locked_for is None for guess in guesses] == [True, True, True, False]
            # A browser that signed in before has its own counter: the owner gets in, on a full disk.
            right = accounts.authenticate(
                session, "Ana", PASSWORD, address="10.0.0.5", policy=POLICY, device="desk-pc", now=NOW
            )
            assert right.staff is not None
            assert right.staff.name == "Ana"

        filler.unlink()
        with Session(engine) as session:
            # Room again: the counts go back to the database, shared by every process.
            assert throttle.hit(session, "after", 3, 60, NOW).allowed
        assert stored(engine, "after") == 1
    finally:
        engine.dispose()
