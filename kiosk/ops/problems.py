"""`kiosk logs`: the last problems, read back from the systemd journal and the log file, in plain words."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, tzinfo
from pathlib import Path

from kiosk.ops.logs import priority

# One logfmt pair: a bare value, or a quoted one with backslash escapes.
_PAIR = re.compile(r'(\w+)=("(?:[^"\\]|\\.)*"|\S*)')
_UNESCAPE = {"n": "\n", "r": "\r", '"': '"', "\\": "\\"}
LEVEL_WORDS = {2: "Critical", 3: "Error", 4: "Warning", 5: "Notice", 6: "Info", 7: "Debug"}
# What an error means for the clinic, by what its text says; the first match wins.
EXPLANATIONS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"No space left|disk is full|database or disk is full|DiskFull", re.I), "The disk is full."),
    (
        re.compile(
            r"could not connect|connection refused|server closed the connection|terminating connection|"
            r"connection (?:is|was) closed|Connection reset|could not translate host name|timeout expired",
            re.I,
        ),
        "The database server could not be reached.",
    ),
    (re.compile(r"database is locked|lock timeout|canceling statement due to lock", re.I), "The database was busy."),
    (re.compile(r"Permission denied|read-only file system", re.I), "The kiosk may not write there."),
    (re.compile(r"MemoryError|Cannot allocate memory", re.I), "The computer ran out of memory."),
]


class JournalUnavailable(Exception):
    """journalctl is missing, or cannot read the journal; the message says why."""


@dataclass(frozen=True)
class Problem:
    """One logged event: when, how bad, what happened and, for a failure, its last error line."""

    at: datetime
    priority: int
    message: str
    error: str = ""
    source: str = ""
    repeats: int = 1
    last: datetime | None = None

    @property
    def explanation(self) -> str:
        """Return what the error means in plain words, or the error itself."""
        for pattern, words in EXPLANATIONS:
            if pattern.search(self.error) or pattern.search(self.message):
                return words
        return self.error


def parse_logfmt(line: str) -> dict[str, str]:
    """Return the fields of one logfmt line."""
    fields = {}
    for key, raw in _PAIR.findall(line):
        if raw.startswith('"'):
            raw = re.sub(r"\\(.)", lambda m: _UNESCAPE.get(m[1], m[1]), raw[1:-1])
        fields[key] = raw
    return fields


def _from_message(at: datetime, level: int, text: str, source: str) -> Problem:
    """Build a problem from a line: ours is logfmt with a msg field, anyone else's is plain text."""
    fields = parse_logfmt(text) if "msg=" in text else {}
    if "msg" not in fields:
        return Problem(at, level, text.strip(), source=source)
    return Problem(at, level, fields["msg"], fields.get("error", ""), source)


def from_file(path: Path, since: datetime) -> Iterator[Problem]:
    """Yield the events of a log file and its rotated copies, oldest first, from since on."""
    rotated = [p for p in path.parent.glob(f"{path.name}.*") if p.suffix[1:].isdigit()]
    for file in [*sorted(rotated, key=lambda p: -int(p.suffix[1:])), path]:
        try:
            lines = file.read_text(encoding="utf-8", errors="replace").splitlines()
        except FileNotFoundError:
            continue
        for line in lines:
            if line.startswith(" "):
                continue  # a traceback line under its event
            fields = parse_logfmt(line)
            try:
                at = datetime.fromisoformat(fields["time"])
            except (KeyError, ValueError):
                continue
            if at >= since:
                level = priority(_LEVELS.get(fields.get("level", ""), 20))
                yield Problem(at, level, fields.get("msg", line), fields.get("error", ""), "file")


_LEVELS = {"critical": 50, "error": 40, "warning": 30, "info": 20, "debug": 10}


def journal_command(units: Sequence[str], since: datetime, max_priority: int, directory: str | None) -> list[str]:
    """Return the journalctl command that lists the kiosk units' events since a moment, as JSON."""
    journalctl = shutil.which("journalctl")
    if journalctl is None:
        raise JournalUnavailable("journalctl is not installed")
    command = [journalctl, "--no-pager", "--output=json", f"--priority={max_priority}"]
    command.append(f"--since={since.astimezone(UTC).strftime('%Y-%m-%d %H:%M:%S')} UTC")
    if directory:
        command.append(f"--directory={directory}")
    return command + [f"--unit={unit}" for unit in units]


def from_journal_lines(lines: Iterable[str]) -> Iterator[Problem]:
    """Yield the events in journalctl's JSON output."""
    for line in lines:
        try:
            entry = json.loads(line)
            at = datetime.fromtimestamp(int(entry["__REALTIME_TIMESTAMP"]) / 1_000_000, UTC)
        except (ValueError, KeyError, TypeError):
            continue
        message = entry.get("MESSAGE", "")
        if isinstance(message, list):  # journalctl gives bytes that are not UTF-8 as a list of numbers
            message = bytes(message).decode("utf-8", errors="replace")
        if str(message).startswith("  | "):
            continue
        level = int(entry.get("PRIORITY", 6))
        yield _from_message(at, level, str(message), str(entry.get("_SYSTEMD_UNIT", "journal")))


def from_journal(units: Sequence[str], since: datetime, max_priority: int, directory: str | None) -> list[Problem]:
    """Return the kiosk units' events from the systemd journal."""
    command = journal_command(units, since, max_priority, directory)
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise JournalUnavailable(f"journalctl failed: {error}") from error
    complaint = result.stderr.strip()
    if "No data available" in complaint:
        return []  # a unit pattern that matches no unit the journal knows: the kiosk never logged there
    if result.returncode != 0 or "insufficient permissions" in complaint:
        raise JournalUnavailable(complaint or f"journalctl exited with {result.returncode}")
    return list(from_journal_lines(result.stdout.splitlines()))


def grouped(problems: Iterable[Problem]) -> list[Problem]:
    """Fold repeats of the same problem in a row into one line with a count."""
    folded: list[Problem] = []
    for problem in sorted(problems, key=lambda p: p.at):
        previous = folded[-1] if folded else None
        if previous and (previous.message, previous.explanation) == (problem.message, problem.explanation):
            folded[-1] = replace(previous, repeats=previous.repeats + 1, last=problem.at)
        else:
            folded.append(problem)
    return folded


def describe(problem: Problem, zone: tzinfo | None, today: datetime) -> str:
    """Return one problem as a line or two of plain words, with the clinic's local time."""
    local = problem.at.astimezone(zone)
    same_day = local.date() == today.astimezone(zone).date()
    when = local.strftime("%H:%M" if same_day else "%a %d %b %H:%M")
    line = f"{when:>16}  {LEVEL_WORDS.get(problem.priority, 'Note'):8} {problem.message}"
    details = [problem.explanation] if problem.explanation else []
    if problem.repeats > 1 and problem.last is not None:
        details.append(f"{problem.repeats} times, the last at {problem.last.astimezone(zone).strftime('%H:%M')}")
    if details:
        line += "\n" + " " * 27 + " · ".join(details)
    return line
