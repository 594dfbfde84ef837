"""A burst of wrong passwords against `kiosk serve`: counted atomically, and the front desk still gets in."""

from __future__ import annotations

import http.client
import re
import statistics
import threading
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from tests.helpers.app import make_app
from tests.helpers.desk import PASSWORD, add_account, csrf_token
from tests.helpers.servers import ServeProcess

FRONT_DESK, ATTACKER, OTHER_ATTACKER = "127.0.0.1", "127.0.0.2", "127.0.0.3"
WINDOW = 60  # LOGIN_WINDOW_SECONDS


class Browser:
    """One cookie jar on one connection from a chosen loopback address."""

    def __init__(self, url: str, address: str) -> None:
        parts = urllib.parse.urlsplit(url)
        self.connection = http.client.HTTPConnection(
            parts.hostname or FRONT_DESK, parts.port, timeout=60, source_address=(address, 0)
        )
        self.cookies: dict[str, str] = {}

    def send(self, method: str, path: str, form: dict[str, str] | None = None) -> Answer:
        """Send a request with this browser's cookies and keep the ones it sets."""
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        answer = Answer(response.status, response.headers, response.read().decode())
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return answer

    def close(self) -> None:
        """Close the connection."""
        self.connection.close()

    def login_form(self) -> str:
        """Open the login page and return its CSRF token."""
        return csrf_token(self.send("GET", "/staff/login").text)

    def log_in(self, name: str, password: str, token: str) -> Answer:
        """Post the login form."""
        return self.send("POST", "/staff/login", {"name": name, "password": password, "csrf_token": token})


@dataclass(frozen=True)
class Answer:
    """A whole response: status, headers and text."""

    status: int
    headers: http.client.HTTPMessage
    text: str


def burst(url: str, address: str, name: str, count: int = 50) -> Counter[int]:
    """Fire count wrong passwords for name at once from address, each from its own browser; count the answers."""
    browsers = [Browser(url, address) for _ in range(count)]
    tokens = [browser.login_form() for browser in browsers]
    barrier = threading.Barrier(count)
    statuses: list[int] = []

    def guess(browser: Browser, token: str) -> None:
        barrier.wait()
        statuses.append(browser.log_in(name, "a wrong password", token).status)

    threads = [threading.Thread(target=guess, args=pair) for pair in zip(browsers, tokens, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    for browser in browsers:
        browser.close()
    return Counter(statuses)


def test_fifty_parallel_wrong_passwords_never_keep_the_front_desk_out(tmp_path: Path) -> None:
    data = tmp_path / "data"
    setup = make_app(data)
    add_account(setup, "Desk")
    setup.extensions["kiosk_db"]["engine"].dispose()
    server = ServeProcess(data)
    try:
        desk = Browser(server.url, FRONT_DESK)
        assert desk.log_in("Desk", PASSWORD, desk.login_form()).status == 302  # signed in here before
        desk.send("POST", "/staff/logout", {"csrf_token": csrf_token(desk.send("GET", "/staff/").text)})

        # The limits count in fixed one-minute windows: start the burst early in one, so the checks below
        # all fall in the same window as the burst.
        left = WINDOW - time.time() % WINDOW
        if left < 30:
            time.sleep(left)
        known = burst(server.url, ATTACKER, "Desk")
        unknown = burst(server.url, OTHER_ATTACKER, "Nobody")
        # Counted atomically: exactly LOGIN_FAILURES_PER_ACCOUNT guesses were checked, the rest refused
        # unchecked; and a name that exists is answered exactly as one that does not.
        assert known == unknown == Counter({429: 45, 401: 5})

        started = time.monotonic()
        again = desk.log_in("Desk", PASSWORD, desk.login_form())
        assert again.status == 302, again.text
        assert time.monotonic() - started < 60

        # A browser at the front desk that never signed in waits at most one window, never an hour.
        fresh = Browser(server.url, FRONT_DESK)
        waiting = fresh.log_in("Desk", PASSWORD, fresh.login_form())
        assert waiting.status == 429
        assert 0 < int(waiting.headers["Retry-After"]) <= 60
        desk.close()
        fresh.close()
    finally:
        server.stop()


def normalised(page: str) -> str:
    """Return a login page without what differs between any two answers: the token and the echoed name."""
    page = re.sub(r'name="csrf_token" value="[^"]+"|"X-CSRFToken": "[^"]+"', "", page)
    return re.sub(r'id="login-name" name="name" value="[^"]*"', "", page)


def test_an_unknown_name_is_answered_like_a_known_one(tmp_path: Path) -> None:
    # Limits out of the way: this compares the answers themselves.
    app = make_app(tmp_path / "data", LOGIN_FAILURES_PER_ACCOUNT=100)
    add_account(app, "Desk")
    timings: dict[str, list[float]] = {"Desk": [], "Nobody": []}
    pages: dict[str, set[tuple[int, str]]] = {"Desk": set(), "Nobody": set()}
    for attempt in range(8):
        for name in ("Desk", "Nobody"):
            client = app.test_client()
            address = f"10.0.{attempt}.{len(name)}"
            token = csrf_token(client.get("/staff/login", environ_base={"REMOTE_ADDR": address}).get_data(as_text=True))
            started = time.perf_counter()
            response = client.post(
                "/staff/login",
                data={"name": name, "password": f"wrong {attempt}", "csrf_token": token},
                environ_base={"REMOTE_ADDR": address},
            )
            timings[name].append(time.perf_counter() - started)
            pages[name].add((response.status_code, normalised(response.get_data(as_text=True))))
    assert pages["Desk"] == pages["Nobody"]
    assert len(pages["Desk"]) == 1
    ratio = statistics.median(timings["Desk"]) / statistics.median(timings["Nobody"])
    assert 0.5 < ratio < 2, timings
