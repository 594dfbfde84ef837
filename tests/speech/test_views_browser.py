"""Reading aloud in Chromium: the highlight follows the audio, and Stop, Pause, Repeat, Slower and Volume work.

Headless Chromium plays no sound, so play() is stubbed to record what would play (and the audio
element, which the page keeps out of the document), and the test ends each clip by firing the
element's `ended` event, as a finished clip does.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.helpers.app import make_app
from tests.helpers.browser import PORTRAIT, axe_violations, small_targets
from tests.helpers.servers import LiveServer
from tests.helpers.sox import broken_espeak

pytestmark = pytest.mark.browser

STUB_PLAY = """
window.__plays = [];
HTMLMediaElement.prototype.play = function () {
  window.__audio = this;
  window.__plays.push(this.getAttribute("src"));
  return Promise.resolve();
};
window.__pauses = 0;
const pause = HTMLMediaElement.prototype.pause;
HTMLMediaElement.prototype.pause = function () {
  if (this === window.__audio) window.__pauses += 1;
  return pause.call(this);
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


def expect_highlighted(page: Any, sentence: str | None) -> None:
    """Wait until only the given sentence is highlighted, or none is when sentence is None."""
    current = page.locator(".kiosk-sentence--current")
    if sentence is None:
        expect(current).to_have_count(0)
    else:
        # The locator is strict: a second highlighted sentence fails the check rather than passing it.
        expect(current).to_have_attribute("data-sentence", sentence)


def end_clip(page: Any) -> None:
    """Finish the clip now playing, as the audio element does at its end."""
    count = plays(page)
    page.evaluate("window.__audio.dispatchEvent(new Event('ended'))")
    wait_for_plays(page, count + 1)


def audio(page: Any) -> dict[str, Any]:
    """The audio element's state, and the volume of the kiosk's voice (a Web Audio gain) in dB."""
    return page.evaluate("""() => { const a = window.__audio;
      return {rate: a.playbackRate, db: window.kioskVoice.volume().db, src: a.getAttribute('src')}; }""")


def status(page: Any) -> Any:
    """The live region."""
    return page.locator("#kiosk-status")


def test_listen_reads_sentence_by_sentence_and_the_highlight_follows(live_server: Any, new_page: Any) -> None:
    page = open_topic(new_page, live_server.url + "/en/topics/what-is-sciatica")
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    expect_highlighted(page, None)
    page.tap("[data-listen-action=toggle]")
    wait_for_plays(page, 1)
    expect_highlighted(page, "0")
    expect(page.locator("[data-listen-label]")).to_have_text("Stop")
    expect(status(page)).to_have_text("Reading the page aloud.")
    assert any("/en/listen/what-is-sciatica/0-" in url for url in requested)
    end_clip(page)
    expect_highlighted(page, "1")
    end_clip(page)
    expect_highlighted(page, "2")
    assert any("/en/listen/what-is-sciatica/2-" in url for url in requested)
    assert page.evaluate("document.activeElement.dataset.listenAction") == "toggle", "focus moved"


def test_stop_repeat_slower_and_volume_work(live_server: Any, new_page: Any) -> None:
    page = open_topic(new_page, live_server.url + "/en/topics/symptoms")
    page.tap("[data-listen-action=toggle]")
    wait_for_plays(page, 1)
    end_clip(page)
    expect_highlighted(page, "1")

    # Each control's handler changes the audio element and then the page in one step, so once the
    # page shows the change the audio element can be read.
    page.tap("[data-listen-action=slower]")
    expect(page.locator("[data-listen-action=slower]")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("[data-listen-action=normal]")).to_have_attribute("aria-pressed", "false")
    expect(status(page)).to_have_text("Reading slower.")
    assert audio(page)["rate"] == 0.75

    before = plays(page)
    clip = page.evaluate("window.__plays.at(-1)")
    page.tap("[data-listen-action=repeat]")
    wait_for_plays(page, before + 1)
    expect_highlighted(page, "1")
    assert page.evaluate("window.__plays.at(-1)") == clip
    assert audio(page)["rate"] == 0.75  # the slower speed holds for the next clip

    page.tap("[data-listen-action=restart]")
    wait_for_plays(page, before + 2)
    expect_highlighted(page, "0")

    page.tap("[data-listen-action=normal]")
    expect(page.locator("[data-listen-action=normal]")).to_have_attribute("aria-pressed", "true")
    assert audio(page)["rate"] == 1
    page.tap("[data-listen-action=quieter]")
    expect(status(page)).to_have_text("Volume 4 of 9.")
    assert audio(page)["db"] == -3
    # Twelve decibels above the default in steps of three, for a noisy room (EN 301 549 §5.1.3.12).
    for level in range(5, 10):
        page.tap("[data-listen-action=louder]")
        expect(status(page)).to_have_text(f"Volume {level} of 9.")
    assert audio(page)["db"] == 12
    assert page.evaluate("window.kioskVoice.volume().gain") == pytest.approx(3.98, abs=0.01)
    page.tap("[data-listen-action=louder]")
    expect(status(page)).to_have_text("This is the loudest setting.")
    assert audio(page)["db"] == 12

    page.tap("[data-listen-action=toggle]")
    expect_highlighted(page, None)
    expect(page.locator("[data-listen-label]")).to_have_text("Listen")
    expect(page.locator("[data-listen-more]")).to_be_hidden()
    expect(status(page)).to_have_text("Stopped reading.")
    assert audio(page)["src"] is None


def test_pause_and_resume_keep_the_place(live_server: Any, new_page: Any) -> None:
    page = open_topic(new_page, live_server.url + "/en/topics/causes")
    page.tap("[data-listen-action=toggle]")
    wait_for_plays(page, 1)
    end_clip(page)
    expect_highlighted(page, "1")
    pause = page.locator("[data-listen-action=pause]")
    expect(pause).to_have_text("Pause")
    paused_before = page.evaluate("window.__pauses")
    pause.tap()
    expect(status(page)).to_have_text("Reading paused.")
    expect(pause).to_have_text("Resume")
    assert page.evaluate("window.__pauses") == paused_before + 1
    expect_highlighted(page, "1")  # the place is kept
    before = plays(page)
    pause.tap()
    expect(status(page)).to_have_text("Reading on.")
    expect(pause).to_have_text("Pause")
    wait_for_plays(page, before + 1)
    assert page.evaluate("window.__plays.at(-1)") == page.evaluate("window.__plays.at(-2)")  # the same sentence
    expect_highlighted(page, "1")
    # Focus stays on the button, which only changed its words.
    assert page.evaluate("document.activeElement.dataset.listenAction") == "pause"


def test_reading_stops_on_leaving_the_page_and_resets_for_the_next_visitor(live_server: Any, new_page: Any) -> None:
    page = open_topic(new_page, live_server.url + "/en/topics/spinal-stenosis")
    page.tap("[data-listen-action=toggle]")
    wait_for_plays(page, 1)
    page.tap("[data-listen-action=slower]")
    page.tap("[data-listen-action=quieter]")
    page.tap(".kiosk-urgent-link a")
    page.wait_for_selector("h1:has-text('When to get urgent help')")
    assert audio(page)["src"] is None  # stopped as the old page went, before the new heading appeared
    expect_highlighted(page, None)
    # Within the visit the slower speed is kept; the new page's control starts idle.
    page.wait_for_selector("#kiosk-listen:not([hidden])")
    expect(page.locator("[data-listen-label]")).to_have_text("Listen")
    expect(page.locator("[data-listen-action=slower]")).to_have_attribute("aria-pressed", "true")

    page.tap("[data-listen-action=toggle]")
    wait_for_plays(page, 2)
    assert audio(page)["rate"] == 0.75
    page.evaluate("document.dispatchEvent(new CustomEvent('kiosk:reset'))")  # the idle reset's signal
    assert audio(page) == {"rate": 1, "db": 0, "src": None}
    expect_highlighted(page, None)


def test_a_page_restored_from_history_reads_aloud_again(live_server: Any, new_page: Any) -> None:
    page = open_topic(new_page, live_server.url + "/en/topics/massage")
    page.tap("[data-listen-action=toggle]")
    wait_for_plays(page, 1)
    page.tap(".kiosk-urgent-link a")
    page.wait_for_selector("h1:has-text('When to get urgent help')")
    page.go_back()
    page.wait_for_selector("h1:has-text('Whether massage might help')")
    expect_highlighted(page, None)
    expect(page.locator("[data-listen-label]")).to_have_text("Listen")
    page.tap("[data-listen-action=toggle]")
    wait_for_plays(page, 2)
    expect_highlighted(page, "0")


def test_the_playing_controls_are_large_and_pass_axe_aaa(live_server: Any, new_page: Any) -> None:
    for contrast in ("normal", "high"):
        page = open_topic(new_page, live_server.url + "/en/topics/urgent-help")
        if contrast == "high":
            page.evaluate("document.documentElement.dataset.contrast = 'high'")
        page.tap("[data-listen-action=toggle]")
        wait_for_plays(page, 1)
        expect(page.locator("[data-listen-action=louder]")).to_be_visible()
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
    expect(page.locator("[data-listen-action=toggle]")).to_be_hidden()
    expect(status(page)).to_have_text(note)
    assert plays(page) == 0


def test_a_language_without_a_voice_shows_only_a_note(live_server: Any, new_page: Any) -> None:
    page = new_page(PORTRAIT)
    page.goto(live_server.url + "/fil/topics/symptoms")
    expect(page.locator("#kiosk-listen")).to_be_visible()
    expect(page.locator("[data-listen-action]")).to_have_count(0)
