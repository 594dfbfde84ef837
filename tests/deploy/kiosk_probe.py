"""Runs inside the test sandbox (own network and mount namespaces, unprivileged user): serves a stand-in
kiosk on 127.0.0.1:8080 and an "outside" site on 127.0.0.1:8081, drives Chromium the way deploy/ does,
and prints what it saw as JSON. Standard library only: it runs on Debian's python3 as `nobody`.

    python3 kiosk_probe.py policy DEPLOY_DIR WORK_DIR     # the flags and the policy, through DevTools
    python3 kiosk_probe.py watchdog DEPLOY_DIR WORK_DIR   # kiosk-browser itself, against a page that hangs
    python3 kiosk_probe.py cage DEPLOY_DIR WORK_DIR       # cage -> kiosk-browser -> Chromium, no --headless
"""

from __future__ import annotations

import http.server
import importlib.machinery
import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import ModuleType
from typing import Any

KIOSK_URL = "http://127.0.0.1:8080/"
OUTSIDE_URL = "http://127.0.0.1:8081/"
HEADLESS = ["--headless"]
# A fake microphone, so that a refusal shows the policy at work rather than a machine without one.
FAKE_MICROPHONE = ["--use-fake-device-for-media-stream"]
BLOCKED = (
    OUTSIDE_URL,
    "https://example.org/",
    "file:///etc/passwd",
    "view-source:" + KIOSK_URL,
    "devtools://devtools/bundled/inspector.html",
    "chrome://flags/",
    "chrome://inspect/",
    "chrome://version/",
)
# A silent 0.1 s WAV, to see whether audio may start without a tap.
SILENT_WAV = (
    b"RIFF"
    + (36 + 1600).to_bytes(4, "little")
    + b"WAVEfmt "
    + (16).to_bytes(4, "little")
    + (1).to_bytes(2, "little")
    + (1).to_bytes(2, "little")
    + (8000).to_bytes(4, "little")
    + (16000).to_bytes(4, "little")
    + (2).to_bytes(2, "little")
    + (16).to_bytes(2, "little")
    + b"data"
    + (1600).to_bytes(4, "little")
    + bytes(1600)
)


class Site:
    """A loopback web server whose pages a scenario chooses; it records every request."""

    def __init__(self, port: int, pages: Any) -> None:
        self.requests: list[tuple[float, str]] = []
        self.pages = pages
        site = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                site.requests.append((time.monotonic(), self.path))
                status, content_type, body = site.pages(self.path)
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def paths(self) -> list[str]:
        """Return the paths requested so far, favicon requests left out."""
        return [path for _, path in self.requests if path != "/favicon.ico"]


def html(title: str, script: str = "") -> tuple[int, str, bytes]:
    """Return a small page."""
    return (
        200,
        "text/html; charset=utf-8",
        f"<!doctype html><title>{title}</title><p>{title}</p><script>{script}</script>".encode(),
    )


def load_launcher(deploy: Path) -> ModuleType:
    """Import deploy/bin/kiosk-browser, a script without a .py suffix."""
    loader = importlib.machinery.SourceFileLoader("kiosk_browser", str(deploy / "bin" / "kiosk-browser"))
    spec = importlib.util.spec_from_loader("kiosk_browser", loader)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def wait_for(predicate: Any, seconds: float) -> bool:
    """Poll until predicate() is true or time runs out."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return bool(predicate())


def policy(deploy: Path, work: Path) -> dict[str, Any]:
    """Start Chromium with the kiosk flags; report what loads, what is blocked, and what is allowed."""
    launcher = load_launcher(deploy)

    def kiosk_pages(path: str) -> tuple[int, str, bytes]:
        if path == "/health":
            return 200, "application/json", b'{"status": "ok"}'
        if path == "/silence.wav":
            return 200, "audio/wav", SILENT_WAV
        return html("Kiosk test page")

    kiosk = Site(8080, kiosk_pages)
    outside = Site(8081, lambda path: html("Outside page"))
    flags = launcher.read_flags(deploy / "chromium" / "kiosk.flags")
    process, devtools = launcher.start_chromium(
        "/usr/bin/chromium", flags + HEADLESS + FAKE_MICROPHONE, work / "profile", KIOSK_URL
    )
    report: dict[str, Any] = {"flags": flags}
    try:
        watchdog = launcher.Watchdog(
            devtools,
            KIOSK_URL,
            answer_timeout=10,
            hang_checks=2,
            off_kiosk_checks=2,
            max_recoveries=3,
            recovery_window=600,
        )
        wait_for(lambda: (watchdog.page() or {}).get("url", "").startswith(KIOSK_URL), 15)
        target = watchdog.page()
        assert target is not None
        session = watchdog.session(target)

        def evaluate(expression: str) -> Any:
            reply = devtools.call(
                "Runtime.evaluate",
                {"expression": expression, "returnByValue": True, "awaitPromise": True},
                session=session,
                timeout=10,
            )
            return reply["result"].get("value")

        wait_for(lambda: evaluate("document.readyState") == "complete", 10)
        report["kiosk"] = {"href": evaluate("location.href"), "title": evaluate("document.title")}
        report["autoplay"] = evaluate("new Audio('/silence.wav').play().then(() => 'allowed', error => error.name)")
        report["microphone"] = evaluate(
            "navigator.mediaDevices.getUserMedia({audio: true}).then(() => 'allowed', error => error.name)"
        )
        report["blocked"] = {}
        for url in BLOCKED:
            reply = devtools.call("Page.navigate", {"url": url}, session=session, timeout=10)
            wait_for(lambda: evaluate("document.readyState") == "complete", 5)
            report["blocked"][url] = {
                "error": reply.get("errorText"),
                "href": evaluate("location.href"),
                "text": evaluate("document.body ? document.body.innerText.slice(0, 200) : ''"),
            }
        # A second tab (Ctrl+H on a keyboard, say) is closed by the watchdog's next round.
        devtools.call("Target.createTarget", {"url": "chrome://history/"})
        report["tabs_before_check"] = [tab["url"] for tab in watchdog.tabs()]
        report["check"] = watchdog.check()
        wait_for(lambda: len(watchdog.tabs()) == 1, 5)
        report["tabs_after_check"] = [tab["url"] for tab in watchdog.tabs()]
        report["outside_requests"] = outside.paths()
        report["kiosk_requests"] = kiosk.paths()
    finally:
        launcher.stop(process)
        devtools.close()
    return report


def watchdog(deploy: Path, work: Path) -> dict[str, Any]:
    """Run kiosk-browser against a page that hangs, then one that leaves the kiosk, then kill Chromium."""
    started = time.monotonic()
    health_back_at = [float("inf")]
    loads: list[float] = []

    def kiosk_pages(path: str) -> tuple[int, str, bytes]:
        if path == "/health":
            # The server is "down" while the second page leaves the kiosk, and back a moment later.
            up = not (len(loads) == 2 and time.monotonic() < health_back_at[0])
            return (200, "application/json", b'{"status": "ok"}') if up else (503, "text/plain", b"down")
        if path.startswith("/alive"):
            return 204, "text/plain", b""
        if path != "/":
            return 404, "text/plain", b""
        loads.append(time.monotonic())
        if len(loads) == 1:
            # The renderer spins forever, as a hung page does: nothing it runs will ever answer.
            return html("Hangs", "setTimeout(() => { for (;;) {} }, 500);")
        if len(loads) == 2:
            health_back_at[0] = time.monotonic() + 3
            return html("Leaves", f"setTimeout(() => {{ location.href = '{OUTSIDE_URL}'; }}, 300);")
        return html("Healthy", "setInterval(() => fetch('/alive?' + Date.now()), 200);")

    kiosk = Site(8080, kiosk_pages)
    Site(8081, lambda path: html("Outside page"))
    notify_path = work / "notify.sock"
    notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    notify.bind(str(notify_path))
    notes: set[str] = set()

    def read_notifications() -> None:
        # Drain as systemd does, so notifications never pile up in the socket.
        while True:
            notes.add(notify.recv(100).decode())

    threading.Thread(target=read_notifications, daemon=True).start()
    env = dict(os.environ, NOTIFY_SOCKET=str(notify_path))
    command = [
        sys.executable,
        str(deploy / "bin" / "kiosk-browser"),
        "--config",
        str(work / "no-config"),
        "--profile",
        str(work / "profile"),
        "--check-seconds",
        "0.5",
        "--answer-timeout",
        "1",
        "--wait-for-server",
        "10",
        "--",
        *HEADLESS,
    ]
    # A file, not a pipe: Chromium logs a lot, and a pipe nobody reads would fill up and block it.
    log_path = work / "kiosk-browser.log"
    with log_path.open("w") as log_file:
        launcher = subprocess.Popen(command, env=env, stderr=log_file)
    report: dict[str, Any] = {}
    try:
        report["third_load"] = wait_for(lambda: len(loads) >= 3, 40)
        report["alive_after_recovery"] = wait_for(
            lambda: sum(path.startswith("/alive") for path in kiosk.paths()) >= 3, 10
        )
        chromium = [
            int(pid)
            for pid in subprocess.run(["pgrep", "-P", str(launcher.pid)], capture_output=True, text=True).stdout.split()
        ]
        report["chromium_pids"] = chromium
        for pid in chromium:
            os.kill(pid, signal.SIGKILL)
        try:
            report["launcher_status"] = launcher.wait(20)
        except subprocess.TimeoutExpired:
            report["launcher_status"] = "still running 20 s after Chromium was killed"
    finally:
        if launcher.poll() is None:
            launcher.terminate()
            launcher.wait(10)
        # kiosk-browser's own lines; Chromium's are noise here (no D-Bus or sound card in the sandbox).
        report["log"] = [
            line
            for line in log_path.read_text(errors="replace").splitlines()
            if not line.startswith(("[", "ALSA lib", "Fontconfig", "/usr/bin/chromium:"))
        ]
    report["notify"] = sorted(notes)
    report["loads"] = [round(at - started, 2) for at in loads]
    report["health_back_at"] = round(health_back_at[0] - started, 2)
    return report


def in_cage(deploy: Path, work: Path) -> dict[str, Any]:
    """Run the screen's command line, cage with kiosk-browser in it, on wlroots' headless backend."""
    kiosk = Site(
        8080,
        lambda path: (
            (200, "application/json", b'{"status": "ok"}')
            if path == "/health"
            else (204, "text/plain", b"")
            if path.startswith("/alive")
            else html("Kiosk in cage", "setInterval(() => fetch('/alive?' + Date.now()), 200);")
        ),
    )
    runtime = work / "xdg"
    runtime.mkdir(mode=0o700)
    # No GPU, screen or input devices here: wlroots draws into memory instead.
    env = dict(
        os.environ,
        XDG_RUNTIME_DIR=str(runtime),
        WLR_BACKENDS="headless",
        WLR_RENDERER="pixman",
        WLR_LIBINPUT_NO_DEVICES="1",
    )
    command = [
        "cage",
        "-d",
        "--",
        sys.executable,
        str(deploy / "bin" / "kiosk-browser"),
        "--config",
        str(work / "no-config"),
        "--profile",
        str(work / "profile"),
        "--check-seconds",
        "0.5",
    ]
    log_path = work / "cage.log"
    with log_path.open("w") as log_file:
        cage = subprocess.Popen(command, env=env, stderr=log_file, stdout=log_file)
        report: dict[str, Any] = {
            "alive": wait_for(lambda: sum(path.startswith("/alive") for path in kiosk.paths()) >= 3, 30)
        }
        cage.terminate()
        report["cage_status"] = cage.wait(20)
    report["log"] = [
        line
        for line in log_path.read_text(errors="replace").splitlines()
        if "starting /usr/bin/chromium" in line or "[ERROR] [../cage" in line
    ]
    return report


def main() -> None:
    mode, deploy, work = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    report = {"policy": policy, "watchdog": watchdog, "cage": in_cage}[mode](deploy, work)
    print(json.dumps(report))


if __name__ == "__main__":
    main()
