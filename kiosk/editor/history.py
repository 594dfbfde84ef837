"""The translation history: who changed which entry when, from what to what, and rolling changes back."""

from __future__ import annotations

import errno
import json
import os
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from pathlib import Path

from kiosk.i18n.live import State, Store

LOG_NAME = "changes.jsonl"


@dataclass(frozen=True)
class Change:
    """One recorded change to one entry."""

    id: str
    time: datetime
    user: str
    action: str  # "edit", "upload", "restore" or "rollback"
    key: str
    old: State
    new: State

    @property
    def msgid(self) -> str:
        """The English of the entry, without any context."""
        return self.key.rsplit("\x04", 1)[-1]

    def as_json(self) -> str:
        """Serialise the change as one line of the log."""
        return json.dumps(
            {
                "id": self.id,
                "time": self.time.isoformat(),
                "user": self.user,
                "action": self.action,
                "key": self.key,
                "old": [list(self.old.strings), self.old.fuzzy],
                "new": [list(self.new.strings), self.new.fuzzy],
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, line: str) -> Change:
        """Read one line of the log."""
        raw = json.loads(line)
        return cls(
            raw["id"],
            datetime.fromisoformat(raw["time"]),
            raw["user"],
            raw["action"],
            raw["key"],
            State(tuple(raw["old"][0]), bool(raw["old"][1])),
            State(tuple(raw["new"][0]), bool(raw["new"][1])),
        )


def new_change(user: str, action: str, key: str, old: State, new: State, when: datetime | None = None) -> Change:
    """Make a change record stamped now."""
    when = when or datetime.now(UTC)
    return Change(f"{when.strftime('%Y%m%d%H%M%S%f')}-{secrets.token_hex(3)}", when, user, action, key, old, new)


def log_path(store: Store, lang: str) -> Path:
    """Return the change log of one language."""
    return store.history / lang / LOG_NAME


def record(store: Store, lang: str, changes: list[Change]) -> None:
    """Append changes to the log, durably; one write, so a crash loses a whole line at most."""
    if not changes:
        return
    path = log_path(store, lang)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = "".join(change.as_json() + "\n" for change in changes).encode()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    size = os.fstat(fd).st_size
    try:
        if os.write(fd, data) != len(data):
            raise OSError(errno.ENOSPC, "the change log was only partly written", str(path))
        os.fsync(fd)
    except OSError:
        # A full disk may take part of the line: cut it off, so the log never holds half a change.
        os.ftruncate(fd, size)
        raise
    finally:
        os.close(fd)


def changes(store: Store, lang: str, key: str | None = None) -> list[Change]:
    """Return a language's changes, newest first, optionally for one entry only."""
    try:
        lines = log_path(store, lang).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    found = []
    for line in lines:
        try:
            change = Change.from_json(line)
        except (ValueError, KeyError, IndexError, TypeError):
            continue  # a line cut short by a crash
        if key is None or change.key == key:
            found.append(change)
    return sorted(found, key=lambda change: change.time, reverse=True)


def find(store: Store, lang: str, change_id: str) -> Change | None:
    """Return one change by its id."""
    return next((change for change in changes(store, lang) if change.id == change_id), None)


def last_change(store: Store, lang: str) -> Change | None:
    """Return the most recent change to a language."""
    found = changes(store, lang)
    return found[0] if found else None


def states_at(store: Store, lang: str, when: datetime) -> dict[str, State]:
    """Return, for every entry changed after when, what it said at that moment."""
    before: dict[str, State] = {}
    # Oldest first: the first change after the moment holds the text the entry had then.
    for change in reversed(changes(store, lang)):
        if change.time > when and change.key not in before:
            before[change.key] = change.old
    return before


def moment_from(text: str, where: tzinfo | None) -> datetime:
    """Read a moment typed as "YYYY-MM-DDTHH:MM" in the clinic's time zone; raises ValueError."""
    moment = datetime.fromisoformat(text.strip())
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=where) if where is not None else moment.astimezone()
    return moment.astimezone(UTC)
