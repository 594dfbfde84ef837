"""Speech mode in Chromium hears what changes by itself, and never falls silent: live regions, the idle
dialog, a broken engine, a language without a voice, and the welcome screen's invitation."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from kiosk.core import db
from kiosk.speech.say import INVITATION
from kiosk.talk import tickets
from kiosk.visitor.attract import TOUCH_TO_START
from tests.helpers.app import make_app
from tests.helpers.catalogs import copy_translations, set_translation
from tests.helpers.servers import LiveServer
from tests.helpers.sox import broken_espeak
from tests.helpers.speech_mode import hear_button, open_page, press, said, said_about, speech_on

pytestmark = pytest.mark.browser


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
    # So is a display change made in speech mode: High contrast is the dock's last control.
    assert said_about(press(page, ear, "End"), "High contrast", "button")
    contrast = page.get_by_role("button", name="High contrast", exact=True)
    assert contrast.evaluate("el => el === document.activeElement")
    assert said_about(press(page, ear, "Enter"), "High contrast is on.")


def test_the_ticket_chip_speaks_its_number_and_its_news_on_every_screen(live_server: Any, new_page: Any) -> None:
    page, ear = open_page(new_page, live_server, "/en/talk-to-staff/name?reason=book")
    page.click("button[name=skip_name]")
    number = page.locator("[data-ticket-number]").inner_text()
    page.goto(live_server.url + "/en/topics/symptoms")
    press(page, ear, "Tab")
    # The chip in the dock, touched: the words on it, the number read as a number, and that it is a link.
    chip = page.locator("#talk-chip a")
    mark = ear.count()
    chip.tap()
    assert said_about(said(ear, mark), "Your number", number, "Waiting", "link")
    expect(page).to_have_url(re.compile(r"/en/topics/symptoms$"))  # the first touch only speaks
    # The front desk answers while the visitor reads another screen: the news is spoken there.
    mark = ear.count()
    with live_server.app.app_context():
        session = db.get_session()
        ticket = next(t for t in tickets.open_tickets(session) if t.number == int(number))
        tickets.act(session, ticket.id, "acknowledge")
    assert said_about(said(ear, mark), "A staff member is on the way.")
    expect(chip).to_contain_text("On the way")


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
    translations = copy_translations(tmp_path / "translations")
    set_translation(translations, "es", str(INVITATION.message_id), "Toque la pantalla y mantenga el dedo para oírla.")
    set_translation(translations, "es", str(TOUCH_TO_START.message_id), "Toque la pantalla para empezar")
    app = make_app(tmp_path / "data", SPEECH_INVITATION_SECONDS=20, TRANSLATIONS_DIR=str(translations))
    server = LiveServer(app)
    try:
        page, ear = open_page(new_page, server, "/en/", clock=True)
        shown = page.locator("[data-attract] > .kiosk-attract__shown")
        page.clock.run_for(19_000)
        assert ear.count() == 0
        # One invitation, two ways: the line on screen shows the language the kiosk is speaking.
        page.clock.run_for(1_000)
        assert said_about(said(ear, 0), "Touch the screen and hold to hear it.")
        expect(shown).to_have_attribute("lang", "en")
        page.clock.run_for(20_000)
        spanish = ear.last(1)
        assert ear.texts(spanish) == ["Toque la pantalla y mantenga el dedo para oírla."]
        assert spanish.clips[0].startswith("/es/say/")
        expect(shown).to_have_attribute("lang", "es")
        # The first touch ends both: the line goes, and the kiosk stays quiet for the rest of the visit.
        page.get_by_role("heading", level=1).tap()
        expect(page.locator("[data-attract]")).to_be_hidden()
        page.clock.run_for(60_000)
        assert ear.count() == 2
        page.goto(server.url + "/es/")  # a language change is a new page in the same visit
        page.clock.run_for(60_000)
        assert ear.count() == 0
        expect(page.locator("[data-attract]")).to_be_hidden()
        # Elsewhere than the welcome screen there is no invitation at all.
        other, other_ear = open_page(new_page, server, "/en/topics", clock=True)
        other.clock.run_for(60_000)
        assert other_ear.count() == 0
    finally:
        server.stop()
        app.extensions["kiosk_speech"].close()
