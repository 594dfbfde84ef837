"""The espeak-ng command as a speech engine: one process per text, the text always on standard input."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from kiosk.speech.audio import AudioError, Pcm
from kiosk.speech.engines.base import EngineSettings, EngineUnavailable, Ready, SpeechFailed, voice_names


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
