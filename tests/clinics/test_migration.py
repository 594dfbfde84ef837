"""The clinics migration on an install that has data: everything joins the default clinic, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from alembic import command

from kiosk.core import db

BEFORE = "0004_staff_language"


@pytest.fixture
def engine(database_url: str) -> Iterator[sa.Engine]:
    """An engine on an empty test database."""
    made = db.make_engine(database_url)
    yield made
    made.dispose()


def migrate_to(engine: sa.Engine, revision: str, direction: str = "upgrade") -> None:
    """Run Alembic up or down to revision on engine."""
    with engine.connect() as connection:
        config = db._alembic_config()
        config.attributes["connection"] = connection
        getattr(command, direction)(config, revision)
        connection.commit()


def test_an_existing_install_keeps_its_requests_and_roles_in_the_default_clinic(engine: sa.Engine) -> None:
    migrate_to(engine, BEFORE)
    with engine.begin() as connection:
        run = connection.exec_driver_sql
        run(
            "INSERT INTO staff (id, name, password_hash, failed_logins, session_version, created_at)"
            " VALUES (1, 'Ana', 'x', 0, 1, '2026-03-02 12:00:00')"
        )
        run("INSERT INTO staff_permissions (staff_id, permission) VALUES (1, 'front_desk'), (1, 'translator')")
        run("INSERT INTO day_counters (day, last) VALUES ('2026-03-02', 2)")
        for number, visit in ((1, "v1"), (2, "v2")):
            run(
                "INSERT INTO tickets (day, number, visit, kiosk, reason, status, created_at)"
                f" VALUES ('2026-03-02', {number}, '{visit}', 'Hall', 'book', 'waiting', '2026-03-02 12:00:00')"
            )
    migrate_to(engine, "head")
    with engine.connect() as connection:
        run = connection.exec_driver_sql
        assert run("SELECT id, name FROM clinics").all() == [(1, "Our clinic")]
        assert run("SELECT DISTINCT clinic_id FROM tickets").all() == [(1,)]
        assert run("SELECT clinic_id, permission FROM staff_permissions ORDER BY permission").all() == [
            (1, "front_desk"),
            (1, "translator"),
        ]
        assert run("SELECT clinic_id, last FROM day_counters").all() == [(1, 2)]
        # A second open request of one visit is still refused: the partial unique index survived the copy.
        with pytest.raises(sa.exc.IntegrityError):
            run(
                "INSERT INTO tickets (day, number, visit, kiosk, reason, status, created_at, clinic_id)"
                " VALUES ('2026-03-02', 3, 'v1', 'Hall', 'book', 'waiting', '2026-03-02 12:01:00', 1)"
            )
    with engine.begin() as connection:
        # A new clinic gets the next id, on PostgreSQL too, where the first was inserted with its id given.
        connection.exec_driver_sql("INSERT INTO clinics (name, created_at) VALUES ('North', '2026-03-02 12:00:00')")
        assert connection.exec_driver_sql("SELECT id FROM clinics WHERE name = 'North'").scalar() == 2


def test_going_back_works_with_one_clinic_and_is_refused_with_two(engine: sa.Engine) -> None:
    migrate_to(engine, "head")
    migrate_to(engine, BEFORE, "downgrade")
    assert "clinics" not in sa.inspect(engine).get_table_names()
    migrate_to(engine, "head")
    with engine.begin() as connection:
        connection.exec_driver_sql("INSERT INTO clinics (name, created_at) VALUES ('North', '2026-03-02 12:00:00')")
    with pytest.raises(RuntimeError, match="several exist"):
        migrate_to(engine, BEFORE, "downgrade")
