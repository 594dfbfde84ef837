"""Apps for tests, each on its own data directory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from kiosk import create_app


def make_app(data_dir: Path, **config: Any) -> Flask:
    """Build an app for tests on its own data directory."""
    return create_app({"TESTING": True, "DATA_DIR": str(data_dir), "SECRET_KEY": "test", **config})
