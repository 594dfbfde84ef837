"""Speech mode's clip service: every visitor text in every voiced language, and nothing else."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from kiosk import config
from kiosk.core.paths import REPO_ROOT
from kiosk.i18n import catalogs, gettext, request_translations, rules
from kiosk.speech import say, sources
from kiosk.speech.service import in_language
from tests.helpers.app import make_app
from tests.helpers.catalogs import copy_translations, set_translation
from tests.helpers.speech_mode import squash

VOICED = list(config.SPEECH_VOICES)


@pytest.fixture(scope="module")
def say_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """One app for the module; nothing here renders audio."""
    app = make_app(tmp_path_factory.mktemp("say"))
    yield app
    app.extensions["kiosk_speech"].close()


def filled(text: str) -> str:
    """A message as a screen shows it, with a number in each placeholder."""
    values = {name: 7 for name, _ in rules.placeholders(text) if name}
    return text % values if values else text % ()


@pytest.mark.parametrize("code", VOICED)
def test_every_message_a_visitor_can_see_is_speakable_in_every_voiced_language(say_app: Flask, code: str) -> None:
    with say_app.app_context():
        unknown = []
        with in_language(code):
            translations = request_translations()
            shown = []
            for message in sources.visitor_messages():
                if message.plural is None:
                    shown.append(filled(translations.ugettext(message.singular)))
                else:
                    shown += [filled(translations.ungettext(message.singular, message.plural, n)) for n in (1, 2, 5)]
        for text in shown:
            said = say.say(code, text)
            if said.status != "ready":
                unknown.append(text)
            else:
                # The clips say every word and number of the text, in order, and nothing else.
                assert squash("".join(part for part, _ in said.clips)) == squash(text), text
        assert unknown == []


def test_staff_screens_are_not_the_kiosks_words_to_speak(say_app: Flask) -> None:
    messages = {message.singular for message in sources.visitor_messages()}
    staff_only = [
        message
        for message in catalogs.extract(REPO_ROOT)
        if message.id and (message.id if isinstance(message.id, str) else message.id[0]) not in messages
    ]
    assert len(staff_only) > 50
    paths = {path for message in staff_only for path, _ in message.locations}
    assert all(path.startswith(sources.STAFF_ONLY) for path in paths)
    assert "Translations" in {message.id for message in staff_only}
    with say_app.app_context():
        assert say.say("en", "Translations").status == "unknown"
        assert say.say("en", "On my way").status == "unknown"


def test_each_language_says_its_own_name_and_only_its_own(say_app: Flask) -> None:
    with say_app.app_context():
        assert say.say("es", "Español").status == "ready"
        assert say.say("ar", "العربية").status == "ready"
        assert say.say("en", "Español").status == "unknown"
        assert say.say("fil", "Filipino").status == "no-voice"


def test_countdown_volume_and_keys_are_spoken_as_the_screen_shows_them(say_app: Flask) -> None:
    with say_app.app_context():
        for text in (
            "Going back to the start in 30 seconds.",
            "Going back to the start in 1 second.",
            "Volume 9 of 9.",
        ):
            assert [part for part, _ in say.say("en", text).clips] == [text]
        assert [part for part, _ in say.say("ru", "Ж").clips] == ["Ж"]
        assert say.say("en", "-").clips == ()  # the key's name, "hyphen", is what a screen reader hears
        assert [part for part, _ in say.say("en", "hyphen").clips] == ["hyphen"]
        assert [part for part, _ in say.say("en", "Zoë", spell=True).clips] == ["Z", "O", "Ë"]


def test_a_clip_token_names_one_text_in_one_language(say_app: Flask) -> None:
    with say_app.app_context():
        ((_, token),) = say.say("es", "Español").clips
        assert say.clip_text("es", token) == "Español"
        assert say.clip_text("en", token) is None
        assert say.clip_text("es", "0" * 16) is None
        assert say.clip_text("fil", token) is None


def test_a_feature_can_add_texts_it_builds_itself(tmp_path: Path) -> None:
    app = make_app(tmp_path / "data")
    say.add_texts(app, lambda: ["Queue closed for lunch, back at 14:00."])
    with app.app_context():
        assert say.say("en", "Queue closed for lunch, back at 14:00.").status == "ready"
    app.extensions["kiosk_speech"].close()


def test_an_edited_translation_is_spoken_at_once_and_the_old_words_no_longer(tmp_path: Path) -> None:
    translations = copy_translations(tmp_path / "translations")
    app = make_app(tmp_path / "data", TRANSLATIONS_DIR=str(translations))
    with app.app_context():
        with in_language("es"):
            old = gettext("Start")
        assert say.say("es", old).status == "ready"
        mo = catalogs.po_path(translations, "es").with_suffix(".mo")
        before = mo.stat().st_mtime_ns
        set_translation(translations, "es", "Start", "Empezar ya")
        os.utime(mo, ns=(before + 1_000_000_000, before + 1_000_000_000))
        assert [part for part, _ in say.say("es", "Empezar ya").clips] == ["Empezar ya"]
        assert say.say("es", old).status == "unknown"
    app.extensions["kiosk_speech"].close()


def test_the_invitation_cycles_through_the_languages_that_have_it_translated(tmp_path: Path) -> None:
    translations = copy_translations(tmp_path / "translations")
    invitation = str(say.INVITATION.message_id)
    for lang in ("ar", "fil", "fr", "pt_BR", "ru", "vi", "zh_Hans"):
        set_translation(translations, lang, invitation, "")  # not translated (yet)
    set_translation(translations, "es", invitation, "Toque la pantalla y mantenga el dedo para oírla.")
    app = make_app(tmp_path / "data", TRANSLATIONS_DIR=str(translations))
    with app.test_request_context("/en/"):
        invitations = say.invitations()
        assert invitations[0] == {"lang": "en", "text": "Touch the screen and hold to hear it."}
        assert {"lang": "es", "text": "Toque la pantalla y mantenga el dedo para oírla."} in invitations
        # Languages still showing the English would only repeat it in another accent; Filipino has no voice.
        assert {item["lang"] for item in invitations} == {"en", "es"}
        for item in invitations:
            language = next(lang for lang in app.extensions["kiosk_languages"].values() if lang.tag == item["lang"])
            assert say.say(language.code, item["text"]).status == "ready"
    app.extensions["kiosk_speech"].close()
