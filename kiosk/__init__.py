"""Sciatica Kiosk: a touchscreen information kiosk for a massage clinic's waiting room."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask
from flask_wtf.csrf import CSRFProtect
from htmx_flask import Htmx

REPO_ROOT = Path(__file__).resolve().parent.parent

csrf = CSRFProtect()


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Create and configure the kiosk app."""
    data_dir = (test_config or {}).get("DATA_DIR") or os.environ.get("KIOSK_DATA_DIR")
    app = Flask(
        __name__,
        instance_path=str(Path(data_dir or REPO_ROOT / "instance").resolve()),
        instance_relative_config=True,
        template_folder=str(REPO_ROOT / "templates"),
        static_folder=str(REPO_ROOT / "static"),
    )
    app.config.from_object("kiosk.config")
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("KIOSK")
    if test_config:
        app.config.from_mapping(test_config)
    app.config["DATA_DIR"] = app.instance_path
    app.config.setdefault("TRANSLATIONS_DIR", str(REPO_ROOT / "translations"))
    app.config.setdefault("NODE_MODULES", str(REPO_ROOT / "node_modules"))

    from kiosk import assets, catalogs, display, errors, i18n, secrets, visitor

    secrets.init_app(app)
    csrf.init_app(app)
    Htmx(app)
    i18n.init_app(app, Path(app.config["TRANSLATIONS_DIR"]))
    errors.init_app(app)
    catalogs.init_app(app)
    app.register_blueprint(assets.bp)
    app.register_blueprint(display.bp)
    app.register_blueprint(visitor.bp)
    return app
