"""Speech mode in Chromium: turning it on and off, touch to explore, keys and the volume.

What the page says is proven from its clips (tests/helpers/speech_mode.py); controls are found by role
and accessible name, so these tests hold when the layout changes.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.helpers.speech_mode import (
    Finger,
    centre,
    focused_aria,
    hear_button,
    open_page,
    press,
    said,
    said_about,
    speech_on,
    squash,
    touch,
    turn_on_by_touch,
)

pytestmark = pytest.mark.browser


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


def spoken_focus(page: Any, words: str) -> str:
    """Check the words name the focused element as Chromium names it; return that name."""
    _, name, _ = focused_aria(page)
    assert squash(name) in words, (name, words)
    return name


def focused(page: Any) -> Any:
    """A handle on the focused element, to tell later whether focus came back to it."""
    return page.evaluate_handle("document.activeElement")


def is_same(page: Any, handle: Any) -> bool:
    return bool(page.evaluate("(el) => el === document.activeElement", handle))


def test_keys_move_through_everything_go_back_and_say_where_you_are(live_server: Any, new_page: Any) -> None:
    page, ear = open_page(new_page, live_server, "/en/topics/what-is-sciatica")
    press(page, ear, "Tab")
    # The topic's pictogram (content here, with its own words), the Listen control and the nerve drawing's
    # description come in reading order after the title.
    assert said_about(press(page, ear, "Tab"), "Picture: a person holding their lower back", "picture")
    assert said_about(press(page, ear, "Tab"), "Listen", "button")
    words = ""
    for _ in range(20):
        words = press(page, ear, "ArrowDown")
        if squash("picture") in words:
            break
    assert said_about(words, "A person seen from behind", "picture")
    picture = focused(page)
    assert said_about(press(page, ear, "ArrowDown"), "The sciatic nerve starts in the lower back.")
    assert said_about(press(page, ear, "ArrowUp"), "picture")
    assert is_same(page, picture)
    # Home and End reach the first and last items; every move says what it reached.
    spoken_focus(page, press(page, ear, "Home"))
    spoken_focus(page, press(page, ear, "End"))
    name = spoken_focus(page, press(page, ear, "Shift+Tab"))
    before_last = focused(page)
    # A USB keypad: 8 and 2 move, * says where you are.
    spoken_focus(page, press(page, ear, "Numpad8"))
    spoken_focus(page, press(page, ear, "Numpad2"))
    assert is_same(page, before_last)
    where = press(page, ear, "?")
    assert said_about(where, "You are here:", "What is sciatica?", name, "Escape to go back")
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


def test_a_tiles_pictogram_is_decoration_its_label_is_what_is_heard(live_server: Any, new_page: Any) -> None:
    page, ear = open_page(new_page, live_server, "/en/topics")
    turn_on_by_touch(page, ear)
    speech_on(page)
    # No pictogram of a tile or reason is an item of its own; the topic page's own picture is content.
    assert page.evaluate("window.kioskScreen.items().filter((el) => el.closest('.kiosk-picto')).length") == 0
    tile = page.locator(".kiosk-menu--tiles a").first
    x, y = centre(tile.locator(".kiosk-picto"))
    mark = ear.count()
    page.touchscreen.tap(x, y)
    words = said(ear, mark)
    assert words == squash(tile.inner_text() + "link"), words
    page.goto(live_server.url + "/en/talk-to-staff")
    speech_on(page)
    assert page.evaluate("window.kioskScreen.items().filter((el) => el.closest('.kiosk-picto')).length") == 0
    page.goto(live_server.url + "/en/topics/symptoms")
    speech_on(page)
    picture = page.locator(".kiosk-topic__picture")
    assert page.evaluate("(el) => window.kioskScreen.items().includes(el)", picture.element_handle())
