"""Shared fixtures: an app on a temporary data directory, clients, a live server and a real browser."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import storage
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from werkzeug.serving import BaseWSGIServer, make_server

from kiosk import create_app
from kiosk.core.paths import REPO_ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Without the networking flags Chromium keeps trying to reach the internet, which is closed here.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PORTRAIT = {"width": 1080, "height": 1920}
LANDSCAPE = {"width": 1920, "height": 1080}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag2aaa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
AXE_JS = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"


def make_app(data_dir: Path, **config: Any) -> Flask:
    """Build an app for tests on its own data directory."""
    return create_app({"TESTING": True, "DATA_DIR": str(data_dir), "SECRET_KEY": "test", **config})


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    """An app with CSRF checks off, for route tests that post forms."""
    return make_app(tmp_path / "data", WTF_CSRF_ENABLED=False)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client."""
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    """A CLI runner."""
    return app.test_cli_runner()


@pytest.fixture
def hx() -> Callable[..., dict[str, str]]:
    """Build the headers htmx sends."""

    def headers(**extra: str) -> dict[str, str]:
        return {"HX-Request": "true", **extra}

    return headers


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


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One real HTTP server for the browser tests."""
    server = LiveServer(make_app(tmp_path_factory.mktemp("live")))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright: one browser for the whole session."""
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium is not installed at {CHROMIUM}; run 'make test' as root or install it.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser: Any) -> Iterator[Callable[..., Any]]:
    """Open touch-enabled pages at a kiosk viewport; every context is closed after the test."""
    contexts = []

    def open_page(viewport: dict[str, int] = PORTRAIT, **options: Any) -> Any:
        context = browser.new_context(viewport=viewport, has_touch=True, **options)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture(params=storage.BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database: a SQLite file, and in a second run PostgreSQL when KIOSK_TEST_DATABASE_URL is set."""
    with storage.empty_database(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def storage_apps(database_url: str, tmp_path: Path) -> Iterator[Callable[..., Flask]]:
    """Build apps on the test database (each with its own data directory); closes their connections after."""
    apps: list[Flask] = []

    def build(**config: Any) -> Flask:
        config.setdefault("WTF_CSRF_ENABLED", False)
        built = make_app(tmp_path / f"data{len(apps)}", DATABASE_URL=database_url, **config)
        apps.append(built)
        return built

    yield build
    for built in apps:
        storage.dispose(built)
