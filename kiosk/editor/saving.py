"""Saving translations live: checked changes written under the lock, conflicts with colleagues, restores."""

from __future__ import annotations

import errno
from dataclasses import dataclass, field
from datetime import datetime

from babel.messages.catalog import Message

from kiosk.core.files import atomic_write
from kiosk.editor import checks as editor_checks, history as editor_history, languages as editor_languages
from kiosk.editor.checks import Findings
from kiosk.editor.history import Change
from kiosk.editor.service import Entry, entry_id, find_entry, to_entry
from kiosk.i18n import gettext as _, merge
from kiosk.i18n.live import (
    CatalogRejected,
    Snapshot,
    State,
    Store,
    checked_parse,
    commit,
    entry_key,
    load,
    locked,
    state_of,
)


@dataclass
class Applied:
    """What happened when changes were applied to a catalog."""

    changes: list[Change] = field(default_factory=list)
    rejected: dict[str, list[str]] = field(default_factory=dict)  # key -> reasons
    conflicts: dict[str, State] = field(default_factory=dict)  # key -> what the entry says now
    problems: list[str] = field(default_factory=list)  # the whole catalog would not compile
    version: str = ""


def set_state(message: Message, state: State) -> None:
    """Put a state into a catalog message."""
    message.string = tuple(state.strings) if message.pluralizable else (state.strings[0] if state.strings else "")
    if state.fuzzy:
        message.flags.add("fuzzy")
    else:
        message.flags.discard("fuzzy")
        message.previous_id = []


def apply(
    store: Store, lang: str, wanted: dict[str, State], user: str, action: str, expected: dict[str, str] | None = None
) -> Applied:
    """Check and apply changes to entries under the lock; only entries that pass are written, all at once.

    expected maps an entry to the state token the editor saw; an entry changed since then is a conflict.
    """
    result = Applied()
    with locked(store.live):
        catalog = checked_parse(store.po(lang).read_bytes(), lang)
        by_key = {entry_key(message): message for message in catalog if message.id}
        for key, state in wanted.items():
            message = by_key.get(key)
            if message is None:
                result.rejected[key] = [_("This message is no longer used by the kiosk.")]
                continue
            old = state_of(message)
            if expected is not None and old.token() != expected.get(key):
                result.conflicts[key] = old
                continue
            if old == state:
                continue
            findings = editor_checks.check(message, state.strings, catalog.num_plurals, lang)
            if findings.blocked:
                result.rejected[key] = findings.all_errors()
                continue
            set_state(message, state)
            result.changes.append(editor_history.new_change(user, action, key, old, state))
        if not result.changes:
            result.version = load(store, lang).version
            return result
        # A saved entry is reviewed: whatever a repo update left beside it is settled.
        open_conflicts = merge.conflicts(store, lang)
        settled = {change.key for change in result.changes} & set(open_conflicts)
        extra = [merge.conflicts_write(store, lang, _without(open_conflicts, settled))] if settled else []
        try:
            snapshot = commit(
                store,
                lang,
                catalog,
                user,
                [change.as_json() for change in result.changes],
                extra,
                checked={change.key for change in result.changes},
            )
        except (CatalogRejected, OSError) as failure:
            # A full disk fails the journal before anything goes live: no file, no history line, no journal.
            result.problems = failure.problems if isinstance(failure, CatalogRejected) else [not_written(failure)]
            result.changes = []
            result.version = load(store, lang).version
            return result
        editor_languages.note_completion(store, lang, snapshot.catalog)
        result.version = snapshot.version
    return result


def not_written(error: OSError) -> str:
    """Say in plain words why a save could not be written; nothing was changed."""
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return str(_("Not saved: the kiosk's disk is full. Nothing was changed. Ask whoever looks after the kiosk."))
    return str(_("Not saved: the file could not be written (%(reason)s). Nothing was changed.", reason=error.strerror))


def _without(found: dict[str, State], keys: set[str]) -> dict[str, State]:
    """Return the conflicts but those of keys."""
    return {key: state for key, state in found.items() if key not in keys}


def keep_live_version(store: Store, lang: str, key: str) -> bool:
    """Settle a merge conflict by keeping what the kiosk shows now; False when there was none."""
    with locked(store.live):
        open_conflicts = merge.conflicts(store, lang)
        if key not in open_conflicts:
            return False
        write = merge.conflicts_write(store, lang, _without(open_conflicts, {key}))
        atomic_write(write.path, write.data)
    return True


@dataclass
class Saved:
    """The outcome of saving one entry from the editor, with what the form should show next."""

    entry: Entry | None
    strings: list[str] = field(default_factory=list)  # what was submitted, kept in the form if not saved
    fuzzy: bool = False
    base: str = ""  # the token the next save from this form is checked against
    version: str = ""
    findings: Findings = field(default_factory=Findings)
    conflict: Change | None = None  # someone else's change since the page was loaded
    conflict_state: State | None = None
    problems: list[str] = field(default_factory=list)
    needs_confirmation: bool = False
    saved: bool = False
    file_changed: bool = False
    overwrite: str = ""  # after a conflict: the token that lets a deliberate second save replace their text


def save(
    store: Store,
    lang: str,
    wanted_id: str,
    strings: list[str],
    fuzzy: bool,
    base: str,
    loaded: str,
    user: str,
    confirmed: bool,
    overwrite: str = "",
) -> Saved:
    """Save one entry: blocking checks, then warnings to confirm, then a conflict check and a live write.

    After a conflict, only an explicit overwrite (the token of the colleague's text, from the button that
    says so) replaces their text; saving the same form again reports the conflict again.
    """
    base = overwrite or base
    snapshot: Snapshot = load(store, lang)
    message = next((m for m in snapshot.catalog if m.id and entry_id(entry_key(m)) == wanted_id), None)
    if message is None:
        return Saved(None, problems=[_("This message is no longer used by the kiosk.")])
    entry = to_entry(message)
    strings = [text.replace("\r\n", "\n") for text in strings]
    if not any(strings):
        strings = [""] * (snapshot.catalog.num_plurals if entry.plural else 1)
    fuzzy = fuzzy and any(strings)
    outcome = Saved(entry, strings, fuzzy, base, snapshot.version, file_changed=snapshot.version != loaded)
    if entry.state.token() != base:
        return _conflict(store, lang, outcome, entry)
    outcome.findings = editor_checks.check(message, strings, snapshot.catalog.num_plurals, lang)
    if outcome.findings.blocked:
        return outcome
    if outcome.findings.warned and not confirmed:
        outcome.needs_confirmation = True
        return outcome
    result = apply(store, lang, {entry.key: State(tuple(strings), fuzzy)}, user, "edit", {entry.key: base})
    outcome.version = result.version
    if entry.key in result.conflicts:
        return _conflict(store, lang, outcome, entry)
    if entry.key in result.rejected:
        outcome.findings.errors.setdefault(editor_checks.ENTRY, []).extend(result.rejected[entry.key])
        return outcome
    outcome.problems = result.problems
    outcome.saved = not result.problems
    outcome.entry = find_entry(store, lang, wanted_id)
    if outcome.saved and outcome.entry is not None:
        outcome.base = outcome.entry.state.token()
    return outcome


def _conflict(store: Store, lang: str, outcome: Saved, entry: Entry) -> Saved:
    """Fill in who changed the entry since the page was loaded and what it says now, and offer an overwrite."""
    current = find_entry(store, lang, entry.id) or entry
    outcome.entry = current
    outcome.conflict_state = current.state
    outcome.overwrite = current.state.token()
    history = editor_history.changes(store, lang, entry.key)
    # The last recorded change explains the conflict only if it produced what the entry says now.
    outcome.conflict = history[0] if history and history[0].new == current.state else None
    return outcome


def restore(store: Store, lang: str, change_id: str, user: str) -> Applied:
    """Put one entry back to what it said before a recorded change."""
    change = editor_history.find(store, lang, change_id)
    if change is None:
        return Applied(rejected={"": [_("That change is not in the history.")]})
    return apply(store, lang, {change.key: change.old}, user, "restore")


def rollback(store: Store, lang: str, when: datetime, user: str) -> Applied:
    """Put every entry of a language back to what it said at a moment."""
    return apply(store, lang, editor_history.states_at(store, lang, when), user, "rollback")
