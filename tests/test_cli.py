"""The `kiosk` command: the production server answers, and the data directory is configurable."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from kiosk.core.paths import REPO_ROOT

KIOSK = Path(sys.executable).parent / "kiosk"


def free_port() -> int:
    """Ask the OS for a free loopback port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_kiosk_serve_runs_waitress_with_the_chosen_data_directory(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "KIOSK_DATA_DIR": str(tmp_path / "data")}
    server = subprocess.Popen(
        [str(KIOSK), "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1) as response:
                    assert response.status == 200
                    assert json.load(response)["status"] == "ok"
                    assert response.headers["Server"] == "kiosk"  # waitress's ident, not the dev server
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, "server did not start"
                time.sleep(0.2)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/es/topics", timeout=5) as response:
            assert 'lang="es"' in response.read().decode()
        assert (tmp_path / "data" / "secret_key").stat().st_mode & 0o077 == 0
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(10)


def test_kiosk_help_lists_the_commands() -> None:
    result = subprocess.run([str(KIOSK), "--help"], capture_output=True, text=True, check=True, cwd=REPO_ROOT)
    for command in ("serve", "translate"):
        assert command in result.stdout
