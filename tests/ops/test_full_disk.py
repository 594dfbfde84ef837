"""A full disk under the real server: pages keep showing, requests and saves fail with a clear message and
nothing half-written, and all works again once there is room, without a restart."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kiosk.ops import problems
from tests.helpers.app import make_app
from tests.helpers.desk import PASSWORD, login
from tests.helpers.disks import can_mount, fill, small_filesystem
from tests.helpers.editor import entry_for, list_page, store_of
from tests.helpers.http import WebClient
from tests.helpers.servers import KIOSK, ServeProcess

PAGES = ("/en/", "/en/topics", "/en/topics/what-is-sciatica", "/fr/topics/causes", "/zh-Hans/topics")
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')


@pytest.fixture
def disk() -> Iterator[Path]:
    """A real, small ext4 filesystem (a tmpfs if loop devices are refused) to hold the data directory."""
    if not can_mount():
        pytest.fail("This test mounts a small filesystem and needs root, as `make test` and CI have.")
    with small_filesystem(24) as mounted:
        yield mounted


def tickets_on_disk(database: Path) -> list[tuple[int, str | None]]:
    """Read the requests straight from the file, after an integrity check."""
    with sqlite3.connect(database) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return connection.execute("SELECT number, first_name FROM tickets ORDER BY number").fetchall()


def test_a_full_disk_fails_requests_and_saves_clearly_keeps_pages_and_heals(disk: Path, tmp_path: Path) -> None:
    data = disk / "data"
    env = {**os.environ, "KIOSK_DATA_DIR": str(data)}
    subprocess.run(
        [str(KIOSK), "staff", "add", "Ana", "--role", "front_desk", "--role", "translator"],
        input=f"{PASSWORD}\n",
        text=True,
        check=True,
        capture_output=True,
        env=env,
    )
    server = ServeProcess(data, logs=tmp_path)
    try:
        first = WebClient(server.url)
        first.get("/en/talk-to-staff/name?reason=book")
        assert first.post("/en/talk-to-staff", reason="book", first_name="Ines")[0] == 200
        desk = WebClient(server.url)
        desk.login("Ana", PASSWORD)
        ticket_id = re.search(r'data-ticket-id="(\d+)"', desk.get("/staff/")[1]).group(1)
        with sqlite3.connect(data / "kiosk.sqlite3") as connection:
            # An empty write-ahead log: the next write must grow it, as on a kiosk that has run a while.
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        filler = fill(disk)

        for path in PAGES:
            status, body = WebClient(server.url).get(path)
            assert status == 200, path
            assert "</html>" in body, path
        visitor = WebClient(server.url)
        visitor.get("/en/talk-to-staff/name?reason=question")
        status, body = visitor.post("/en/talk-to-staff", reason="question", first_name="Zephyrine")
        assert status == 503
        assert "reach the staff from this screen" in body
        assert "data-ticket-number" not in body
        status, body = desk.post(f"/staff/requests/{ticket_id}/acknowledge", htmx=True)
        assert status == 503
        assert "try again" in body
        saved, answer = save_translation(data, "¡Bienvenidos!")
        assert not saved
        assert "disk is full" in answer
        assert server.process.poll() is None

        filler.unlink()

        visitor = WebClient(server.url)
        visitor.get("/en/talk-to-staff/name?reason=question")
        assert visitor.post("/en/talk-to-staff", reason="question", first_name="Zephyrine")[0] == 200
        assert desk.post(f"/staff/requests/{ticket_id}/acknowledge", htmx=True)[0] == 200
        assert save_translation(data, "¡Bienvenidos!")[0]
    finally:
        server.stop()
    # The failed request left nothing, the one after it is whole; no temp file anywhere.
    assert tickets_on_disk(data / "kiosk.sqlite3") == [(1, "Ines"), (2, "Zephyrine")]
    assert not list(data.rglob(".*.tmp"))
    log = (data / "logs" / "kiosk.log").read_text()
    assert "Zephyrine" not in log
    found = problems.grouped(problems.from_file(data / "logs" / "kiosk.log", datetime(2000, 1, 1, tzinfo=UTC)))
    assert any(problem.explanation == "The disk is full." for problem in found)


def save_translation(data: Path, text: str) -> tuple[bool, str]:
    """Save the Spanish "Welcome" through the editor's form in a second app on the same data directory.

    Return whether it went live, and the page's words. That app also starts on the full disk.
    """
    app = make_app(data, WTF_CSRF_ENABLED=True)
    store = store_of(app)
    before = (store.po("es").read_bytes(), store.mo("es").read_bytes())
    copies = sorted((data / "translation-history" / "es" / "copies").glob("*.po"))
    client = app.test_client()
    login(client, "Ana")
    entry = entry_for(store, "es", "Welcome")
    html = client.get(list_page(store, "es", "Welcome")).get_data(as_text=True)
    block = html[html.index(f'id="entry-{entry.id}"') :]
    fields = dict(HIDDEN.findall(block[: block.index("</form>")]))
    form = {**fields, "translation": text, "confirm": "1"}  # "Save anyway": past the punctuation warning
    response = client.post(f"/staff/translations/es/entries/{entry.id}", data=form)
    answer = response.get_data(as_text=True).replace("&#39;", "'")
    saved = response.status_code == 303
    if not saved:
        assert (store.po("es").read_bytes(), store.mo("es").read_bytes()) == before
        assert sorted((data / "translation-history" / "es" / "copies").glob("*.po")) == copies
    app.extensions["kiosk_db"]["engine"].dispose()
    return saved, answer
