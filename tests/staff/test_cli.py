"""The `kiosk staff` commands: accounts added, changed and removed from a terminal or a script."""

from __future__ import annotations

import os
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kiosk.core import db
from kiosk.staff import accounts
from tests.helpers.app import make_app
from tests.helpers.desk import PASSWORD, add_account

POLICY = accounts.LoginPolicy(window=60, per_address=10, per_account=5)

KIOSK = Path(sys.executable).with_name("kiosk")


def test_a_fresh_install_has_no_account_and_no_default_password(tmp_path: Path) -> None:
    app = make_app(tmp_path / "data")
    with db.session_scope(app) as session:
        assert accounts.all_accounts(session) == []
    runner = app.test_cli_runner()
    assert runner.invoke(args=["staff", "add", "Ana"], input="").exit_code != 0
    with db.session_scope(app) as session:
        assert accounts.all_accounts(session) == []


def test_staff_commands_add_list_change_and_remove_accounts(tmp_path: Path) -> None:
    app = make_app(tmp_path / "data")
    runner = app.test_cli_runner()
    added = runner.invoke(
        args=["staff", "add", "Ana", "--role", "front_desk", "--role", "translator"], input=f"{PASSWORD}\n"
    )
    assert added.exit_code == 0, added.output
    assert runner.invoke(args=["staff", "add", "Bo"], input=f"{PASSWORD}\n").exit_code == 0
    listing = runner.invoke(args=["staff", "list"]).output
    assert "Ana\tfront_desk, translator" in listing
    assert "Bo\tfront_desk" in listing
    assert runner.invoke(args=["staff", "roles", "Bo", "--role", "translator"]).exit_code == 0
    assert runner.invoke(args=["staff", "passwd", "Ana"], input="a brand new password\n").exit_code == 0
    with db.session_scope(app) as session:
        assert (
            accounts.authenticate(session, "Ana", "a brand new password", address="127.0.0.1", policy=POLICY).staff
            is not None
        )
        assert accounts.find(session, "Bo").permissions == {"translator"}
    assert runner.invoke(args=["staff", "remove", "Bo"]).exit_code == 0
    assert "Bo" not in runner.invoke(args=["staff", "list"]).output


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["staff", "add", "Ana"], "short\n", "at least 10 characters"),
        (["staff", "add", "Ana", "--role", "admin"], f"{PASSWORD}\n", "Invalid value for '--role'"),
        (["staff", "add", "<b>"], f"{PASSWORD}\n", "A staff name is"),
        (["staff", "add", "Existing"], f"{PASSWORD}\n", "already a staff account"),
        (["staff", "passwd", "Nobody"], f"{PASSWORD}\n", "no staff account called"),
        (["staff", "remove", "Nobody"], "", "no staff account called"),
    ],
)
def test_staff_commands_explain_what_is_wrong(tmp_path: Path, args: list[str], stdin: str, message: str) -> None:
    app = make_app(tmp_path / "data")
    add_account(app, "Existing")
    result = app.test_cli_runner().invoke(args=args, input=stdin)
    assert result.exit_code != 0
    assert message in result.output


def test_staff_add_on_a_terminal_asks_for_the_password_twice_without_echoing_it(tmp_path: Path) -> None:
    controller, terminal = os.openpty()
    process = subprocess.Popen(
        [str(KIOSK), "staff", "add", "Ana"],
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
        env={**os.environ, "KIOSK_DATA_DIR": str(tmp_path / "data")},
    )
    os.close(terminal)
    seen = b""

    def read_until(text: bytes) -> None:
        nonlocal seen
        deadline = time.monotonic() + 30
        while text not in seen and time.monotonic() < deadline:
            if select.select([controller], [], [], 0.5)[0]:
                try:
                    seen += os.read(controller, 4096)
                except OSError:
                    return

    read_until(b"Password: ")
    os.write(controller, PASSWORD.encode() + b"\n")
    read_until(b"Repeat for confirmation: ")
    os.write(controller, PASSWORD.encode() + b"\n")
    read_until(b"Added Ana")
    assert process.wait(30) == 0, seen
    os.close(controller)
    assert b"Added Ana (front_desk)." in seen
    assert PASSWORD.encode() not in seen
