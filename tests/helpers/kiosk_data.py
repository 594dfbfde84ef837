"""A kiosk with something of everything a backup must keep, and a check that another kiosk has all of it."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from flask import Flask

from kiosk.core import db
from kiosk.core.models import Staff, Ticket, TicketEvent
from kiosk.i18n.live import Store
from kiosk.staff import accounts
from kiosk.talk import tickets
from tests.helpers.editor import save_text

PASSWORD = "correct horse battery staple"
EDITED = ("es", "Welcome", "¡Bienvenidos a la clínica!")
CONFIG = 'KIOSK_NAME = "Upstairs"\n'


@dataclass
class Made:
    """What populate() put in a kiosk, to look for after a restore."""

    tickets: list[tuple[int, str, str | None, str]] = field(default_factory=list)
    events: int = 0
    staff: dict[str, list[str]] = field(default_factory=dict)
    languages: dict[str, str | None] = field(default_factory=dict)  # each account's staff-screen language
    files: dict[str, str] = field(default_factory=dict)  # relative path -> sha256
    history: list[str] = field(default_factory=list)


def digest(path: Path) -> str:
    """Return a file's SHA-256."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def history_files(data: Path) -> list[str]:
    """Return the translation history's files."""
    return sorted(p.relative_to(data).as_posix() for p in (data / "translation-history").rglob("*") if p.is_file())


def populate(app: Flask) -> Made:
    """Give a kiosk staff, requests in every state, a translation edit with history, recordings and settings."""
    made = Made()
    data = Path(app.instance_path)
    with db.session_scope(app) as session:
        ana = accounts.add(session, "Ana", PASSWORD, ["front_desk", "translator"])
        accounts.add(session, "Bea", PASSWORD, ["front_desk"])
        ana.language = "ar"  # her staff screens in Arabic; Bea's follow her browser
        session.commit()
        created = [
            tickets.create(
                session,
                visit=f"visit-{index:02d}-xxxxxxxxxxxx",
                kiosk="Upstairs",
                reason=reason,
                when=None,
                first_name=name,
                zone=None,
            )
            for index, (reason, name) in enumerate([("book", "Zoé"), ("question", None), ("other", "Олег")])
        ]
        tickets.act(session, created[0].id, "acknowledge", staff=ana)
        tickets.act(session, created[1].id, "done", staff=ana)
        made.tickets = sorted((t.number, t.reason, t.first_name, t.status) for t in session.scalars(sa.select(Ticket)))
        made.events = len(session.scalars(sa.select(TicketEvent)).all())
        made.staff = {s.name: sorted(s.permissions) for s in session.scalars(sa.select(Staff))}
        made.languages = {s.name: s.language for s in session.scalars(sa.select(Staff))}
        assert made.languages == {"Ana": "ar", "Bea": None}
    save_text(Store.for_app(app), EDITED[0], EDITED[1], EDITED[2], user="ana")
    extra = {
        "recordings/es/welcome.webm": os.urandom(40_000),
        "recordings/ar/welcome.webm": os.urandom(30_000),
        "lexicon/es.json": json.dumps({"ciática": "θjˈatika"}).encode(),
        "config.py": CONFIG.encode(),
        # Tests set SECRET_KEY in config; a real kiosk keeps its session key in this file.
        "secret_key": os.urandom(32).hex().encode(),
    }
    for relative, content in extra.items():
        (data / relative).parent.mkdir(parents=True, exist_ok=True)
        (data / relative).write_bytes(content)
    # A cache, which a backup leaves out: it is made again from the text.
    (data / "speech" / "cached.mp3").parent.mkdir(parents=True, exist_ok=True)
    (data / "speech" / "cached.mp3").write_bytes(b"ID3" + os.urandom(1000))
    staff_work = ("recordings", "lexicon", "translations", "translation-history")
    for path in sorted(data.rglob("*")):
        relative = path.relative_to(data).as_posix()
        if path.is_file() and relative.split("/")[0] in staff_work and not path.name.startswith("."):
            made.files[relative] = digest(path)
    for name in ("secret_key", "config.py"):
        made.files[name] = digest(data / name)
    made.history = history_files(data)
    # The repo's catalogs as last merged, the base of the next three-way merge: a restore must bring them too.
    assert any("/.upstream/" in relative for relative in made.files), sorted(made.files)
    return made


def check_has_everything(app: Flask, made: Made) -> None:
    """Assert that a kiosk holds every request, account, edit, history entry, recording and setting made."""
    data = Path(app.instance_path)
    with db.session_scope(app) as session:
        found = sorted((t.number, t.reason, t.first_name, t.status) for t in session.scalars(sa.select(Ticket)))
        assert found == made.tickets
        assert len(session.scalars(sa.select(TicketEvent)).all()) == made.events
        assert {s.name: sorted(s.permissions) for s in session.scalars(sa.select(Staff))} == made.staff
        assert {s.name: s.language for s in session.scalars(sa.select(Staff))} == made.languages
        # The accounts still open with their passwords, and the sign-in limits' bookkeeping works on restored rows.
        policy = accounts.LoginPolicy(window=60, per_address=10, per_account=5)
        result = accounts.authenticate(session, "Ana", PASSWORD, address="127.0.0.1", policy=policy)
        assert result.staff is not None
    for relative, expected in made.files.items():
        assert digest(data / relative) == expected, relative
    assert history_files(data) == made.history
    changes = (data / "translation-history" / "es" / "changes.jsonl").read_text(encoding="utf-8")
    assert EDITED[2] in changes
    assert EDITED[2] in (data / "translations" / "es" / "LC_MESSAGES" / "messages.po").read_text(encoding="utf-8")
