"""The `kiosk clinics` commands, and `kiosk staff` and `kiosk tickets` with --clinic."""

from __future__ import annotations

import csv
import io
from datetime import UTC
from pathlib import Path

from flask import Flask

from kiosk.core import db
from kiosk.staff import accounts
from kiosk.talk import tickets
from tests.helpers.app import make_app
from tests.helpers.desk import PASSWORD


def run(app: Flask, *args: str, stdin: str = "") -> tuple[int, str]:
    """Run a kiosk command; return its exit code and everything it printed."""
    result = app.test_cli_runner().invoke(args=list(args), input=stdin)
    return result.exit_code, result.output


def ask(app: Flask, kiosk: str, visit: str) -> None:
    """A visitor at kiosk asks for staff."""
    with db.session_scope(app) as session:
        tickets.create(session, visit=visit, kiosk=kiosk, reason="question", when=None, first_name=None, zone=UTC)


def test_a_chain_is_set_up_from_the_command_line(tmp_path: Path) -> None:
    app = make_app(tmp_path / "data")
    assert run(app, "clinics", "rename", "Our clinic", "Lisbon")[0] == 0
    code, said = run(app, "clinics", "add", "Porto")
    assert code == 0
    assert "Added the clinic Porto." in said
    assert run(app, "clinics", "assign", "Porto hall", "porto") == (
        0,
        "The kiosk Porto hall is in Porto: its requests go to that clinic's staff.\n",
    )
    assert run(app, "staff", "add", "Ana", "--clinic", "Porto", stdin=f"{PASSWORD}\n") == (
        0,
        "Added Ana (front_desk at Porto).\n",
    )
    code, said = run(app, "staff", "roles", "Ana", "--clinic", "Lisbon", "--role", "translator")
    assert (code, said) == (0, "Ana now has: translator at Lisbon; front_desk at Porto.\n")
    assert run(app, "staff", "list")[1] == "Ana\ttranslator at Lisbon; front_desk at Porto\n"
    listing = run(app, "clinics", "list")[1]
    assert "Lisbon (default: kiosks not assigned elsewhere belong here)\n  kiosks: no kiosk yet\n" in listing
    assert "Porto\n  kiosks: Porto hall\n  staff with a role: 1\n" in listing


def test_a_mistyped_clinic_is_said_before_any_password_is_asked(tmp_path: Path) -> None:
    app = make_app(tmp_path / "data")
    code, said = run(app, "staff", "add", "Ana", "--clinic", "Nowhere", stdin=f"{PASSWORD}\n")
    assert code == 1
    assert "There is no clinic called 'Nowhere'. The clinics are: Our clinic." in said
    with db.session_scope(app) as session:
        assert accounts.all_accounts(session) == []
    assert "There is no clinic called 'Mars'" in run(app, "clinics", "assign", "Hall", "Mars")[1]
    assert "already a clinic called 'Our clinic'" in run(app, "clinics", "add", "our CLINIC")[1]


def test_a_single_clinic_install_never_hears_about_clinics(tmp_path: Path) -> None:
    app = make_app(tmp_path / "data")
    assert run(app, "staff", "add", "Ana", stdin=f"{PASSWORD}\n") == (0, "Added Ana (front_desk).\n")
    assert run(app, "staff", "list")[1] == "Ana\tfront_desk\n"


def test_the_export_names_each_requests_clinic_and_can_keep_to_one(tmp_path: Path) -> None:
    app = make_app(tmp_path / "data")
    run(app, "clinics", "add", "Porto")
    run(app, "clinics", "assign", "Porto hall", "Porto")
    ask(app, "Waiting room", "visit-1aaaaaaaaaaaaaaa")
    ask(app, "Porto hall", "visit-2aaaaaaaaaaaaaaa")
    every = list(csv.DictReader(io.StringIO(run(app, "tickets", "export")[1])))
    assert [(row["kiosk"], row["clinic"], row["number"]) for row in every] == [
        ("Waiting room", "Our clinic", "1"),
        ("Porto hall", "Porto", "1"),
    ]
    porto = list(csv.DictReader(io.StringIO(run(app, "tickets", "export", "--clinic", "porto")[1])))
    assert [row["kiosk"] for row in porto] == ["Porto hall"]
