"""The data directory is owner-only: it holds the session key, the database with visitors' first names,
the staff accounts, and the translations' history."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from flask import Flask

DIRECTORY_MODE = 0o700
FILE_MODE = 0o600


def make_private(data_dir: Path) -> None:
    """Create the data directory owner-only, and take away any group or other access in it."""
    # The umask covers every file created later by anyone in this process, SQLite's -wal and -shm
    # files and the speech cache included, so nothing is ever briefly readable by others.
    os.umask(0o077)
    data_dir.mkdir(parents=True, exist_ok=True, mode=DIRECTORY_MODE)
    # Files from an older version, or from a `make run` before this one, may be 0644: tighten them.
    for root, directories, files in os.walk(data_dir):
        for name in (*directories, *files):
            _tighten(Path(root) / name)
    _tighten(data_dir)


def _tighten(path: Path) -> None:
    """Remove group and other permissions from one file or directory; symlinks are left alone."""
    info = path.lstat()
    if stat.S_ISLNK(info.st_mode) or not info.st_mode & 0o077:
        return
    path.chmod(stat.S_IMODE(info.st_mode) & 0o700)


def init_app(app: Flask) -> None:
    """Make the app's data directory private before anything is written to it."""
    make_private(Path(app.instance_path))
