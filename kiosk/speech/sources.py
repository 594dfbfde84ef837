"""Where speech mode's words come from: the messages a visitor can be shown, read from the code itself.

Speech mode may only say what the kiosk shows. The set of those messages is the code's own: every
gettext message in the code and templates, less those only staff ever see (the dashboard, sign-in and
the translation editor). It is read once per process, from the same extraction `kiosk translate
extract` uses, so a new screen's words are speakable the moment its template exists.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from kiosk.core.paths import REPO_ROOT
from kiosk.i18n import catalogs

# Code that only staff see; a message used only here is never spoken to a visitor.
STAFF_ONLY = ("kiosk/staff/", "kiosk/editor/", "templates/staff/", "templates/editor/")


@dataclass(frozen=True)
class Message:
    """One message as the code asks for it: a singular, or a singular and plural pair."""

    singular: str
    plural: str | None = None


def _visitor_facing(locations: Sequence[tuple[str, int | None]]) -> bool:
    """Tell whether a message is used anywhere a visitor can see it."""
    return any(not path.replace("\\", "/").startswith(STAFF_ONLY) for path, _ in locations)


@functools.cache
def visitor_messages(root: Path = REPO_ROOT) -> tuple[Message, ...]:
    """Return every message of the code and templates a visitor can be shown, in extraction order."""
    found: list[Message] = []
    for message in catalogs.extract(root):
        if not message.id or not _visitor_facing(message.locations):
            continue
        if isinstance(message.id, tuple | list):
            found.append(Message(str(message.id[0]), str(message.id[1])))
        else:
            found.append(Message(str(message.id)))
    return tuple(found)
