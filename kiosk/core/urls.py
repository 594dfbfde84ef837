"""Addresses a form may send the browser back to: only paths on this kiosk, never another site."""

from __future__ import annotations

import unicodedata
from urllib.parse import quote, unquote, urlsplit, urlunsplit

# What a path, query and fragment may keep unencoded in the Location header (RFC 3986 pchar and "/?").
SAFE_CHARACTERS = "/:@!$&'()*+,;=-._~%?"


def _visible(text: str) -> str:
    """Return text without the characters a browser drops or trims from an address.

    Browsers remove tabs and newlines anywhere and control characters and spaces at the ends, so
    "/<TAB>/evil.example" becomes "//evil.example" on its way out. Removing every control, format,
    separator and space character first means the check below sees what the browser would.
    """
    return "".join(ch for ch in text if unicodedata.category(ch)[0] not in "CZ")


def safe_next(target: str | None) -> str:
    """Return target as a path on this kiosk, or "/" if it could lead anywhere else."""
    cleaned = _visible(target or "")
    parts = urlsplit(cleaned)
    path = parts.path
    # Decoded once and twice, so "%2F%2F" or "%252F" cannot become "//" in some later step.
    decoded = unquote(unquote(path))
    if (
        parts.scheme
        or parts.netloc
        or not path.startswith("/")
        or "\\" in cleaned
        or decoded.startswith(("//", "/\\"))
        or "\\" in decoded
        or any(segment in {".", ".."} for segment in decoded.split("/"))
        or "@" in path.split("/", 2)[1]
    ):
        return "/"
    # Re-encoded: anything left that is not plain ASCII travels as %XX, never as a raw byte.
    return urlunsplit(("", "", quote(path, safe=SAFE_CHARACTERS), quote(parts.query, safe=SAFE_CHARACTERS), ""))
