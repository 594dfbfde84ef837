"""Reading problems back: from journalctl's JSON and from the log file, folded and explained in plain words."""

from __future__ import annotations

import json
import logging
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kiosk.ops import logs, problems

NOW = datetime(2026, 3, 2, 14, 30, tzinfo=UTC)


def journal_line(message: str | list[int], priority: int, at: datetime, unit: str = "sciatica-kiosk.service") -> str:
    """Return one entry as `journalctl --output=json` prints it."""
    entry = {
        "__REALTIME_TIMESTAMP": str(int(at.timestamp() * 1_000_000)),
        "PRIORITY": str(priority),
        "MESSAGE": message,
        "_SYSTEMD_UNIT": unit,
        "SYSLOG_IDENTIFIER": "kiosk",
    }
    return json.dumps(entry)


def test_journal_entries_become_problems_ours_parsed_and_others_as_written() -> None:
    lines = [
        journal_line(
            'level=error logger=kiosk.core.db msg="The database cannot be used: requests to staff fail until it is '
            'back" error="OperationalError: connection to server at 10.0.0.5 failed: Connection refused"',
            3,
            NOW,
        ),
        journal_line("  | Traceback (most recent call last):", 7, NOW),  # detail under the headline
        journal_line(
            "http://127.0.0.1:8080/health did not answer (2 of 3 checks in a row)",
            4,
            NOW,
            "sciatica-kiosk-health.service",
        ),
        journal_line(list("caf\u00e9 \xff".encode("latin-1")), 4, NOW),  # bytes that are not UTF-8
        "not json at all",
    ]
    found = list(problems.from_journal_lines(lines))
    assert [problem.priority for problem in found] == [3, 4, 4]
    assert found[0].message == "The database cannot be used: requests to staff fail until it is back"
    assert found[0].explanation == "The database server could not be reached."
    assert found[1].message.startswith("http://127.0.0.1:8080/health did not answer")
    assert found[1].source == "sciatica-kiosk-health.service"
    assert found[0].at == NOW


def test_the_journal_is_asked_for_the_kiosk_units_problems_since_a_moment() -> None:
    if shutil.which("journalctl") is None:
        pytest.fail("journalctl is part of systemd, which Debian always has")
    command = problems.journal_command(["sciatica-kiosk*"], NOW, 4, None)
    assert command[1:] == [
        "--no-pager",
        "--output=json",
        "--priority=4",
        "--since=2026-03-02 14:30:00 UTC",
        "--unit=sciatica-kiosk*",
    ]


def test_a_journal_that_cannot_be_read_says_why() -> None:
    with pytest.raises(problems.JournalUnavailable, match="nowhere"):
        problems.from_journal(["sciatica-kiosk*"], NOW, 4, "/nowhere/journal")


def test_the_real_journalctl_answers_with_no_entries_rather_than_failing() -> None:
    # journald does not run in this container: journalctl finds no journal and says nothing is there.
    assert problems.from_journal(["sciatica-kiosk-test-unit-that-never-ran*"], NOW, 4, None) == []


def test_repeats_fold_into_one_line_with_a_count_and_plain_words() -> None:
    disk = problems.Problem(NOW, 3, "Could not store a visitor request", "OperationalError: database or disk is full")
    other = problems.Problem(NOW + timedelta(minutes=5), 4, "Form refused on POST /staff/login: token expired")
    folded = problems.grouped([disk, problems.Problem(NOW + timedelta(minutes=1), 3, disk.message, disk.error), other])
    assert [problem.repeats for problem in folded] == [2, 1]
    text = problems.describe(folded[0], UTC, NOW)
    assert "14:30  Error    Could not store a visitor request" in text
    assert "The disk is full." in text
    assert "2 times, the last at 14:31" in text
    older = problems.describe(problems.Problem(NOW - timedelta(days=2), 4, "Slow"), UTC, NOW)
    assert "Sat 28 Feb 14:30  Warning  Slow" in older


def test_the_log_file_and_its_rotated_copies_are_read_oldest_first(tmp_path: Path) -> None:
    path = logs.log_file(tmp_path)
    path.parent.mkdir(parents=True)
    line = 'time={} level={} logger=k msg="{}"\n'
    (path.parent / "kiosk.log.2").write_text(line.format("2026-03-01T10:00:00+00:00", "error", "oldest"))
    (path.parent / "kiosk.log.1").write_text(line.format("2026-03-02T10:00:00+00:00", "warning", "older"))
    path.write_text(line.format("2026-03-02T12:00:00+00:00", "info", "newest") + "  | a traceback line\n")
    found = list(problems.from_file(path, datetime(2026, 3, 2, tzinfo=UTC)))
    assert [(problem.message, problem.priority) for problem in found] == [("older", 4), ("newest", 6)]


def test_kiosk_logs_shows_the_last_problems_in_plain_words(tmp_path: Path) -> None:
    from tests.helpers.app import make_app

    root = logging.getLogger()
    before = root.handlers[:]
    try:
        app = make_app(tmp_path / "data", LOG_JOURNAL_UNITS=["sciatica-kiosk-test-unit-that-never-ran*"])
        log = logging.getLogger("kiosk.talk.views")
        log.info("Everything is fine")
        for _ in range(3):
            try:
                raise OSError(28, "No space left on device")
            except OSError:
                log.exception("Could not store a visitor request")
        logging.getLogger("kiosk.ops.backup").error("Backup failed: the disk holding /media/usb is full")
        runner = app.test_cli_runner()
        shown = runner.invoke(args=["logs"]).output
        assert "Could not store a visitor request" in shown
        assert "The disk is full." in shown
        assert "3 times" in shown
        assert "Backup failed" in shown
        assert "Everything is fine" not in shown
        assert "Traceback" not in shown
        assert "Everything is fine" in runner.invoke(args=["logs", "--all"]).output
        quiet = make_app(tmp_path / "quiet", LOG_JOURNAL_UNITS=["sciatica-kiosk-test-unit-that-never-ran*"])
        assert "No problems in the last 7 days" in quiet.test_cli_runner().invoke(args=["logs"]).output
    finally:
        for handler in [h for h in root.handlers if h not in before]:
            root.removeHandler(handler)
            handler.close()
