"""The catalogs' journal: a save killed at any moment never leaves a change on the kiosk without its history,
and the other server process shows the finished save on its next page, with no further save."""

from __future__ import annotations

import errno
import os
import random
import signal
import threading
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

from kiosk.editor import history as editor_history
from kiosk.i18n import journal
from kiosk.i18n.live import Store, load
from tests.helpers.app import make_app
from tests.helpers.desk import PASSWORD, add_account
from tests.helpers.editor import entry_for, kill_a_save, save_text, store_of
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


# The save syncs four files in order: the journal, the .po's and the .mo's temporary files, and the history
# log (the dated copy, a convenience, is written between the .po and the .mo without a sync). Only then are
# the temporary files renamed into place.
@pytest.mark.parametrize("pause_at", [1, 2, 3, 4], ids=["journal", "po", "mo", "log"])
def test_a_save_killed_after_each_step_is_finished_by_the_other_process(tmp_path: Path, pause_at: int) -> None:
    data = tmp_path / "data"
    other = make_app(data)  # the kiosk's other process, running all along with the old catalog loaded
    store = store_of(other)
    assert OLD in other.test_client().get("/es/topics").get_data(as_text=True)
    before = (store.po("es").read_bytes(), store.mo("es").read_bytes())
    kill_a_save(data, pause_at)
    # Killed before any rename: the live .po and .mo are still the old ones, whole, side by side.
    assert (store.po("es").read_bytes(), store.mo("es").read_bytes()) == before
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


DISK_FULL = "Not saved: the kiosk's disk is full. Nothing was changed. Ask whoever looks after the kiosk."


def fill_the_disk_at(monkeypatch: pytest.MonkeyPatch, failing: int | None) -> None:
    """Make the failing-th fsync from now on report a full disk, as ext4 does when delayed allocation finds no room."""
    real_fsync, calls = os.fsync, [0]

    def fsync(fd: int) -> None:
        calls[0] += 1
        if calls[0] == failing:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)


def files_of(store: Store) -> dict[str, bytes]:
    """Every file of the live catalogs and their history, with its content."""
    return {
        str(path): path.read_bytes()
        for folder in (store.live, store.history)
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


# The same four synced writes as above: a full disk at any of them fails the save with nothing changed.
@pytest.mark.parametrize("failing", [1, 2, 3, 4], ids=["journal", "po", "mo", "log"])
def test_a_full_disk_at_any_step_changes_nothing_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: int
) -> None:
    app = make_app(tmp_path / "data")
    store = store_of(app)
    assert save_text(store, "es", "Causes", "Las causas").saved  # a history log that already has a line
    before = files_of(store)
    fill_the_disk_at(monkeypatch, failing)
    result = save_text(store, "es", "Symptoms", "Qué se siente")
    assert not result.saved
    assert result.problems == [DISK_FULL]
    assert files_of(store) == before  # no journal, no temporary file, no half line in the log
    monkeypatch.undo()
    assert OLD in app.test_client().get("/es/topics").get_data(as_text=True)
    assert save_text(store, "es", "Symptoms", "Qué se siente").saved  # room again: it works, no restart
    assert_consistent(store, "Qué se siente", OLD, "Qué se siente")
    assert len([c for c in editor_history.changes(store, "es") if c.msgid == "Symptoms"]) == 1


def test_a_half_done_save_waits_out_a_full_disk_and_is_finished_before_the_next_save(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    app = make_app(data)
    store = store_of(app)
    kill_a_save(data, 3)  # the journal is whole, the .po and .mo only in temporary files
    fill_the_disk_at(monkeypatch, 1)
    assert journal.recover(store.live) == []  # no room to finish it: it waits, and nothing is half done
    assert journal.pending(store.live)
    assert entry_for(store, "es", "Symptoms").state.strings == (OLD,)
    monkeypatch.undo()
    # Once there is room, the next save of the language finishes the interrupted one first (on taking the
    # lock), then makes its own change on top of it.
    assert save_text(store, "es", "Causes", "Las causas").saved
    assert journal.pending(store.live) == []
    assert entry_for(store, "es", "Symptoms").state.strings == ("Qué se siente",)
    logged = [(c.msgid, c.new.strings) for c in reversed(editor_history.changes(store, "es"))]
    assert logged[-2:] == [("Symptoms", ("Qué se siente",)), ("Causes", ("Las causas",))]
