"""The translation history: who changed which entry when, from what to what, and rolling changes back."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from pathlib import Path

from kiosk.i18n.changes import Change as Change, new_change as new_change
from kiosk.i18n.live import State, Store


def log_path(store: Store, lang: str) -> Path:
    """Return the change log of one language."""
    return store.log(lang)


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
