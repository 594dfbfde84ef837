"""Sciatica Kiosk: a touchscreen information kiosk for a massage clinic's waiting room."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Create and configure the kiosk app."""
    # Imported here, so a speech worker process that imports a kiosk module never loads the web app.
    from kiosk import cli, errors, i18n
    from kiosk.clinics import views as clinic_views
    from kiosk.core import assets, db, headers, inputs, paths, private, proxy, secret_key
    from kiosk.editor import (  # noqa: F401 - importing the view modules puts their routes on editor.bp
        blueprint as editor,
        file_views,
        languages as editor_languages,
        pronunciation_views,
        recording_views,
        sound_views,
        views,
    )
    from kiosk.extensions import csrf, htmx
    from kiosk.i18n import sync as catalog_sync
    from kiosk.kiosks import views as kiosks
    from kiosk.ops import logs
    from kiosk.speech import say, say_views, service as speech, views as listen
    from kiosk.staff import dashboard, login
    from kiosk.talk import urgent_views, views as talk  # noqa: F401 - importing urgent_views puts its routes on talk.bp
    from kiosk.visitor import display, emergency, outage_views as outage, views as visitor

    data_dir = (test_config or {}).get("DATA_DIR") or os.environ.get("KIOSK_DATA_DIR")
    app = Flask(
        __name__,
        instance_path=str(Path(data_dir or paths.REPO_ROOT / "instance").resolve()),
        instance_relative_config=True,
        template_folder=str(paths.TEMPLATES),
        static_folder=str(paths.STATIC),
    )
    app.config.from_object("kiosk.config")
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("KIOSK")
    if test_config:
        app.config.from_mapping(test_config)
    app.config["DATA_DIR"] = app.instance_path
    # The kiosk serves, and staff edit, a copy in the data directory, unless config names the catalogs.
    app.config.setdefault(
        "LIVE_TRANSLATIONS_DIR", app.config.get("TRANSLATIONS_DIR") or str(Path(app.instance_path) / "translations")
    )
    app.config.setdefault("TRANSLATIONS_DIR", str(paths.TRANSLATIONS))
    app.config.setdefault("NODE_MODULES", str(paths.NODE_MODULES))
    emergency.check(app)

    # Private first: the log file below is the first thing written to the data directory.
    private.init_app(app)
    logs.init_app(app)
    secret_key.init_app(app)
    proxy.init_app(app)
    headers.init_app(app)
    inputs.init_app(app)
    csrf.init_app(app)
    htmx.init_app(app)
    catalog_sync.init_app(app)
    i18n.init_app(app, Path(app.config["LIVE_TRANSLATIONS_DIR"]))
    errors.init_app(app)
    db.init_app(app)
    speech.init_app(app)
    say.init_app(app)
    editor_languages.init_app(app, previewed=editor.previewed)
    blueprints = (
        cli.bp,
        assets.bp,
        display.bp,
        outage.bp,
        kiosks.bp,
        visitor.bp,
        talk.bp,
        login.bp,
        dashboard.bp,
        clinic_views.bp,
        editor.bp,
        recording_views.bp,
        listen.bp,
        say_views.bp,
    )
    for blueprint in blueprints:
        app.register_blueprint(blueprint)
    return app
