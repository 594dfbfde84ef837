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
    # The kiosk serves, and staff edit, a copy in the data directory, unless config names the catalogs.
    app.config.setdefault("LIVE_TRANSLATIONS_DIR",
                          app.config.get("TRANSLATIONS_DIR") or str(Path(app.instance_path) / "translations"))
    app.config.setdefault("TRANSLATIONS_DIR", str(REPO_ROOT / "translations"))
    app.config.setdefault("NODE_MODULES", str(REPO_ROOT / "node_modules"))

    from kiosk import assets, catalog_sync, catalogs, display, editor_languages, errors, i18n, secrets, visitor

    secrets.init_app(app)
    csrf.init_app(app)
    Htmx(app)
    catalog_sync.init_app(app)
    i18n.init_app(app, Path(app.config["LIVE_TRANSLATIONS_DIR"]))
    editor_languages.init_app(app)
    errors.init_app(app)
    catalogs.init_app(app)
    app.register_blueprint(assets.bp)
    app.register_blueprint(display.bp)
    app.register_blueprint(visitor.bp)

    from kiosk import auth, db, staff, staff_cli, talk

    db.init_app(app)
    staff_cli.init_app(app)
    app.register_blueprint(auth.bp)
    app.register_blueprint(staff.bp)
    app.register_blueprint(talk.bp)

    from kiosk import editor_file_views, editor_views

    app.register_blueprint(editor_views.bp)
    app.register_blueprint(editor_file_views.bp)

    from kiosk import listen, speech

    speech.init_app(app)
    app.register_blueprint(listen.bp)
    return app
