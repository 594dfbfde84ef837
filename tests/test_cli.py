"""The `kiosk` command: the production server answers, and the data directory is configurable."""

from __future__ import annotations

import json
import subprocess
import urllib.request
from pathlib import Path

from kiosk.core.paths import REPO_ROOT
from tests.helpers.servers import KIOSK, ServeProcess


def test_kiosk_serve_runs_waitress_with_the_chosen_data_directory(tmp_path: Path) -> None:
    server = ServeProcess(tmp_path / "data")
    try:
        with urllib.request.urlopen(f"{server.url}/health", timeout=5) as response:
            assert response.status == 200
            assert json.load(response)["status"] == "ok"
            assert response.headers["Server"] == "kiosk"  # waitress's ident, not the dev server
        with urllib.request.urlopen(f"{server.url}/es/topics", timeout=5) as response:
            assert 'lang="es"' in response.read().decode()
        assert (tmp_path / "data" / "secret_key").stat().st_mode & 0o077 == 0
    finally:
        server.stop()


def test_kiosk_help_lists_the_commands() -> None:
    result = subprocess.run([str(KIOSK), "--help"], capture_output=True, text=True, check=True, cwd=REPO_ROOT)
    for command in ("serve", "translate"):
        assert command in result.stdout
