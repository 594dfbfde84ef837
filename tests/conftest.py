"""Shared fixtures: an app on a temporary data directory, clients, a live server and a real browser."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from playwright.sync_api import ViewportSize

from tests.helpers import storage
from tests.helpers.app import make_app
from tests.helpers.browser import CHROMIUM, CHROMIUM_FLAGS, PORTRAIT
from tests.helpers.servers import LiveServer, SlowDown


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


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One real HTTP server for the browser tests."""
    # Every browser test's kiosk is this one loopback kiosk, sending far more requests than a real one.
    server = LiveServer(make_app(tmp_path_factory.mktemp("live"), REQUEST_LIMIT_PER_KIOSK=100_000))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def slow_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A second real server whose answers a test can delay, path by path (slow_server.slow.delays)."""
    # Like the live server, its one loopback kiosk stands for every test's kiosk.
    app = make_app(tmp_path_factory.mktemp("slow"), REQUEST_LIMIT_PER_KIOSK=100_000)
    server = LiveServer(app, SlowDown(app))
    yield server
    server.stop()


@pytest.fixture
def slowed(slow_server: LiveServer) -> Iterator[LiveServer]:
    """The slow server, its delays cleared again after the test."""
    assert slow_server.slow is not None
    yield slow_server
    slow_server.slow.wait_idle()
    slow_server.slow.delays.clear()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright: one browser for the whole session."""
    if not Path(CHROMIUM).exists():
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

    def open_page(viewport: ViewportSize = PORTRAIT, **options: Any) -> Any:
        # Playwright's string predicates and axe's injected script need eval and inline script, which the
        # app's CSP forbids; tests/core/test_headers_browser.py checks the pages with the CSP in force.
        options.setdefault("bypass_csp", True)
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
