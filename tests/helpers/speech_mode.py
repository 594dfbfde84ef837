"""Helpers for the speech mode tests: what the page said, proven from the clips it fetched.

Headless Chromium plays no sound anyone could hear, so a test proves speech by its clips: every
utterance the page starts is recorded (the voice's "kiosk:spoken" event, and each clip handed to an
audio element's play()); each clip's address is mapped back, through the kiosk's own phrasebook, to the
text it was rendered from in that language's voice; and each clip is decoded with sox and must not be
silent.
"""

from __future__ import annotations

import json
import re
import tempfile
import unicodedata
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Flask
from playwright.sync_api import expect

from kiosk import i18n
from kiosk.i18n import gettext
from kiosk.speech import say
from kiosk.speech.service import in_language, service
from tests.helpers.browser import PORTRAIT
from tests.helpers.sox import measure

RECORD = """
window.__spoken = [];
document.addEventListener("kiosk:spoken", (event) => window.__spoken.push(event.detail));
window.__played = [];
const play = HTMLMediaElement.prototype.play;
HTMLMediaElement.prototype.play = function () {
  window.__played.push(this.dataset.clip || this.getAttribute("src"));
  return play.call(this);
};
"""
CLIP = re.compile(r"^/(?P<tag>[^/]+)/say/(?P<token>[0-9a-f]+)\.mp3$")
ARIA = re.compile(
    r'^- (?P<role>[\w-]+)(?: "(?P<name>(?:[^"\\]|\\.)*)")?(?P<attrs>(?: \[[^\]]*\])*)(?::(?: (?P<text>.*))?)?$'
)
QUOTED = re.compile(r"^- '(?P<line>(?:[^']|'')*)'(?P<rest>:.*)?$")
ROLE_WORDS = {"button": "button", "link": "link", "heading": "heading", "img": "picture", "textbox": "text field"}
SELECTED = ("[pressed]", "[selected]", "[checked]", "[current")
_heard: dict[str, float] = {}  # clip address -> RMS level, decoded once per test session


@dataclass(frozen=True)
class Utterance:
    """One thing the page started to say: its clips, and the texts the page says they are."""

    clips: list[str]
    texts: list[str]
    tone: bool


def squash(text: str) -> str:
    """Letters and digits only, case-folded: how two spellings of the same words are compared."""
    return "".join(char for char in unicodedata.normalize("NFC", text).casefold() if char.isalnum())


def translate(app: Flask, code: str, message: str, **values: Any) -> str:
    """Return a message as the kiosk shows it in one language."""
    with app.app_context(), in_language(code):
        return gettext(message, **values)


def language_of(app: Flask, tag: str) -> i18n.Language:
    """Return the language a URL prefix names."""
    with app.app_context():
        language = i18n.match(tag, i18n.languages())
    assert language is not None, tag
    return language


class Ear:
    """Listens to one page: waits for what it says and proves each clip is the kiosk's text, and audible."""

    def __init__(self, page: Any, app: Flask, base_url: str) -> None:
        self.page, self.app, self.base_url = page, app, base_url

    def count(self) -> int:
        """How many utterances the page has started since it loaded."""
        return int(self.page.evaluate("window.__spoken.length"))

    def after(self, mark: int) -> list[Utterance]:
        """Wait until the page starts saying something after mark, and return all it started since."""
        self.page.wait_for_function("(n) => window.__spoken.length > n", arg=mark)
        found = self.page.evaluate("(n) => window.__spoken.slice(n)", mark)
        return [Utterance(list(item["clips"]), list(item["texts"]), bool(item["tone"])) for item in found]

    def last(self, mark: int) -> Utterance:
        """The last thing the page started saying after mark."""
        return self.after(mark)[-1]

    def played(self) -> list[str]:
        """Every clip address handed to an audio element since the page loaded."""
        return list(self.page.evaluate("window.__played"))

    def texts(self, utterance: Utterance) -> list[str]:
        """Prove each clip was rendered from a text of the kiosk in its language's voice, and return the texts."""
        found = []
        for address, reported in zip(utterance.clips, utterance.texts, strict=True):
            match = CLIP.match(urlsplit(address).path)
            assert match, address
            language = language_of(self.app, match["tag"])
            with self.app.app_context():
                text = say.clip_text(language.code, match["token"])
                voice = service().voice(language.code)
                assert text is not None, f"{address} is none of the kiosk's texts in {language.tag}"
                assert voice is not None
                # The address is the fingerprint of exactly this text in exactly this voice.
                assert service().key(voice, text).token == match["token"]
            assert text == reported, (text, reported)
            self.audible(address)
            found.append(text)
        return found

    def audible(self, address: str) -> None:
        """Fetch a clip the page fetched and check with sox that it decodes to speech, not silence."""
        if address not in _heard:
            with urllib.request.urlopen(self.base_url + urlsplit(address).path, timeout=30) as response:
                data = response.read()
            with tempfile.TemporaryDirectory() as folder:
                path = Path(folder, "clip.mp3")
                path.write_bytes(data)
                heard = measure(path)
            assert heard.seconds > 0.1, (address, heard)
            _heard[address] = heard.rms
        assert _heard[address] > 0.005, (address, _heard[address])

    def said(self, utterance: Utterance) -> str:
        """The squashed words of an utterance, proven clip by clip."""
        return squash("".join(self.texts(utterance)))


def focused_aria(page: Any) -> tuple[str, str, bool]:
    """Chromium's own role, accessible name and selected state of the focused element (its aria snapshot)."""
    snapshot = page.locator(":focus").aria_snapshot().splitlines()[0]
    # A line with ": " in its name ("Language: English") comes as a YAML single-quoted string.
    quoted = QUOTED.match(snapshot)
    if quoted:
        snapshot = "- " + quoted["line"].replace("''", "'") + (quoted["rest"] or "")
    match = ARIA.match(snapshot)
    assert match, snapshot
    name = json.loads(f'"{match["name"]}"') if match["name"] is not None else (match["text"] or "")
    return match["role"], name, any(mark in match["attrs"] for mark in SELECTED)


def role_word(app: Flask, code: str, role: str) -> str | None:
    """The word speech mode says for a role, in a language."""
    english = ROLE_WORDS.get(role)
    return translate(app, code, english) if english else None


class Finger:
    """Touches as a finger does, through Chromium's input pipeline: Playwright's touchscreen only taps."""

    def __init__(self, page: Any) -> None:
        self.cdp = page.context.new_cdp_session(page)

    def _send(self, kind: str, points: list[tuple[float, float]]) -> None:
        touch_points = [{"x": x, "y": y, "id": i} for i, (x, y) in enumerate(points)]
        self.cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": touch_points})

    def down(self, *points: tuple[float, float]) -> None:
        """Put one finger, or several, on the glass."""
        self._send("touchStart", list(points))

    def move(self, *points: tuple[float, float]) -> None:
        """Slide the fingers to new places."""
        self._send("touchMove", list(points))

    def up(self) -> None:
        """Lift every finger."""
        self._send("touchEnd", [])


def centre(locator: Any) -> tuple[float, float]:
    """The middle of an element on screen."""
    box = locator.bounding_box()
    assert box is not None
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


# --- A visitor's page in speech mode ----------------------------------------------------------------


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
    """Wait until speech mode is on."""
    expect(page.locator("html")).to_have_attribute("data-speech", "on")


def hear_button(page: Any) -> Any:
    """The "Hear the screen" control, by its role and name."""
    return page.get_by_role("button", name="Hear the screen", exact=True)


def turn_on_by_touch(page: Any, ear: Ear) -> None:
    """Tap Hear the screen, and wait until the kiosk has begun to say that speech is on."""
    assert squash("Speech is on.") in touch(page, ear, hear_button(page))


def said_about(words: str, *expected: str) -> bool:
    """Whether every expected text is among the squashed words."""
    return all(squash(part) in words for part in expected)
