"""The database lifecycle: where it lives, its SQLite settings, and the schema migrated on start."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from flask import Flask, g

from kiosk.core import db
from kiosk.core.models import Base
from tests.helpers.app import make_app


def test_default_database_is_a_sqlite_file_in_the_data_directory_in_wal_mode_with_foreign_keys(
    tmp_path: Path,
) -> None:
    app = make_app(tmp_path / "data")
    engine = app.extensions["kiosk_db"]["engine"]
    assert Path(engine.url.database) == tmp_path / "data" / "kiosk.sqlite3"
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL


def test_kiosk_database_url_in_the_environment_chooses_the_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "elsewhere" / "desk.db"
    monkeypatch.setenv("KIOSK_DATABASE_URL", f"sqlite:///{elsewhere}")
    app = make_app(tmp_path / "data")
    assert app.config["DATABASE_URL"] == f"sqlite:///{elsewhere}"
    assert elsewhere.exists()
    assert not (tmp_path / "data" / "kiosk.sqlite3").exists()


def test_schema_is_created_on_start_at_the_newest_revision(storage_apps: Callable[..., Flask]) -> None:
    engine = storage_apps().extensions["kiosk_db"]["engine"]
    assert db.current_revision(engine) == db._script().get_current_head()
    assert {"staff", "staff_permissions", "tickets", "ticket_events", "day_counters"} <= set(
        sa.inspect(engine).get_table_names()
    )


def test_migrations_build_exactly_the_schema_the_models_describe(storage_apps: Callable[..., Flask]) -> None:
    engine = storage_apps().extensions["kiosk_db"]["engine"]
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_restarting_on_an_existing_database_keeps_its_data(storage_apps: Callable[..., Flask]) -> None:
    first = storage_apps()
    with first.extensions["kiosk_db"]["engine"].begin() as connection:
        connection.exec_driver_sql("INSERT INTO day_counters (clinic_id, day, last) VALUES (1, '2026-01-01', 7)")
    second = storage_apps()
    with second.extensions["kiosk_db"]["engine"].connect() as connection:
        assert connection.exec_driver_sql("SELECT last FROM day_counters").scalar() == 7


def test_servers_starting_together_on_a_new_database_migrate_it_once(database_url: str, tmp_path: Path) -> None:
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []
    engines = []

    def start() -> None:
        engine = db.make_engine(database_url)
        engines.append(engine)
        barrier.wait()
        try:
            db.migrate(engine)
        except BaseException as error:  # noqa: BLE001 - collected for the assertion
            errors.append(error)

    threads = [threading.Thread(target=start) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert db.current_revision(engines[0]) == db._script().get_current_head()
    for engine in engines:
        engine.dispose()


def _move_to(engine: sa.Engine, revision: str, down: bool = False) -> None:
    """Upgrade (or downgrade) a database's schema to one revision, as Alembic does on a kiosk."""
    with engine.connect() as connection:
        config = db._alembic_config()
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, revision)
        connection.commit()


def test_every_revision_upgrades_with_its_rows_to_the_newest_and_back(database_url: str) -> None:
    # Kiosks in the field sit at any earlier revision: each must reach the newest without losing a row.
    chain = [script.revision for script in db._script().walk_revisions()][::-1]  # oldest first
    assert len(db._script().get_heads()) == 1, "the branches' migrations form one chain"
    engine = db.make_engine(database_url)
    try:
        for older in chain[:-1]:
            _move_to(engine, older, down=db.current_revision(engine) is not None)
            assert db.current_revision(engine) == older
            with engine.begin() as connection:
                connection.exec_driver_sql(
                    "INSERT INTO staff (name, password_hash, failed_logins, session_version, created_at) "
                    f"VALUES ('at {older}', 'x', 0, 1, '2026-11-30 12:00:00')"
                )
            db.migrate(engine)
            assert db.current_revision(engine) == chain[-1]
            with engine.connect() as connection:
                names = connection.exec_driver_sql("SELECT name FROM staff ORDER BY id").scalars().all()
                assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
            assert names == [f"at {revision}" for revision in chain[: chain.index(older) + 1]]
        _move_to(engine, chain[0], down=True)
        with engine.connect() as connection:
            assert connection.exec_driver_sql("SELECT count(*) FROM staff").scalar() == len(chain) - 1
    finally:
        engine.dispose()


def test_each_request_gets_a_session_that_is_closed_afterwards(storage_apps: Callable[..., Flask]) -> None:
    app = storage_apps()
    with app.test_request_context("/"):
        session = db.get_session()
        assert db.get_session() is session
        session.execute(sa.text("SELECT 1"))
        assert session.in_transaction()
        request_globals = g._get_current_object()
    assert "db_session" not in request_globals
    assert not session.in_transaction()


def test_db_current_reports_the_revision(tmp_path: Path) -> None:
    output = make_app(tmp_path / "data").test_cli_runner().invoke(args=["db", "current"]).output
    head = db._script().get_current_head()
    assert output.strip() == f"database at {head}; newest {head}"


def test_db_revision_writes_a_migration_of_what_the_models_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scripts = tmp_path / "migrations"
    shutil.copytree(db.MIGRATIONS, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(db, "MIGRATIONS", scripts)
    result = make_app(tmp_path / "data").test_cli_runner().invoke(args=["db", "revision", "-m", "nothing yet"])
    assert result.exit_code == 0, result.output
    (written,) = list((scripts / "versions").glob("*nothing_yet.py"))
    text = written.read_text()
    head = db._script().get_current_head()
    assert f"down_revision = '{head}'" in text or f'down_revision = "{head}"' in text
    assert "op." not in text  # the models and the schema agree, so there is nothing to do


def test_the_migrations_are_one_chain_through_every_branch(tmp_path: Path) -> None:
    script = db._script()
    # One head and no merge points: each revision follows exactly the one before it.
    assert script.get_heads() == ["0003_desk_security"]
    chain = [revision.revision for revision in script.walk_revisions()]
    assert chain == ["0003_desk_security", "0005_clinics", "0004_staff_language", "0002_urgent_requests", "0001"]
    downs = [revision.down_revision for revision in script.walk_revisions()]
    assert downs == ["0005_clinics", "0004_staff_language", "0002_urgent_requests", "0001", None]
    assert make_app(tmp_path / "data").test_cli_runner().invoke(args=["db", "current"]).output.strip() == (
        "database at 0003_desk_security; newest 0003_desk_security"
    )


def test_a_database_at_the_urgent_revision_is_upgraded_keeping_its_requests(database_url: str) -> None:
    engine = db.make_engine(database_url)
    try:
        _move_to(engine, "0002_urgent_requests")
        with engine.begin() as connection:
            connection.exec_driver_sql(
                "INSERT INTO tickets (day, number, visit, kiosk, reason, status, created_at, urgent_at) VALUES "
                "('2026-03-02', 1, 'visit-olderaaaaaaaaaaa', 'Hall', 'urgent', 'waiting', "
                "'2026-03-02 12:00:00', '2026-03-02 12:00:00')"
            )
        db.migrate(engine)
        assert db.current_revision(engine) == "0003_desk_security"
        with engine.connect() as connection:
            row = connection.exec_driver_sql("SELECT reason, urgent_at IS NOT NULL, language FROM tickets").one()
            assert tuple(row) == ("urgent", True, None)
            assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
        # The one-open-request-per-visit index survived both migrations' table copies on SQLite.
        with pytest.raises(sa.exc.IntegrityError), engine.begin() as connection:
            connection.exec_driver_sql(
                "INSERT INTO tickets (day, number, visit, kiosk, reason, status, created_at) VALUES "
                "('2026-03-02', 2, 'visit-olderaaaaaaaaaaa', 'Hall', 'book', 'waiting', '2026-03-02 12:01:00')"
            )
        # And back: the desk's revision comes off cleanly (to the clinics before it), then goes on again.
        _move_to(engine, "0005_clinics", down=True)
        assert db.current_revision(engine) == "0005_clinics"
        with engine.connect() as connection:
            columns = {column["name"] for column in sa.inspect(connection).get_columns("staff")}
            assert {"language", "failed_logins", "locked_until"} <= columns
        db.migrate(engine)
        assert db.current_revision(engine) == "0003_desk_security"
    finally:
        engine.dispose()


def test_upgrading_from_the_first_revision_keeps_roles_events_and_who_acted(database_url: str) -> None:
    # SQLite's table copies (batch mode) drop the old table: with foreign keys on, that deleted every role and
    # event and forgot who acknowledged what. Nothing that refers to a copied table may be lost.
    engine = db.make_engine(database_url)
    try:
        _move_to(engine, "0001")
        with engine.begin() as connection:
            run = connection.exec_driver_sql
            run(
                "INSERT INTO staff (id, name, password_hash, failed_logins, session_version, created_at)"
                " VALUES (1, 'Ana', 'x', 0, 1, '2026-03-02 12:00:00')"
            )
            run("INSERT INTO staff_permissions (staff_id, permission) VALUES (1, 'front_desk'), (1, 'translator')")
            run(
                "INSERT INTO tickets (id, day, number, visit, kiosk, reason, status, created_at, acknowledged_by_id)"
                " VALUES (1, '2026-03-02', 1, 'visit-aaaaaaaaaaaaaaaa', 'Hall', 'book', 'acknowledged',"
                " '2026-03-02 12:00:00', 1)"
            )
            run(
                "INSERT INTO ticket_events (ticket_id, at, from_status, to_status, staff_id, staff_name)"
                " VALUES (1, '2026-03-02 12:01:00', 'waiting', 'acknowledged', 1, 'Ana')"
            )
        db.migrate(engine)
        with engine.connect() as connection:
            run = connection.exec_driver_sql
            assert run("SELECT permission FROM staff_permissions ORDER BY permission").scalars().all() == [
                "front_desk",
                "translator",
            ]
            assert run("SELECT acknowledged_by_id FROM tickets").scalar() == 1
            assert run("SELECT ticket_id, staff_id FROM ticket_events").all() == [(1, 1)]
            if engine.dialect.name == "sqlite":
                assert run("PRAGMA foreign_keys").scalar() == 1  # back on for everyone after the migration
                assert run("PRAGMA foreign_key_check").all() == []
    finally:
        engine.dispose()
