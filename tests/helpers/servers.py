"""Real servers for tests: the app in a thread, or `kiosk serve` in a child process."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.serving import BaseWSGIServer, make_server

KIOSK = Path(sys.executable).with_name("kiosk")


def free_port() -> int:
    """Ask the OS for a free loopback port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def whole_answer(app: Any, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
    """Answer a request in full and close what the app opened (a static file) before anything is sent."""
    body = app(environ, start_response)
    try:
        return [b"".join(body)]
    finally:
        getattr(body, "close", lambda: None)()


class Whole:
    """WSGI middleware that hands the test server whole answers.

    werkzeug's test server skips closing an answer when the browser hangs up at the wrong moment, which
    leaves a static file open (a ResourceWarning, an error under -W error); a service worker and quick
    taps make that hang-up common. Test pages are small, so reading each answer whole costs nothing.
    """

    def __init__(self, app: Any) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        return whole_answer(self.app, environ, start_response)


class SlowDown:
    """WSGI middleware that answers chosen paths late, as a busy server would, and counts answers in flight."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.delays: dict[str, float] = {}
        self.in_flight = 0
        self.lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        with self.lock:
            self.in_flight += 1
        try:
            time.sleep(self.delays.get(environ.get("PATH_INFO", ""), 0))
            return whole_answer(self.app, environ, start_response)
        finally:
            with self.lock:
                self.in_flight -= 1

    def wait_idle(self, seconds: float = 10) -> None:
        """Wait until no request is being answered, the late ones included."""
        deadline = time.monotonic() + seconds
        while self.in_flight and time.monotonic() < deadline:
            time.sleep(0.02)
        assert self.in_flight == 0, "requests still in flight"


class LiveServer:
    """The app served over HTTP in a background thread (optionally slowed down by a SlowDown)."""

    def __init__(self, app: Flask, slow: SlowDown | None = None) -> None:
        self.app = app
        self.slow = slow
        self.server: BaseWSGIServer = make_server("127.0.0.1", 0, Whole(slow or app), threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        """Stop serving."""
        self.server.shutdown()
        self.thread.join(5)


class ServeProcess:
    """`kiosk serve` in a child process on a data directory, started and (unless wait is false) ready to answer."""

    def __init__(
        self,
        data_dir: Path,
        *,
        env: dict[str, str] | None = None,
        port: int | None = None,
        logs: Path | None = None,
        wait: bool = True,
    ) -> None:
        self.data_dir = data_dir
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = (logs or data_dir.parent) / f"serve-{self.port}.log"
        self.log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [str(KIOSK), "serve", "--host", "127.0.0.1", "--port", str(self.port)],
            env={**os.environ, "KIOSK_DATA_DIR": str(data_dir), **(env or {})},
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        if wait:
            self.wait_ready()

    def wait_ready(self, seconds: float = 30) -> None:
        """Wait until /health answers; fail with the server's log if it dies or never answers."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/health", timeout=1):
                    return
            except OSError:
                if self.process.poll() is not None:
                    break
                time.sleep(0.1)
        raise RuntimeError(f"kiosk serve did not start: see {self.log_path}")

    def kill(self) -> None:
        """SIGKILL: no shutdown handlers, no flushing, nothing."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)
        self.log.close()

    def stop(self) -> None:
        """Stop the server if it is still running."""
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        self.log.close()
