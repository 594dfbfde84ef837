"""One recorded change to one catalog entry: the line format of each language's history log."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from kiosk.i18n.live import State

REPO_UPDATE = "repo update"  # who made a change that came from the repo's catalogs


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
