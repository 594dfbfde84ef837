"""Helpers for the translation editor's tests: find an entry, save a translation as a staff member would."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from flask import Flask

from kiosk.core.paths import REPO_ROOT
from kiosk.editor import saving, service as editor
from kiosk.editor.saving import Saved
from kiosk.editor.service import Entry
from kiosk.i18n.live import Store, load


def store_of(app: Flask) -> Store:
    """Return the live catalog store of an app."""
    return Store.for_app(app)


def entry_for(store: Store, lang: str, msgid: str) -> Entry:
    """Return the entry whose English (singular) is msgid."""
    return next(entry for entry in editor.listing(store, lang).entries if entry.sources[0] == msgid)


def save_text(
    store: Store, lang: str, msgid: str, *strings: str, user: str = "ana", fuzzy: bool = False, confirmed: bool = True
) -> Saved:
    """Save a translation of msgid the way the editor form does, from a freshly loaded page."""
    entry = entry_for(store, lang, msgid)
    version = load(store, lang).version
    return saving.save(store, lang, entry.id, list(strings), fuzzy, entry.state.token(), version, user, confirmed)


def list_page(store: Store, lang: str, msgid: str) -> str:
    """Return the address of the page of the entry list (25 a page) that shows msgid."""
    entry = entry_for(store, lang, msgid)
    return f"/staff/translations/{lang}/?page={editor.list_pages(store, lang)[entry.id]}"


CHILD = """
import os, sys, time
from kiosk import create_app
from tests.helpers.editor import save_text, store_of

app = create_app({"TESTING": True, "DATA_DIR": sys.argv[1], "SECRET_KEY": "test"})
real_fsync, calls, pause_at = os.fsync, [0], int(sys.argv[2])

def pausing_fsync(fd):
    real_fsync(fd)
    calls[0] += 1
    if calls[0] == pause_at:
        print("paused", flush=True)
        time.sleep(600)

os.fsync = pausing_fsync
save_text(store_of(app), "es", "Symptoms", "Qué se siente")
print("finished", flush=True)
"""


def kill_a_save(data: Path, pause_at: int) -> None:
    """Save the Spanish "Symptoms" as "Qué se siente" in a child process, and SIGKILL it at its pause_at-th fsync."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO_ROOT), str(REPO_ROOT / "tests")])}
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(data), str(pause_at)],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    with child.stdout:
        try:
            assert child.stdout.readline().strip() == "paused"
        finally:
            child.send_signal(signal.SIGKILL)
            child.wait(10)
