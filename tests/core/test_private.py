"""The data directory and every file in it are owner-only, from the first start."""

from __future__ import annotations

import os
import stat
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.app import make_app
from tests.helpers.servers import ServeProcess


@pytest.fixture
def open_umask() -> Iterator[None]:
    """A umask of 022, as a login shell has, restored afterwards."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def modes(root: Path) -> dict[str, int]:
    """Return the permission bits of the root and everything under it."""
    found = {".": stat.S_IMODE(root.stat().st_mode)}
    for path in root.rglob("*"):
        if not path.is_symlink():
            found[str(path.relative_to(root))] = stat.S_IMODE(path.lstat().st_mode)
    return found


@pytest.mark.usefixtures("open_umask")
def test_the_first_start_of_kiosk_serve_makes_everything_owner_only(tmp_path: Path) -> None:
    data = tmp_path / "data"
    server = ServeProcess(data)
    try:
        urllib.request.urlopen(f"{server.url}/en/talk-to-staff").read()  # a database write and a session
    finally:
        server.stop()
    found = modes(data)
    assert {"kiosk.sqlite3", "secret_key"} <= set(found)
    assert {path: mode for path, mode in found.items() if mode & 0o077} == {}
    assert found["."] == 0o700


@pytest.mark.usefixtures("open_umask")
def test_files_left_readable_by_an_older_version_are_tightened_on_start(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "speech").mkdir(parents=True)
    (data / "speech" / "clip.mp3").write_bytes(b"x")
    (data / "kiosk.sqlite3").touch()
    data.chmod(0o755)
    (data / "kiosk.sqlite3").chmod(0o644)
    make_app(data)
    assert {path: mode for path, mode in modes(data).items() if mode & 0o077} == {}
