"""What a log line may never hold: visitors' names, what they came for, anything they typed or said."""

from __future__ import annotations

import re
from typing import Any

REDACTED = "[redacted]"
# Field names that carry a visitor's words or health: form fields, query parameters, model columns and
# structured-log keys alike. Staff names are not here: who acted on a request is what a log is for.
SENSITIVE_KEYS = frozenset(
    {
        "first_name",
        "firstname",
        "visitor_name",
        "reason",
        "wanted_when",
        "note",
        "notes",
        "comment",
        "comments",
        "free_text",
        "details",
        "symptom",
        "symptoms",
        "pain",
        "transcript",
        "typed",
        "text",
    }
)
_KEYS = "|".join(sorted(SENSITIVE_KEYS, key=len, reverse=True))
# 'key': 'value' and "key": "value" (dict reprs, JSON) end at the closing quote. Unquoted, a value runs to
# the next separator (& , ; for key=value, ; for key: value) or the end of the line, spaces and all: free
# text has spaces, and hiding a little too much is the safe side.
_QUOTED = r"""'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*\""""
_EQUALS = re.compile(rf"""(\b(?:{_KEYS})\b['"]?\s*=\s*)({_QUOTED}|[^&,;")}}\]\n]*)""", re.IGNORECASE)
_COLON = re.compile(rf"""(\b(?:{_KEYS})\b['"]?\s*:\s*)({_QUOTED}|[^;\n}}\]]*)""", re.IGNORECASE)
# SQLAlchemy appends a failed statement's parameters to its error message; they are the row's values.
_SQL_PARAMETERS = re.compile(r"\[parameters: [^\n]*")


def scrub(text: str) -> str:
    """Return text with every sensitive value and every SQL parameter list replaced by a marker."""
    if not text:
        return text
    text = _SQL_PARAMETERS.sub(f"[parameters: {REDACTED}]", text)
    for pattern in (_EQUALS, _COLON):
        text = pattern.sub(lambda found: f"{found[1]}{REDACTED}", text)
    return text


def is_sensitive(key: str) -> bool:
    """Tell whether a structured-log field of this name must never be written."""
    return key.lower() in SENSITIVE_KEYS


def field(key: str, value: Any) -> Any:
    """Return a structured-log field's value as it may be written: redacted, scrubbed, or as it is."""
    if is_sensitive(key):
        return REDACTED
    return scrub(value) if isinstance(value, str) else value
