"""The whole visit without sight, in every voiced language: once by keyboard alone, once by touch alone.

Choose the language, open a topic, listen, talk to staff, hear the ticket number. Every control and text
block the visitor passes must have been spoken: the test takes Chromium's own name and role for it, and
proves the clips the page fetched were rendered from those words in that language's voice and decode
to sound (tests/helpers/speech_mode.py). Controls are found by role and accessible name, never by layout.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import expect

from kiosk import config
from kiosk.core.models import Reason
from kiosk.speech.service import in_language
from kiosk.talk.labels import REASONS
from kiosk.visitor import content
from tests.helpers.browser import PORTRAIT
from tests.helpers.speech_mode import RECORD, Ear, focused_aria, language_of, role_word, squash, translate

pytestmark = pytest.mark.browser

VOICED = [code.replace("_", "-") for code in config.SPEECH_VOICES]
MAX_MOVES = 40


class Visit:
    """One visitor's page in one language, and the words the kiosk shows them there."""

    def __init__(self, page: Any, app: Flask, base_url: str, tag: str) -> None:
        self.page, self.app, self.base_url = page, app, base_url
        self.language = language_of(app, tag)
        self.code = self.language.code
        self.ear = Ear(page, app, base_url)

    def t(self, message: str, **values: Any) -> str:
        """A message as this visitor's screen shows it."""
        return translate(self.app, self.code, message, **values)

    def lazy(self, message: Any) -> str:
        """A lazily translated message (content, labels) as this visitor's screen shows it."""
        with self.app.app_context(), in_language(self.code):
            return str(message)

    def targets(self) -> dict[str, Any]:
        """The journey's controls, by role and the name the visitor's language gives them."""
        role = self.page.get_by_role
        return {
            "language": role("link", name=self.language.name, exact=True),
            "start": role("link", name=self.t("Start"), exact=True),
            "topic": role("link", name=self.lazy(content.MENU[0].button), exact=True),
            "listen": role("button", name=self.t("Listen"), exact=True),
            "talk": role("link", name=self.t("Talk to staff about booking"), exact=True),
            "reason": role("link", name=self.lazy(REASONS[Reason.QUESTION]), exact=True),
            "send": role("button", name=self.t("Send without a name"), exact=True),
        }

    def check_heard(self, mark: int, role: str, name: str, selected: bool, lang: str | None = None) -> None:
        """Prove the last thing said after mark was the item's name and role (and selected state) in words.

        lang is the language the item's own words are in, when it is not the page's (a language's name).
        """
        utterance = self.ear.last(mark)
        said = self.ear.said(utterance)
        assert squash(name) in said, (name, said)
        # Roles and states are said in the screen's language: English until the visitor has chosen theirs.
        screen = language_of(self.app, self.page.evaluate("document.documentElement.lang")).code
        word = role_word(self.app, screen, role)
        if word:
            assert squash(word) in said, (role, said)
        if selected:
            assert squash(translate(self.app, screen, "selected")) in said, said
        if lang:
            # The name is read by its own language's voice (its clip's address is under that language), or
            # by the screen's when that language has none (Filipino's name).
            voiced = language_of(self.app, lang).code in config.SPEECH_VOICES
            tag = lang if voiced else self.page.evaluate("document.documentElement.lang")
            assert any(f"/{tag}/say/" in clip for clip in utterance.clips), utterance.clips

    def check_arrival(self, mark: int, heading: str) -> None:
        """A new screen says its title."""
        said = self.ear.said(self.ear.last(mark))
        assert squash(heading) in said, (heading, said)

    def check_ticket(self, mark: int) -> None:
        """The ticket screen says the number in the visitor's language, from rendered numbers or digits."""
        expect(self.page.locator("[data-ticket-number]")).to_be_visible()
        number = int(self.page.locator("[data-ticket-number]").inner_text())
        utterance = self.ear.last(mark)
        texts = self.ear.texts(utterance)
        heading = self.t("Your number is %(number)d", number=number)
        assert squash("".join(texts)) == squash(heading)
        spoken_number = [text for text in texts if text.isdigit()]
        assert "".join(spoken_number) == str(number), texts
        if number < 100:
            assert spoken_number == [str(number)]  # a whole number, not its digits


def open_visit(new_page: Any, live_server: Any, tag: str) -> Visit:
    """A fresh visitor at the English welcome screen, with the page's speech recorded."""
    page = new_page(PORTRAIT)
    page.add_init_script(RECORD)
    page.goto(live_server.url + "/en/")
    return Visit(page, live_server.app, live_server.url, tag)


def is_focused(target: Any) -> bool:
    return bool(target.evaluate("el => el === document.activeElement"))


def tab_to(visit: Visit, target: Any, key: str = "Tab") -> None:
    """Press Tab (or another key that moves) until the target has the focus; every item passed on the way
    must have been spoken."""
    for _ in range(MAX_MOVES):
        mark = visit.ear.count()
        visit.page.keyboard.press(key)
        role, name, selected = focused_aria(visit.page)
        lang = visit.page.evaluate("document.activeElement.closest('[lang]').lang")
        visit.check_heard(mark, role, name, selected, lang if lang != visit.language.tag else None)
        if is_focused(target):
            return
    raise AssertionError(f"Tab never reached {target}")


def press_enter(visit: Visit) -> int:
    mark = visit.ear.count()
    visit.page.keyboard.press("Enter")
    return mark


@pytest.mark.parametrize("tag", VOICED)
def test_the_whole_visit_by_keyboard_alone(live_server: Any, new_page: Any, tag: str) -> None:
    visit = open_visit(new_page, live_server, tag)
    page = visit.page
    mark = visit.ear.count()
    page.keyboard.press("Tab")  # any key turns speech mode on, and says how to use it
    assert squash(translate(visit.app, "en", "Speech is on.")) in visit.ear.said(visit.ear.last(mark))

    tab_to(visit, visit.targets()["language"])
    with page.expect_navigation(url=f"**/{tag}/"):
        page.keyboard.press("Enter")  # a full page load: speech mode carries on in the new language
    visit.check_arrival(0, visit.t("Sciatica: questions and answers"))

    steps = [
        ("start", visit.t("What would you like to know?")),
        ("topic", visit.lazy(content.MENU[0].title)),
    ]
    for target, heading in steps:
        tab_to(visit, visit.targets()[target])
        visit.check_arrival(press_enter(visit), heading)

    tab_to(visit, visit.targets()["listen"])
    with page.expect_response(lambda response: f"/{tag}/listen/" in response.url) as reading:
        mark = press_enter(visit)
    assert reading.value.ok
    visit.ear.audible(reading.value.url)
    visit.check_arrival(mark, visit.t("Reading the page aloud."))  # the live region's news is spoken too

    # The booking button is in the dock, after the page: End goes to the dock's last control, High
    # contrast, and Shift+Tab comes back through the dock to the booking button.
    mark = visit.ear.count()
    page.keyboard.press("End")
    visit.check_heard(mark, "button", visit.t("High contrast"), False)
    tab_to(visit, visit.targets()["talk"], "Shift+Tab")
    visit.check_arrival(press_enter(visit), visit.t("Talk to staff about booking"))

    tab_to(visit, visit.targets()["reason"])
    visit.check_arrival(press_enter(visit), visit.t("Your first name"))
    tab_to(visit, visit.targets()["send"])
    visit.check_ticket(press_enter(visit))


def tap(visit: Visit, target: Any) -> tuple[int, dict[str, float]]:
    """Touch an item once, as a visitor exploring does; return the mark before and where it was touched."""
    expect(target).to_be_in_viewport()
    box = target.bounding_box()
    point = {"x": box["x"] + box["width"] / 2, "y": box["y"] + box["height"] / 2}
    mark = visit.ear.count()
    visit.page.touchscreen.tap(point["x"], point["y"])
    return mark, point


def explore_then_choose(visit: Visit, target: Any, role: str, name: str) -> int:
    """Touch an item, check it was spoken and that nothing happened, then tap it again to choose it."""
    url = visit.page.url
    mark, point = tap(visit, target)
    lang = target.evaluate("el => el.closest('[lang]').lang")
    visit.check_heard(
        mark, role, name, False, lang if lang != visit.page.evaluate("document.documentElement.lang") else None
    )
    expect(target).to_have_attribute("data-speech-current", "")
    assert visit.page.url == url  # the first touch only speaks
    mark = visit.ear.count()
    visit.page.touchscreen.tap(point["x"], point["y"])
    return mark


@pytest.mark.parametrize("tag", VOICED)
def test_the_whole_visit_by_touch_alone(live_server: Any, new_page: Any, tag: str) -> None:
    visit = open_visit(new_page, live_server, tag)
    page = visit.page
    hear = page.get_by_role("button", name=translate(visit.app, "en", "Hear the screen"), exact=True)
    mark, _ = tap(visit, hear)  # speech mode off: a plain tap turns it on
    assert squash(translate(visit.app, "en", "Speech is on.")) in visit.ear.said(visit.ear.last(mark))
    expect(hear).to_have_attribute("aria-pressed", "true")

    # Explore the heading, which is text: touching it reads it.
    heading = page.get_by_role("heading", level=1)
    mark, _ = tap(visit, heading)
    visit.check_heard(mark, "heading", translate(visit.app, "en", "Sciatica: questions and answers"), False)

    targets = visit.targets()
    with page.expect_navigation(url=f"**/{tag}/"):
        explore_then_choose(visit, targets["language"], "link", visit.language.name)
    visit.check_arrival(0, visit.t("Sciatica: questions and answers"))

    targets = visit.targets()
    journey = [
        ("start", "link", visit.t("Start"), visit.t("What would you like to know?")),
        ("topic", "link", visit.lazy(content.MENU[0].button), visit.lazy(content.MENU[0].title)),
    ]
    for key, role, name, heading in journey:
        visit.check_arrival(explore_then_choose(visit, targets[key], role, name), heading)

    with page.expect_response(lambda response: f"/{tag}/listen/" in response.url) as reading:
        mark = explore_then_choose(visit, targets["listen"], "button", visit.t("Listen"))
    assert reading.value.ok
    visit.ear.audible(reading.value.url)
    visit.check_arrival(mark, visit.t("Reading the page aloud."))  # the live region's news is spoken too

    journey = [
        ("talk", "link", visit.t("Talk to staff about booking"), visit.t("Talk to staff about booking")),
        ("reason", "link", visit.lazy(REASONS[Reason.QUESTION]), visit.t("Your first name")),
    ]
    for key, role, name, heading in journey:
        visit.check_arrival(explore_then_choose(visit, targets[key], role, name), heading)
    visit.check_ticket(explore_then_choose(visit, targets["send"], "button", visit.t("Send without a name")))


def check_emergency_number(visit: Visit, mark: int) -> None:
    """The emergency number was said digit by digit, from rendered digits in the visitor's language."""
    number = visit.page.locator("[data-emergency-number] [aria-hidden=true]").inner_text().strip()
    utterance = visit.ear.last(mark)
    texts = visit.ear.texts(utterance)
    assert [text for text in texts if text.isdigit()] == list(number), texts
    assert all(f"/{visit.language.tag}/say/" in clip for clip in utterance.clips)


@pytest.mark.parametrize("tag", VOICED)
def test_getting_urgent_help_without_sight(live_server: Any, new_page: Any, tag: str) -> None:
    """Get help now, by keyboard in half the languages and by touch in the other half: the visitor hears
    that a staff member is coming and the emergency number, digit by digit."""
    visit = open_visit(new_page, live_server, tag)
    page = visit.page
    by_keys = VOICED.index(tag) % 2 == 0
    help_now = page.get_by_role("button", name=visit.t("Get help now"), exact=True)
    number = page.locator("[data-emergency-number]")
    coming = [visit.t("Urgent help"), visit.t("A staff member is coming now."), visit.t("Please stay where you are.")]
    if by_keys:
        page.keyboard.press("Tab")
        tab_to(visit, visit.targets()["language"])
        with page.expect_navigation(url=f"**/{tag}/"):
            page.keyboard.press("Enter")
        visit.check_arrival(0, visit.t("Sciatica: questions and answers"))
        tab_to(visit, help_now)
        mark = press_enter(visit)
    else:
        mark, _ = tap(visit, page.get_by_role("button", name=translate(visit.app, "en", "Hear the screen")))
        visit.ear.last(mark)
        with page.expect_navigation(url=f"**/{tag}/"):
            explore_then_choose(visit, visit.targets()["language"], "link", visit.language.name)
        visit.check_arrival(0, visit.t("Sciatica: questions and answers"))
        mark = explore_then_choose(visit, help_now, "button", visit.t("Get help now"))
    # The urgent screen says at once what is happening, as its live region does for sighted visitors.
    said = visit.ear.said(visit.ear.last(mark))
    for words in coming:
        assert squash(words) in said, (words, said)
    if by_keys:
        for _ in range(MAX_MOVES):
            mark = visit.ear.count()
            page.keyboard.press("Tab")
            if number.evaluate("el => el === document.activeElement"):
                break
        check_emergency_number(visit, mark)
    else:
        mark, _ = tap(visit, number)
        check_emergency_number(visit, mark)
