"""Speech engines behind one small interface: pyttsx3 driving libespeak-ng, or the espeak-ng command.

Both run only inside speech worker processes, never in the web server.
"""

from __future__ import annotations

from kiosk.speech.engines.base import Engine, EngineSettings, EngineUnavailable
from kiosk.speech.engines.espeak import EspeakCommandEngine


def build_engine(settings: EngineSettings) -> Engine:
    """Start the configured engine, or raise EngineUnavailable saying why it cannot run."""
    problem = settings.problem()
    if problem:
        raise EngineUnavailable(problem)
    if settings.engine == "espeak-ng":
        return EspeakCommandEngine(settings)
    from kiosk.speech.engines.pyttsx3 import Pyttsx3Engine

    return Pyttsx3Engine(settings)
