"""Speech engines behind one small interface: pyttsx3 driving libespeak-ng (kiosk.speech_pyttsx3), or
the espeak-ng command (here). Both run only inside speech worker processes, never in the web server.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path
from typing import Protocol

from kiosk.speech_audio import AudioError, Pcm

ENGINES = ("pyttsx3", "espeak-ng")


class EngineUnavailable(RuntimeError):
    """The engine cannot start here: its library, its package or its command is missing."""


class SpeechFailed(RuntimeError):
    """The engine could not turn this text into speech."""


@dataclass(frozen=True)
class EngineSettings:
    """Which engine a worker runs, and where it finds libespeak-ng or the espeak-ng command."""

    engine: str  # "pyttsx3" or "espeak-ng"
    library: str  # "bundled" (espeakng-loader's 1.52), "system" (Debian's) or a path to libespeak-ng.so
    command: str  # the espeak-ng program, for the "espeak-ng" engine
    warm_voice: str = ""  # a voice to load and use once at start, so the first real clip is not slower

    def library_location(self) -> tuple[str | None, str | None]:
        """Return the libespeak-ng file to load and the ESPEAK_DATA_PATH to use; None means the default."""
        if self.library == "system":
            return None, None
        if self.library == "bundled":
            if find_spec("espeakng_loader") is None:
                raise EngineUnavailable("the espeakng-loader package is not installed")
            import espeakng_loader

            # ESPEAK_DATA_PATH names the folder that holds espeak-ng-data, not that folder itself.
            return espeakng_loader.get_library_path(), str(Path(espeakng_loader.get_data_path()).parent)
        return self.library, None

    def problem(self) -> str | None:
        """Say, cheaply and without starting the engine, why it cannot work here; None when it may."""
        if self.engine not in ENGINES:
            return f"unknown speech engine {self.engine!r}; choose one of {', '.join(ENGINES)}"
        try:
            library, _ = self.library_location()
        except EngineUnavailable as exc:
            return str(exc)
        if self.engine == "espeak-ng":
            return None if shutil.which(self.command) else f"the {self.command} command is not installed"
        if find_spec("pyttsx3") is None:
            return "the pyttsx3 package is not installed"
        if library is not None and not Path(library).is_file():
            return f"libespeak-ng is missing at {library}"
        return None


Ready = Callable[[Pcm], None]


class Engine(Protocol):
    """Turns one text into speech; one call at a time."""

    name: str

    def voices(self) -> set[str]:
        """Return the voice names the engine accepts, lower-cased."""
        ...

    def synthesize(self, text: str, voice: str, rate: int, ready: Ready, timeout: float) -> None:
        """Render text with a voice at rate words a minute; hand the audio to ready as soon as it is whole."""
        ...


def voice_names(identifiers: list[str]) -> set[str]:
    """Accept a voice's file identifier ("roa/fr") and its last part ("fr"), as espeak-ng does."""
    names = set()
    for identifier in identifiers:
        names.add(identifier.lower())
        names.add(identifier.lower().rsplit("/", 1)[-1])
    return names


class EspeakCommandEngine:
    """The espeak-ng program, one process per text, the text always on standard input."""

    name = "espeak-ng"

    def __init__(self, settings: EngineSettings) -> None:
        library, data = settings.library_location()
        self._command = settings.command
        self._env = dict(os.environ)
        if library:
            # Debian's espeak-ng program runs happily on the newer library, whose Mandarin is fixed.
            self._env["LD_LIBRARY_PATH"] = os.pathsep.join(
                filter(None, [str(Path(library).parent), os.environ.get("LD_LIBRARY_PATH")])
            )
        if data:
            self._env["ESPEAK_DATA_PATH"] = data
        listing = self._run(["--voices"], b"", timeout=10).decode("utf-8", "replace")
        # Columns: Pty Language Age/Gender VoiceName File Other-languages; the header row is skipped.
        self._voices = voice_names([line.split()[4] for line in listing.splitlines()[1:] if len(line.split()) > 4])

    def _run(self, arguments: list[str], stdin: bytes, timeout: float) -> bytes:
        """Run espeak-ng and return its standard output."""
        try:
            result = subprocess.run(
                [self._command, *arguments], input=stdin, env=self._env, capture_output=True, timeout=timeout
            )
        except FileNotFoundError as exc:
            raise EngineUnavailable(f"the {self._command} command is not installed") from exc
        except subprocess.TimeoutExpired as exc:
            raise SpeechFailed(f"{self._command} did not finish in {timeout:.0f} s") from exc
        if result.returncode != 0:
            message = result.stderr.decode("utf-8", "replace").strip()
            raise SpeechFailed(f"{self._command} failed ({result.returncode}): {message}")
        return result.stdout

    def voices(self) -> set[str]:
        """Return the voice names espeak-ng lists."""
        return self._voices

    def synthesize(self, text: str, voice: str, rate: int, ready: Ready, timeout: float) -> None:
        """Render text; on standard input, so text starting with '-' is never taken for an option."""
        if voice.lower() not in self._voices:
            raise SpeechFailed(f"there is no voice {voice!r}")
        # The server kills this whole process group first; this later bound only matters without it.
        wav = self._run(["-v", voice, "-s", str(rate), "--stdout"], text.encode("utf-8"), timeout=timeout + 5)
        try:
            pcm = _stdout_wav(wav)
        except AudioError as exc:
            raise SpeechFailed(f"{self._command} gave unusable audio: {exc}") from exc
        ready(pcm)


def _stdout_wav(data: bytes) -> Pcm:
    """Read the WAV espeak-ng streams to stdout, whose header cannot know the length in advance."""
    if len(data) < 44 or data[:4] != b"RIFF" or data[36:40] != b"data":
        raise AudioError("espeak-ng wrote no WAV data")
    if int.from_bytes(data[22:24], "little") != 1 or int.from_bytes(data[34:36], "little") != 16:
        raise AudioError("expected mono 16-bit audio")
    rate = int.from_bytes(data[24:28], "little")
    samples = data[44:]
    return Pcm(samples[: len(samples) // 2 * 2], rate)


def build_engine(settings: EngineSettings) -> Engine:
    """Start the configured engine, or raise EngineUnavailable saying why it cannot run."""
    problem = settings.problem()
    if problem:
        raise EngineUnavailable(problem)
    if settings.engine == "espeak-ng":
        return EspeakCommandEngine(settings)
    from kiosk.speech_pyttsx3 import Pyttsx3Engine

    return Pyttsx3Engine(settings)
