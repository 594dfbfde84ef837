"""Outages that heal (static/visitor/sw.js, offline.js, heal.js): a real `kiosk serve` stopped and started again."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.helpers.app import make_app
from tests.helpers.browser import PORTRAIT, wait_until
from tests.helpers.servers import LiveServer, ServeProcess

pytestmark = pytest.mark.browser

WELCOME = "Sciatica: questions and answers"
# The kiosk must be back within 5 s of the server answering; the rest of the budget is the browser's.
BACK_WITHIN_SECONDS = 5


class Kiosk:
    """A `kiosk serve` that a test stops and starts again on the same address and data."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.process = ServeProcess(data_dir, env={"KIOSK_SPEECH_PRESTART": "false"})
        self.url = self.process.url

    def stop(self) -> None:
        """Stop the server: from now on nothing answers at its address."""
        self.process.stop()

    def start(self) -> float:
        """Start the server again and return the moment it first answered /health."""
        self.process = ServeProcess(self.data_dir, env={"KIOSK_SPEECH_PRESTART": "false"}, port=self.process.port)
        return time.monotonic()


@pytest.fixture
def kiosk(tmp_path: Path) -> Iterator[Kiosk]:
    """A real kiosk server for one test."""
    served = Kiosk(tmp_path / "data")
    yield served
    served.stop()


def wait_for_worker(page: Any, *offline_pages: str) -> None:
    """Wait until the service worker controls the page and keeps the given offline pages."""
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    for path in offline_pages:
        wait_until(page, "async (path) => !!(await caches.match(path))", path)


def test_a_restart_in_the_middle_of_the_idle_reset_ends_on_the_welcome_screen_by_itself(
    kiosk: Kiosk, new_page: Any
) -> None:
    page = new_page(PORTRAIT)
    page.clock.install()
    page.goto(kiosk.url + "/es/topics/symptoms")
    wait_for_worker(page, "/es/offline")
    page.tap("h1")
    page.clock.run_for(90_000)
    expect(page.locator("#kiosk-idle")).to_be_visible()
    kiosk.stop()
    page.clock.run_for(30_000)  # the countdown ends while the server is away
    # No browser error page: the kept offline page, in the visitor's language, with the red flags.
    page.wait_for_selector("html[data-kiosk=offline][lang=es]", state="attached")
    assert page.url.startswith(kiosk.url)
    expect(page.locator("h1")).to_contain_text("112")
    expect(page.locator(".kiosk-offline__flags h2")).to_be_visible()
    expect(page.locator(".kiosk-red-flags li").first).to_be_visible()
    answered = kiosk.start()
    page.wait_for_url(kiosk.url + "/en/", timeout=BACK_WITHIN_SECONDS * 1000)
    expect(page.locator("h1")).to_have_text(WELCOME)
    assert time.monotonic() - answered <= BACK_WITHIN_SECONDS
    # The reset really happened: a new visit, in the default language, with nothing of the last one.
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_a_reset_cut_off_by_the_restart_is_finished_when_the_server_answers(kiosk: Kiosk, new_page: Any) -> None:
    page = new_page(PORTRAIT)
    page.goto(kiosk.url + "/ar/topics")
    wait_for_worker(page, "/ar/offline")
    kiosk.stop()
    # The reset's own request is the one that fails: the worker answers it with the offline page.
    page.evaluate("document.getElementById('kiosk-reset').submit()")
    page.wait_for_selector("html[data-kiosk=offline][lang=ar]", state="attached")
    assert page.url == kiosk.url + "/reset"
    answered = kiosk.start()
    page.wait_for_url(kiosk.url + "/en/", timeout=BACK_WITHIN_SECONDS * 1000)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert time.monotonic() - answered <= BACK_WITHIN_SECONDS


def test_a_screen_that_cannot_load_shows_the_offline_page_and_comes_back_to_that_screen(
    kiosk: Kiosk, new_page: Any
) -> None:
    page = new_page(PORTRAIT)
    page.goto(kiosk.url + "/en/topics")
    wait_for_worker(page, "/en/offline")
    kiosk.stop()
    page.tap("a:has-text('Symptoms')")
    page.wait_for_selector("html[data-kiosk=offline]", state="attached")
    assert page.url == kiosk.url + "/en/topics/symptoms"
    answered = kiosk.start()
    expect(page.locator("h1")).to_contain_text("Symptoms", timeout=BACK_WITHIN_SECONDS * 1000)
    assert time.monotonic() - answered <= BACK_WITHIN_SECONDS


def test_the_worker_keeps_the_shell_and_offline_pages_never_a_visitors_page(
    live_server: LiveServer, new_page: Any
) -> None:
    page = new_page(PORTRAIT)
    page.goto(live_server.url + "/vi/topics")
    wait_for_worker(page, "/vi/offline", "/en/offline")
    for path in ["/vi/topics/symptoms", "/vi/talk-to-staff/name?reason=book", "/staff/login", "/vi/"]:
        page.goto(live_server.url + path)
    kept = page.evaluate(
        """async () => { const out = [];
        for (const name of await caches.keys()) for (const request of await (await caches.open(name)).keys())
          out.push(new URL(request.url).pathname);
        return out; }"""
    )
    settings = page.evaluate("fetch('/sw.js').then(r => r.text())").splitlines()[0]
    assert sorted(kept) == sorted(set(kept))
    allowed = [path for path in kept if path.startswith(("/static/", "/vendor/")) or path == "/favicon.ico"]
    assert set(kept) - set(allowed) == {"/en/offline", "/vi/offline"}
    assert all(f'"{path}"' in settings for path in allowed)


def test_the_worker_updates_itself_when_the_kiosk_changes(tmp_path: Path, new_page: Any) -> None:
    app = make_app(tmp_path / "data")
    server = LiveServer(app)
    try:
        page = new_page(PORTRAIT)
        page.goto(server.url + "/en/")
        wait_for_worker(page, "/en/offline")
        first = page.evaluate("caches.keys()")
        app.config["EMERGENCY_NUMBER"] = "999"  # a deployment that changes the offline page
        page.reload()
        wait_until(
            page,
            "async (old) => { const now = await caches.keys(); return now.length === 1 && now[0] !== old[0]; }",
            first,
        )
        offline = page.evaluate("caches.match('/en/offline').then(r => r.text())")
        assert "call 999" in offline
    finally:
        server.stop()


def test_without_a_service_worker_the_idle_reset_waits_for_the_server_on_the_page(kiosk: Kiosk, new_page: Any) -> None:
    # A screen on another machine over plain http gets no service worker: the reset still never leaves the
    # page for a browser error; it says the kiosk is restarting and ends the visit once the server answers.
    page = new_page(PORTRAIT, service_workers="block")
    page.clock.install()
    page.goto(kiosk.url + "/fr/topics")
    page.tap("h1")
    page.clock.run_for(90_000)
    kiosk.stop()
    page.clock.run_for(30_000)
    expect(page.locator("#kiosk-idle-title")).to_contain_text("112")
    expect(page.locator("[data-idle-stay]")).to_be_hidden()
    assert page.url == kiosk.url + "/fr/topics"
    answered = kiosk.start()
    page.wait_for_url(kiosk.url + "/en/", timeout=BACK_WITHIN_SECONDS * 1000)
    assert time.monotonic() - answered <= BACK_WITHIN_SECONDS
