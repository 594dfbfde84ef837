"""The catalogs' journal: a save killed at any moment never leaves a change on the kiosk without its history,
and the other server process shows the finished save on its next page, with no further save."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

from kiosk.core.paths import REPO_ROOT
from kiosk.editor import history as editor_history
from kiosk.i18n import journal
from kiosk.i18n.live import Store, load
from tests.helpers.app import make_app
from tests.helpers.desk import PASSWORD, add_account
from tests.helpers.editor import entry_for, store_of
from tests.helpers.servers import ServeProcess
from tests.helpers.web import Browser

OLD = "Síntomas"


def fetch(url: str) -> str:
    """Return a page's text."""
    with urllib.request.urlopen(url, timeout=10) as response:
        return str(response.read().decode())


def shown_symptoms(page: str, candidates: list[str]) -> str:
    """Return which of the candidate texts the topic menu shows as the Symptoms button (exactly one must be)."""
    found = [text for text in candidates if f"<span>{text}</span>" in page]
    assert len(found) == 1, (found, candidates)
    return found[0]


def assert_consistent(store: Store, shown: str, old: str, new: str) -> None:
    """What the other process shows is what the catalog says, and the change is in the history if and only if
    it was made."""
    assert journal.pending(store.live) == []
    assert entry_for(store, "es", "Symptoms").state.strings == (shown,)
    logged = [c for c in editor_history.changes(store, "es") if c.msgid == "Symptoms"]
    if shown == new:
        assert logged, "a change is on the kiosk with no history line"
        assert (logged[0].old.strings, logged[0].new.strings) == ((old,), (new,))
    else:
        assert all(change.new.strings != (new,) for change in logged), "the history names a change never made"


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


# The save syncs four files in order: the journal, the .po, the .mo and the history log (the dated copy,
# a convenience, is written between the .po and the .mo without a sync).
@pytest.mark.parametrize("pause_at", [1, 2, 3, 4], ids=["journal", "po", "mo", "log"])
def test_a_save_killed_after_each_step_is_finished_by_the_other_process(tmp_path: Path, pause_at: int) -> None:
    data = tmp_path / "data"
    other = make_app(data)  # the kiosk's other process, running all along with the old catalog loaded
    store = store_of(other)
    assert OLD in other.test_client().get("/es/topics").get_data(as_text=True)
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
    page = other.test_client().get("/es/topics").get_data(as_text=True)  # no save in between
    shown = shown_symptoms(page, [OLD, "Qué se siente"])
    # Only a kill before the journal is whole loses the save; from then on it is always finished.
    assert shown == (OLD if pause_at == 1 else "Qué se siente")
    assert_consistent(store, shown, OLD, "Qué se siente")


def serve_env() -> dict[str, str]:
    """Environment for the server processes: no speech workers, which these tests do not need."""
    return {"KIOSK_SPEECH_PRESTART": "false"}


def watch_and_kill(server: ServeProcess, ready: Callable[[], bool], limit: float) -> threading.Thread:
    """Kill the server with SIGKILL the moment a condition on its files holds (or when the limit passes)."""

    def watch() -> None:
        deadline = time.monotonic() + limit
        while not ready() and time.monotonic() < deadline:
            pass
        server.process.send_signal(signal.SIGKILL)

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    return thread


def mtime(path: Path) -> int:
    """Return a file's modification time in ns, or 0 if it is missing."""
    try:
        return path.stat().st_mtime_ns
    except FileNotFoundError:
        return 0


def save_form(browser: Browser, store: Store, entry_id: str, text: str) -> dict[str, str]:
    """Open the entry as the editor does, and return the form it would post to save text."""
    browser.get(f"/staff/translations/es/entries/{entry_id}")
    entry = entry_for(store, "es", "Symptoms")
    assert entry.id == entry_id
    return {"base": entry.state.token(), "version": load(store, "es").version, "translation": text, "confirm": "1"}


def post_save(browser: Browser, entry_id: str, form: dict[str, str]) -> int:
    """Post a save; 0 when the server died before answering."""
    try:
        return browser.post(f"/staff/translations/es/entries/{entry_id}", form, timeout=30)[0]
    except OSError:
        return 0


def kill_conditions(store: Store, at: float) -> dict[str, Callable[[], bool]]:
    """The moments to kill a server mid-save: its journal appears, its .po or .mo changes, or a random time."""
    po_before, mo_before = mtime(store.po("es")), mtime(store.mo("es"))

    def journal_written() -> bool:
        return bool(journal.pending(store.live))

    def po_replaced() -> bool:
        return mtime(store.po("es")) != po_before

    def mo_replaced() -> bool:
        return mtime(store.mo("es")) != mo_before

    def time_up() -> bool:
        return time.monotonic() >= at

    return {"journal": journal_written, "po": po_replaced, "mo": mo_replaced, "timed": time_up}


def test_real_servers_killed_mid_save_never_show_a_change_without_its_history(tmp_path: Path) -> None:
    data = tmp_path / "data"
    app = make_app(data)
    add_account(app, "Tran", "translator")
    store = store_of(app)
    entry_id = entry_for(store, "es", "Symptoms").id
    kiosk = ServeProcess(data, env=serve_env())
    editor = ServeProcess(data, env=serve_env())
    rng = random.Random(15)
    outcomes: list[str] = []
    try:
        fetch(f"{kiosk.url}/es/topics")
        browser = Browser(editor.url)
        browser.login("Tran", PASSWORD)
        # One save that finishes, to learn how long a save takes on this machine.
        started = time.monotonic()
        form = save_form(browser, store, entry_id, "Síntomas 0")
        started = time.monotonic()
        assert post_save(browser, entry_id, form) == 200
        save_seconds = time.monotonic() - started
        old = "Síntomas 0"
        for round_ in range(1, 17):
            kind = ["journal", "po", "mo", "timed"][round_ % 4]
            new = f"Síntomas {round_}"
            form = save_form(browser, store, entry_id, new)
            at = time.monotonic() + rng.uniform(0, save_seconds * 1.2)
            conditions = kill_conditions(store, at)
            watcher = watch_and_kill(editor, conditions[kind], limit=30)
            post_save(browser, entry_id, form)
            watcher.join(30)
            editor.process.wait(10)
            editor.log.close()
            left = "journal left" if journal.pending(store.live) else "no journal"
            page = fetch(f"{kiosk.url}/es/topics")  # the other process; no save in between
            shown = shown_symptoms(page, [old, new])
            assert_consistent(store, shown, old, new)
            outcomes.append(f"{kind}: {left}, {'new' if shown == new else 'old'}")
            old = shown
            editor = ServeProcess(data, env=serve_env(), port=editor.port)
            browser.base = editor.url
    finally:
        kiosk.stop()
        editor.stop()
    # The kills landed inside saves, not only before or after them.
    assert any("journal left" in outcome for outcome in outcomes), outcomes
