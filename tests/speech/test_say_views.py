"""Speech mode's routes: working out a screen's clips, and serving only the kiosk's own words as audio."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kiosk.i18n import catalogs, gettext
from kiosk.speech.audio import check_mp3
from kiosk.speech.lexicon import Entry
from kiosk.speech.processing import process
from kiosk.speech.service import in_language
from tests.helpers.app import make_app
from tests.helpers.audio import encode, speech as spoken
from tests.helpers.catalogs import copy_translations, set_translation
from tests.helpers.sox import broken_espeak, measure


@pytest.fixture(scope="module")
def say_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """One app for the module, with CSRF checks on as in production."""
    app = make_app(tmp_path_factory.mktemp("say-views"))
    yield app
    app.extensions["kiosk_speech"].close()


@pytest.fixture
def client(say_app: Flask) -> FlaskClient:
    return say_app.test_client()


def resolve(client: FlaskClient, *phrases: dict[str, Any], tag: str = "en") -> list[dict[str, Any]]:
    """Ask how to speak some phrases, as the page does."""
    response = client.post(f"/{tag}/say", json={"phrases": list(phrases)})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"
    answers: list[dict[str, Any]] = response.get_json()["phrases"]
    return answers


def rendered(app: Flask) -> int:
    return int(app.extensions["kiosk_speech"].rendered)


def test_a_label_is_spoken_from_a_clip_of_its_own_words_that_sounds(
    say_app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    (answer,) = resolve(client, {"text": "Your number is 42"})
    assert answer["status"] == "ready"
    assert [clip["text"] for clip in answer["clips"]] == ["Your number is", "42"]
    for clip in answer["clips"]:
        assert clip["audio"].startswith("/en/say/")
        response = client.get(clip["audio"])
        assert response.status_code == 200
        assert response.mimetype == "audio/mpeg"
        assert response.cache_control.immutable
        assert response.cache_control.max_age == 31536000
        check_mp3(response.data)
        path = tmp_path / "clip.mp3"
        path.write_bytes(response.data)
        heard = measure(path)
        assert heard.seconds > 0.2
        assert heard.rms > 0.01


def test_working_out_clips_renders_nothing_and_needs_no_form_token(say_app: Flask, client: FlaskClient) -> None:
    before = rendered(say_app)
    answers = resolve(client, *({"text": f"Your number is {n}"} for n in range(300, 340)))
    assert all(answer["status"] == "ready" for answer in answers)
    assert rendered(say_app) == before


def test_a_language_name_is_spoken_in_its_own_voice_on_any_page(client: FlaskClient) -> None:
    (answer,) = resolve(client, {"text": "中文 (简体)", "lang": "zh-Hans"}, tag="ar")
    assert answer["status"] == "ready"
    assert answer["lang"] == "zh-Hans"
    assert answer["clips"][0]["audio"].startswith("/zh-Hans/say/")
    assert client.get(answer["clips"][0]["audio"]).status_code == 200


def test_text_that_is_not_the_kiosks_is_never_rendered(say_app: Flask, client: FlaskClient) -> None:
    before = rendered(say_app)
    answers = resolve(
        client,
        {"text": "Please transfer your savings to this account"},
        {"text": "Start", "lang": "xx"},
        {"text": "Hello", "segments": ["Start", "Hello"]},
    )
    assert [answer["status"] for answer in answers] == ["unknown", "unknown", "unknown"]
    assert all(answer["clips"] == [] for answer in answers)
    response = client.get("/en/say/0123456789abcdef.mp3")
    assert response.status_code == 404
    assert response.get_json() == {"error": "The kiosk only reads its own words aloud."}
    # A real token for Spanish words is no clip of English, nor of a language without a voice.
    (spanish,) = resolve(client, {"text": "Español", "lang": "es"})
    token = spanish["clips"][0]["audio"].rsplit("/", 1)[1]
    assert client.get(f"/en/say/{token}").status_code == 404
    assert client.get(f"/xx/say/{token}").status_code == 404
    assert rendered(say_app) == before


def test_a_language_without_a_voice_says_so(client: FlaskClient) -> None:
    (answer,) = resolve(client, {"text": "Filipino"}, tag="fil")
    assert answer == {"status": "no-voice", "lang": "fil", "clips": []}
    response = client.get("/fil/say/0123456789abcdef.mp3")
    assert response.status_code == 404
    assert response.get_json()["error"] == "Hindi pa magagamit ang pagbasa nang malakas sa wikang ito."


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[]",
        b'{"phrases": {"text": "Start"}}',
        b'{"phrases": [{"text": 7}]}',
        b'{"phrases": [{"text": "Start", "segments": "Start"}]}',
        b'{"phrases": [{"text": "Start", "segments": [1]}]}',
        b'{"phrases": [{"text": "Start", "spell": "yes"}]}',
        b'{"phrases": ["Start"]}',
    ],
)
def test_a_malformed_request_gets_a_clear_message(client: FlaskClient, body: bytes) -> None:
    response = client.post("/en/say", data=body, content_type="application/json")
    assert response.status_code == 400
    assert "phrase" in response.get_json()["error"]


def test_requests_that_are_too_large_are_refused(client: FlaskClient) -> None:
    many = client.post("/en/say", json={"phrases": [{"text": "Start"}] * 401})
    assert many.status_code == 400
    long = client.post("/en/say", json={"phrases": [{"text": "Start " * 1000}]})
    assert long.status_code == 400


def test_a_page_sentence_has_one_clip_for_reading_aloud_and_for_speech_mode(client: FlaskClient) -> None:
    listing = client.get("/fr/listen/symptoms").get_json()
    sentence = listing["sentences"][1]
    (answer,) = resolve(client, {"text": sentence["text"]}, tag="fr")
    (clip,) = answer["clips"]
    assert clip["text"] == sentence["text"]
    assert client.get(clip["audio"]).data == client.get(sentence["audio"]).data


def test_a_broken_engine_answers_503_but_clips_already_made_still_play(tmp_path: Path) -> None:
    healthy = make_app(tmp_path / "data", SPEECH_ENGINE="espeak-ng", SPEECH_WORKERS=1)
    with healthy.test_client() as client:
        (answer,) = resolve(client, {"text": "Start"})
        ready = answer["clips"][0]["audio"]
        assert client.get(ready).status_code == 200
    healthy.extensions["kiosk_speech"].close()

    broken = make_app(
        tmp_path / "data",
        SPEECH_ENGINE="espeak-ng",
        SPEECH_WORKERS=1,
        SPEECH_ESPEAK_COMMAND=str(broken_espeak(tmp_path)),
    )
    with broken.test_client() as client:
        assert client.get(ready).status_code == 200  # from the cache: speech mode keeps working
        (answer,) = resolve(client, {"text": "Your number is 57"})
        fresh = next(clip["audio"] for clip in answer["clips"] if clip["text"] == "57")
        response = client.get(fresh)
        assert response.status_code == 503
        assert response.headers["Retry-After"] == "30"
        assert response.get_json()["error"] == "Reading aloud is not working right now. Please ask at the front desk."
    broken.extensions["kiosk_speech"].close()


def test_every_page_carries_speech_modes_words_and_settings(client: FlaskClient) -> None:
    page = client.get("/es/topics").get_data(as_text=True)
    assert 'id="kiosk-speech"' in page
    assert '"say": "/es/say"' in page
    assert '"steps": [-12, -9, -6, -3, 0, 3, 6, 9, 12]' in page
    assert "data-speech-toggle" in page
    assert "data-speech-invitation" not in page  # off by default
    fragment = client.get("/es/topics/symptoms", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "data-speech-toggle" in fragment


def test_the_welcome_invitation_is_only_on_the_welcome_screen_when_turned_on(tmp_path: Path) -> None:
    app = make_app(tmp_path / "data", SPEECH_INVITATION_SECONDS=45)
    client = app.test_client()
    assert "data-speech-invitation" in client.get("/en/").get_data(as_text=True)
    assert '"invitationMs": 45000' in client.get("/en/").get_data(as_text=True)
    assert "data-speech-invitation" not in client.get("/en/topics").get_data(as_text=True)
    app.extensions["kiosk_speech"].close()


def test_a_message_staff_recorded_is_played_from_their_recording_even_in_filipino(tmp_path: Path) -> None:
    translations = copy_translations(tmp_path / "translations")
    app = make_app(tmp_path / "data", TRANSLATIONS_DIR=str(translations))
    speech = app.extensions["kiosk_speech"]
    samples, rate = spoken("Simulan")
    processed = process(encode(samples, rate, "webm", gain=0.25), 120)
    with app.app_context(), in_language("fil"):
        start, back = gettext("Start"), gettext("Back")
    recording = speech.recordings.add("fil", "Start", start, processed, "Tran", "upload")
    speech.recordings.approve("fil", recording.id, "Tran")
    client = app.test_client()
    recorded, unrecorded = resolve(client, {"text": start}, {"text": back}, tag="fil")
    assert recorded == {
        "status": "ready",
        "lang": "fil",
        "clips": [{"text": start, "audio": f"/fil/say/rec-{recording.id}.mp3"}],
    }
    assert unrecorded["status"] == "no-voice"
    response = client.get(recorded["clips"][0]["audio"])
    assert response.status_code == 200
    path = tmp_path / "take.mp3"
    path.write_bytes(response.data)
    assert measure(path).rms > 0.01
    # A new translation makes the take stale: the message is no longer spoken from it.
    mo = catalogs.po_path(translations, "fil").with_suffix(".mo")
    before = mo.stat().st_mtime_ns
    set_translation(translations, "fil", "Start", "Magsimula na")
    os.utime(mo, ns=(before + 1_000_000_000, before + 1_000_000_000))
    (answer,) = resolve(client, {"text": "Magsimula na"}, tag="fil")
    assert answer["status"] == "no-voice"
    assert client.get(recorded["clips"][0]["audio"]).status_code == 404
    assert client.get("/fil/say/rec-" + "0" * 32 + ".mp3").status_code == 404
    speech.close()


def test_a_changed_pronunciation_gives_labels_new_clips_that_are_served(tmp_path: Path) -> None:
    app = make_app(tmp_path / "data")
    speech = app.extensions["kiosk_speech"]
    client = app.test_client()
    (before,) = resolve(client, {"text": "Start"})
    speech.pronunciation.save("en", Entry("Start", "Staart", "a test"), "Tran")
    (after,) = resolve(client, {"text": "Start"})
    assert after["clips"][0]["audio"] != before["clips"][0]["audio"]
    assert client.get(after["clips"][0]["audio"]).status_code == 200
    speech.close()


def test_a_language_without_a_voice_has_its_name_said_in_the_screens_voice(client: FlaskClient) -> None:
    (answer,) = resolve(client, {"text": "Filipino", "lang": "fil"}, tag="ru")
    assert answer["status"] == "ready"
    assert answer["lang"] == "ru"
    assert answer["clips"][0]["audio"].startswith("/ru/say/")
    (other,) = resolve(client, {"text": "Start", "lang": "fil"}, tag="ru")
    assert other["status"] == "no-voice"  # anything else in Filipino is not the Russian voice's to say
