"""Structured logs: one logfmt line per event on stderr, which journald keeps under systemd, else also a
rotating file in the data directory; every line passes the redaction filter first."""

from __future__ import annotations

import fcntl
import logging
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import Any, TextIO

from flask import Flask

from kiosk.ops import redact

LOG_FOLDER = "logs"
LOG_FILE = "kiosk.log"
HANDLER_NAME = "kiosk"
# A record with this field set is also said by the command that logged it (a click error), so a terminal
# need not show it twice; the journal and the file still keep it.
ECHOED = "echoed"
# syslog priorities: journald reads a "<N>" prefix on a line as its priority (SyslogLevelPrefix=, on by
# default), so `journalctl -p warning` and `kiosk logs` find the problems.
PRIORITIES = {logging.CRITICAL: 2, logging.ERROR: 3, logging.WARNING: 4, logging.INFO: 6, logging.DEBUG: 7}
# What every LogRecord has; anything else on a record came through `extra=` and is a structured field.
_STANDARD = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "taskName", ECHOED}
_SAFE_VALUE = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:@+,%")


def priority(levelno: int) -> int:
    """Return the syslog priority for a logging level."""
    for level in sorted(PRIORITIES, reverse=True):
        if levelno >= level:
            return PRIORITIES[level]
    return 7


def logfmt_value(value: Any) -> str:
    """Return value as logfmt writes it: bare when it is simple, else quoted on one line."""
    text = str(value)
    if text and all(char in _SAFE_VALUE for char in text):
        return text
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"'


def exception_line(exc_info: Any) -> str:
    """Return the last line of an exception, as its type and message, on one line."""
    error = exc_info[1] if isinstance(exc_info, tuple) else None
    if error is None:
        return ""
    message = " ".join(str(error).split())
    return f"{type(error).__name__}: {message}" if message else type(error).__name__


class RedactingFilter(logging.Filter):
    """Render each record's message, scrub it and its exception, and blank sensitive structured fields."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record in place; every record passes."""
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a bad format string must not lose the event
            message = f"{record.msg!r} {record.args!r}"
        record.msg, record.args = redact.scrub(message), None
        for key in set(record.__dict__) - _STANDARD:
            record.__dict__[key] = redact.field(key, record.__dict__[key])
        if record.exc_info and record.exc_info[1] is not None:
            record.error = redact.scrub(exception_line(record.exc_info))
            if not record.exc_text:
                record.exc_text = logging.Formatter().formatException(record.exc_info)
            record.exc_text = redact.scrub(record.exc_text)
            record.exc_info = None  # the scrubbed text above replaces the traceback the formatter would redo
        return True


class LogfmtFormatter(logging.Formatter):
    """One line per event: time (unless journald stamps it), level, logger, message, then any fields."""

    def __init__(self, journal: bool) -> None:
        super().__init__()
        self.journal = journal

    def format(self, record: logging.LogRecord) -> str:
        """Return the event as logfmt; a traceback follows on indented lines of debug priority."""
        fields: dict[str, Any] = {}
        if not self.journal:
            fields["time"] = datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")
        fields |= {"level": record.levelname.lower(), "logger": record.name, "msg": record.getMessage()}
        fields |= {key: record.__dict__[key] for key in sorted(set(record.__dict__) - _STANDARD)}
        line = " ".join(f"{key}={logfmt_value(value)}" for key, value in fields.items())
        prefix = f"<{priority(record.levelno)}>" if self.journal else ""
        lines = [prefix + line]
        if record.exc_text:
            # Own entries of debug priority, so a problem list shows the headline and a developer the detail.
            detail = "<7>" if self.journal else ""
            lines += [f"{detail}  | {text}" for text in record.exc_text.splitlines()]
        return "\n".join(lines)


class StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]  # its stream is looked up per line
    """Write to whatever sys.stderr is now, so a test's captured stream or a reopened one just works."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property  # the base class stores the stream; this one looks it up each time
    def stream(self) -> TextIO:
        """Return the current standard error."""
        return sys.stderr

    @stream.setter
    def stream(self, _value: TextIO) -> None:
        """Ignore the stream the base class sets."""


class SharedRotatingFileHandler(RotatingFileHandler):
    """A rotating log file that several processes (the server, `kiosk backup`) append to safely."""

    def __init__(self, path: Path, max_bytes: int, count: int) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.lock_path = path.parent / ".lock"
        self._last_complaint = 0.0
        super().__init__(path, maxBytes=max_bytes, backupCount=count, encoding="utf-8", delay=True)

    @contextmanager
    def _shared(self) -> Iterator[None]:
        """Hold the folder's lock, so one process rotates while the others wait, and none loses a line."""
        with self.lock_path.open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _reopen_if_rotated(self) -> None:
        """Open the file again if another process rotated it away since this one last wrote."""
        if self.stream is None:
            return
        try:
            current = Path(self.baseFilename).stat().st_ino
        except FileNotFoundError:
            current = -1
        if current != os.fstat(self.stream.fileno()).st_ino:
            self.stream.close()
            self.stream = self._open()

    def emit(self, record: logging.LogRecord) -> None:
        """Append one event under the lock, rotating first when the file is full."""
        # A handler a newer app replaced (configure) is closed: FileHandler would open its file again for a
        # late record from another thread and never close it. The new handler writes that record anyway.
        if getattr(self, "_closed", False):
            return
        try:
            with self._shared():
                self._reopen_if_rotated()
                super().emit(record)
        except Exception:  # noqa: BLE001 - logging must never break the request that logs
            self.handleError(record)

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 - logging's name
        """Say once a minute, on stderr, that the file cannot be written (a full disk), not once a line."""
        now = time.monotonic()
        if now - self._last_complaint < 60:
            return
        self._last_complaint = now
        error = sys.exc_info()[1]
        sys.stderr.write(f"kiosk: could not write the log file {self.baseFilename}: {error}\n")


def under_journald() -> bool:
    """Tell whether stderr goes to the systemd journal: JOURNAL_STREAM names stderr's device and inode."""
    stream = os.environ.get("JOURNAL_STREAM", "")
    try:
        device, inode = (int(part) for part in stream.split(":"))
        stat = os.fstat(sys.stderr.fileno())
    except (ValueError, OSError, AttributeError):
        return False
    return (stat.st_dev, stat.st_ino) == (device, inode)


def log_file(data_dir: Path) -> Path:
    """Return the rotating log file of a data directory."""
    return data_dir / LOG_FOLDER / LOG_FILE


def configure(data_dir: Path, level: str = "INFO", max_bytes: int = 1_000_000, count: int = 5) -> None:
    """Send this process's logs to stderr, and to the data directory's file unless journald keeps them."""
    journal = under_journald()
    root = logging.getLogger()
    for handler in [h for h in root.handlers if h.get_name() == HANDLER_NAME]:
        root.removeHandler(handler)
        handler.close()
    handlers: list[logging.Handler] = [StderrHandler()]
    if not journal:
        handlers.append(SharedRotatingFileHandler(log_file(data_dir), max_bytes, count))
    if not journal:
        # A terminal or a script's pipe gets only what needs a person; the file keeps the rest.
        handlers[0].setLevel(logging.WARNING)
        handlers[0].addFilter(lambda record: not getattr(record, ECHOED, False))
    for handler in handlers:
        handler.set_name(HANDLER_NAME)  # marks ours, to replace them when a second app configures logging
        handler.addFilter(RedactingFilter())
        handler.setFormatter(LogfmtFormatter(journal))
        root.addHandler(handler)
    root.setLevel(level.upper())
    # Alembic narrates every start ("Context impl SQLiteImpl."); kiosk.core.db logs the upgrades that happen.
    logging.getLogger("alembic").setLevel(logging.WARNING)


def init_app(app: Flask) -> None:
    """Configure logging for the app's data directory and settings."""
    config = app.config
    configure(
        Path(app.instance_path),
        str(config["LOG_LEVEL"]),
        int(config["LOG_FILE_BYTES"]),
        int(config["LOG_FILE_COUNT"]),
    )
