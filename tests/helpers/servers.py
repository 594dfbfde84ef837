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
from pathlib import Path

from flask import Flask
from werkzeug.serving import BaseWSGIServer, make_server

KIOSK = Path(sys.executable).with_name("kiosk")


def free_port() -> int:
    """Ask the OS for a free loopback port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LiveServer:
    """The app served over HTTP in a background thread."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.server: BaseWSGIServer = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        """Stop serving."""
        self.server.shutdown()
        self.thread.join(5)


class ServeProcess:
    """`kiosk serve` in a child process on its own data directory, started and ready to answer."""

    def __init__(
        self, data_dir: Path, *, env: dict[str, str] | None = None, port: int | None = None, logs: Path | None = None
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
