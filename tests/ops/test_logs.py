"""Structured logs: logfmt lines, journald priorities under systemd, a rotating file shared by processes,
and no visitor's name, reason or words in any of it, by construction and by a check on the code."""

from __future__ import annotations

import ast
import logging
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from kiosk.core.paths import REPO_ROOT
from kiosk.ops import logs, problems, redact
from tests.helpers.app import make_app

SECRET = "Zephyrine"


@pytest.fixture
def log_file(tmp_path: Path) -> Iterator[Path]:
    """Logging configured for a data directory, as the app does; the root logger restored afterwards."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    logs.configure(tmp_path / "data")
    yield logs.log_file(tmp_path / "data")
    for handler in root.handlers[:]:
        if handler.get_name() == logs.HANDLER_NAME:
            root.removeHandler(handler)
            handler.close()
    root.handlers[:0], root.level = [h for h in saved[0] if h not in root.handlers], saved[1]


def test_every_event_is_one_logfmt_line_with_its_fields(log_file: Path) -> None:
    log = logging.getLogger("kiosk.test")
    log.warning('Queue is "long"\nsecond line', extra={"waiting": 7, "kiosk": "Upstairs"})
    [line] = log_file.read_text().splitlines()
    fields = problems.parse_logfmt(line)
    assert fields["level"] == "warning"
    assert fields["logger"] == "kiosk.test"
    assert fields["msg"] == 'Queue is "long"\nsecond line'
    assert fields["waiting"] == "7"
    assert fields["kiosk"] == "Upstairs"
    assert fields["time"].endswith("+00:00")


def test_a_failure_is_one_problem_line_with_its_traceback_indented_under_it(log_file: Path) -> None:
    settings: dict[str, str] = {}
    try:
        settings["missing"]
    except KeyError:
        logging.getLogger("kiosk.test").exception("Could not do the thing")
    lines = log_file.read_text().splitlines()
    assert problems.parse_logfmt(lines[0])["error"] == "KeyError: 'missing'"
    assert lines[1].startswith("  | Traceback")
    assert all(line.startswith("  | ") for line in lines[1:])


def test_no_visitor_detail_reaches_the_log_whatever_the_code_logs(log_file: Path) -> None:
    log = logging.getLogger("kiosk.test")
    log.info("Ticket made", extra={"first_name": SECRET, "reason": "other", "number": 4})
    log.info("GET /en/talk-to-staff/name?reason=book&first_name=%s", SECRET)
    log.warning("Form was %r", {"first_name": SECRET, "notes": f"{SECRET}'s back hurts"})
    engine = sa.create_engine("sqlite://")  # without hide_parameters, as a careless engine would be
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE t (first_name TEXT UNIQUE)")
        connection.exec_driver_sql("INSERT INTO t VALUES (?)", (SECRET,))
        try:
            connection.exec_driver_sql("INSERT INTO t VALUES (?)", (SECRET,))
        except sa.exc.IntegrityError:
            log.exception("Could not store a visitor request")
    text = log_file.read_text()
    assert SECRET not in text
    assert text.count(redact.REDACTED) >= 5
    assert "number=4" in text  # what is not sensitive stays


def test_under_journald_lines_carry_priorities_and_no_file_is_written(tmp_path: Path) -> None:
    """systemd sets JOURNAL_STREAM to the device and inode of the stream it reads; journald strips "<N>"."""
    stderr = tmp_path / "stderr"
    child = (
        "import logging, os, sys; from pathlib import Path; from kiosk.ops import logs\n"
        "st = os.fstat(2); os.environ['JOURNAL_STREAM'] = f'{st.st_dev}:{st.st_ino}'\n"
        "logs.configure(Path(sys.argv[1]))\n"
        "log = logging.getLogger('kiosk.x')\n"
        "log.info('Started'); log.warning('Slow', extra={'first_name': 'Zephyrine'})\n"
        "try:\n    1 / 0\nexcept ZeroDivisionError:\n    log.exception('Broke')\n"
    )
    with stderr.open("wb") as out:
        subprocess.run([sys.executable, "-c", child, str(tmp_path / "data")], stderr=out, check=True, cwd=REPO_ROOT)
    lines = stderr.read_text().splitlines()
    assert lines[0].startswith("<6>level=info")
    assert lines[1].startswith("<4>level=warning")
    assert lines[2].startswith("<3>level=error")
    assert "time=" not in lines[0]  # journald stamps each entry itself
    assert all(line.startswith("<7>  | ") for line in lines[3:])
    assert SECRET not in stderr.read_text()
    assert not (tmp_path / "data" / "logs").exists()


def test_a_terminal_sees_only_problems_and_the_file_keeps_everything(tmp_path: Path) -> None:
    child = (
        "from kiosk.ops import logs; import logging, sys; from pathlib import Path\n"
        "logs.configure(Path(sys.argv[1])); log = logging.getLogger('k'); log.info('Quiet'); log.error('Loud')"
    )
    result = subprocess.run(
        [sys.executable, "-c", child, str(tmp_path / "data")], capture_output=True, text=True, check=True, cwd=REPO_ROOT
    )
    assert "Loud" in result.stderr
    assert "Quiet" not in result.stderr
    assert "Quiet" in logs.log_file(tmp_path / "data").read_text()


def test_several_processes_share_the_rotating_file_without_losing_a_line(tmp_path: Path) -> None:
    child = (
        "import logging, sys; from pathlib import Path; from kiosk.ops import logs\n"
        "logs.configure(Path(sys.argv[1]), max_bytes=20_000, count=500)\n"
        "for i in range(1500):\n    logging.getLogger('k').warning('line %s %d', sys.argv[2], i)\n"
    )
    data = tmp_path / "data"
    writers = [
        subprocess.Popen([sys.executable, "-c", child, str(data), name], cwd=REPO_ROOT, stderr=subprocess.DEVNULL)
        for name in ("a", "b", "c")
    ]
    for writer in writers:
        assert writer.wait(120) == 0
    files = list(logs.log_file(data).parent.glob("kiosk.log*"))
    assert len(files) > 10  # it did rotate, many times, under three writers
    seen = [problems.parse_logfmt(line)["msg"] for file in files for line in file.read_text().splitlines()]
    assert sorted(seen) == sorted(f"line {name} {i}" for name in "abc" for i in range(1500))


def test_the_app_writes_its_log_in_its_data_directory(tmp_path: Path) -> None:
    root = logging.getLogger()
    before = root.handlers[:]
    try:
        app = make_app(tmp_path / "data")
        logging.getLogger("kiosk.test").warning("Hello from the app")
        assert "Hello from the app" in logs.log_file(Path(app.instance_path)).read_text()
    finally:
        for handler in [h for h in root.handlers if h not in before]:
            root.removeHandler(handler)
            handler.close()


# Variables that hold a visitor's words, fields of a request row that do, and what a visitor's form sent.
VISITOR_VARIABLES = {"first_name", "typed", "transcript", "note", "notes", "wanted_when"}
VISITOR_FIELDS = VISITOR_VARIABLES | {"reason"}
REQUEST_DATA = {"form", "values", "args", "data", "json", "get_data", "files"}
LOG_METHODS = {"debug", "info", "warning", "error", "exception", "critical", "log"}


def _mentions_sensitive(node: ast.AST) -> str | None:
    """Return what a visitor typed or chose, if an expression reads it: a variable, a row's field, the request."""
    for part in ast.walk(node):
        if isinstance(part, ast.Name) and part.id in VISITOR_VARIABLES:
            return part.id
        if isinstance(part, ast.Attribute):
            owner = part.value
            if part.attr in VISITOR_FIELDS or (
                part.attr in REQUEST_DATA and isinstance(owner, ast.Name) and owner.id == "request"
            ):
                return part.attr
    return None


def test_no_log_call_in_the_code_is_handed_a_visitors_details() -> None:
    """The filter is the net; this is the rule: code never passes a name, reason, form or typed text to a log."""
    found = []
    for path in sorted((REPO_ROOT / "kiosk").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            owner = node.func.value
            if node.func.attr not in LOG_METHODS or not (isinstance(owner, ast.Name) and owner.id in ("log", "logger")):
                continue
            for argument in [*node.args[1:], *(keyword.value for keyword in node.keywords)]:
                name = _mentions_sensitive(argument)
                if name:
                    found.append(f"{path.relative_to(REPO_ROOT)}:{node.lineno} logs {name}")
    assert found == []


def test_the_code_check_would_catch_a_careless_log_call() -> None:
    careless = ast.parse("log.info('Ticket for %s', ticket.first_name)").body[0]
    assert isinstance(careless, ast.Expr)
    assert _mentions_sensitive(careless.value.args[1]) == "first_name"  # type: ignore[attr-defined]
    assert _mentions_sensitive(ast.parse("request.form['x']").body[0].value) == "form"  # type: ignore[attr-defined]
