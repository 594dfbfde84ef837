"""The speech service on both engines: real audio in every voice, odd text, the cache, and faults."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask

from kiosk import config
from kiosk.speech.audio import check_mp3
from kiosk.speech.engines.base import EngineSettings
from kiosk.speech.engines.pyttsx3 import chunks
from kiosk.speech.service import NothingToSay, SpeechService, SpeechUnavailable, in_language
from kiosk.speech.text import page_sentences, segments, sentences
from kiosk.visitor import content
from tests.helpers.app import make_app
from tests.helpers.sox import broken_espeak, fake_espeak, measure

ENGINES = ["pyttsx3", "espeak-ng"]


def speech_of(app: Flask) -> SpeechService:
    """The app's speech service."""
    return app.extensions["kiosk_speech"]


@pytest.fixture(scope="module", params=ENGINES)
def speech_app(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """An app per engine, shared by this module's tests, so each starts its workers once."""
    app = make_app(tmp_path_factory.mktemp(request.param), SPEECH_ENGINE=request.param)
    yield app
    speech_of(app).close()


@pytest.fixture
def faulty_app(tmp_path: Path) -> Iterator[Callable[..., Flask]]:
    """Build apps with one worker and a short timeout; their workers are stopped after the test."""
    apps: list[Flask] = []

    def build(**config: object) -> Flask:
        app = make_app(tmp_path / f"data{len(apps)}", **{"SPEECH_WORKERS": 1, "SPEECH_TIMEOUT": 1, **config})
        apps.append(app)
        return app

    yield build
    for app in apps:
        speech_of(app).close()


def group_ends(pgid: int, within: float = 3) -> bool:
    """Wait for every process in a group to be gone (a killed child may linger a moment as a zombie)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


def page_texts(app: Flask, code: str, slug: str = "what-is-sciatica") -> list[str]:
    """A page's sentences in one language."""
    with app.app_context(), in_language(code):
        return page_sentences(content.BY_SLUG[slug], "1 1 2")


def render(app: Flask, code: str, text: str) -> Path:
    """Render text in a language."""
    speech = speech_of(app)
    voice = speech.voice(code)
    assert voice is not None
    return speech.render(voice, text)


def test_outside_a_request_the_pages_are_read_in_the_language_asked_for(tmp_path: Path) -> None:
    # `kiosk speech warm` and `kiosk speech check` work outside any request; the staff screens' change to
    # English outside a request must not turn every language's page into English.
    app = make_app(tmp_path / "data")
    assert page_texts(app, "fr")[0] == "Qu’est-ce que la sciatique ?"
    with app.app_context():
        sentences = [sentence for _voice, sentence in speech_of(app).page_jobs(["ru"])]
    assert "Что такое ишиас?" in sentences


# --- Real audio ----------------------------------------------------------------------------


@pytest.mark.parametrize("code", list(config.SPEECH_VOICES))
def test_every_voice_speaks_real_audio_in_proportion_to_the_text(speech_app: Flask, code: str) -> None:
    texts = page_texts(speech_app, code)
    short, long = texts[1], " ".join(texts[1:6])
    one = measure(render(speech_app, code, short))
    five = measure(render(speech_app, code, long))
    assert one.rate == five.rate == 22050
    assert one.rms > 0.03, "silent audio"
    assert five.rms > 0.03, "silent audio"
    letters = sum(char.isalnum() for char in long) / sum(char.isalnum() for char in short)
    assert 0.7 < (five.seconds / one.seconds) / letters < 1.3
    assert one.seconds > 1


def test_mandarin_voice_reads_chinese_characters_in_mandarin() -> None:
    library, data = EngineSettings("espeak-ng", "bundled", "espeak-ng").library_location()
    assert library
    assert data
    env = {**os.environ, "LD_LIBRARY_PATH": str(Path(library).parent), "ESPEAK_DATA_PATH": data}
    phonemes = subprocess.run(
        ["espeak-ng", "-q", "-x", "-v", "cmn"],
        input="你好。坐骨神经痛。",
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    # Debian's 1.51 switches to English here, "(en)", and reads each tone digit as an English number.
    assert "(en)" not in phonemes
    assert re.search(r"X'Au214", phonemes), phonemes  # hǎo, third tone


# --- Odd text -----------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   ", "?!…", "... ---"])
def test_text_with_no_words_is_refused_plainly(speech_app: Flask, text: str) -> None:
    with pytest.raises(NothingToSay, match="no words"):
        render(speech_app, "en", text)


def test_emoji_are_read_by_name(speech_app: Flask) -> None:
    alone = measure(render(speech_app, "en", "👋"))
    within = measure(render(speech_app, "en", "Pain 😣 in the leg"))
    assert alone.seconds > 0.5
    assert alone.rms > 0.03
    assert within.seconds > alone.seconds


def test_text_starting_with_a_dash_is_read_not_taken_for_an_option(speech_app: Flask) -> None:
    heard = measure(render(speech_app, "en", "-v fr --help means nothing here"))
    assert heard.seconds > 1.5
    assert heard.rms > 0.03


def test_ten_thousand_characters_are_read_in_full(speech_app: Flask) -> None:
    text = ("Sciatica is pain that comes from the sciatic nerve. " * 200)[:10000]
    info = check_mp3(render(speech_app, "en", text).read_bytes())
    # 1,600 words at 155 a minute is about 10 minutes.
    assert 9 * 60 < info.seconds < 13 * 60


def test_long_text_is_cut_at_sentence_ends_for_pyttsx3() -> None:
    text = ("Sciatica is pain that comes from the sciatic nerve. " * 200)[:10000]
    pieces = chunks(text, 1000)
    assert all(len(piece) <= 1000 for piece in pieces)
    assert all(piece.endswith(".") for piece in pieces[:-1])
    assert " ".join(pieces) == text.strip()
    assert chunks("x" * 2500, 1000) == ["x" * 1000, "x" * 1000, "x" * 500]


# --- Sentences ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The nerve starts in the back. It runs down the leg.",
            ["The nerve starts in the back.", "It runs down the leg."],
        ),
        ("坐骨神经从下背部开始。它沿着腿向下延伸。", ["坐骨神经从下背部开始。", "它沿着腿向下延伸。"]),
        ("ما هو عرق النسا؟ هذا ألم.", ["ما هو عرق النسا؟", "هذا ألم."]),
        ("Qu'est-ce que c'est ? Un nerf.", ["Qu'est-ce que c'est ?", "Un nerf."]),
        ('A disc is 1.5 cm "wide." Next', ['A disc is 1.5 cm "wide."', "Next"]),
        ("... Wait. ...", ["... Wait. ..."]),
        ("?!", []),
    ],
)
def test_text_splits_into_sentences_in_every_script(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected
    assert "".join(s + space for s, space in segments(text)) == text


def test_a_page_is_read_from_title_to_disclaimer(speech_app: Flask) -> None:
    texts = page_texts(speech_app, "en", "urgent-help")
    assert texts[0] == "When to get urgent help"
    assert "Sciatica in both legs" in texts
    assert texts[-1] == "A doctor can."


# --- The cache ----------------------------------------------------------------------------


def test_any_change_to_engine_voice_rate_or_text_gives_a_new_clip(speech_app: Flask) -> None:
    speech = speech_of(speech_app)
    voice = speech.voice("en")
    assert voice is not None
    key = speech.key(voice, "Sciatica is pain.")
    assert speech.key(voice, "  Sciatica   is pain. ") == key
    others = [
        speech.key(voice, "Sciatica is a pain."),
        speech.key(type(voice)("en", "en-gb", voice.rate), "Sciatica is pain."),
        speech.key(type(voice)("en", voice.name, 120), "Sciatica is pain."),
        type(key)("other-engine", key.voice, key.rate, key.fmt, key.text_hash),
    ]
    assert len({key.token, *(other.token for other in others)}) == 5
    assert len({key.relative_path, *(other.relative_path for other in others)}) == 5


def test_a_damaged_clip_is_noticed_and_rendered_again(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    first = render(app, "en", "A clip that will be damaged.")
    whole = check_mp3(first.read_bytes())
    first.write_bytes(first.read_bytes()[:5000])
    speech_of(app).close()
    again = make_app(tmp_path)  # as a restarted server would, it checks the file before serving it
    try:
        assert render(again, "en", "A clip that will be damaged.") == first
        assert abs(check_mp3(first.read_bytes()).seconds - whole.seconds) < 0.2
        assert speech_of(again).rendered == 1
    finally:
        speech_of(again).close()


def test_a_burst_of_requests_all_succeed_with_one_render_per_clip(speech_app: Flask) -> None:
    client = speech_app.test_client()
    listing = client.get("/es/listen/massage").get_json()
    urls = [sentence["audio"] for sentence in listing["sentences"][:5]] * 4
    speech = speech_of(speech_app)
    before = speech.rendered
    results: list[tuple[str, int, bytes]] = []

    def fetch(url: str) -> None:
        response = speech_app.test_client().get(url)
        results.append((url, response.status_code, response.data))
        response.close()

    threads = [threading.Thread(target=fetch, args=(url,)) for url in urls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(results) == 20
    assert {status for _, status, _ in results} == {200}
    assert speech.rendered - before == 5
    for url in set(urls):
        bodies = {body for got, _, body in results if got == url}
        assert len(bodies) == 1
        assert check_mp3(bodies.pop()).seconds > 0.5
    assert not list(speech.cache.root.rglob("*.part")), "a temporary file was left behind"


# --- Faults -------------------------------------------------------------------------------


def test_a_killed_worker_is_replaced_and_the_next_request_works(speech_app: Flask) -> None:
    speech = speech_of(speech_app)
    render(speech_app, "en", "Wake the workers.")
    started = speech.pool.started
    for worker in speech.pool.workers():
        os.kill(worker.pid, signal.SIGKILL)
        worker.process.wait(5)
    assert measure(render(speech_app, "en", "The kiosk keeps reading.")).rms > 0.03
    assert speech.pool.started > started


def test_a_hung_pyttsx3_worker_times_out_and_is_replaced(faulty_app: Callable[..., Flask]) -> None:
    app = faulty_app(SPEECH_ENGINE="pyttsx3")
    speech = speech_of(app)
    render(app, "en", "Start the worker.")
    (worker,) = speech.pool.workers()
    os.kill(worker.pid, signal.SIGSTOP)  # a real process that stops answering
    began = time.monotonic()
    with pytest.raises(SpeechUnavailable, match="no answer"):
        render(app, "en", "This waits for a worker that never answers.")
    assert time.monotonic() - began < 5
    assert worker.process.poll() is not None, "the hung worker was not killed"
    assert measure(render(app, "en", "A new worker answers.")).rms > 0.03
    assert speech.pool.started == 2


def test_a_hung_engine_command_times_out_and_the_next_request_works(
    faulty_app: Callable[..., Flask], tmp_path: Path
) -> None:
    app = faulty_app(SPEECH_ENGINE="espeak-ng", SPEECH_ESPEAK_COMMAND=str(fake_espeak(tmp_path)))
    speech = speech_of(app)
    render(app, "en", "Start the worker.")
    (worker,) = speech.pool.workers()
    began = time.monotonic()
    with pytest.raises(SpeechUnavailable):
        render(app, "en", "Please hang forever.")
    assert time.monotonic() - began < 5
    # The worker and the espeak-ng it started (sleeping) are both gone: the group empties.
    assert group_ends(worker.pid), "the hung espeak-ng survived"
    assert measure(render(app, "en", "The next request works.")).rms > 0.03
    assert speech.status("en") == "ready"


def test_three_hangs_in_a_row_pause_speech_so_visitors_stop_waiting(
    faulty_app: Callable[..., Flask], tmp_path: Path
) -> None:
    app = faulty_app(SPEECH_ENGINE="espeak-ng", SPEECH_ESPEAK_COMMAND=str(fake_espeak(tmp_path)), SPEECH_TIMEOUT=0.3)
    speech = speech_of(app)
    for attempt in range(3):
        with pytest.raises(SpeechUnavailable):
            render(app, "en", f"Please hang, number {attempt}.")
    assert speech.status("en") == "unavailable"
    with pytest.raises(SpeechUnavailable, match="3 failures in a row"):
        render(app, "en", "Not even tried.")


@pytest.mark.parametrize(
    ("engine", "setting", "reason"),
    [
        ("espeak-ng", {"SPEECH_ESPEAK_COMMAND": "/nonexistent/espeak-ng"}, "not installed"),
        ("pyttsx3", {"SPEECH_ESPEAK_LIBRARY": "/nonexistent/libespeak-ng.so.1"}, "missing"),
        ("no-such-engine", {}, "unknown speech engine"),
    ],
)
def test_a_missing_engine_is_reported_without_starting_a_worker(
    faulty_app: Callable[..., Flask], engine: str, setting: dict[str, str], reason: str
) -> None:
    app = faulty_app(SPEECH_ENGINE=engine, **setting)
    speech = speech_of(app)
    assert speech.status("en") == "unavailable"
    with pytest.raises(SpeechUnavailable, match=reason):
        render(app, "en", "Hello.")
    assert speech.pool.started == 0


def test_an_engine_that_cannot_start_pauses_speech_with_its_reason(
    faulty_app: Callable[..., Flask], tmp_path: Path
) -> None:
    not_a_library = tmp_path / "libespeak-ng.so.1"
    not_a_library.write_bytes(b"not a shared library")
    for app, reason in [
        (faulty_app(SPEECH_ENGINE="pyttsx3", SPEECH_ESPEAK_LIBRARY=str(not_a_library)), "could not start"),
        (faulty_app(SPEECH_ENGINE="espeak-ng", SPEECH_ESPEAK_COMMAND=str(broken_espeak(tmp_path))), "cannot open"),
    ]:
        assert speech_of(app).status("en") == "ready"  # nothing looks wrong until it is tried
        with pytest.raises(SpeechUnavailable, match=reason):
            render(app, "en", "Hello.")
        assert speech_of(app).status("en") == "unavailable"
