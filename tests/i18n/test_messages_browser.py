"""Escaped once, at output: every message that reaches the page through JSON or a data attribute shows a
translator's ' & < and " exactly as typed, in Chromium, wherever the page's scripts put it."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC
from typing import Any

import pytest
from playwright.sync_api import expect

from kiosk.core import db
from kiosk.core.models import Staff
from kiosk.i18n.live import load
from kiosk.talk import tickets
from tests.helpers.app import make_app
from tests.helpers.browser import LANDSCAPE, PORTRAIT
from tests.helpers.desk import PASSWORD, add_account
from tests.helpers.editor import save_text, store_of
from tests.helpers.servers import LiveServer

pytestmark = pytest.mark.browser

TRICKY = ' l\'accueil & <vite> "ok"'  # an apostrophe, an ampersand, angle brackets and quotes
COUNTDOWN = (
    "Going back to the start in %(num)d second.",
    "Going back to the start in %(num)d seconds.",
)
FRENCH_COUNTDOWN = (
    'Retour à l\'accueil dans %(num)d seconde & <vite> "ok".',
    'Retour à l\'accueil dans %(num)d secondes & <vite> "ok".',
)
# The messages the kiosk's scripts read from JSON blocks and data attributes, by the key they use.
KIOSK_STRINGS = {
    "error": "Sorry, that did not work. Please try again.",
    "offline": "The kiosk cannot reach its server. Please ask at the front desk.",
    "restarting": "The kiosk is restarting. If you need urgent help, call %(number)s or ask at the desk.",
    "text_size": "Text size changed.",
    "contrast_on": "High contrast is on.",
    "contrast_off": "High contrast is off.",
}
LISTEN_STRINGS = {
    "listen": "Listen",
    "stop": "Stop",
    "reading": "Reading the page aloud.",
    "stopped": "Stopped reading.",
    "finished": "Finished reading the page.",
    "slower": "Reading slower.",
    "normal": "Reading at normal speed.",
    "loudest": "This is the loudest setting.",
    "quietest": "This is the quietest setting.",
    "unavailable": "Reading aloud is not working right now. Please ask at the front desk.",
}
STAFF_STRINGS = {
    "new": "New request",
    "late": "A request has waited too long",
    "urgent": "Urgent: a visitor needs help now",
    "urgent_mark": "URGENT",
}
EMERGENCY_NUMBER = "999"
SENTENCE = "Sciatica is pain that comes from the sciatic nerve."
FRENCH_SENTENCE = 'La sciatique, c\'est une douleur & <vive> "forte".'


# The messages the fixture could save: one added since the catalogs were last extracted is not in them
# until the next translation wave, and shows in English, which must come through as typed all the same.
SAVED: set[str] = set()


def tricky(english: str) -> str:
    """A French stand-in for a message, ending in every character that escaping could mangle."""
    return english.rstrip(".") + TRICKY + ("." if english.endswith(".") else "")


def shown(english: str) -> str:
    """What the French page shows for a message: its tricky translation, or its English if it has none yet."""
    return tricky(english) if english in SAVED else english


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A kiosk whose French catalog was saved through the editor with the tricky characters everywhere."""
    app = make_app(tmp_path_factory.mktemp("escaping"), ESCALATE_AFTER_SECONDS=600, EMERGENCY_NUMBER=EMERGENCY_NUMBER)
    store = store_of(app)
    catalog = load(store, "fr").catalog
    for english in [*KIOSK_STRINGS.values(), *LISTEN_STRINGS.values(), *STAFF_STRINGS.values()]:
        if catalog.get(english) is not None:
            assert save_text(store, "fr", english, tricky(english)).saved, english
            SAVED.add(english)
    assert {*LISTEN_STRINGS.values(), KIOSK_STRINGS["error"], STAFF_STRINGS["new"]} <= SAVED
    assert save_text(store, "fr", "Volume %(level)s of %(levels)s.", "Volume %(level)s sur %(levels)s" + TRICKY).saved
    assert save_text(store, "fr", COUNTDOWN[0], *FRENCH_COUNTDOWN).saved
    assert save_text(store, "fr", SENTENCE, FRENCH_SENTENCE).saved
    add_account(app, "Marie", "front_desk")
    with db.session_scope(app) as session:
        session.query(Staff).filter_by(name="Marie").one().language = "fr"
        session.commit()
    served = LiveServer(app)
    yield served
    served.stop()


def test_the_kiosk_strings_json_holds_exactly_what_was_typed(new_page: Any, server: LiveServer) -> None:
    page = new_page(PORTRAIT)
    page.goto(server.url + "/fr/topics")
    found = json.loads(page.locator("#kiosk-strings").text_content())
    # The emergency number is filled in; the words around it stay exactly as typed.
    assert found == {key: shown(english) % {"number": EMERGENCY_NUMBER} for key, english in KIOSK_STRINGS.items()}


def test_the_idle_countdown_shows_the_apostrophe_as_typed(new_page: Any, server: LiveServer) -> None:
    page = new_page(PORTRAIT)
    page.clock.install()
    page.goto(server.url + "/fr/topics")
    page.tap("h1")  # the idle timer starts with a visit's first touch
    page.clock.run_for(90_000)
    expect(page.locator("#kiosk-idle")).to_be_visible()
    # The number is the page's own timer's; the words around it must be exactly as typed.
    shown = re.compile(r"^Retour à l'accueil dans \d+ secondes? & <vite> \"ok\"\.$")
    expect(page.locator("#kiosk-idle-countdown")).to_have_text(shown)
    page.clock.run_for(5_000)
    expect(page.locator("#kiosk-idle-countdown")).to_have_text(shown)


def test_status_messages_and_the_error_toast_show_exactly_what_was_typed(new_page: Any, server: LiveServer) -> None:
    # No service worker: with one, a screen the server does not answer is the worker's offline page instead,
    # and page.route would not see the worker's requests.
    page = new_page(PORTRAIT, service_workers="block")
    page.goto(server.url + "/fr/topics")
    # Not the default size, so the choice is a change of size.
    page.click("button[data-text-size=largest]")
    expect(page.locator("#kiosk-status")).to_have_text(shown(KIOSK_STRINGS["text_size"]))
    page.click("button[data-contrast-toggle]")
    expect(page.locator("#kiosk-status")).to_have_text(shown(KIOSK_STRINGS["contrast_on"]))
    # The error toast, as htmx reports a failed answer to the page's script.
    page.evaluate("document.dispatchEvent(new CustomEvent('htmx:responseError'))")
    expect(page.locator("#kiosk-status")).to_have_text(shown(KIOSK_STRINGS["error"]))
    # And the server out of reach: the next tap's request never gets an answer.
    page.route("**/fr/topics/**", lambda route: route.abort())
    page.locator("a[href^='/fr/topics/']").first.click()
    expect(page.locator("#kiosk-status")).to_have_text(shown(KIOSK_STRINGS["offline"]))


def test_the_listen_labels_and_sentences_show_exactly_what_was_typed(new_page: Any, server: LiveServer) -> None:
    page = new_page(PORTRAIT)
    page.add_init_script("HTMLMediaElement.prototype.play = function () { return Promise.resolve(); };")
    page.goto(server.url + "/fr/topics/what-is-sciatica")
    page.wait_for_selector("#kiosk-listen:not([hidden])")
    strings = json.loads(page.locator("#kiosk-listen").get_attribute("data-listen-strings"))
    assert {key: strings[key] for key in LISTEN_STRINGS} == {
        key: tricky(english) for key, english in LISTEN_STRINGS.items()
    }
    assert strings["volume"] == "Volume {level} sur {levels}" + TRICKY
    sentences = json.loads(page.locator("[data-listen-sentences]").text_content())
    assert any(sentence["text"] == FRENCH_SENTENCE for sentence in sentences)
    expect(page.locator("#kiosk-listen [data-listen-label]")).to_have_text(tricky("Listen"))
    page.click("[data-listen-action=toggle]")
    expect(page.locator("#kiosk-listen [data-listen-label]")).to_have_text(tricky("Stop"))
    expect(page.locator(".kiosk-sentence", has_text=re.compile("^La sciatique, c'est"))).to_have_text(FRENCH_SENTENCE)


def test_the_dashboard_announces_a_new_request_exactly_as_typed(new_page: Any, server: LiveServer) -> None:
    page = new_page(LANDSCAPE)
    page.goto(server.url + "/staff/login")
    page.fill("#login-name", "Marie")
    page.fill("#login-password", PASSWORD)
    page.click("form.staff-form--login button[type=submit]")
    page.wait_for_selector("#staff-requests")
    found = json.loads(page.locator("#staff-strings").text_content())
    # The dashboard's script has more strings (sound, alerts, undo, offline); these are the ones checked here.
    assert {key: found.get(key) for key in STAFF_STRINGS} == {
        key: shown(english) for key, english in STAFF_STRINGS.items()
    }
    with db.session_scope(server.app) as session:
        tickets.create(
            session, visit="visit-escaping-aaaaaaaa", kiosk="Hall", reason="book", when=None, first_name="Zoé", zone=UTC
        )
    expect(page.locator("#staff-live")).to_have_text(shown(STAFF_STRINGS["new"]))
