"""Reading pages aloud: a voice per language, pages split into sentences, and clips rendered once.

The service never runs an engine itself. It finds a clip in the on-disk cache or has one of its
worker processes (kiosk.speech.workers) render it, with one render in flight per clip.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
import weakref
from collections.abc import Iterator, Mapping
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask, current_app, g

from kiosk import i18n
from kiosk.core import paths
from kiosk.speech.cache import AudioCache, AudioKey, LockTimeout
from kiosk.speech.engines.base import EngineSettings, EngineUnavailable
from kiosk.speech.lexicon import EMPTY, Lexicon, engine_text
from kiosk.speech.pronunciation import PronunciationStore
from kiosk.speech.recordings import RecordingStore
from kiosk.speech.text import normalize, page_sentences, speakable
from kiosk.speech.workers import PoolBusy, WorkerCrashed, WorkerPool, WorkerTimeout
from kiosk.visitor import content, emergency

log = logging.getLogger(__name__)

FORMAT = "mp3"
MIMETYPE = "audio/mpeg"


class SpeechError(Exception):
    """Speech that cannot be had; the message is plain words for staff and logs."""


class NoVoice(SpeechError):
    """The language has no voice."""


class NothingToSay(SpeechError):
    """The text has no words to read."""


class SpeechUnavailable(SpeechError):
    """The engine is missing, broken, hung or overloaded; try again later."""


class RenderFailed(SpeechUnavailable):
    """The engine failed on this text: it crashed, hung or refused it."""


@dataclass(frozen=True)
class Refreshed:
    """What a change to a lexicon did to the cache."""

    rendered: int  # page clips read again because what the engine reads changed
    removed: int  # their old clips, deleted


@dataclass(frozen=True)
class Voice:
    """The voice and speaking rate (words a minute) for one kiosk language."""

    language: str
    name: str
    rate: int


@contextmanager
def in_language(code: str) -> Iterator[None]:
    """Translate strings into one kiosk language inside the block, outside any request."""
    language = next(language for language in i18n.languages().values() if language.code == code)
    # A fresh context, so Flask-Babel has no locale cached from another language.
    with current_app.app_context():
        g.language = language
        yield


class SpeechService:
    """Voices, the clip cache and the worker pool of one app."""

    def __init__(self, config: Mapping[str, Any], data_dir: Path) -> None:
        self.voices = {
            code: Voice(code, str(choice["voice"]), int(choice.get("rate", config["SPEECH_RATE"])))
            for code, choice in dict(config["SPEECH_VOICES"]).items()
        }
        first = self.voices.get(str(config["DEFAULT_LANGUAGE"])) or next(iter(self.voices.values()), None)
        self.settings = EngineSettings(
            engine=str(config["SPEECH_ENGINE"]),
            library=str(config["SPEECH_ESPEAK_LIBRARY"]),
            command=str(config["SPEECH_ESPEAK_COMMAND"]),
            warm_voice=first.name if first else "",
        )
        self.timeout = float(config["SPEECH_TIMEOUT"])
        # The emergency number as every voice should read it: digit by digit.
        self.number = emergency.spoken(emergency.number(config))
        self.retry_seconds = float(config["SPEECH_RETRY_SECONDS"])
        self.cache = AudioCache(data_dir / "speech")
        shipped = config.get("SPEECH_LEXICON_DIR") or paths.REPO_ROOT / "pronunciation"
        self.pronunciation = PronunciationStore(Path(shipped), data_dir / "pronunciation")
        self.recordings = RecordingStore(data_dir / "recordings")
        self.pool = WorkerPool(self.settings, int(config["SPEECH_WORKERS"]), float(config["SPEECH_START_TIMEOUT"]))
        self._static_problem = self.settings.problem()
        self._paused_until = 0.0
        self._pause_reason = ""
        self._failures = 0
        self.rendered = 0  # clips this process has had rendered, for the warm-up count and tests
        self._inflight: dict[AudioKey, Future[Path]] = {}
        self._unreadable: set[AudioKey] = set()  # texts the lexicon made unreadable; read without it
        self._lock = threading.Lock()
        # Workers end with the service (tests build many apps) and at exit.
        weakref.finalize(self, self.pool.close)

    @property
    def engine_id(self) -> str:
        """Name the engine and its library in cache keys, so changing either renders new audio."""
        library = self.settings.library
        if library not in ("bundled", "system"):
            library = "lib" + hashlib.sha256(library.encode("utf-8")).hexdigest()[:8]
        return f"{self.settings.engine}-{library}"

    def voice(self, language: str) -> Voice | None:
        """Return the voice for a language code such as "pt_BR", or None when it has none."""
        return self.voices.get(language)

    def problem(self) -> str | None:
        """Say why speech cannot work right now, or None when it should."""
        if self._static_problem:
            return self._static_problem
        if time.monotonic() < self._paused_until:
            return self._pause_reason
        return None

    def status(self, language: str) -> str:
        """Return "ready", "no-voice" or "unavailable" for a language."""
        if self.voice(language) is None:
            return "no-voice"
        return "unavailable" if self.problem() else "ready"

    def engine_text(self, voice: Voice, text: str, lexicon: bool = True) -> str:
        """Return what the engine reads for a text: the language's lexicon (unless lexicon is False) applied."""
        return engine_text(text, voice.language, self.pronunciation.lexicon(voice.language) if lexicon else EMPTY)

    def key(self, voice: Voice, text: str, lexicon: bool = True) -> AudioKey:
        """Return the cache key of a text read by a voice: it follows what the engine reads, not the screen."""
        return AudioKey.for_text(self.engine_id, voice.name, voice.rate, FORMAT, self.engine_text(voice, text, lexicon))

    def render(self, voice: Voice, text: str, lexicon: bool = True) -> Path:
        """Return the path of a clip of text, rendering it unless the cache has it."""
        text = normalize(text)
        if not speakable(text):
            raise NothingToSay("the text has no words to read aloud")
        spoken = self.engine_text(voice, text, lexicon)
        key = AudioKey.for_text(self.engine_id, voice.name, voice.rate, FORMAT, spoken)
        plain = self.engine_text(voice, text, lexicon=False)
        if key in self._unreadable:
            spoken = plain
        try:
            return self._clip(voice, spoken)
        except (NothingToSay, RenderFailed) as exc:
            if spoken == plain:
                raise
            # A lexicon entry must never silence a page: read this sentence as if it had no entry.
            log.warning("The pronunciation lexicon made %r unreadable (%s); it is read without it.", text, exc)
            self._unreadable.add(key)
            return self._clip(voice, plain)

    def render_spoken(self, voice: Voice, spoken: str) -> Path:
        """Return a clip of text exactly as given to the engine, phoneme input included (to try an entry)."""
        if not speakable(spoken):
            raise NothingToSay("the text has no words to read aloud")
        return self._clip(voice, spoken)

    def _clip(self, voice: Voice, spoken: str) -> Path:
        """Return the clip of a text exactly as the engine reads it, rendering it once."""
        key = AudioKey.for_text(self.engine_id, voice.name, voice.rate, FORMAT, spoken)
        path = self.cache.path(key)
        if self.cache.usable(path):
            return path
        with self._lock:
            future = self._inflight.get(key)
            owner = future is None
            if future is None:
                future = self._inflight[key] = Future()
        if not owner:
            # Another request is rendering this clip; share its result instead of rendering twice.
            try:
                return future.result(timeout=self._job_timeout(spoken) * 3)
            except TimeoutError as exc:
                raise SpeechUnavailable("the clip is taking too long to render") from exc
        try:
            try:
                with self.cache.render_lock(key, self._job_timeout(spoken) * 3):
                    # Another app server on the shared cache may have rendered it while this one waited.
                    if not self.cache.usable(path):
                        self._render(voice, spoken, path)
            except LockTimeout as exc:
                raise SpeechUnavailable(str(exc)) from exc
            future.set_result(path)
            return path
        except BaseException as exc:
            future.set_exception(exc)
            raise
        finally:
            with self._lock:
                del self._inflight[key]

    def refresh(self, language: str, before: Lexicon) -> Refreshed:
        """After a lexicon change, read again exactly the cached page clips whose engine text changed."""
        voice = self.voice(language)
        if voice is None:
            return Refreshed(0, 0)
        after = self.pronunciation.lexicon(language)
        rendered = removed = 0
        for _, sentence in self.page_jobs([language]):
            old, new = engine_text(sentence, language, before), engine_text(sentence, language, after)
            if old == new:
                continue
            stale = self.cache.path(AudioKey.for_text(self.engine_id, voice.name, voice.rate, FORMAT, old))
            if not self.cache.usable(stale):
                continue  # never rendered: it is rendered when a visitor first needs it
            stale.unlink(missing_ok=True)
            removed += 1
            try:
                self.render(voice, sentence)
            except SpeechError as exc:
                log.warning("Could not read %r again after a lexicon change: %s", sentence, exc)
                continue
            rendered += 1
        return Refreshed(rendered, removed)

    def _job_timeout(self, text: str) -> float:
        """Allow the base time, plus a second for every 500 characters of a long text."""
        return self.timeout + len(text) / 500

    def _render(self, voice: Voice, text: str, path: Path) -> None:
        """Have a worker render one clip, retrying once on a worker that died."""
        problem = self.problem()
        if problem:
            raise SpeechUnavailable(problem)
        job = {"text": text, "voice": voice.name, "rate": voice.rate, "out": str(path)}
        try:
            try:
                reply = self.pool.run(job, self._job_timeout(text))
            except WorkerCrashed:
                reply = self.pool.run(job, self._job_timeout(text))
        except EngineUnavailable as exc:
            self._pause(str(exc))
            raise SpeechUnavailable(str(exc)) from exc
        except (WorkerCrashed, WorkerTimeout) as exc:
            self._failed(str(exc))
            raise RenderFailed(str(exc)) from exc
        except PoolBusy as exc:
            self._failed(str(exc))
            raise SpeechUnavailable(str(exc)) from exc
        self._failures = 0
        if not reply["ok"]:
            if reply.get("kind") == "silent":
                raise NothingToSay(reply["error"])
            raise RenderFailed(reply["error"])
        self.cache.mark_checked(path)
        with self._lock:
            self.rendered += 1
        log.debug("Rendered the clip %s", path.name)

    def _failed(self, reason: str) -> None:
        """Count a failure; after three in a row, stop trying for a while so visitors stop waiting."""
        self._failures += 1
        if self._failures >= 3:
            self._pause(f"{reason} ({self._failures} failures in a row)")

    def _pause(self, reason: str) -> None:
        """Report speech as unavailable for retry_seconds."""
        log.error("Reading aloud is paused for %.0f s: %s", self.retry_seconds, reason)
        self._paused_until = time.monotonic() + self.retry_seconds
        self._pause_reason = reason
        self._failures = 0

    def prestart(self) -> None:
        """Start the workers in the background, so the first tap does not wait for them."""

        def start() -> None:
            try:
                self.pool.prestart()
            except EngineUnavailable as exc:
                self._pause(str(exc))

        threading.Thread(target=start, name="speech-prestart", daemon=True).start()

    def close(self) -> None:
        """Stop the workers."""
        self.pool.close()

    def page_jobs(self, languages: list[str]) -> list[tuple[Voice, str]]:
        """Return every (voice, sentence) of every page in the given voiced languages, without repeats."""
        jobs: dict[tuple[str, str], tuple[Voice, str]] = {}
        for code in languages:
            voice = self.voice(code)
            if voice is None:
                continue
            with in_language(code):
                for topic in content.TOPICS:
                    for sentence in page_sentences(topic, self.number):
                        jobs.setdefault((code, sentence), (voice, sentence))
        return list(jobs.values())


def service() -> SpeechService:
    """Return the running app's speech service."""
    speech: SpeechService = current_app.extensions["kiosk_speech"]
    return speech


def init_app(app: Flask) -> None:
    """Create the speech service, and start its workers with the first request."""
    speech = SpeechService(app.config, Path(app.instance_path))
    app.extensions["kiosk_speech"] = speech

    if app.config["SPEECH_PRESTART"] and not app.testing:
        started = threading.Event()

        @app.before_request
        def start_speech_workers() -> None:
            """Start the workers once, when the kiosk serves its first request."""
            if not started.is_set():
                started.set()
                speech.prestart()
