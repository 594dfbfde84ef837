"""The read-aloud routes: sentence lists that match the page, audio with proper HTTP, and failures."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kiosk import config
from kiosk.speech.audio import check_mp3
from kiosk.speech.service import in_language
from kiosk.speech.text import page_sentences
from kiosk.visitor import content
from tests.helpers.app import make_app
from tests.helpers.sox import broken_espeak

SPAN = re.compile(r'<span class="kiosk-sentence" data-sentence="(\d+)">(.*?)</span>', re.DOTALL)
PLAYER_SENTENCES = re.compile(r"<script type=\"application/json\" data-listen-sentences>(.*?)</script>", re.DOTALL)
VOICED_TAGS = [code.replace("_", "-") for code in config.SPEECH_VOICES]


@pytest.fixture(scope="module")
def listen_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """One app for the module; its speech workers are stopped at the end."""
    app = make_app(tmp_path_factory.mktemp("listen"))
    yield app
    app.extensions["kiosk_speech"].close()


@pytest.fixture
def client(listen_app: Flask) -> FlaskClient:
    """A client of the shared app."""
    return listen_app.test_client()


def broken_app(tmp_path: Path, **speech: str) -> Flask:
    """An app whose speech engine is missing or broken."""
    return make_app(tmp_path, SPEECH_ENGINE="espeak-ng", SPEECH_WORKERS=1, **speech)


def first_audio(client: FlaskClient, tag: str = "en", slug: str = "symptoms") -> str:
    """The address of a page's first sentence."""
    return client.get(f"/{tag}/listen/{slug}").get_json()["sentences"][0]["audio"]


@pytest.mark.parametrize("tag", VOICED_TAGS)
def test_every_sentence_on_every_page_is_highlightable_and_listed_in_reading_order(
    client: FlaskClient, tag: str
) -> None:
    for topic in content.TOPICS:
        page = client.get(f"/{tag}/topics/{topic.slug}").get_data(as_text=True)
        shown = [(int(index), " ".join(html.unescape(text).split())) for index, text in SPAN.findall(page)]
        listing = client.get(f"/{tag}/listen/{topic.slug}").get_json()
        assert listing["status"] == "ready"
        listed = [(sentence["index"], sentence["text"]) for sentence in listing["sentences"]]
        assert shown == listed, topic.slug
        assert [index for index, _ in shown] == list(range(len(shown)))
        embedded = json.loads(html.unescape(PLAYER_SENTENCES.search(page).group(1)))
        assert embedded == listing["sentences"]


def test_title_list_items_notes_warnings_caption_and_disclaimer_are_all_read(client: FlaskClient) -> None:
    texts = [s["text"] for s in client.get("/en/listen/urgent-help").get_json()["sentences"]]
    assert texts[0] == "When to get urgent help"
    assert "You cannot control when you pee or poo (your bladder or bowels), and this is new for you" in texts
    assert "Get help now if you have sciatica and any of these:" in texts
    # The card's heading is listed as the page shows it; its audio reads the number digit by digit.
    assert "Emergency: call 112 or tell staff now" in texts
    assert texts[-3:] == [
        "This kiosk gives general information only.",
        "It cannot tell you what is causing your pain.",
        "A doctor can.",
    ]
    massage = [s["text"] for s in client.get("/en/listen/massage").get_json()["sentences"]]
    assert "Massage does not replace a doctor." in massage
    caption = [s["text"] for s in client.get("/en/listen/what-is-sciatica").get_json()["sentences"]]
    assert "It runs through the buttock and down the leg." in caption


def test_the_listen_control_comes_with_the_htmx_screen_swap(client: FlaskClient) -> None:
    fragment = client.get("/es/topics/causes", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert 'id="kiosk-listen"' in fragment
    assert 'data-listen-action="toggle"' in fragment


def test_a_language_without_a_voice_shows_a_note_in_place_of_the_button(client: FlaskClient) -> None:
    page = client.get("/fil/topics/symptoms").get_data(as_text=True)
    assert 'data-listen-status="no-voice"' in page
    assert "data-listen-action" not in page
    listing = client.get("/fil/listen/symptoms").get_json()
    assert listing["status"] == "no-voice"
    assert listing["sentences"] == []
    assert listing["note"]
    borrowed = first_audio(client).replace("/en/", "/fil/")
    response = client.get(borrowed)
    assert response.status_code == 404
    assert response.get_json()["error"]


def test_audio_is_mp3_with_long_caching_validators_and_ranges(client: FlaskClient) -> None:
    url = first_audio(client)
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "audio/mpeg"
    assert check_mp3(response.data).seconds > 0.5
    assert response.cache_control.public
    assert response.cache_control.immutable
    assert response.cache_control.max_age == 31536000
    etag = response.headers["ETag"]
    size = len(response.data)
    response.close()

    cached = client.get(url, headers={"If-None-Match": etag})
    assert cached.status_code == 304
    assert cached.data == b""
    cached.close()
    part = client.get(url, headers={"Range": "bytes=100-199"})
    assert part.status_code == 206
    assert part.headers["Content-Range"] == f"bytes 100-199/{size}"
    assert len(part.data) == 100
    part.close()
    beyond = client.get(url, headers={"Range": f"bytes={size + 10}-"})
    assert beyond.status_code == 416
    beyond.close()


def test_an_address_for_old_text_says_the_page_changed(client: FlaskClient) -> None:
    url = first_audio(client)
    stale = re.sub(r"-[0-9a-f]{16}\.mp3$", "-0000000000000000.mp3", url)
    response = client.get(stale)
    assert response.status_code == 404
    assert response.get_json() == {"error": "This page has changed. Please tap Listen again."}
    assert client.get("/en/listen/symptoms/999-0000000000000000.mp3").status_code == 404


@pytest.mark.parametrize("path", ["/xx/listen/symptoms", "/en/listen/no-such-page", "/en/listen/no-such-page/0-0.mp3"])
def test_an_unknown_language_or_page_is_not_found(client: FlaskClient, path: str) -> None:
    assert client.get(path).status_code == 404


def test_a_missing_engine_answers_503_and_pages_show_a_note(tmp_path: Path) -> None:
    app = broken_app(tmp_path, SPEECH_ESPEAK_COMMAND="/nonexistent/espeak-ng")
    client = app.test_client()
    page = client.get("/en/topics/symptoms").get_data(as_text=True)
    assert 'data-listen-status="unavailable"' in page
    assert "data-listen-action" not in page
    assert "Reading aloud is not working right now." in page
    listing = client.get("/en/listen/symptoms").get_json()
    response = client.get(listing["sentences"][0]["audio"])
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert response.headers["Cache-Control"] == "no-store"
    assert "not working right now" in response.get_json()["error"]


def test_an_engine_that_breaks_on_first_use_answers_503_then_pages_show_the_note(tmp_path: Path) -> None:
    app = broken_app(tmp_path, SPEECH_ESPEAK_COMMAND=str(broken_espeak(tmp_path)))
    client = app.test_client()
    assert "data-listen-action" in client.get("/en/topics/symptoms").get_data(as_text=True)
    assert client.get(first_audio(client)).status_code == 503
    assert 'data-listen-status="unavailable"' in client.get("/en/topics/symptoms").get_data(as_text=True)
    app.extensions["kiosk_speech"].close()


@pytest.mark.parametrize("tag", VOICED_TAGS)
def test_the_emergency_number_is_shown_as_set_but_read_digit_by_digit(tmp_path: Path, tag: str) -> None:
    app = make_app(tmp_path / "data", EMERGENCY_NUMBER="999")
    client = app.test_client()
    listing = client.get(f"/{tag}/listen/urgent-help").get_json()["sentences"]
    speech = app.extensions["kiosk_speech"]
    code = tag.replace("-", "_")
    with app.app_context(), in_language(code):
        voice = speech.voice(code)
        spoken = page_sentences(content.BY_SLUG["urgent-help"], "9 9 9")
    with_number = [(item, said) for item, said in zip(listing, spoken, strict=True) if "999" in item["text"]]
    assert with_number, "the urgent page shows the number"
    for item, said in with_number:
        assert "9 9 9" in said
        assert item["audio"].endswith(f"-{speech.key(voice, said).token}.mp3")
