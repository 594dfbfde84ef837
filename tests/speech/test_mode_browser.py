"""Speech mode in Chromium: turning it on and off, touch to explore, keys, what changes by itself, bad input.

What the page says is proven from its clips (tests/helpers/speech_mode.py); controls are found by role
and accessible name, so these tests hold when the layout changes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from kiosk.core import db
from kiosk.talk import tickets
from tests.helpers.app import make_app
from tests.helpers.browser import PORTRAIT
from tests.helpers.servers import LiveServer
from tests.helpers.sox import broken_espeak
from tests.helpers.speech_mode import RECORD, Ear, Finger, centre, squash

pytestmark = pytest.mark.browser


def open_page(new_page: Any, server: Any, path: str, clock: bool = False) -> tuple[Any, Ear]:
    """A fresh visitor's page with its speech recorded (and its timers on Playwright's clock)."""
    page = new_page(PORTRAIT)
    page.add_init_script(RECORD)
    if clock:
        page.clock.install()
    page.goto(server.url + path)
    return page, Ear(page, server.app, server.url)


def said(ear: Ear, mark: int) -> str:
    """The words of the last utterance after mark, proven from its clips."""
    return ear.said(ear.last(mark))


def press(page: Any, ear: Ear, key: str) -> str:
    """Press a key and return what the kiosk said."""
    mark = ear.count()
    page.keyboard.press(key)
    return said(ear, mark)


def touch(page: Any, ear: Ear, locator: Any) -> str:
    """Tap an item once and return what the kiosk said."""
    mark = ear.count()
    locator.tap()
    return said(ear, mark)


def speech_on(page: Any) -> None:
    expect(page.locator("html")).to_have_attribute("data-speech", "on")


def hear_button(page: Any) -> Any:
    return page.get_by_role("button", name="Hear the screen", exact=True)


def turn_on_by_touch(page: Any, ear: Ear) -> None:
    """Tap Hear the screen, and wait until the kiosk has begun to say that speech is on."""
    assert squash("Speech is on.") in touch(page, ear, hear_button(page))


def test_hear_the_screen_turns_speech_on_is_announced_itself_and_turns_it_off(live_server: Any, new_page: Any) -> None:
    page, ear = open_page(new_page, live_server, "/en/")
    hear = hear_button(page)
    expect(hear).to_have_attribute("aria-pressed", "false")
    assert squash("Speech is on.") in touch(page, ear, hear)
    expect(hear).to_have_attribute("aria-pressed", "true")
    speech_on(page)
    # In speech mode the control is explored like any other: it says what it is and that it is on.
    assert said_about(touch(page, ear, hear), "Hear the screen", "button", "selected")
    expect(hear).to_have_attribute("aria-pressed", "true")
    assert squash("Speech is off.") in touch(page, ear, hear)
    expect(hear).to_have_attribute("aria-pressed", "false")
    # Taps act at once again.
    page.get_by_role("link", name="Start", exact=True).tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("What would you like to know?")


def said_about(words: str, *expected: str) -> bool:
    return all(squash(part) in words for part in expected)


def test_a_long_press_anywhere_turns_speech_on_after_two_seconds(live_server: Any, new_page: Any) -> None:
    page, ear = open_page(new_page, live_server, "/en/topics/symptoms", clock=True)
    finger = Finger(page)
    finger.down(centre(page.get_by_role("heading", level=1)))
    page.clock.run_for(1_800)
    expect(page.locator("html")).to_have_attribute("data-speech", "off")
    page.clock.run_for(300)
    speech_on(page)
    finger.up()
    assert squash("Speech is on.") in said(ear, 0)
    # The long press chose nothing: the page is the same.
    expect(page).to_have_url(re.compile(r"/en/topics/symptoms$"))


def test_any_key_turns_speech_on_and_says_how_to_use_the_keys(live_server: Any, new_page: Any) -> None:
    page, ear = open_page(new_page, live_server, "/en/topics")
    words = press(page, ear, "x")
    assert said_about(words, "Speech is on.", "Use Tab or the arrow keys to move")
    speech_on(page)
    expect(page.get_by_role("heading", level=1)).to_be_focused()


def test_first_touch_speaks_and_outlines_second_tap_or_double_tap_acts(live_server: Any, new_page: Any) -> None:
    page, ear = open_page(new_page, live_server, "/en/topics")
    turn_on_by_touch(page, ear)
    symptoms = page.get_by_role("link", name="Symptoms", exact=True)
    assert said_about(touch(page, ear, symptoms), "Symptoms", "link")
    expect(symptoms).to_have_attribute("data-speech-current", "")
    expect(page).to_have_url(re.compile(r"/en/topics$"))
    # A text block is heard too, and the outline moves to it.
    heading = page.get_by_role("heading", level=1)
    assert said_about(touch(page, ear, heading), "What would you like to know?", "heading")
    expect(symptoms).not_to_have_attribute("data-speech-current", "")
    # A double tap on an item not yet touched chooses it.
    causes = page.get_by_role("link", name="Causes", exact=True)
    x, y = centre(causes)
    page.touchscreen.tap(x, y)
    page.touchscreen.tap(x, y)
    expect(page.get_by_role("heading", level=1)).to_have_text("What causes sciatica?")


def test_a_sliding_finger_says_each_language_it_passes_in_that_languages_voice(live_server: Any, new_page: Any) -> None:
    page, ear = open_page(new_page, live_server, "/en/")
    turn_on_by_touch(page, ear)
    speech_on(page)
    names = ["English", "Español", "Français", "Português (Brasil)"]
    links = [page.get_by_role("link", name=name, exact=True) for name in names]
    finger = Finger(page)
    mark = ear.count()
    start = centre(links[0])
    finger.down(start)
    heard = [ear.last(mark)]
    for link in links[1:]:
        mark = ear.count()
        finger.move(centre(link))
        heard.append(ear.last(mark))
    finger.up()
    expect(page).to_have_url(re.compile(r"/en/$"))  # sliding chooses nothing
    for name, utterance in zip(names, heard, strict=True):
        assert squash(name) in ear.said(utterance)
    tags = ["en", "es", "fr", "pt-BR"]
    for tag, utterance in zip(tags, heard, strict=True):
        assert f"/{tag}/say/" in utterance.clips[0], utterance.clips


def test_rapid_taps_and_a_resting_finger_never_queue_a_backlog(live_server: Any, new_page: Any) -> None:
    page, ear = open_page(new_page, live_server, "/en/topics")
    turn_on_by_touch(page, ear)
    speech_on(page)
    links = page.get_by_role("main").get_by_role("link")
    count = links.count()
    assert count >= 5
    for i in range(count):
        x, y = centre(links.nth(i))
        page.touchscreen.tap(x, y + (0 if i % 2 else 1))
    last_name = links.nth(count - 1).inner_text().strip()
    page.wait_for_function("() => !window.kioskVoice.speaking()")
    final = ear.last(0)
    assert squash(last_name) in ear.said(final)
    # Whatever was cut off stopped at once: every clip played after the last utterance began is its own.
    played = ear.played()
    assert played[played.index(final.clips[0]) :] == final.clips

    # A finger resting on one item, trembling a little, says it once.
    title = page.get_by_role("heading", level=1)
    x, y = centre(title)
    finger = Finger(page)
    mark = ear.count()
    finger.down((x, y))
    for i in range(20):
        finger.move((x + (i % 3), y + (i % 2)))
    finger.up()
    page.wait_for_function("() => !window.kioskVoice.speaking()")
    assert len(ear.after(mark)) == 1


def test_keys_move_through_everything_go_back_and_say_where_you_are(live_server: Any, new_page: Any) -> None:
    page, ear = open_page(new_page, live_server, "/en/topics/what-is-sciatica")
    press(page, ear, "Tab")
    # The Listen control and the nerve drawing's description come in reading order after the title.
    assert said_about(press(page, ear, "Tab"), "Listen", "button")
    words = ""
    for _ in range(20):
        words = press(page, ear, "ArrowDown")
        if squash("picture") in words:
            break
    assert said_about(words, "A person seen from behind", "picture")
    assert said_about(press(page, ear, "ArrowDown"), "The sciatic nerve starts in the lower back.")
    assert said_about(press(page, ear, "ArrowUp"), "picture")
    assert said_about(press(page, ear, "Home"), "Back", "link")
    assert said_about(press(page, ear, "End"), "Talk to staff about booking", "link")
    assert said_about(press(page, ear, "Shift+Tab"), "A doctor can.")
    # A USB keypad: 8 and 2 move, * says where you are.
    assert said_about(press(page, ear, "Numpad8"), "When to get urgent help", "link")
    assert said_about(press(page, ear, "Numpad2"), "A doctor can.")
    where = press(page, ear, "?")
    assert said_about(where, "You are here:", "What is sciatica?", "A doctor can.", "Escape to go back")
    assert said_about(press(page, ear, "NumpadMultiply"), "You are here:")
    # + and - change the volume.
    assert said_about(press(page, ear, "+"), "Volume 6 of 9.")
    assert page.evaluate("window.kioskVoice.volume().db") == 3
    assert said_about(press(page, ear, "NumpadSubtract"), "Volume 5 of 9.")
    # Escape goes back, and the new screen says its title.
    assert said_about(press(page, ear, "Escape"), "What would you like to know?")
    expect(page).to_have_url(re.compile(r"/en/topics$"))
    # Enter chooses what speech mode is on.
    assert said_about(press(page, ear, "ArrowDown"), "What is sciatica?", "link")
    assert said_about(press(page, ear, "Enter"), "What is sciatica?")
    expect(page).to_have_url(re.compile(r"/en/topics/what-is-sciatica$"))


def test_changes_of_the_display_and_the_ticket_status_are_spoken(live_server: Any, new_page: Any) -> None:
    page, ear = open_page(new_page, live_server, "/en/talk-to-staff/name?reason=question")
    press(page, ear, "Tab")
    send = page.get_by_role("button", name="Send without a name", exact=True)
    for _ in range(10):
        press(page, ear, "Tab")
        if send.evaluate("el => el === document.activeElement"):
            break
    mark = ear.count()
    page.keyboard.press("Enter")
    number = page.locator("[data-ticket-number]")
    expect(number).to_be_visible()
    assert said_about(said(ear, mark), "Your number is", number.inner_text())
    # The front desk answers: the live region's news is spoken without the visitor doing anything.
    mark = ear.count()
    with live_server.app.app_context():
        session = db.get_session()
        ticket = next(t for t in tickets.open_tickets(session) if t.number == int(number.inner_text()))
        tickets.act(session, ticket.id, "acknowledge")
    assert said_about(said(ear, mark), "A staff member is on the way.")
    # So is a display change made in speech mode.
    assert said_about(press(page, ear, "Home"), "Back", "link")
    contrast = page.get_by_role("button", name="High contrast", exact=True)
    for _ in range(10):
        press(page, ear, "Tab")
        if contrast.evaluate("el => el === document.activeElement"):
            break
    assert said_about(press(page, ear, "Enter"), "High contrast is on.")


def test_the_idle_dialog_and_its_countdown_are_spoken_and_the_reset_ends_speech_mode(
    live_server: Any, new_page: Any
) -> None:
    page, ear = open_page(new_page, live_server, "/en/topics/symptoms", clock=True)
    press(page, ear, "Tab")
    press(page, ear, "+")
    assert page.evaluate("window.kioskVoice.volume().db") == 3
    mark = ear.count()
    page.clock.run_for(90_000)
    expect(page.locator("#kiosk-idle")).to_be_visible()
    assert said_about(
        said(ear, mark), "Are you still there?", "dialog", "Going back to the start in 30 seconds.", "I'm still here"
    )
    mark = ear.count()
    page.clock.run_for(10_000)
    assert said_about(said(ear, mark), "Going back to the start in 20 seconds.")
    with page.expect_navigation():
        page.clock.run_for(21_000)
    page.wait_for_url(re.compile(r"/en/$"))
    # The next visitor finds the kiosk as it always is: silent, taps act at once, the volume at its default.
    expect(page.locator("html")).to_have_attribute("data-speech", "off")
    assert page.evaluate("window.kioskVoice.volume().db") == 0
    page.get_by_role("link", name="Start", exact=True).tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("What would you like to know?")


def test_the_volume_goes_twelve_decibels_above_the_default_and_resets(live_server: Any, new_page: Any) -> None:
    page, ear = open_page(new_page, live_server, "/en/")
    turn_on_by_touch(page, ear)
    louder = page.get_by_role("button", name="Volume up", exact=True)
    expect(louder).to_be_visible()
    x, y = centre(louder)
    mark = ear.count()
    page.touchscreen.tap(x, y)
    assert said_about(said(ear, mark), "Speech volume", "Volume up", "button")
    # Each further tap on it acts, and says the new level at the new volume: four steps of 3 dB.
    for level in range(6, 10):
        mark = ear.count()
        page.touchscreen.tap(x, y)
        assert said_about(said(ear, mark), f"Volume {level} of 9.")
    mark = ear.count()
    page.touchscreen.tap(x, y)
    assert said_about(said(ear, mark), "This is the loudest setting.")
    volume = page.evaluate("window.kioskVoice.volume()")
    assert volume == {"level": 9, "levels": 9, "db": 12, "gain": pytest.approx(3.98, abs=0.01)}
    page.evaluate("document.dispatchEvent(new CustomEvent('kiosk:reset'))")  # the idle reset's signal
    assert page.evaluate("window.kioskVoice.volume().db") == 0


@pytest.fixture
def broken_server(tmp_path: Path) -> Iterator[LiveServer]:
    """A kiosk whose engine fails; "Start" and the unavailable note were rendered before it broke."""
    data = tmp_path / "data"
    healthy = make_app(data, SPEECH_ENGINE="espeak-ng", SPEECH_WORKERS=1)
    speech = healthy.extensions["kiosk_speech"]
    with healthy.app_context():
        voice = speech.voice("en")
        for text in ("Start", "Reading aloud is not working right now.", "Please ask at the front desk."):
            speech.render(voice, text)
    speech.close()
    app = make_app(
        data, SPEECH_ENGINE="espeak-ng", SPEECH_WORKERS=1, SPEECH_ESPEAK_COMMAND=str(broken_espeak(tmp_path))
    )
    server = LiveServer(app)
    yield server
    server.stop()
    app.extensions["kiosk_speech"].close()


def clips_for(page: Any, server: Any, text: str) -> list[str]:
    """The clip addresses the kiosk gives a text of the English screen."""
    answer = page.request.post(server.url + "/en/say", data={"phrases": [{"text": text}]}).json()
    return [clip["audio"] for clip in answer["phrases"][0]["clips"]]


def test_a_broken_engine_is_announced_from_rendered_words_and_shown_never_silence(
    broken_server: LiveServer, new_page: Any
) -> None:
    page, ear = open_page(new_page, broken_server, "/en/")
    note = "Reading aloud is not working right now. Please ask at the front desk."
    note_clips = clips_for(page, broken_server, note)
    hear_button(page).tap()
    speech_on(page)
    expect(page.locator("#kiosk-status")).to_have_text(note)
    # "Speech is on." was never rendered: the kiosk says so in the words it rendered while it worked.
    page.wait_for_function("(clip) => window.__played.includes(clip)", arg=note_clips[-1])
    for clip in note_clips:
        ear.audible(clip)
    # A clip made before the engine broke still plays.
    (start_clip,) = clips_for(page, broken_server, "Start")
    page.get_by_role("link", name="Start", exact=True).tap()
    page.wait_for_function("(clip) => window.__played.includes(clip)", arg=start_clip)
    expect(page).to_have_url(re.compile(r"/en/$"))


def test_without_any_rendered_words_a_broken_engine_plays_a_tone(tmp_path: Path, new_page: Any) -> None:
    app = make_app(tmp_path / "data", SPEECH_ENGINE="espeak-ng", SPEECH_ESPEAK_COMMAND=str(broken_espeak(tmp_path)))
    server = LiveServer(app)
    try:
        page, _ = open_page(new_page, server, "/en/")
        hear_button(page).tap()
        page.wait_for_function("() => window.__spoken.some((said) => said.tone)")
        expect(page.locator("#kiosk-status")).to_have_text(
            "Reading aloud is not working right now. Please ask at the front desk."
        )
        # A sighted visitor is never stuck: speech mode turns off with the same button.
        hear_button(page).tap()
        hear_button(page).tap()
        expect(hear_button(page)).to_have_attribute("aria-pressed", "false")
    finally:
        server.stop()
        app.extensions["kiosk_speech"].close()


def test_a_language_without_a_voice_keeps_its_note_and_language_names_still_speak(
    live_server: Any, new_page: Any
) -> None:
    page, ear = open_page(new_page, live_server, "/fil/")
    page.keyboard.press("Tab")
    page.wait_for_function("() => window.__spoken.some((said) => said.tone)")
    expect(page.locator("#kiosk-status")).to_have_text("Hindi pa magagamit ang pagbasa nang malakas sa wikang ito.")
    spanish = page.get_by_role("link", name="Español", exact=True)
    mark = ear.count()
    spanish.tap()
    utterance = next(u for u in ear.after(mark) if not u.tone)
    assert ear.texts(utterance)[0] == "Español"
    assert utterance.clips[0].startswith("/es/say/")


def test_the_welcome_invitation_plays_until_someone_touches_the_kiosk(tmp_path: Path, new_page: Any) -> None:
    app = make_app(tmp_path / "data", SPEECH_INVITATION_SECONDS=20)
    server = LiveServer(app)
    try:
        page, ear = open_page(new_page, server, "/en/", clock=True)
        page.clock.run_for(19_000)
        assert ear.count() == 0
        page.clock.run_for(1_000)
        assert said_about(said(ear, 0), "Touch the screen and hold to hear it.")
        page.clock.run_for(20_000)
        assert len(ear.after(0)) == 2
        page.get_by_role("heading", level=1).tap()
        page.clock.run_for(60_000)
        assert ear.count() == 2
        # Elsewhere than the welcome screen there is no invitation at all.
        other, other_ear = open_page(new_page, server, "/en/topics", clock=True)
        other.clock.run_for(60_000)
        assert other_ear.count() == 0
    finally:
        server.stop()
        app.extensions["kiosk_speech"].close()
