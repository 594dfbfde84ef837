"""The pyttsx3 engine, designed around what pyttsx3 2.99 does wrong (measured on this machine).

- runAndWait() can return before the file exists or is complete: wait for a whole WAV file.
- An utterance started while espeak still reports the last one as playing is cancelled and saved
  as an empty file: render it again.
- Several save_to_file calls before one runAndWait write only the last: one file per run.
- A garbage-collected engine truncates files: one engine for the life of the worker process.
- say() after save_to_file overwrites the file: never say().
- An unknown voice is silently ignored: refuse it first.
- Empty text raises AssertionError: refuse it first.
- Every save prints a line to stdout: the worker points stdout at /dev/null.
- Threads sharing engines hang, crash and mix voices: one engine per process, one job at a time.
- It calls espeak_Synth without espeakPHONEMES, so `[[...]]` phoneme input from the pronunciation
  lexicon would be read out as letters: the flag is added, as the espeak-ng command always has it.
"""

from __future__ import annotations

import ctypes
import os
import re
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk.speech.audio import AudioError, Pcm, read_wav
from kiosk.speech.engines.base import EngineSettings, EngineUnavailable, Ready, SpeechFailed, voice_names

CHUNK_CHARACTERS = 1000
_BREAK_AFTER_SENTENCE = re.compile(r"(?<=[.!?…;:。！？؟])\s+")


def _cut(sentence: str, limit: int) -> int:
    """Find where to cut a long sentence: the last space before limit that is not inside [[phonemes]]."""
    cut = sentence.rfind(" ", 0, limit)
    while cut > 0 and sentence.count("[[", 0, cut) > sentence.count("]]", 0, cut):
        cut = sentence.rfind(" ", 0, sentence.rfind("[[", 0, cut))
    return cut if cut > 0 else limit


def chunks(text: str, limit: int) -> list[str]:
    """Cut text into pieces of at most limit characters, at sentence ends, else at spaces."""
    pieces: list[str] = []
    current = ""
    for sentence in _BREAK_AFTER_SENTENCE.split(text.strip()):
        while len(sentence) > limit:
            cut = _cut(sentence, limit)
            pieces.extend(filter(None, [current, sentence[:cut]]))
            current, sentence = "", sentence[cut:].lstrip()
        if current and len(current) + 1 + len(sentence) > limit:
            pieces.append(current)
            current = ""
        current = f"{current} {sentence}" if current else sentence
    if current:
        pieces.append(current)
    return pieces


def _read_phoneme_input() -> None:
    """Have pyttsx3's driver synthesise with espeakPHONEMES, so [[...]] in the text is read as phonemes."""
    from pyttsx3.drivers import _espeak

    synth = _espeak.Synth
    if getattr(_espeak, "kiosk_phoneme_input", False):
        return

    def synth_with_phonemes(text: bytes, *args: Any, flags: int = 0, **kwargs: Any) -> Any:
        return synth(text, *args, flags=flags | _espeak.PHONEMES, **kwargs)

    # The driver looks Synth up on the module at every call, so replacing it here is enough.
    _espeak.Synth = synth_with_phonemes
    _espeak.kiosk_phoneme_input = True


@dataclass
class _Job:
    """One file pyttsx3 is writing, and who delivers it: the driver's callback or synthesize()."""

    path: Path
    ready: Ready
    claimed: bool = False
    done: threading.Event = field(default_factory=threading.Event)
    failure: BaseException | None = None


def _whole_wav(path: Path) -> Pcm | None:
    """Return the WAV at path if it is complete, else None."""
    try:
        return read_wav(path.read_bytes())
    except (OSError, AudioError):
        return None


class Pyttsx3Engine:
    """pyttsx3's espeak driver, used the one way it works reliably: one engine, one file per run."""

    name = "pyttsx3"

    def __init__(self, settings: EngineSettings) -> None:
        library, data = settings.library_location()
        if data:
            os.environ["ESPEAK_DATA_PATH"] = data
        try:
            if library:
                # pyttsx3 opens "libespeak-ng.so.1"; the dynamic loader hands back this already-loaded one.
                ctypes.CDLL(library, mode=ctypes.RTLD_GLOBAL)
            import pyttsx3

            # Kept for the life of the process: a collected engine leaves truncated files behind.
            self._engine: Any = pyttsx3.init("espeak")
            _read_phoneme_input()
        except (OSError, ImportError, RuntimeError) as exc:
            raise EngineUnavailable(f"pyttsx3 could not start libespeak-ng: {exc}") from exc
        self._voices = voice_names([voice.id for voice in self._engine.getProperty("voices")])
        self._voice = ""
        self._rate = 0
        self._scratch = Path(tempfile.mkdtemp(prefix="kiosk-speech-"))
        self._runs = 0
        self._job: _Job | None = None
        self._lock = threading.Lock()
        self._engine.connect("finished-utterance", self._finished)

    def voices(self) -> set[str]:
        """Return the voice names libespeak-ng offers."""
        return self._voices

    def _select(self, voice: str, rate: int) -> None:
        """Switch voice and rate, refusing a voice pyttsx3 would silently ignore."""
        if voice.lower() not in self._voices:
            raise SpeechFailed(f"there is no voice {voice!r}")
        if voice != self._voice:
            self._engine.setProperty("voice", voice)
            self._voice = voice
        if rate != self._rate:
            self._engine.setProperty("rate", rate)
            self._rate = rate

    def _finished(self, name: str | None = None, completed: bool = True) -> None:
        """Deliver the file the moment the driver has closed it (on libespeak-ng's own thread)."""
        # pyttsx3's loop sleeps 10 ms before runAndWait returns; replying from here saves that wait.
        job = self._job
        if not completed or job is None:
            return
        pcm = _whole_wav(job.path)
        if pcm is None or not pcm.samples:
            return  # synthesize() looks again, and renders a cancelled (empty) utterance again
        with self._lock:
            if job.claimed:
                return
            job.claimed = True
        try:
            job.ready(pcm)
        except BaseException as exc:  # noqa: BLE001 - raised again on the worker's main thread
            job.failure = exc
        finally:
            job.done.set()

    def _run_once(self, text: str, ready: Ready, deadline: float) -> bool:
        """Save one file with one save_to_file and one runAndWait; False if pyttsx3 wrote an empty one."""
        # A new name every run, so a late write from an abandoned run can never pass for this one.
        self._runs += 1
        self._scratch.mkdir(parents=True, exist_ok=True)  # a /tmp cleaner may have removed it
        path = self._scratch / f"speech-{self._runs}.wav"
        job = self._job = _Job(path, ready)
        try:
            self._engine.save_to_file(text, str(path))
            self._engine.runAndWait()
            # runAndWait can return before the file exists or is complete (pyttsx3 issue #219).
            while True:
                with self._lock:
                    pcm = None if job.claimed else _whole_wav(path)
                    if pcm is not None:
                        job.claimed = True
                    if job.claimed:
                        break
                if time.monotonic() > deadline:
                    raise SpeechFailed("pyttsx3 wrote no complete file in time")
                time.sleep(0.005)
            if pcm is None:
                job.done.wait(max(0.0, deadline - time.monotonic()))
                if job.failure is not None:
                    raise job.failure
                return True
        finally:
            self._job = None
            path.unlink(missing_ok=True)
        if not pcm.samples:
            return False
        ready(pcm)
        return True

    def _render(self, text: str, ready: Ready, deadline: float) -> None:
        """Render one piece of text, again if pyttsx3 cancelled it."""
        # When espeak still reports the last utterance as playing, pyttsx3's runAndWait sets a stop
        # flag that cancels the next one, which then comes out as a WAV file with no samples.
        for _ in range(3):
            if self._run_once(text, ready, deadline):
                return
        raise SpeechFailed("pyttsx3 wrote an empty file three times")

    def synthesize(self, text: str, voice: str, rate: int, ready: Ready, timeout: float) -> None:
        """Render text, then hand over the file once it is whole and holds audio."""
        if not text.strip():
            raise SpeechFailed("there is no text")  # pyttsx3 raises AssertionError on empty text
        self._select(voice, rate)
        deadline = time.monotonic() + timeout
        pieces = chunks(text, CHUNK_CHARACTERS)
        if len(pieces) == 1:
            self._render(text, ready, deadline)
            return
        # The driver grows its buffer with bytes +=, which is quadratic: 10,000 characters in one
        # piece take 14 s; in pieces of 1,000 they take 2 s.
        parts: list[Pcm] = []
        for piece in pieces:
            self._render(piece, parts.append, deadline)
        ready(Pcm(b"".join(part.samples for part in parts), parts[0].rate))
