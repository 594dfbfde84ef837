"""Helpers for the speech tests: decode real audio with sox and measure it."""

from __future__ import annotations

import re
import shutil
import stat
import subprocess
from dataclasses import dataclass
from pathlib import Path

SOX = shutil.which("sox") or "/usr/bin/sox"


@dataclass(frozen=True)
class Measured:
    """What sox heard in a file."""

    rate: int
    seconds: float
    rms: float


def measure(path: Path) -> Measured:
    """Decode a file with sox and return its sample rate, length and RMS level (0 to 1)."""
    assert Path(SOX).exists(), "sox is missing; 'make test' installs it"
    rate = subprocess.run([SOX, "--i", "-r", str(path)], capture_output=True, text=True, check=True).stdout
    stats = subprocess.run([SOX, str(path), "-n", "stat"], capture_output=True, text=True, check=True).stderr
    seconds = re.search(r"Length \(seconds\):\s+([\d.]+)", stats)
    rms = re.search(r"RMS\s+amplitude:\s+([\d.]+)", stats)
    assert seconds, stats
    assert rms, stats
    return Measured(rate=int(rate), seconds=float(seconds.group(1)), rms=float(rms.group(1)))


def fake_espeak(folder: Path) -> Path:
    """Write an espeak-ng stand-in that hangs, for real, on any text containing "hang"."""
    script = folder / "espeak-ng-that-hangs"
    script.write_text(
        "#!/bin/sh\n"
        "text=$(cat)\n"
        'case "$text" in *hang*) exec sleep 120;; esac\n'
        'printf "%s" "$text" | exec espeak-ng "$@"\n'
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


def broken_espeak(folder: Path) -> Path:
    """Write an espeak-ng stand-in that is installed but fails every time, like a broken package."""
    script = folder / "espeak-ng-broken"
    script.write_text("#!/bin/sh\necho 'espeak-ng: cannot open voice data' >&2\nexit 1\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script
