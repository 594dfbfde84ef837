"""What every speech engine shares: its settings, its interface and its errors."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path
from typing import Protocol

from kiosk.speech.audio import Pcm

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
