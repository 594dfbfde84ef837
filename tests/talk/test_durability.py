"""Durability: the real server (`kiosk serve`) killed with SIGKILL keeps every request it confirmed."""

from __future__ import annotations

import csv
import http.client
import io
import os
import re
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from http.cookiejar import CookieJar
from pathlib import Path

import pytest

from tests.helpers.desk import PASSWORD
from tests.helpers.servers import KIOSK, ServeProcess

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
NUMBER = re.compile(r"data-ticket-number>(\d+)<")

# Each client here stands for a kiosk of its own, though all share the loopback address.
MANY_KIOSKS = {"KIOSK_REQUEST_LIMIT_PER_KIOSK": "100000"}


class Browser:
    """A cookie-keeping HTTP client that posts forms with the token of the page it last read."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        self.token = ""

    def get(self, path: str) -> str:
        """Fetch a page and remember its CSRF token."""
        with self.opener.open(self.base + path, timeout=10) as response:
            body = response.read().decode()
        found = TOKEN.search(body)
        self.token = found.group(1) if found else self.token
        return body

    def post(self, path: str, **form: str) -> tuple[int, str]:
        """Post a form with the remembered token; return the status and the final page."""
        data = urllib.parse.urlencode({"csrf_token": self.token, **form}).encode()
        try:
            with self.opener.open(self.base + path, data=data, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A data directory with one front-desk account, added through the real command."""
    folder = tmp_path / "data"
    subprocess.run(
        [str(KIOSK), "staff", "add", "Ana"],
        input=f"{PASSWORD}\n",
        text=True,
        check=True,
        capture_output=True,
        env={**os.environ, "KIOSK_DATA_DIR": str(folder)},
    )
    return folder


@pytest.fixture
def server(data_dir: Path) -> Iterator[ServeProcess]:
    """The first server run; the test kills it."""
    running = ServeProcess(data_dir, env=MANY_KIOSKS)
    yield running
    running.stop()


def test_every_acknowledged_request_survives_sigkill_and_restart(server: ServeProcess, data_dir: Path) -> None:
    numbers = []
    for index in range(12):
        kiosk = Browser(server.url)
        kiosk.get("/en/talk-to-staff/name?reason=book")
        status, page = kiosk.post("/en/talk-to-staff", reason="book", first_name=f"Visitor {index}")
        assert status == 200
        numbers.append(int(NUMBER.search(page).group(1)))
    desk = Browser(server.url)
    desk.get("/staff/login")
    status, _ = desk.post("/staff/login", name="Ana", password=PASSWORD)
    assert status == 200
    desk.get("/staff/")
    acknowledged = []
    for ticket_id in range(1, 11):
        status, _ = desk.post(f"/staff/requests/{ticket_id}/acknowledge")
        assert status == 200
        acknowledged.append(ticket_id)
    server.kill()

    restarted = ServeProcess(data_dir, env=MANY_KIOSKS)
    try:
        desk = Browser(restarted.url)
        desk.get("/staff/login")
        desk.post("/staff/login", name="Ana", password=PASSWORD)
        page = desk.get("/staff/requests")
        history = desk.get("/staff/history.csv")
    finally:
        restarted.stop()
    assert page.count("Ana is on the way") == len(acknowledged)
    rows = list(csv.DictReader(io.StringIO(history)))
    assert sorted(int(row["number"]) for row in rows) == sorted(numbers)
    assert sorted(row["status"] for row in rows) == ["acknowledged"] * 10 + ["waiting"] * 2


def test_acknowledgements_confirmed_while_others_are_in_flight_survive_sigkill(
    server: ServeProcess, data_dir: Path
) -> None:
    for _index in range(30):
        kiosk = Browser(server.url)
        kiosk.get("/en/talk-to-staff/name?reason=question")
        assert kiosk.post("/en/talk-to-staff", reason="question")[0] == 200
    desk = Browser(server.url)
    desk.get("/staff/login")
    desk.post("/staff/login", name="Ana", password=PASSWORD)
    desk.get("/staff/")
    confirmed: list[int] = []
    lock = threading.Lock()

    def acknowledge(ticket_ids: list[int]) -> None:
        for ticket_id in ticket_ids:
            try:
                status, _ = desk.post(f"/staff/requests/{ticket_id}/acknowledge")
            except (OSError, http.client.HTTPException):
                return  # the server is gone, maybe mid-request: that acknowledgement was never confirmed
            if status != 200:
                return
            with lock:
                confirmed.append(ticket_id)

    workers = [threading.Thread(target=acknowledge, args=(list(range(start, 31, 3)),)) for start in (1, 2, 3)]
    for worker in workers:
        worker.start()
    while len(confirmed) < 12:
        time.sleep(0.001)
    server.kill()
    for worker in workers:
        worker.join(30)

    restarted = ServeProcess(data_dir, env=MANY_KIOSKS)
    try:
        desk = Browser(restarted.url)
        desk.get("/staff/login")
        desk.post("/staff/login", name="Ana", password=PASSWORD)
        history = desk.get("/staff/history.csv")
    finally:
        restarted.stop()
    stored = {int(row["number"]): row["status"] for row in csv.DictReader(io.StringIO(history))}
    assert len(stored) == 30
    assert {number for number, status in stored.items() if status == "acknowledged"} >= set(confirmed)
