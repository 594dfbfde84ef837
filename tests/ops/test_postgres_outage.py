"""A lost PostgreSQL: the real server keeps showing the kiosk's pages, requests say plainly that staff can't
be reached, and everything comes back without a restart; a kiosk that starts during the outage works too."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.helpers.desk import PASSWORD
from tests.helpers.http import WebClient
from tests.helpers.postgres import PostgresServer
from tests.helpers.servers import KIOSK, ServeProcess

PAGES = ("/en/", "/en/topics", "/en/topics/what-is-sciatica", "/es/topics/symptoms", "/ar/")
UNREACHABLE = "reach the staff from this screen right now"
NUMBER = "data-ticket-number"


@pytest.fixture
def postgres() -> Iterator[PostgresServer]:
    """A PostgreSQL server of this test's own, which it may stop and start."""
    server = PostgresServer()
    yield server
    server.destroy()


def add_staff(data: Path, url: str) -> None:
    """Add a front-desk account through the real command."""
    subprocess.run(
        [str(KIOSK), "staff", "add", "Ana"],
        input=f"{PASSWORD}\n",
        text=True,
        check=True,
        capture_output=True,
        env={**os.environ, "KIOSK_DATA_DIR": str(data), "KIOSK_DATABASE_URL": url},
    )


def ask_for_staff(base: str) -> tuple[int, str]:
    """A new visitor asks for staff; return the answer to the send."""
    visitor = WebClient(base)
    visitor.get("/en/talk-to-staff/name?reason=book")
    return visitor.post("/en/talk-to-staff", reason="book", first_name="Rui")


def eventually(check: Callable[[], bool], seconds: float = 40) -> None:
    """Wait until check() is true, or fail."""
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "did not recover in time"
        time.sleep(0.5)


def timed_get(base: str, path: str) -> tuple[int, str, float]:
    """GET a page as a new visitor; return the answer and how long it took."""
    started = time.monotonic()
    status, body = WebClient(base).get(path)
    return status, body, time.monotonic() - started


def test_a_lost_database_keeps_pages_working_says_so_and_recovers_without_a_restart(
    postgres: PostgresServer, tmp_path: Path
) -> None:
    url = postgres.create_database()
    data = tmp_path / "data"
    add_staff(data, url)
    server = ServeProcess(data, env={"KIOSK_DATABASE_URL": url})
    try:
        waiting = WebClient(server.url)
        waiting.get("/en/talk-to-staff/name?reason=question")
        assert waiting.post("/en/talk-to-staff", reason="question")[0] == 200
        desk = WebClient(server.url)
        desk.login("Ana", PASSWORD)
        assert desk.get("/staff/requests", htmx=True)[0] == 200

        postgres.stop("fast")  # every connection is cut, as when the database server restarts or dies

        for path in PAGES:
            status, body, seconds = timed_get(server.url, path)
            assert status == 200, path
            assert seconds < 2, path
        status, body, seconds = timed_get(server.url, "/en/talk-to-staff")
        assert status == 503
        assert UNREACHABLE in body.replace("&#39;", "'")
        assert seconds < 7  # never longer than the connect timeout
        status, body = ask_for_staff(server.url)
        assert status == 503
        assert UNREACHABLE in body.replace("&#39;", "'")
        assert NUMBER not in body
        # The visitor already waiting is told too, and their screen keeps asking.
        status, body = waiting.get("/en/talk-to-staff/ticket/status?seen=waiting", htmx=True)
        assert status == 200
        assert 'data-state="unreachable"' in body
        # The front desk's poll fails, so its screen shows "could not get the latest requests" and keeps trying.
        status, body = desk.get("/staff/requests", htmx=True)
        assert status == 503
        assert "database" in body
        assert server.process.poll() is None

        postgres.start()

        eventually(lambda: ask_for_staff(server.url)[0] == 200)
        status, body = waiting.get("/en/talk-to-staff/ticket/status?seen=unreachable", htmx=True)
        assert 'data-state="waiting"' in body
        status, body = desk.get("/staff/requests", htmx=True)
        assert status == 200
        assert body.count("data-ticket-id=") == 2  # the one from before and the one after: none made during
    finally:
        server.stop()
    log = (data / "logs" / "kiosk.log").read_text()
    # Said once a minute at most, not once for every poll of every screen.
    assert 1 <= log.count("The database cannot be used") <= 2
    assert "Rui" not in log


def test_a_kiosk_that_starts_while_the_database_is_down_shows_pages_and_recovers(
    postgres: PostgresServer, tmp_path: Path
) -> None:
    url = postgres.create_database()
    data = tmp_path / "data"
    add_staff(data, url)
    postgres.stop("fast")
    server = ServeProcess(data, env={"KIOSK_DATABASE_URL": url})
    try:
        for path in PAGES:
            assert WebClient(server.url).get(path)[0] == 200, path
        assert ask_for_staff(server.url)[0] == 503
        postgres.start()
        eventually(lambda: ask_for_staff(server.url)[0] == 200)
        desk = WebClient(server.url)
        desk.login("Ana", PASSWORD)
        assert desk.get("/staff/requests", htmx=True)[1].count("data-ticket-id=") == 1
    finally:
        server.stop()
