"""Talk to staff, measured against the real server (`kiosk serve`, waitress) on loopback.

Run by hand:  .venv/bin/python bench/requests.py [--taps 60] [--seconds 120]

1. Tap to dashboard: a visitor taps "Send my request" in Chromium; a front-desk dashboard, logged in in
   the same browser, shows the request. p50 and p95 over --taps requests. Goal: p95 <= 2 s (better 1 s).
2. Load: 20 kiosks and 5 dashboards poll for --seconds, as the pages do (kiosk every KIOSK_POLL_SECONDS,
   dashboard every STAFF_POLL_SECONDS), while kiosks send and cancel requests and dashboards act on them.
   p99 latency and the error count. Goal: 0 errors. Conflicts (409: another dashboard acted first) are
   the expected answer to a race and are counted apart.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

from kiosk import config

KIOSK = Path(sys.executable).with_name("kiosk")
PASSWORD = "bench password 1234"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
STAMP = re.compile(r'data-stamp="([0-9a-f]+)"')
STATE = re.compile(r'data-state="([a-z_]+)"')
OPEN_ID = re.compile(r'staff-request--(?:waiting|acknowledged)[^"]*"\s+id="request-(\d+)"')
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def percentile(values: list[float], fraction: float) -> float:
    """Return the value below which the given fraction of values fall."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


class Server:
    """`kiosk serve` in a child process on a fresh data directory with one staff account."""

    def __init__(self, data_dir: Path) -> None:
        env = {**os.environ, "KIOSK_DATA_DIR": str(data_dir)}
        subprocess.run(
            [str(KIOSK), "staff", "add", "Desk"],
            input=f"{PASSWORD}\n",
            text=True,
            env=env,
            check=True,
            capture_output=True,
        )
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [str(KIOSK), "serve", "--port", str(self.port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(300):
            try:
                urllib.request.urlopen(f"{self.url}/health", timeout=1).close()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("kiosk serve did not start")

    def stop(self) -> None:
        """Stop the server."""
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(10)


class Client:
    """One keep-alive connection with its own session cookie, timing every request."""

    def __init__(self, url: str, latencies: list[tuple[str, float]], errors: list[str]) -> None:
        parts = urllib.parse.urlsplit(url)
        self.connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)
        self.cookie = ""
        self.token = ""
        self.latencies = latencies
        self.errors = errors

    def call(self, method: str, path: str, form: dict[str, str] | None = None, htmx: bool = False) -> tuple[int, str]:
        """Send one request; record its latency, and an error for anything but 2xx, 3xx or 409."""
        headers = {"Cookie": self.cookie} if self.cookie else {}
        body = None
        if form is not None:
            body = urllib.parse.urlencode({"csrf_token": self.token, **form})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if htmx:
            headers["HX-Request"] = "true"
        started = time.perf_counter()
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            text = response.read().decode()
        except OSError as error:
            self.errors.append(f"{method} {path}: {error!r}")
            self.connection.close()
            return 0, ""
        self.latencies.append((kind(method, path), time.perf_counter() - started))
        cookie = response.getheader("Set-Cookie")
        if cookie:
            self.cookie = cookie.split(";", 1)[0]
        if response.status >= 400 and response.status != 409:
            self.errors.append(f"{method} {path}: {response.status}")
        found = TOKEN.search(text)
        self.token = found.group(1) if found else self.token
        return response.status, text


def kind(method: str, path: str) -> str:
    """Group a request for the latency breakdown."""
    if path.startswith("/staff/requests?"):
        return "dashboard poll"
    if "/ticket/status" in path:
        return "kiosk poll"
    return "page" if method == "GET" else "form post"


def kiosk_loop(
    url: str, stop: float, poll: float, latencies: list[tuple[str, float]], errors: list[str], sent: list[int]
) -> None:
    """One kiosk: send a request, poll its status, and after a while cancel it or start a new visit."""
    client = Client(url, latencies, errors)
    while time.monotonic() < stop:
        client.call("GET", "/en/talk-to-staff/name?reason=book")
        status, _ = client.call("POST", "/en/talk-to-staff", {"reason": "book", "first_name": "Bench"})
        if status == 303:
            sent.append(1)
        state = "waiting"
        until = min(stop, time.monotonic() + random.uniform(10, 40))
        while time.monotonic() < until:
            time.sleep(poll)
            status, text = client.call("GET", f"/en/talk-to-staff/ticket/status?seen={state}", htmx=True)
            if status == 200 and STATE.search(text):
                state = STATE.search(text).group(1)
            if state in ("done", "no_show", "cancelled"):
                break
        if state in ("waiting", "acknowledged", "late") and random.random() < 0.5:
            client.call("GET", "/en/talk-to-staff/ticket/cancel")
            client.call("POST", "/en/talk-to-staff/ticket/cancel", {})
        client.call("POST", "/reset", {})


def dashboard_loop(url: str, stop: float, poll: float, latencies: list[tuple[str, float]], errors: list[str]) -> None:
    """One dashboard: log in, poll the panel with its stamp, and act on a waiting request now and then."""
    client = Client(url, latencies, errors)
    client.call("GET", "/staff/login")
    client.call("POST", "/staff/login", {"name": "Desk", "password": PASSWORD})
    status, page = client.call("GET", "/staff/")
    stamp = STAMP.search(page).group(1) if status == 200 else ""
    while time.monotonic() < stop:
        time.sleep(poll)
        status, text = client.call("GET", f"/staff/requests?seen={stamp}", htmx=True)
        if status == 200:
            stamp = STAMP.search(text).group(1)
            waiting = OPEN_ID.findall(text)
            if waiting and random.random() < 0.3:
                ticket_id = random.choice(waiting)
                action = random.choice(["acknowledge", "done", "no_show"])
                status, text = client.call("POST", f"/staff/requests/{ticket_id}/{action}", {}, htmx=True)
                if STAMP.search(text):
                    stamp = STAMP.search(text).group(1)


def load(url: str, seconds: float) -> None:
    """Run 20 kiosks and 5 dashboards for the given time and print latency and errors."""
    latencies: list[tuple[str, float]] = []
    errors: list[str] = []
    sent: list[int] = []
    stop = time.monotonic() + seconds
    threads = [
        threading.Thread(target=kiosk_loop, args=(url, stop, config.KIOSK_POLL_SECONDS, latencies, errors, sent))
        for _ in range(20)
    ]
    threads += [
        threading.Thread(target=dashboard_loop, args=(url, stop, config.STAFF_POLL_SECONDS, latencies, errors))
        for _ in range(5)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 120)
    millis = [value * 1000 for _, value in latencies]
    print(
        f"load: 20 kiosks (poll {config.KIOSK_POLL_SECONDS} s) + 5 dashboards (poll {config.STAFF_POLL_SECONDS} s) "
        f"for {seconds:.0f} s against kiosk serve (waitress)"
    )
    print(f"  requests {len(millis)} ({len(millis) / seconds:.1f}/s), visitor requests sent {len(sent)}")
    print(
        f"  latency ms: p50 {percentile(millis, 0.5):.1f}  p95 {percentile(millis, 0.95):.1f}  "
        f"p99 {percentile(millis, 0.99):.1f}  max {max(millis):.1f}"
    )
    for group in sorted({name for name, _ in latencies}):
        values = [value * 1000 for name, value in latencies if name == group]
        print(
            f"    {group:15} n={len(values):5}  p50 {percentile(values, 0.5):6.1f}  p99 {percentile(values, 0.99):6.1f}"
        )
    print(f"  errors {len(errors)}" + (f": {errors[:5]}" if errors else ""))


APPEARANCES = """
window.__seen = {};
new MutationObserver(() => {
  for (const item of document.querySelectorAll('[data-ticket-id]')) {
    window.__seen[item.dataset.ticketId] ??= performance.timeOrigin + performance.now();
  }
}).observe(document, {subtree: true, childList: true});
"""


def tap_to_dashboard(url: str, taps: int) -> None:
    """Measure visitor tap to request visible on a logged-in dashboard in Chromium."""
    from playwright.sync_api import sync_playwright

    closer = Client(url, [], [])
    closer.call("GET", "/staff/login")
    closer.call("POST", "/staff/login", {"name": "Desk", "password": PASSWORD})
    closer.call("GET", "/staff/")
    delays = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_FLAGS)
        desk = browser.new_context(viewport={"width": 1600, "height": 1000}, bypass_csp=True).new_page()
        desk.add_init_script(APPEARANCES)
        desk.goto(f"{url}/staff/login")
        desk.fill("#login-name", "Desk")
        desk.fill("#login-password", PASSWORD)
        desk.click("button[type=submit]")
        desk.locator("#staff-requests").wait_for()
        kiosk_context = browser.new_context(viewport={"width": 1080, "height": 1920}, has_touch=True, bypass_csp=True)
        kiosk = kiosk_context.new_page()
        for _ in range(taps):
            kiosk_context.clear_cookies()  # a new visit, as after the idle reset
            kiosk.goto(f"{url}/en/talk-to-staff/name?reason=question")
            time.sleep(random.uniform(0, 1))  # land anywhere in the dashboard's poll cycle
            kiosk.evaluate("""() => { document.querySelector('[data-talk-send]').addEventListener('pointerdown',
              () => { window.__tapped = performance.timeOrigin + performance.now(); }, {once: true}); }""")
            kiosk.tap("[data-talk-send]")
            kiosk.locator("[data-ticket-number]").wait_for()
            tapped = kiosk.evaluate("window.__tapped")
            panel = closer.call("GET", "/staff/requests")[1]
            newest = max(int(found) for found in re.findall(r'data-ticket-id="(\d+)"', panel))
            desk.wait_for_function("id => window.__seen[id] !== undefined", arg=str(newest), timeout=10000)
            delays.append(desk.evaluate("id => window.__seen[id]", str(newest)) - tapped)
            closer.call("GET", "/staff/")
            closer.call("POST", f"/staff/requests/{newest}/done", {})
        browser.close()
    print(f"tap to dashboard: {taps} requests, Chromium, dashboard polling every {config.STAFF_POLL_SECONDS} s")
    print(f"  ms: p50 {statistics.median(delays):.0f}  p95 {percentile(delays, 0.95):.0f}  max {max(delays):.0f}")


def main() -> None:
    """Start a server on a fresh data directory and run both measurements."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--taps", type=int, default=60, help="visitor requests to time (at least 50)")
    parser.add_argument("--seconds", type=float, default=120, help="how long the load runs")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir:
        server = Server(Path(data_dir))
        try:
            tap_to_dashboard(server.url, args.taps)
            load(server.url, args.seconds)
        finally:
            server.stop()


if __name__ == "__main__":
    main()
