"""The speech service with the lexicon: phoneme input heard in both engines, exact re-rendering, no poisoning."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from kiosk.core.paths import REPO_ROOT
from kiosk.speech.lexicon import entry
from kiosk.speech.service import SpeechService
from tests.helpers.app import make_app
from tests.helpers.sox import measure


def speech_of(app: Flask) -> SpeechService:
    """The app's speech service."""
    service: SpeechService = app.extensions["kiosk_speech"]
    return service


@pytest.fixture
def apps(tmp_path: Path) -> Iterator[list[Flask]]:
    """Apps made by the test; their workers are stopped after it."""
    made: list[Flask] = []
    yield made
    for app in made:
        speech_of(app).close()


def build(apps: list[Flask], folder: Path, **config: object) -> Flask:
    """Build an app and have it stopped after the test."""
    app = make_app(folder, **config)
    apps.append(app)
    return app


def seconds(app: Flask, lang: str, text: str, lexicon: bool = True) -> float:
    """How long a clip of text lasts, as sox hears it."""
    speech = speech_of(app)
    voice = speech.voice(lang)
    assert voice is not None
    return measure(speech.render(voice, text, lexicon=lexicon)).seconds


def test_both_engines_read_phoneme_input_as_phonemes_not_letters(apps: list[Flask], tmp_path: Path) -> None:
    heard = {}
    for engine in ("pyttsx3", "espeak-ng"):
        app = build(apps, tmp_path / engine, SPEECH_ENGINE=engine, SPEECH_WORKERS=1)
        with app.app_context():
            # The lexicon sends [[ISy'As]]; the same brackets in a catalog are escaped and read as text.
            heard[engine] = (seconds(app, "ru", "Ишиас."), seconds(app, "ru", "[[ISy'As]]."))
    (pyttsx3, letters), (command, command_letters) = heard["pyttsx3"], heard["espeak-ng"]
    # espeak-ng reads phonemes the same way whoever calls it: the durations match to the sample.
    assert pyttsx3 == command
    assert letters == command_letters
    # Read as letters (what pyttsx3 does without espeakPHONEMES), the brackets' content is far longer.
    assert letters > pyttsx3 + 0.3


def test_a_lexicon_change_renders_again_exactly_the_clips_whose_text_changed(apps: list[Flask], tmp_path: Path) -> None:
    app = build(apps, tmp_path / "data", SPEECH_ENGINE="espeak-ng")
    speech = speech_of(app)
    with app.app_context():
        voice = speech.voice("fr")
        assert voice is not None
        sentences = [sentence for _, sentence in speech.page_jobs(["fr"])]
        for sentence in sentences:
            speech.render(voice, sentence)
        clips = {path: path.stat().st_mtime_ns for path in speech.cache.root.rglob("*.mp3")}
        assert len(clips) == len(sentences)
        affected = [sentence for sentence in sentences if re.search(r"\bjambe\b", sentence, re.IGNORECASE)]
        assert 3 < len(affected) < len(sentences) / 4
        tokens = {sentence: speech.key(voice, sentence).token for sentence in sentences}
        rendered = speech.rendered

        before = speech.pronunciation.lexicon("fr")
        speech.pronunciation.save("fr", entry("jambe", "jan-be", "test", "staff"), "ana")
        refreshed = speech.refresh("fr", before)

        assert refreshed.rendered == refreshed.removed == len(affected)
        assert speech.rendered - rendered == len(affected)
        now = {path: path.stat().st_mtime_ns for path in speech.cache.root.rglob("*.mp3")}
        assert len(now) == len(clips)
        assert len([path for path in clips if path not in now]) == len(affected), "the old clips are gone"
        assert all(now[path] == stamp for path, stamp in clips.items() if path in now), "no other clip was touched"
        changed = {sentence for sentence in sentences if speech.key(voice, sentence).token != tokens[sentence]}
        assert changed == set(affected)
        # Every page sentence is now cached: reading the whole language again renders nothing.
        for sentence in sentences:
            speech.render(voice, sentence)
        assert speech.rendered - rendered == len(affected)


def test_a_changed_entry_gives_the_page_new_addresses_and_refuses_the_stale_ones(
    apps: list[Flask], tmp_path: Path
) -> None:
    app = build(apps, tmp_path / "data", SPEECH_ENGINE="espeak-ng")
    client = app.test_client()
    before = client.get("/fr/listen/symptoms").get_json()["sentences"]
    with app.app_context():
        speech_of(app).pronunciation.save("fr", entry("jambe", "jan-be", "test", "staff"), "ana")
    after = client.get("/fr/listen/symptoms").get_json()["sentences"]
    moved = [old for old, new in zip(before, after, strict=True) if old["audio"] != new["audio"]]
    assert moved
    assert all("jambe" in clip["text"].lower() for clip in moved)
    assert client.get(moved[0]["audio"]).status_code == 404, "nothing stale is served"
    assert client.get(after[0]["audio"]).status_code == 200


def test_an_entry_that_silences_the_engine_cannot_poison_a_page(apps: list[Flask], tmp_path: Path) -> None:
    shipped = tmp_path / "pronunciation"
    shipped.mkdir()
    # Phoneme input of nothing but pauses: well formed, and silent.
    (shipped / "ru.tsv").write_text("word\treplacement\treason\nишиас\t[[_:_:]]\tbroken\n", encoding="utf-8")
    app = build(apps, tmp_path / "data", SPEECH_ENGINE="espeak-ng", SPEECH_LEXICON_DIR=str(shipped))
    client = app.test_client()
    sentences = client.get("/ru/listen/what-is-sciatica").get_json()["sentences"]
    poisoned = next(clip for clip in sentences if "ишиас" in clip["text"].lower())
    answer = client.get(poisoned["audio"])
    assert answer.status_code == 200
    clip = tmp_path / "clip.mp3"
    clip.write_bytes(answer.data)
    assert measure(clip).rms > 0.03, "read without the entry"
    exceptions = str(REPO_ROOT / "pronunciation" / "exceptions.tsv")
    result = app.test_cli_runner().invoke(args=["speech", "check", "--lang", "ru", "--exceptions", exceptions])
    assert result.exit_code == 1
    assert "lexicon entry 'ишиас'" in result.output
