"""The session signing key: generated once into the data directory, never kept in the repo."""

from __future__ import annotations

import os
import secrets as token_source
from pathlib import Path

from flask import Flask


def load_or_create_key(path: Path) -> str:
    """Return the key stored at path, creating it atomically with owner-only access if absent."""
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = token_source.token_hex(32)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
        handle.flush()
        os.fsync(handle.fileno())
    try:
        # link() fails if another process won the race; then both use the winner's key.
        os.link(tmp, path)
    except FileExistsError:
        pass
    finally:
        tmp.unlink()
    return path.read_text().strip()


def init_app(app: Flask) -> None:
    """Give the app a secret key unless config already set one."""
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = load_or_create_key(Path(app.instance_path) / "secret_key")
