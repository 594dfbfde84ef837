"""Refusing lexicon entries that would break the engine, by asking espeak-ng how it reads them.

espeak-ng silently drops a phoneme name it does not know (`[[ISy%Qx]]` is read 'ISyxx), and a respelling
can switch to another language ("do" is read as English). So an entry passes only when:

- phoneme input comes back from synthesis as the same phonemes (stress marks aside);
- a respelling is read entirely in the voice's language, and has something to say;
- an Arabic respelling reads with its vowels (kiosk.speech.arabic's rules).

The editor runs this in a child process (`python -m kiosk.speech.validate`), because libespeak-ng is
process-wide and a crash on a strange entry must not take the web server down.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from typing import Any

from kiosk.speech import arabic
from kiosk.speech.engines.base import EngineSettings
from kiosk.speech.lexicon import EMPTY, engine_text, escape_phoneme_input
from kiosk.speech.phonemes import Reader, reader, switches
from kiosk.speech.problems import Problem

_STRESS_AND_SPACE = str.maketrans("", "", "',%= ")
_PAUSES = str.maketrans("", "", "_:!|")
VALIDATE_TIMEOUT = 20.0


def problems(read: Reader, lang: str, voice: str, replacement: str) -> list[Problem]:
    """Return what is wrong with a replacement for one voice; empty when espeak-ng reads it as meant."""
    if replacement.startswith("[["):
        written = replacement[2:-2].strip()
        traced = read.spoken(replacement, voice)
        if not traced.translate(_STRESS_AND_SPACE).translate(_PAUSES):
            return [("silent", {})]
        if traced.translate(_STRESS_AND_SPACE) != written.translate(_STRESS_AND_SPACE):
            return [("phonemes", {"written": written, "read": traced})]
        return []
    form = engine_text(escape_phoneme_input(replacement), lang, EMPTY)
    heard = read.phonemes(form, voice)
    if not heard.strip():
        return [("silent", {})]
    if switches(heard):
        return [("switch", {"read": heard})]
    if lang == "ar":
        ipa = read.phonemes(form, voice, ipa=True)
        if arabic.broken_rules(ipa):
            return [("arabic", {"read": ipa})]
    return []


def check_entries(
    settings: EngineSettings, jobs: Sequence[Mapping[str, str]], timeout: float = VALIDATE_TIMEOUT
) -> list[list[Problem]]:
    """Check entries in a child process; each job names lang, voice and replacement."""
    try:
        result = subprocess.run(
            [sys.executable, "-m", "kiosk.speech.validate", json.dumps(asdict(settings))],
            input=json.dumps(list(jobs)).encode("utf-8"),
            capture_output=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return [[("engine", {"detail": f"espeak-ng took longer than {timeout:.0f} s"})] for _ in jobs]
    if result.returncode != 0:
        detail = result.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [f"exit {result.returncode}"]
        return [[("engine", {"detail": detail[0][:200]})] for _ in jobs]
    answers: list[list[list[Any]]] = json.loads(result.stdout)
    return [[(str(code), dict(params)) for code, params in answer] for answer in answers]


def main() -> int:
    """Answer one batch of checks: JSON jobs on standard input, JSON problems on standard output."""
    settings = EngineSettings(**json.loads(sys.argv[1]))
    read = reader(settings)
    answers = []
    for job in json.loads(sys.stdin.buffer.read()):
        try:
            answers.append(problems(read, job["lang"], job["voice"], job["replacement"]))
        except (ValueError, RuntimeError) as exc:
            answers.append([("engine", {"detail": str(exc)})])
    sys.stdout.write(json.dumps(answers))
    return 0


if __name__ == "__main__":
    sys.exit(main())
