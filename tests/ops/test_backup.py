"""`kiosk backup` and `kiosk restore`: a snapshot restored onto a new kiosk finds everything, on SQLite and
PostgreSQL; a damaged snapshot is refused and changes nothing; retention; an online backup under load."""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import io
import json
import os
import shutil
import subprocess
import tarfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from kiosk.core import db
from kiosk.i18n import journal
from kiosk.ops import archive, backup
from kiosk.ops.archive import BackupError
from kiosk.ops.backup import Sources
from kiosk.ops.restore import restore, serving
from tests.helpers import storage
from tests.helpers.app import make_app
from tests.helpers.editor import kill_a_save, store_of
from tests.helpers.http import WebClient
from tests.helpers.kiosk_data import EDITED, check_has_everything, populate
from tests.helpers.servers import KIOSK, ServeProcess


@pytest.fixture(params=storage.BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """The database kind: SQLite always, PostgreSQL in the run that tests/pg.sh wraps."""
    return str(request.param)


@pytest.fixture
def kiosk_apps(backend: str, tmp_path: Path) -> Iterator[Callable[[str], Flask]]:
    """Build kiosks by name, each with its own data directory and its own empty database."""
    apps: list[Flask] = []
    with contextlib.ExitStack() as databases:

        def build(name: str) -> Flask:
            url = databases.enter_context(storage.own_database(backend, tmp_path, name))
            built = make_app(tmp_path / name / "data", DATABASE_URL=url, WTF_CSRF_ENABLED=False)
            apps.append(built)
            return built

        yield build
        for built in apps:
            storage.dispose(built)


def tree(folder: Path) -> dict[str, str]:
    """Return every file under folder with its SHA-256, to show that nothing changed."""
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.name not in ("kiosk.log", ".lock")
    }


def rows(app: Flask) -> dict[str, list[tuple[object, ...]]]:
    """Return every row of every table, to show that nothing changed."""
    with app.extensions["kiosk_db"]["engine"].connect() as connection:
        names = sa.inspect(connection).get_table_names()
        return {name: sorted(map(tuple, connection.exec_driver_sql(f"SELECT * FROM {name}"))) for name in names}


def test_a_snapshot_restored_onto_a_new_kiosk_finds_every_request_account_edit_and_recording(
    kiosk_apps: Callable[[str], Flask], tmp_path: Path
) -> None:
    source = kiosk_apps("source")
    made = populate(source)
    snapshot, manifest = backup.write(Sources.for_app(source), tmp_path / "backups")
    assert manifest["database"]["rows"]["tickets"] == 3
    members = set(manifest["files"])
    assert "data/recordings/es/welcome.webm" in members
    assert "data/lexicon/es.json" in members
    assert "data/speech/cached.mp3" not in members  # the audio cache is rendered again, not kept
    assert not any(name.startswith("data/logs/") for name in members)

    target = kiosk_apps("target")
    outcome = restore(snapshot, Sources.for_app(target), tmp_path / "safety")
    assert outcome.safety_copy is None  # a fresh kiosk had nothing worth keeping
    check_has_everything(target, made)
    # A kiosk started on the restored data serves the edit, and the start-up merge with the repo keeps it.
    again = make_app(Path(target.instance_path), DATABASE_URL=db.database_url(target))
    try:
        page = again.test_client().get("/es/").get_data(as_text=True)
        assert EDITED[2] in page
    finally:
        storage.dispose(again)


def test_restoring_over_a_kiosk_with_data_keeps_that_data_in_a_safety_snapshot(
    kiosk_apps: Callable[[str], Flask], tmp_path: Path
) -> None:
    source, target = kiosk_apps("source"), kiosk_apps("target")
    populate(source)
    snapshot, _ = backup.write(Sources.for_app(source), tmp_path / "backups")
    made_on_target = populate(target)
    outcome = restore(snapshot, Sources.for_app(target), tmp_path / "safety")
    assert outcome.safety_copy is not None
    assert outcome.safety_copy.parent == tmp_path / "safety"
    # The safety snapshot is a real backup: restored, it gives the target's own data back.
    restore(outcome.safety_copy, Sources.for_app(target), tmp_path / "safety")
    check_has_everything(target, made_on_target)


def test_a_damaged_or_cut_short_snapshot_is_refused_and_changes_nothing(
    kiosk_apps: Callable[[str], Flask], tmp_path: Path
) -> None:
    source, target = kiosk_apps("source"), kiosk_apps("target")
    populate(source)
    populate(target)
    snapshot, _ = backup.write(Sources.for_app(source), tmp_path / "backups")
    data = snapshot.read_bytes()
    flipped = bytearray(data)
    flipped[len(data) // 2] ^= 0xFF
    damaged = {
        "cut short": data[: len(data) // 2],
        "cut before its manifest": data[:-200],
        "one bit flipped": bytes(flipped),
        "empty": b"",
        "not a backup": b"hello",
        "a member changed": _repack(data, "data/config.py", b"KIOSK_NAME = 'Evil'\n"),
        "a member added": _repack(data, "data/extra.txt", b"more", replace=False),
        "escaping the data folder": _repack(data, "data/../../outside.txt", b"x", replace=False),
    }
    before_files, before_rows = tree(Path(target.instance_path)), rows(target)
    for label, content in damaged.items():
        bad = tmp_path / f"bad-{label.replace(' ', '-')}.tar.gz"
        bad.write_bytes(content)
        with pytest.raises(BackupError) as refused:
            restore(bad, Sources.for_app(target), tmp_path / "safety")
        assert bad.name in str(refused.value), label
        assert tree(Path(target.instance_path)) == before_files, label
        assert rows(target) == before_rows, label
    assert not (tmp_path / "safety").exists()  # refused before anything was written, safety copy included
    assert not list(Path(target.instance_path).glob(".restore-*"))


def _repack(data: bytes, name: str, content: bytes, *, replace: bool = True) -> bytes:
    """Return the snapshot with one member replaced or added, keeping the original manifest."""
    out = io.BytesIO()
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as source, tarfile.open(fileobj=out, mode="w:gz") as tar:
        members = source.getmembers()
        for member in members:
            if member.name == archive.MANIFEST and not replace:
                info = tarfile.TarInfo(name)
                info.size = len(content)
                tar.addfile(info, io.BytesIO(content))
            if replace and member.name == name:
                info = tarfile.TarInfo(name)
                info.size = len(content)
                tar.addfile(info, io.BytesIO(content))
                continue
            tar.addfile(member, source.extractfile(member))
    return out.getvalue()


def test_migrations_run_after_restoring_an_older_schema(
    kiosk_apps: Callable[[str], Flask], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = kiosk_apps("source")
    made = populate(source)
    snapshot, manifest = backup.write(Sources.for_app(source), tmp_path / "backups")
    old_head = manifest["database"]["revision"]
    # This version of the kiosk has one migration more than the one that made the backup.
    migrations = tmp_path / "migrations"
    shutil.copytree(db.MIGRATIONS, migrations)
    (migrations / "versions" / "9999_probe.py").write_text(
        f'''"""A later migration."""
import sqlalchemy as sa
from alembic import op

revision = "9999_probe"
down_revision = "{old_head}"


def upgrade() -> None:
    op.create_table("probe", sa.Column("id", sa.Integer, primary_key=True))


def downgrade() -> None:
    op.drop_table("probe")
'''
    )
    monkeypatch.setattr(db, "MIGRATIONS", migrations)
    db._script.cache_clear()
    try:
        target = kiosk_apps("target")
        assert db.current_revision(target.extensions["kiosk_db"]["engine"]) == "9999_probe"
        restore(snapshot, Sources.for_app(target), tmp_path / "safety")
        engine = target.extensions["kiosk_db"]["engine"]
        engine.dispose()
        assert db.current_revision(engine) == "9999_probe"
        assert "probe" in sa.inspect(engine).get_table_names()
        check_has_everything(target, made)
    finally:
        db._script.cache_clear()


def test_a_snapshot_of_one_kind_of_database_is_refused_by_the_other(tmp_path: Path) -> None:
    source = make_app(tmp_path / "source")
    snapshot, _ = backup.write(Sources.for_app(source), tmp_path / "backups")
    manifest_only = archive.read_manifest(snapshot)
    assert manifest_only["database"]["backend"] == "sqlite"
    elsewhere = Sources(tmp_path / "target", "postgresql+psycopg://kiosk@127.0.0.1:1/none", tmp_path / "t", "x")
    with pytest.raises(BackupError, match="same kind of database"):
        restore(snapshot, elsewhere, tmp_path / "safety")


def test_restore_refuses_while_a_server_holds_the_data_directory(tmp_path: Path) -> None:
    source = make_app(tmp_path / "source")
    snapshot, _ = backup.write(Sources.for_app(source), tmp_path / "backups")
    target = make_app(tmp_path / "target")
    with serving(Path(target.instance_path)), pytest.raises(BackupError, match="server is running"):
        restore(snapshot, Sources.for_app(target), tmp_path / "safety")


def test_backup_keeps_the_newest_n_and_never_touches_other_files(tmp_path: Path) -> None:
    app = make_app(tmp_path / "data", BACKUP_DIR=str(tmp_path / "backups"))
    folder = tmp_path / "backups"
    folder.mkdir()
    (folder / "notes.txt").write_text("the clinic's own file")
    (folder / "sciatica-kiosk-before-restore-20200101T000000000000Z.tar.gz").write_bytes(b"kept by hand")
    runner = app.test_cli_runner()
    written = []
    for _ in range(4):
        result = runner.invoke(args=["backup", "--keep", "2"])
        assert result.exit_code == 0, result.output
        written.append(result.output.split("Backup written: ")[1].split(" (")[0])
    kept = sorted(path.name for path in folder.iterdir() if backup.NAME.match(path.name))
    assert kept == sorted(Path(path).name for path in written[-2:])
    assert (folder / "notes.txt").exists()
    assert (folder / "sciatica-kiosk-before-restore-20200101T000000000000Z.tar.gz").exists()
    assert "removed 1 older" in result.output
    for name in kept:
        assert (folder / name).stat().st_mode & 0o077 == 0  # it holds the secret key and staff password hashes


def test_the_command_takes_the_folder_as_an_argument_or_with_to(tmp_path: Path) -> None:
    runner = make_app(tmp_path / "data").test_cli_runner()
    for args in (["backup", str(tmp_path / "a")], ["backup", "--to", str(tmp_path / "b"), "--keep", "3"]):
        result = runner.invoke(args=args)
        assert result.exit_code == 0, result.output
    assert len(list((tmp_path / "a").glob("*.tar.gz"))) == 1
    assert len(list((tmp_path / "b").glob("*.tar.gz"))) == 1
    refused = runner.invoke(args=["backup", str(tmp_path / "a"), "--to", str(tmp_path / "b")])
    assert refused.exit_code == 2
    assert "once" in refused.output


def test_restore_check_verifies_without_changing_anything(tmp_path: Path) -> None:
    source = make_app(tmp_path / "source")
    snapshot, _ = backup.write(Sources.for_app(source), tmp_path / "backups")
    target = make_app(tmp_path / "target")
    before = tree(Path(target.instance_path))
    result = target.test_cli_runner().invoke(args=["restore", "--check", str(snapshot)])
    assert result.exit_code == 0, result.output
    assert "complete and undamaged" in result.output
    assert tree(Path(target.instance_path)) == before
    snapshot.write_bytes(snapshot.read_bytes()[:-500])
    refused = target.test_cli_runner().invoke(args=["restore", "--check", str(snapshot)])
    assert refused.exit_code == 1
    assert "damaged or incomplete" in refused.output or "cut short" in refused.output


def test_an_online_backup_under_load_is_consistent(tmp_path: Path) -> None:
    """Requests keep arriving through the real server while `kiosk backup` runs in another process."""
    data = tmp_path / "data"
    # Three visitors sending without a pause, from the one loopback kiosk: far past a real kiosk's request limit.
    server = ServeProcess(data, env={"KIOSK_REQUEST_LIMIT_PER_KIOSK": "100000"})
    stop = threading.Event()
    sent: list[int] = []

    def visitors() -> None:
        while not stop.is_set():
            kiosk = WebClient(server.url)
            kiosk.get("/en/talk-to-staff/name?reason=book")
            status, _page = kiosk.post("/en/talk-to-staff", reason="book", first_name="Load")
            sent.append(status)

    threads = [threading.Thread(target=visitors) for _ in range(3)]
    for thread in threads:
        thread.start()
    try:
        env = {**os.environ, "KIOSK_DATA_DIR": str(data)}
        for _ in range(3):
            result = subprocess.run(
                [str(KIOSK), "backup", str(tmp_path / "backups")], env=env, capture_output=True, text=True, timeout=120
            )
            assert result.returncode == 0, result.stderr
    finally:
        stop.set()
        for thread in threads:
            thread.join(30)
        server.stop()
    assert len(sent) > 10
    assert set(sent) == {200}
    for snapshot in sorted((tmp_path / "backups").glob("*.tar.gz")):
        unpacked = tmp_path / "check" / snapshot.name
        manifest = archive.extract(snapshot, unpacked)
        engine = sa.create_engine(f"sqlite:///{unpacked / manifest['database']['member']}")
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
            # One moment for every table: each request has its "created" event, and no event lacks its request.
            orphans = connection.exec_driver_sql(
                "SELECT count(*) FROM tickets t LEFT JOIN ticket_events e ON e.ticket_id = t.id AND e.from_status "
                "IS NULL WHERE e.id IS NULL"
            ).scalar()
            assert orphans == 0
        engine.dispose()


def test_manifest_lists_every_member_with_its_checksum(tmp_path: Path) -> None:
    source = make_app(tmp_path / "source")
    (Path(source.instance_path) / "secret_key").write_text("a real kiosk keeps its session key here")
    snapshot, manifest = backup.write(Sources.for_app(source), tmp_path / "backups")
    with gzip.open(snapshot) as raw, tarfile.open(fileobj=raw, mode="r|") as tar:
        names = []
        for member in tar:
            names.append(member.name)
            content = tar.extractfile(member).read()
            if member.name != archive.MANIFEST:
                assert hashlib.sha256(content).hexdigest() == manifest["files"][member.name]["sha256"]
            else:
                stored = json.loads(content)
    assert names[-1] == archive.MANIFEST  # last: a file cut short has no manifest, so it is refused
    assert stored["format"] == archive.FORMAT
    assert stored["database"]["revision"] == db._script().get_current_head()
    assert "data/secret_key" in stored["files"]
    assert "data/translations/es/LC_MESSAGES/messages.po" in stored["files"]


def test_the_restore_command_puts_a_snapshot_back_and_says_what_it_held(tmp_path: Path) -> None:
    source = make_app(tmp_path / "source")
    made = populate(source)
    snapshot, _ = backup.write(Sources.for_app(source), tmp_path / "backups")
    target = make_app(tmp_path / "target")
    result = target.test_cli_runner().invoke(args=["restore", str(snapshot)])
    assert result.exit_code == 0, result.output
    assert "3 requests, 2 staff accounts" in result.output
    assert "recordings" in result.output
    assert "Restored." in result.output
    check_has_everything(target, made)


def test_saying_no_after_the_check_changes_nothing(tmp_path: Path) -> None:
    source = make_app(tmp_path / "source")
    populate(source)
    snapshot, _ = backup.write(Sources.for_app(source), tmp_path / "backups")
    target = make_app(tmp_path / "target")
    populate(target)
    before_files, before_rows = tree(Path(target.instance_path)), rows(target)
    seen: list[dict[str, Any]] = []

    def say_no(manifest: dict[str, Any]) -> bool:
        seen.append(manifest)
        return False

    with pytest.raises(BackupError, match="Nothing was restored"):
        restore(snapshot, Sources.for_app(target), tmp_path / "safety", say_no)
    assert seen[0]["database"]["rows"]["tickets"] == 3
    assert tree(Path(target.instance_path)) == before_files
    assert rows(target) == before_rows
    assert not (tmp_path / "safety").exists()


def test_a_save_a_crash_left_half_done_is_finished_before_the_snapshot_and_no_journal_goes_in(tmp_path: Path) -> None:
    data = tmp_path / "data"
    app = make_app(data)
    store = store_of(app)
    kill_a_save(data, 4)  # its history line is written, its .po and .mo are not in place yet
    assert journal.pending(store.live)
    snapshot, _manifest = backup.write(Sources.for_app(app), tmp_path / "backups")
    assert journal.pending(store.live) == []
    with tarfile.open(snapshot) as packed:
        names = packed.getnames()
        po = packed.extractfile("data/translations/es/LC_MESSAGES/messages.po")
        log = packed.extractfile("data/translation-history/es/changes.jsonl")
        assert po is not None
        assert log is not None
        saved, history = po.read().decode(), log.read().decode()
    assert not [name for name in names if journal.PREFIX in name]
    assert 'msgstr "Qué se siente"' in saved
    assert "Qué se siente" in history  # the snapshot holds the change together with its history line
