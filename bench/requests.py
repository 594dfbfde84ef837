"""Talk to staff, measured against the real server (`kiosk serve`, waitress), directly on loopback and
behind Debian's nginx terminating TLS (a throwaway self-signed certificate in a temporary directory).

Run by hand:  .venv/bin/python bench/requests.py [--taps 60] [--seconds 120] [--no-proxy]

1. Tap to dashboard: a visitor taps "Send my request" in Chromium; a front-desk dashboard, logged in in
   the same browser, shows the request. p50 and p95 over --taps requests, direct and through the proxy.
   Goal: p95 <= 1 s. Then the same for "Get help now" on the welcome screen, measured apart: tap to the
   request shown urgent on the dashboard, and tap to its siren (the staff:chime event). Goal: p95 <= 1 s.
2. Load: 20 kiosks (each with its own kiosk key) and 5 dashboards poll for --seconds, as the pages do
   (kiosk every KIOSK_POLL_SECONDS, dashboard every STAFF_POLL_SECONDS), while kiosks send and cancel
   requests and dashboards act on them: directly (the baseline) and through nginx with TLS. p99 latency
   and the error count. Goal: 0 errors. Conflicts (409: another dashboard acted first) are the expected
   answer to a race and are counted apart.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import ssl
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from kiosk import config, create_app
from kiosk.core import db
from kiosk.kiosks import identity

KIOSK = Path(sys.executable).with_name("kiosk")
PASSWORD = "bench password 1234"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
STAMP = re.compile(r'data-stamp="([0-9a-f]+)"')
STATE = re.compile(r'data-state="([a-z_]+)"')
OPEN_ID = re.compile(r'staff-request--(?:waiting|acknowledged)[^"]*"\s+id="request-(\d+)"')
KIOSKS = 20
NGINX_CONF = """
worker_processes 2;
pid {dir}/nginx.pid;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  client_body_temp_path {dir}/body;
  proxy_temp_path {dir}/proxy;
  fastcgi_temp_path {dir}/fastcgi;
  uwsgi_temp_path {dir}/uwsgi;
  scgi_temp_path {dir}/scgi;
  upstream kiosk {{ server 127.0.0.1:{upstream}; keepalive 32; }}
  server {{
    listen 127.0.0.1:{port} ssl;
    ssl_certificate {dir}/cert.pem;
    ssl_certificate_key {dir}/key.pem;
    ssl_protocols TLSv1.2 TLSv1.3;
    client_max_body_size 4m;
    location / {{
      proxy_pass http://kiosk;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-Host $http_host;
    }}
  }}
}}
"""
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


def _setting(value: str) -> Any:
    """Return a KIOSK_* value as Flask's from_prefixed_env reads it: JSON when it parses, else the text."""
    try:
        return json.loads(value)
    except ValueError:
        return value


def free_port() -> int:
    """Ask the OS for a free loopback port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def kiosk_keys(data_dir: Path, settings: dict[str, str]) -> list[str]:
    """Add KIOSKS kiosk screens, as `kiosk kiosks add` does, and return their keys."""
    # The server's KIOSK_* settings (its database, say) apply here too, read as Flask reads them.
    overrides = {name.removeprefix("KIOSK_"): _setting(value) for name, value in settings.items()}
    app = create_app({"DATA_DIR": str(data_dir), **overrides})
    with db.session_scope(app) as session:
        keys = [identity.add(session, f"Kiosk {number:02d}")[1] for number in range(1, KIOSKS + 1)]
    app.extensions["kiosk_db"]["engine"].dispose()
    return keys


class Server:
    """`kiosk serve` in a child process on a fresh data directory with one staff account and the kiosks;
    settings: KIOSK_* variables."""

    def __init__(self, data_dir: Path, settings: dict[str, str] | None = None) -> None:
        self.keys = kiosk_keys(data_dir, settings or {})
        # nginx on this machine is the one proxy to believe.
        env = {
            **os.environ,
            "KIOSK_DATA_DIR": str(data_dir),
            "KIOSK_TRUSTED_PROXIES": '["127.0.0.1"]',
            **(settings or {}),
        }
        subprocess.run(
            [str(KIOSK), "staff", "add", "Desk"],
            input=f"{PASSWORD}\n",
            text=True,
            env=env,
            check=True,
            capture_output=True,
        )
        self.port = free_port()
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


class Proxy:
    """Debian's nginx terminating TLS with a throwaway self-signed certificate, proxying to the server."""

    def __init__(self, upstream: int, directory: Path) -> None:
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        if not Path(nginx).exists():
            raise SystemExit("nginx is not installed: apt-get install -y nginx (or run with --no-proxy)")
        subprocess.run(
            [
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
                "-nodes",
                "-days",
                "1",
                "-subj",
                "/CN=localhost",
                "-addext",
                "subjectAltName=DNS:localhost,IP:127.0.0.1",
                "-keyout",
                str(directory / "key.pem"),
                "-out",
                str(directory / "cert.pem"),
            ],
            check=True,
            capture_output=True,
        )
        self.port = free_port()
        (directory / "nginx.conf").write_text(NGINX_CONF.format(dir=directory, upstream=upstream, port=self.port))
        self.process = subprocess.Popen(
            [
                nginx,
                "-p",
                str(directory),
                "-e",
                str(directory / "error.log"),
                "-c",
                str(directory / "nginx.conf"),
                "-g",
                "daemon off;",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.url = f"https://localhost:{self.port}"
        self.context = ssl.create_default_context(cafile=str(directory / "cert.pem"))
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{self.url}/health", timeout=1, context=self.context).close()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"nginx did not start: see {directory / 'error.log'}")

    def stop(self) -> None:
        """Stop nginx."""
        self.process.send_signal(signal.SIGQUIT)
        self.process.wait(10)


class Client:
    """One keep-alive connection with its own session cookie, timing every request."""

    def __init__(
        self,
        url: str,
        latencies: list[tuple[str, float]],
        errors: list[str],
        context: ssl.SSLContext | None = None,
    ) -> None:
        parts = urllib.parse.urlsplit(url)
        self.connection: http.client.HTTPConnection
        if parts.scheme == "https":
            self.connection = http.client.HTTPSConnection(parts.hostname or "", parts.port, timeout=30, context=context)
        else:
            self.connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)
        self.cookies: dict[str, str] = {}
        self.token = ""
        # Over HTTPS, Flask-WTF checks that a form's Referer is this site, as a browser sends it.
        self.origin = f"{parts.scheme}://{parts.netloc}"
        self.latencies = latencies
        self.errors = errors

    def call(self, method: str, path: str, form: dict[str, str] | None = None, htmx: bool = False) -> tuple[int, str]:
        """Send one request; record its latency, and an error for anything but 2xx, 3xx or 409."""
        headers = {"Cookie": "; ".join(f"{name}={value}" for name, value in self.cookies.items())}
        body = None
        if form is not None:
            body = urllib.parse.urlencode({"csrf_token": self.token, **form})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"{self.origin}/"
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
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
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
    url: str,
    key: str,
    stop: float,
    latencies: list[tuple[str, float]],
    errors: list[str],
    sent: list[int],
    context: ssl.SSLContext | None,
) -> None:
    """One kiosk: send a request, poll its status, and after a while cancel it or start a new visit."""
    poll = config.KIOSK_POLL_SECONDS
    client = Client(url, latencies, errors, context)
    client.call("GET", f"/kiosk/start?key={key}")
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
        # The next visitor walks up a little later; a kiosk never sends more than its limit
        # (REQUEST_LIMIT_PER_KIOSK a minute), which a loop without this pause would exceed.
        time.sleep(min(random.uniform(10, 20), max(0.0, stop - time.monotonic())))


def dashboard_loop(
    url: str, stop: float, latencies: list[tuple[str, float]], errors: list[str], context: ssl.SSLContext | None
) -> None:
    """One dashboard: log in, poll the panel with its stamp, and act on a waiting request now and then."""
    poll = config.STAFF_POLL_SECONDS
    client = Client(url, latencies, errors, context)
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


def load(url: str, keys: list[str], seconds: float, label: str, context: ssl.SSLContext | None = None) -> None:
    """Run 20 kiosks and 5 dashboards for the given time and print latency and errors."""
    latencies: list[tuple[str, float]] = []
    errors: list[str] = []
    sent: list[int] = []
    stop = time.monotonic() + seconds
    threads = [
        threading.Thread(target=kiosk_loop, args=(url, key, stop, latencies, errors, sent, context)) for key in keys
    ]
    threads += [threading.Thread(target=dashboard_loop, args=(url, stop, latencies, errors, context)) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 120)
    millis = [value * 1000 for _, value in latencies]
    print(
        f"load, {label}: {len(keys)} kiosks (poll {config.KIOSK_POLL_SECONDS} s) + 5 dashboards "
        f"(poll {config.STAFF_POLL_SECONDS} s) for {seconds:.0f} s"
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
window.__urgent = {};
window.__sirens = [];
new MutationObserver(() => {
  const now = performance.timeOrigin + performance.now();
  for (const item of document.querySelectorAll('[data-ticket-id]')) {
    window.__seen[item.dataset.ticketId] ??= now;
    if (item.dataset.urgent === 'true') window.__urgent[item.dataset.ticketId] ??= now;
  }
}).observe(document, {subtree: true, childList: true});
document.addEventListener('staff:chime', (event) => {
  if (event.detail.kind === 'urgent') window.__sirens.push(performance.timeOrigin + performance.now());
});
"""
MARK_TAP = """(selector) => { document.querySelector(selector).addEventListener('pointerdown',
  () => { window.__tapped = performance.timeOrigin + performance.now(); }, {once: true}); }"""


def newest_open(client: Client) -> int:
    """Return the id of the newest open request, as the dashboard's panel lists it."""
    panel = client.call("GET", "/staff/requests")[1]
    return max(int(found) for found in re.findall(r'data-ticket-id="(\d+)"', panel))


def tap_to_dashboard(url: str, keys: list[str], taps: int, label: str, context: ssl.SSLContext | None = None) -> None:
    """Measure visitor tap to request visible on a logged-in dashboard in Chromium: booking, then Get help now."""
    from playwright.sync_api import sync_playwright

    closer = Client(url, [], [], context)
    closer.call("GET", "/staff/login")
    closer.call("POST", "/staff/login", {"name": "Desk", "password": PASSWORD})
    closer.call("GET", "/staff/")
    delays: list[float] = []
    urgent: list[float] = []
    sirens: list[float] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_FLAGS)
        # The certificate is self-signed; the CSP would refuse Playwright's string predicates.
        desk = browser.new_context(
            viewport={"width": 1600, "height": 1000}, bypass_csp=True, ignore_https_errors=True
        ).new_page()
        desk.add_init_script(APPEARANCES)
        desk.goto(f"{url}/staff/login")
        desk.fill("#login-name", "Desk")
        desk.fill("#login-password", PASSWORD)
        desk.click("button[type=submit]")
        desk.locator("#staff-requests").wait_for()
        kiosk_context = browser.new_context(
            viewport={"width": 1080, "height": 1920}, has_touch=True, bypass_csp=True, ignore_https_errors=True
        )
        kiosk = kiosk_context.new_page()
        for tap in range(taps):
            kiosk_context.clear_cookies()  # a new visit, as after the idle reset
            # Taps rotate over the kiosks, so none goes past its request limit.
            kiosk.goto(f"{url}/kiosk/start?key={keys[tap % len(keys)]}")
            kiosk.goto(f"{url}/en/talk-to-staff/name?reason=question")
            time.sleep(random.uniform(0, 1))  # land anywhere in the dashboard's poll cycle
            kiosk.evaluate(MARK_TAP, "[data-talk-send]")
            kiosk.tap("[data-talk-send]")
            kiosk.locator("[data-ticket-number]").wait_for()
            tapped = kiosk.evaluate("window.__tapped")
            newest = newest_open(closer)
            desk.wait_for_function("id => window.__seen[id] !== undefined", arg=str(newest), timeout=10000)
            delays.append(desk.evaluate("id => window.__seen[id]", str(newest)) - tapped)
            closer.call("GET", "/staff/")
            closer.call("POST", f"/staff/requests/{newest}/done", {})
        for tap in range(taps):
            kiosk_context.clear_cookies()
            kiosk.goto(f"{url}/kiosk/start?key={keys[tap % len(keys)]}")
            kiosk.goto(f"{url}/en/")
            time.sleep(random.uniform(0, 1))
            button = ".kiosk-dock [data-get-help] button"
            kiosk.evaluate(MARK_TAP, button)
            heard = desk.evaluate("window.__sirens.length")
            kiosk.tap(button)
            kiosk.locator("#talk-status[data-state=waiting]").wait_for()
            tapped = kiosk.evaluate("window.__tapped")
            newest = newest_open(closer)
            desk.wait_for_function("id => window.__urgent[id] !== undefined", arg=str(newest), timeout=10000)
            desk.wait_for_function("n => window.__sirens.length > n", arg=heard, timeout=10000)
            urgent.append(desk.evaluate("id => window.__urgent[id]", str(newest)) - tapped)
            sirens.append(desk.evaluate("n => window.__sirens[n]", heard) - tapped)
            closer.call("GET", "/staff/")
            closer.call("POST", f"/staff/requests/{newest}/done", {})
        browser.close()
    print(
        f"tap to dashboard, {label}: {taps} requests, Chromium, dashboard polling every {config.STAFF_POLL_SECONDS} s"
    )
    print(f"  ms: {summary(delays)}")
    print(f"urgent tap to dashboard, {label} (Get help now on the welcome screen): {taps} requests, goal p95 <= 1 s")
    print(f"  shown urgent, ms: {summary(urgent)}")
    print(f"  siren,        ms: {summary(sirens)}")


def summary(millis: list[float]) -> str:
    """Return p50, p95 and the worst of some durations in milliseconds."""
    return f"p50 {statistics.median(millis):.0f}  p95 {percentile(millis, 0.95):.0f}  max {max(millis):.0f}"


def main() -> None:
    """Start a server on a fresh data directory and run both measurements."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--taps", type=int, default=60, help="visitor requests to time (at least 50)")
    parser.add_argument("--seconds", type=float, default=120, help="how long each load run takes")
    parser.add_argument("--no-proxy", action="store_true", help="skip the runs through nginx with TLS")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir, tempfile.TemporaryDirectory() as proxy_dir:
        server = Server(Path(data_dir) / "data")
        proxy = None if args.no_proxy else Proxy(server.port, Path(proxy_dir))
        try:
            tap_to_dashboard(server.url, server.keys, args.taps, "direct")
            if proxy:
                tap_to_dashboard(proxy.url, server.keys, args.taps, "nginx TLS", proxy.context)
            load(server.url, server.keys, args.seconds, "direct (baseline)")
            if proxy:
                load(proxy.url, server.keys, args.seconds, "behind nginx with TLS", proxy.context)
        finally:
            if proxy:
                proxy.stop()
            server.stop()


if __name__ == "__main__":
    main()
