"""The three-way merge of a repo catalog into a live one, and the conflicts it leaves for staff to review.

The base is the repo catalog as last merged. For each entry: if staff did not change it since, the repo's
version is taken; if the repo did not change it, the staff's version stays; if both changed it differently,
the staff's version stays on the kiosk and the repo's is kept beside it, flagged for review. When the
English itself changed, the staff's translation of the old English becomes the suggestion to review.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog, Message

from kiosk.i18n.changes import REPO_UPDATE, Change, new_change
from kiosk.i18n.journal import Write
from kiosk.i18n.live import State, Store, entry_key, state_of

log = logging.getLogger(__name__)

CONFLICTS_NAME = "merge-conflicts.json"


@dataclass
class Merged:
    """The merged catalog, what the merge changed in the live one, and the entries both sides changed."""

    catalog: Catalog
    changes: list[Change] = field(default_factory=list)
    conflicts: dict[str, State] = field(default_factory=dict)  # key -> the repo's version, not on the kiosk


def _previous_key(message: Message) -> str | None:
    """Name the entry a message was translated from before its English changed, if the update said so."""
    if not message.previous_id:
        return None
    previous = message.previous_id[0]
    return f"{message.context}\x04{previous}" if message.context else str(previous)


def _take(message: Message, source: Message, fuzzy: bool | None = None) -> None:
    """Put another message's translation (and review mark) into message."""
    if message.pluralizable and not isinstance(source.string, tuple | list):
        return  # the English became plural: nothing of the old translation fits
    message.string = source.string if message.pluralizable else state_of(source).strings[0]
    keep_fuzzy = source.fuzzy if fuzzy is None else fuzzy
    if keep_fuzzy and any(state_of(message).strings):
        message.flags.add("fuzzy")
    else:
        message.flags.discard("fuzzy")
        if fuzzy is None:
            message.previous_id = list(source.previous_id or [])


def _empty_like(state: State) -> State:
    """Return an untranslated state with as many forms as state."""
    return State(("",) * len(state.strings), False)


def merge(base: Catalog | None, ours: Catalog, theirs: Catalog) -> Merged:
    """Merge the repo's new catalog (theirs) into the live one (ours), with base the repo catalog last merged."""
    merged = Merged(theirs)
    live = {entry_key(message): message for message in ours if message.id}
    before = {key: state_of(message) for key, message in live.items()}
    common = {entry_key(message): message for message in base if message.id} if base is not None else {}
    for message in theirs:
        if not message.id:
            continue
        key = entry_key(message)
        mine, old = live.get(key), common.get(key)
        if mine is None:
            previous = _previous_key(message)
            mine_before, old_before = live.get(previous or ""), common.get(previous or "")
            # The English changed: a translation staff changed is a better suggestion than the repo's old one.
            if mine_before is not None and (old_before is None or state_of(mine_before) != state_of(old_before)):
                _take(message, mine_before, fuzzy=True)
            continue
        repo, staff = state_of(message), state_of(mine)
        if mine.pluralizable != message.pluralizable or staff == repo:
            continue
        if old is not None and staff == state_of(old):
            continue  # staff left it alone: the repo's version goes live
        if old is not None and repo == state_of(old):
            _take(message, mine)  # the repo left it alone: the staff's version stays
            continue
        if old is None and not any(staff.strings):
            continue  # no common history, and nothing of staff's to keep
        # Both changed it (or no base says who did): the kiosk keeps the staff's text, the repo's waits for review.
        _take(message, mine)
        if any(repo.strings):
            merged.conflicts[key] = repo
    for message in theirs:
        if not message.id:
            continue
        key = entry_key(message)
        after = state_of(message)
        was = before.get(key, _empty_like(after))
        if was != after:
            merged.changes.append(new_change(REPO_UPDATE, "merge", key, was, after))
    return merged


def changes_between(before: Catalog, after: Catalog, user: str, action: str) -> list[Change]:
    """Return a change record for every entry whose translation differs between two versions of a catalog."""
    old = {entry_key(message): state_of(message) for message in before if message.id}
    found = []
    for message in after:
        if not message.id:
            continue
        state = state_of(message)
        was = old.get(entry_key(message), _empty_like(state))
        if was != state:
            found.append(new_change(user, action, entry_key(message), was, state))
    return found


def conflicts_path(store: Store, lang: str) -> Path:
    """Return the file of a language's open merge conflicts."""
    return store.history / lang / CONFLICTS_NAME


def conflicts(store: Store, lang: str) -> dict[str, State]:
    """Return a language's open merge conflicts: the repo's version of each entry both sides changed."""
    try:
        raw = json.loads(conflicts_path(store, lang).read_text(encoding="utf-8"))
        return {key: State(tuple(value["repo"][0]), bool(value["repo"][1])) for key, value in raw.items()}
    except FileNotFoundError:
        return {}
    except (ValueError, KeyError, IndexError, TypeError, AttributeError) as exc:
        log.error("Ignoring unreadable merge conflicts in %s: %s", conflicts_path(store, lang), exc)
        return {}


def conflicts_write(store: Store, lang: str, found: dict[str, State]) -> Write:
    """Return the write that stores a language's open conflicts, for a journaled save."""
    now = datetime.now(UTC).isoformat()
    data = {key: {"repo": [list(state.strings), state.fuzzy], "time": now} for key, state in sorted(found.items())}
    return Write(conflicts_path(store, lang), json.dumps(data, ensure_ascii=False, indent=1).encode())
