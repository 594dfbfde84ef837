"""The `kiosk speech` commands: render, warm and voices."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner

from kiosk import config
from kiosk.speech import say
from tests.helpers.app import make_app
from tests.helpers.sox import measure


@pytest.fixture(scope="module")
def speech_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """One app for the module, on the command-line engine; its workers are stopped at the end."""
    app = make_app(tmp_path_factory.mktemp("cli"), SPEECH_ENGINE="espeak-ng")
    yield app
    app.extensions["kiosk_speech"].close()


@pytest.fixture
def runner(speech_app: Flask) -> FlaskCliRunner:
    """A CLI runner on the shared app."""
    return speech_app.test_cli_runner()


def test_render_reads_text_given_as_an_argument(runner: FlaskCliRunner, tmp_path: Path) -> None:
    out = tmp_path / "hola.mp3"
    result = runner.invoke(args=["speech", "render", "--lang", "es", "--out", str(out), "La ciática es un dolor."])
    assert result.exit_code == 0, result.output
    assert "es-419" in result.output
    assert "hola.mp3" in result.output
    heard = measure(out)
    assert heard.rate == 22050
    assert heard.seconds > 1
    assert heard.rms > 0.03


def test_render_reads_standard_input_even_when_it_starts_with_a_dash(runner: FlaskCliRunner, tmp_path: Path) -> None:
    out = tmp_path / "dash.mp3"
    result = runner.invoke(
        args=["speech", "render", "--lang", "pt-BR", "--out", str(out)], input="-v en --help is read as words\n"
    )
    assert result.exit_code == 0, result.output
    assert measure(out).seconds > 1.5


def test_render_refuses_a_language_without_a_voice_and_writes_nothing(runner: FlaskCliRunner, tmp_path: Path) -> None:
    out = tmp_path / "fil.mp3"
    result = runner.invoke(args=["speech", "render", "--lang", "fil", "--out", str(out), "Kumusta"])
    assert result.exit_code != 0
    assert "There is no voice for Filipino (fil)" in result.output
    assert not out.exists()


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["--lang", "en"], "?!…\n", "Nothing to read aloud"),
        (["--lang", "en"], "", "Nothing to read aloud"),
        (["--lang", "klingon", "Qapla'"], None, "does not offer 'klingon'"),
    ],
)
def test_render_explains_bad_input(
    runner: FlaskCliRunner, tmp_path: Path, args: list[str], stdin: str | None, message: str
) -> None:
    out = tmp_path / "out.mp3"
    result = runner.invoke(args=["speech", "render", "--out", str(out), *args], input=stdin)
    assert result.exit_code != 0
    assert message in result.output
    assert not out.exists()


def test_warm_renders_every_sentence_and_every_speech_mode_text_once_and_reports_counts(
    speech_app: Flask, runner: FlaskCliRunner
) -> None:
    first = runner.invoke(args=["speech", "warm", "--lang", "en", "--lang", "vi"])
    assert first.exit_code == 0, first.output
    counts = re.search(
        r"(\d+) clips in 2 languages \(en, vi\): (\d+) rendered, (\d+) already cached, "
        r"(\d+) with nothing to say, 0 failed, in",
        first.output,
    )
    assert counts, first.output
    total, rendered, cached, silent = (int(group) for group in counts.groups())
    assert rendered + cached + silent == total
    assert rendered > 0
    again = runner.invoke(args=["speech", "warm", "--lang", "en", "--lang", "vi"])
    assert f"0 rendered, {total - silent} already cached" in again.output
    # Every page sentence and every label, role word, number and key speech mode may say is in the cache.
    speech = speech_app.extensions["kiosk_speech"]
    with speech_app.app_context():
        for code in ("en", "vi"):
            texts = say.phrasebook(code).texts()
            assert {"42", "7", "Q", "Ж"} <= set(texts)
            voice = speech.voice(code)
            for text in texts + [sentence for _, sentence in speech.page_jobs([code])]:
                assert speech.cache.path(speech.key(voice, text)).is_file(), (code, text)
    assert total > 2 * 500
    with speech_app.app_context():
        english = set(say.phrasebook("en").texts())
    assert {
        "Start",
        "link",
        "selected",
        "Hear the screen",
        "Your number is",
        "Going back to the start in 9 seconds.",
    } <= english


def test_voices_lists_the_map_and_tries_each_voice(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["speech", "voices"])
    assert result.exit_code == 0, result.output
    for code, choice in config.SPEECH_VOICES.items():
        line = next(line for line in result.output.splitlines() if line.startswith(code.replace("_", "-") + " "))
        assert choice["voice"] in line
        assert f"{choice['rate']} wpm" in line
        assert "works" in line
    assert re.search(r"^fil .*no voice", result.output, re.MULTILINE)


def test_voices_reports_a_missing_engine_and_fails(tmp_path: Path) -> None:
    app = make_app(tmp_path, SPEECH_ENGINE="espeak-ng", SPEECH_ESPEAK_COMMAND="/nonexistent/espeak-ng")
    result = app.test_cli_runner().invoke(args=["speech", "voices"])
    assert result.exit_code == 1
    assert "BROKEN: the /nonexistent/espeak-ng command is not installed" in result.output


def test_warm_renders_the_emergency_number_digit_by_digit(runner: FlaskCliRunner, speech_app: Flask) -> None:
    assert runner.invoke(args=["speech", "warm", "--lang", "en"]).exit_code == 0
    speech = speech_app.extensions["kiosk_speech"]
    voice = speech.voice("en")
    spaced = speech.cache.path(speech.key(voice, "Emergency: call 1 1 2 or tell staff now"))
    whole = speech.cache.path(speech.key(voice, "Emergency: call 112 or tell staff now"))
    assert speech.cache.usable(spaced)
    assert not whole.exists()
