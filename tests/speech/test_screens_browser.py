"""Every screen, in every voiced language, as speech mode hears it: all of it speakable, and axe still clean."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from kiosk import config
from tests.helpers.browser import LANDSCAPE, PORTRAIT, axe_violations, small_targets
from tests.helpers.visitor_pages import VISITOR_PATHS

pytestmark = pytest.mark.browser

VOICED = [code.replace("_", "-") for code in config.SPEECH_VOICES]
SCREENS = [
    *VISITOR_PATHS,
    "/language?next=/topics/symptoms",
    "/new-visit",
    "/talk-to-staff/when?reason=book",
    "/talk-to-staff/name?reason=question",
    "/no-such-page",
]
# The screens of a visit whose request is open: the ticket chip in the dock, and the new-visit question.
TICKET_SCREENS = ["/talk-to-staff/ticket", "/talk-to-staff/ticket/cancel", "/topics/symptoms", "/new-visit", "/"]

# Everything speech mode would say on this screen (every item, its group and value, its own words), and
# the ones the kiosk does not know as its own words: there must be none.
UNSPEAKABLE = """async () => {
  const screen = window.kioskScreen;
  const voice = window.kioskVoice;
  const phrases = [];
  for (const item of screen.items()) {
    const found = screen.describe(item);
    phrases.push(...found.phrases);
    if (found.group) phrases.push(...found.group.phrases);
    if (found.value) phrases.push(found.value);
  }
  const strings = voice.config.strings;
  for (const text of [...Object.values(strings.roles), ...Object.values(strings.states)]) phrases.push({text});
  for (const key of ["on", "off", "touch", "keys", "where", "no_voice", "unavailable", "offline"]) {
    phrases.push({text: strings[key]});
  }
  // The offline page, said from clips kept while the server answers (static/speech/outage.js).
  const offline = document.getElementById("kiosk-idle").dataset.offline;
  const html = await (await fetch(offline)).text();
  for (const text of window.kioskOfflineSpeech.texts(html)) phrases.push({text});
  const asked = phrases.filter((phrase) => phrase.text.trim());
  const response = await fetch(voice.config.say, {
    method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify({phrases: asked}),
  });
  const answers = (await response.json()).phrases;
  return {
    count: asked.length,
    unknown: asked.filter((phrase, i) => answers[i].status === "unknown").map((p) => [p.lang, p.text]),
    voiceless: [...new Set(asked.filter((phrase, i) => answers[i].status === "no-voice").map((p) => p.lang))],
  };
}"""


def unspeakable(page: Any) -> list[list[str]]:
    found = page.evaluate(UNSPEAKABLE)
    assert found["count"] > 10
    # Only Filipino has no voice: its name on the language picker waits for staff recordings.
    assert set(found["voiceless"]) <= {"fil"}
    return list(found["unknown"])


@pytest.mark.parametrize("tag", VOICED)
def test_everything_on_every_screen_is_speakable(live_server: Any, new_page: Any, tag: str) -> None:
    page = new_page(PORTRAIT)
    problems = []
    for path in SCREENS:
        page.goto(f"{live_server.url}/{tag}{path}")
        problems += [(path, *item) for item in unspeakable(page)]
    # The ticket, and every screen that shows it; then the idle dialog.
    page.goto(f"{live_server.url}/{tag}/talk-to-staff/name?reason=question")
    page.locator("button[name=skip_name]").click()
    expect(page.locator("[data-ticket-number]")).to_be_visible()
    for path in TICKET_SCREENS:
        page.goto(f"{live_server.url}/{tag}{path}")
        problems += [(f"ticket {path}", *item) for item in unspeakable(page)]
    expect(page.locator("#talk-chip")).to_be_attached()
    page.evaluate("document.getElementById('kiosk-idle').showModal()")
    problems += [("idle", *item) for item in unspeakable(page)]
    assert problems == []


@pytest.mark.parametrize(
    "path", ["/en/", "/en/topics/what-is-sciatica", "/en/talk-to-staff/name?reason=question", "/ar/"]
)
def test_speech_mode_keeps_axe_clean_and_targets_large(live_server: Any, new_page: Any, path: str) -> None:
    for viewport, contrast in ((PORTRAIT, "normal"), (LANDSCAPE, "high")):
        page = new_page(viewport)
        page.goto(live_server.url + path)
        if contrast == "high":
            page.evaluate("document.documentElement.dataset.contrast = 'high'")
        page.keyboard.press("Tab")  # speech mode on; its volume controls show
        expect(page.locator("html")).to_have_attribute("data-speech", "on")
        for _ in range(3):
            page.keyboard.press("Tab")  # the outline on a text block or control, as a visitor would see it
        expect(page.locator("[data-speech-current]")).to_have_count(1)
        assert axe_violations(page) == [], (path, contrast)
        assert small_targets(page) == [], (path, contrast)


def test_the_outline_is_visible_in_both_contrasts(live_server: Any, new_page: Any) -> None:
    page = new_page(PORTRAIT)
    page.goto(live_server.url + "/en/topics/symptoms")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    current = page.locator("[data-speech-current]")
    for contrast in ("normal", "high"):
        page.evaluate(f"document.documentElement.dataset.contrast = '{contrast}'")
        style = current.evaluate("el => { const s = getComputedStyle(el); return [s.outlineStyle, s.outlineWidth] }")
        assert style[0] == "solid"
        assert float(re.sub("px", "", style[1])) >= 4
