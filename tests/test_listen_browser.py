"""Reading aloud in Chromium: the highlight follows the audio, and Stop, Repeat, Slower and Volume work.

Headless Chromium plays no sound, so play() is stubbed to record what would play (and the audio
element, which the page keeps out of the document), and the test ends each clip by firing the
element's `ended` event, as a finished clip does.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser import axe_violations, small_targets
from conftest import PORTRAIT, LiveServer, make_app
from sox_checks import broken_espeak

pytestmark = pytest.mark.browser

STUB_PLAY = """
window.__plays = [];
HTMLMediaElement.prototype.play = function () {
  window.__audio = this;
  window.__plays.push(this.getAttribute("src"));
  return Promise.resolve();
};
"""


def open_topic(new_page: Any, url: str) -> Any:
    """Open a page with play() recorded instead of sounding."""
    page = new_page(PORTRAIT)
    page.add_init_script(STUB_PLAY)
    page.goto(url)
    page.wait_for_selector("#kiosk-listen:not([hidden])")
    return page


def plays(page: Any) -> int:
    """How many clips have started."""
    return page.evaluate("window.__plays.length")


def wait_for_plays(page: Any, count: int) -> None:
    """Wait until count clips have started."""
    page.wait_for_function("(n) => window.__plays.length >= n", arg=count)


def highlighted(page: Any) -> list[str]:
    """The numbers of the highlighted sentences."""
    return page.evaluate("[...document.querySelectorAll('.kiosk-sentence--current')].map(s => s.dataset.sentence)")


def end_clip(page: Any) -> None:
    """Finish the clip now playing, as the audio element does at its end."""
    count = plays(page)
    page.evaluate("window.__audio.dispatchEvent(new Event('ended'))")
    wait_for_plays(page, count + 1)


def audio(page: Any) -> dict[str, Any]:
    """The audio element's state."""
    return page.evaluate("""() => { const a = window.__audio;
      return {rate: a.playbackRate, volume: a.volume, src: a.getAttribute('src')}; }""")


def status(page: Any) -> str:
    """What the live region says."""
    return page.inner_text("#kiosk-status")


def test_listen_reads_sentence_by_sentence_and_the_highlight_follows(live_server: Any, new_page: Any) -> None:
    page = open_topic(new_page, live_server.url + "/en/topics/what-is-sciatica")
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    assert highlighted(page) == []
    page.tap("[data-listen-action=toggle]")
    wait_for_plays(page, 1)
    assert highlighted(page) == ["0"]
    assert page.inner_text("[data-listen-label]") == "Stop"
    assert status(page) == "Reading the page aloud."
    assert any("/en/listen/what-is-sciatica/0-" in url for url in requested)
    end_clip(page)
    assert highlighted(page) == ["1"]
    end_clip(page)
    assert highlighted(page) == ["2"]
    assert any("/en/listen/what-is-sciatica/2-" in url for url in requested)
    assert page.evaluate("document.activeElement.dataset.listenAction") == "toggle", "focus moved"


def test_stop_repeat_slower_and_volume_work(live_server: Any, new_page: Any) -> None:
    page = open_topic(new_page, live_server.url + "/en/topics/symptoms")
    page.tap("[data-listen-action=toggle]")
    wait_for_plays(page, 1)
    end_clip(page)
    assert highlighted(page) == ["1"]

    page.tap("[data-listen-action=slower]")
    assert audio(page)["rate"] == 0.75
    assert page.get_attribute("[data-listen-action=slower]", "aria-pressed") == "true"
    assert page.get_attribute("[data-listen-action=normal]", "aria-pressed") == "false"
    assert status(page) == "Reading slower."

    before = plays(page)
    clip = page.evaluate("window.__plays.at(-1)")
    page.tap("[data-listen-action=repeat]")
    wait_for_plays(page, before + 1)
    assert highlighted(page) == ["1"] and page.evaluate("window.__plays.at(-1)") == clip
    assert audio(page)["rate"] == 0.75  # the slower speed holds for the next clip

    page.tap("[data-listen-action=restart]")
    wait_for_plays(page, before + 2)
    assert highlighted(page) == ["0"]

    page.tap("[data-listen-action=normal]")
    assert audio(page)["rate"] == 1
    page.tap("[data-listen-action=quieter]")
    assert audio(page)["volume"] == pytest.approx(0.6)
    assert status(page) == "Volume 3 of 5."
    for _ in range(3):
        page.tap("[data-listen-action=louder]")
    assert audio(page)["volume"] == pytest.approx(1.0)
    assert status(page) == "This is the loudest setting."

    page.tap("[data-listen-action=toggle]")
    assert highlighted(page) == []
    assert audio(page)["src"] is None
    assert page.inner_text("[data-listen-label]") == "Listen"
    assert page.is_hidden("[data-listen-more]")
    assert status(page) == "Stopped reading."


def test_reading_stops_on_leaving_the_page_and_resets_for_the_next_visitor(live_server: Any, new_page: Any) -> None:
    page = open_topic(new_page, live_server.url + "/en/topics/spinal-stenosis")
    page.tap("[data-listen-action=toggle]")
    wait_for_plays(page, 1)
    page.tap("[data-listen-action=slower]")
    page.tap("[data-listen-action=quieter]")
    page.tap(".kiosk-urgent-link a")
    page.wait_for_selector("h1:has-text('When to get urgent help')")
    assert audio(page)["src"] is None and highlighted(page) == []
    # Within the visit the slower speed is kept; the new page's control starts idle.
    page.wait_for_selector("#kiosk-listen:not([hidden])")
    assert page.inner_text("[data-listen-label]") == "Listen"
    assert page.get_attribute("[data-listen-action=slower]", "aria-pressed") == "true"

    page.tap("[data-listen-action=toggle]")
    wait_for_plays(page, 2)
    assert audio(page)["rate"] == 0.75
    page.evaluate("document.dispatchEvent(new CustomEvent('kiosk:reset'))")  # the idle reset's signal
    assert audio(page) == {"rate": 1, "volume": pytest.approx(0.8), "src": None}
    assert highlighted(page) == []


def test_a_page_restored_from_history_reads_aloud_again(live_server: Any, new_page: Any) -> None:
    page = open_topic(new_page, live_server.url + "/en/topics/massage")
    page.tap("[data-listen-action=toggle]")
    wait_for_plays(page, 1)
    page.tap(".kiosk-urgent-link a")
    page.wait_for_selector("h1:has-text('When to get urgent help')")
    page.go_back()
    page.wait_for_selector("h1:has-text('How massage can help')")
    assert highlighted(page) == [] and page.inner_text("[data-listen-label]") == "Listen"
    page.tap("[data-listen-action=toggle]")
    wait_for_plays(page, 2)
    assert highlighted(page) == ["0"]


def test_the_playing_controls_are_large_and_pass_axe_aaa(live_server: Any, new_page: Any) -> None:
    for contrast in ("normal", "high"):
        page = open_topic(new_page, live_server.url + "/en/topics/urgent-help")
        if contrast == "high":
            page.evaluate("document.documentElement.dataset.contrast = 'high'")
        page.tap("[data-listen-action=toggle]")
        wait_for_plays(page, 1)
        assert page.is_visible("[data-listen-action=louder]")
        assert small_targets(page) == []
        assert axe_violations(page) == [], contrast


@pytest.fixture
def broken_server(tmp_path: Path) -> Iterator[LiveServer]:
    """A kiosk whose espeak-ng is installed but fails, so the page offers Listen until it is tried."""
    app = make_app(tmp_path, SPEECH_ENGINE="espeak-ng", SPEECH_ESPEAK_COMMAND=str(broken_espeak(tmp_path)))
    server = LiveServer(app)
    yield server
    server.stop()
    app.extensions["kiosk_speech"].close()


def test_a_failing_engine_replaces_the_button_with_a_note(broken_server: LiveServer, new_page: Any) -> None:
    page = open_topic(new_page, broken_server.url + "/en/topics/symptoms")
    page.tap("[data-listen-action=toggle]")
    note = "Reading aloud is not working right now. Please ask at the front desk."
    page.wait_for_selector(f"[data-listen-note]:has-text('{note}')")
    assert page.is_hidden("[data-listen-action=toggle]")
    assert status(page) == note
    assert plays(page) == 0


def test_a_language_without_a_voice_shows_only_a_note(live_server: Any, new_page: Any) -> None:
    page = new_page(PORTRAIT)
    page.goto(live_server.url + "/fil/topics/symptoms")
    assert page.is_visible("#kiosk-listen")
    assert page.locator("[data-listen-action]").count() == 0
