"""Speech mode through an outage (static/speech/outage.js): with the server gone, the offline page still speaks,
from clips the page kept while the server answered, in the visitor's language and at the visit's volume."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from kiosk.visitor import emergency
from tests.helpers.app import make_app
from tests.helpers.browser import wait_until
from tests.helpers.servers import LiveServer
from tests.helpers.speech_mode import Utterance, open_page, press, said_about, speech_on, squash, translate

pytestmark = pytest.mark.browser

KEPT = "async (tag) => !!(await (await caches.open('kiosk-speech-offline')).match(`/${tag}/say/offline.json`))"
WORDS = "async (tag) => (await (await caches.open('kiosk-speech-offline')).match(`/${tag}/say/offline.json`)).json()"

SHELL_KEPT = """async () => { const kept = [];
  for (const name of await caches.keys()) if (name.startsWith('kiosk-shell-'))
    for (const request of await (await caches.open(name)).keys()) kept.push(new URL(request.url).pathname);
  return kept; }"""


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    """A server of its own, which the test takes away."""
    app = make_app(tmp_path / "data")
    served = LiveServer(app)
    yield served
    served.stop()
    app.extensions["kiosk_speech"].close()


def test_the_offline_page_says_the_restart_and_the_number_to_call_without_the_server(
    server: LiveServer, new_page: Any
) -> None:
    page, ear = open_page(new_page, server, "/es/topics/symptoms")
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    speech_answers: list[Any] = []
    page.on("response", lambda response: speech_answers.append(response) if "/say" in response.url else None)
    press(page, ear, "Tab")  # speech mode on, by key
    press(page, ear, "+")  # and a step louder, for a noisy room
    speech_on(page)
    wait_until(page, KEPT, "es", seconds=30)
    words: dict[str, list[dict[str, str]]] = page.evaluate(WORDS, "es")
    with server.app.app_context():
        number = emergency.number(server.app.config)
    restart = translate(
        server.app,
        "es",
        "The kiosk is restarting. If you need urgent help, call %(number)s or ask at the desk.",
        number=number,
    )
    wait = translate(server.app, "es", "Please wait. The kiosk comes back by itself.")
    assert restart in words
    assert wait in words
    # Every kept clip is the kiosk's own words in the Spanish voice, and sounds (checked while it can be).
    for clips in words.values():
        ear.texts(Utterance([clip["audio"] for clip in clips], [clip["text"] for clip in clips], False))

    # The service worker stays out of speech: it neither answers nor keeps a clip or a phrasebook's answer.
    assert speech_answers
    assert not [response.url for response in speech_answers if response.from_service_worker]
    assert not [path for path in page.evaluate(SHELL_KEPT) if "/say" in path]

    server.stop()
    page.goto(server.url + "/es/topics")  # the service worker answers with the offline page
    expect(page.locator("h1")).to_have_text(restart)
    page.wait_for_function("() => window.__spoken.length > 0")
    arrival = ear.after(0)[0]
    said = ear.said(arrival)
    assert said.startswith(squash(restart + wait))
    # The number to call is read digit by digit, as on the urgent screen.
    assert [text for text in ear.texts(arrival) if text.isdigit()] == list(number)
    assert page.evaluate("sessionStorage.getItem('kiosk-volume-db')") == "3"
    # Touching a red flag says it, from the kept clips: still no server.
    flag = page.locator(".kiosk-red-flags li").first
    mark = ear.count()
    flag.tap()
    assert said_about(ear.said(ear.last(mark)), flag.inner_text())
    expect(flag).to_have_attribute("data-speech-current", "")
    # The arrow keys move on to the next block and say it.
    mark = ear.count()
    page.keyboard.press("ArrowDown")
    assert ear.count() > mark


def test_without_speech_mode_the_offline_page_stays_silent(server: LiveServer, new_page: Any) -> None:
    page, ear = open_page(new_page, server, "/en/topics")
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    wait_until(page, "async () => !!(await caches.match('/en/offline'))", seconds=30)
    server.stop()
    page.goto(server.url + "/en/topics/symptoms")
    expect(page.locator("html")).to_have_attribute("data-kiosk", "offline")
    page.wait_for_load_state("load")  # its scripts have run, and chosen not to speak
    expect(page.locator("html")).not_to_have_attribute("data-speech", "on")
    page.locator(".kiosk-red-flags li").first.tap()
    assert ear.count() == 0
    assert ear.played() == []
