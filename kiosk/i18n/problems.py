"""Why entries of a catalog must not go live: Babel's checks and GNU msgfmt's, each tied to its entry.

msgfmt sees what Babel misses (a trailing line break, some format mismatches). Its English messages are
turned into the kiosk's own plain words, in the reader's language, and never show a file path.
"""

from __future__ import annotations

import bisect
import os
import re
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

from babel.messages.catalog import Catalog

from kiosk.i18n import catalogs
from kiosk.i18n.messages import current_locale, gettext as _

MSGFMT = shutil.which("msgfmt")
HEADER = ""  # the key of problems with the catalog as a whole rather than one entry
LINE = re.compile(r"^(?:.*?):(\d+): (.*)$")
CACHED = 16


def _said(pattern: str) -> re.Pattern[str]:
    """Compile one of msgfmt's messages."""
    return re.compile(pattern)


# msgfmt's messages and what they mean for a translator; the first that matches wins.
MSGFMT_MEANINGS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    (
        _said(r"entries do not both (?:begin|end) with '\\n'"),
        lambda _m: _("Start and end with a line break exactly where the English does."),
    ),
    (
        _said(r"argument '([^']*)', as in 'msgstr(?:\[\d+\])?', doesn't exist in 'msgid"),
        lambda m: _("The placeholder %(name)s is not in the English: remove it.", name=f"%({m.group(1)})"),
    ),
    (
        _said(r"format specification for argument '([^']*)' doesn't exist in 'msgstr"),
        lambda m: _("The placeholder %(name)s of the English is missing: put it back.", name=f"%({m.group(1)})"),
    ),
    (
        _said(r"format specifications in .* for argument '([^']*)' are not the same"),
        lambda m: _(
            "The placeholder %(name)s must be typed exactly as in the English, letter for letter.",
            name=f"%({m.group(1)})",
        ),
    ),
    (
        _said(r"is not a valid Python format string"),
        lambda _m: _(
            "A single %% sign breaks this text. To show a percent sign, type two: %%%%. "
            "For example, “50%%%% off” shows on the kiosk as “50%% off”."
        ),
    ),
    (_said(r"duplicate message definition"), lambda _m: _("This message is in the file twice: keep one.")),
    (
        _said(r"plural"),
        lambda _m: _("The plural forms do not match the language's plural rule (the Plural-Forms header)."),
    ),
)


def meaning(said: str) -> str:
    """Say one of msgfmt's messages in the kiosk's words."""
    for pattern, explain in MSGFMT_MEANINGS:
        found = pattern.search(said)
        if found:
            return explain(found)
    return _("The gettext checker (msgfmt) refused this: %(detail)s", detail=said)


def msgfmt_lines(data: bytes) -> list[tuple[int, str]]:
    """Run GNU msgfmt's checks, when it is installed, and return its errors as (line, message)."""
    if MSGFMT is None:
        return []
    with tempfile.TemporaryDirectory(prefix="kiosk-msgfmt-") as folder:
        path = Path(folder) / "messages.po"
        path.write_bytes(data)
        result = subprocess.run(
            [MSGFMT, "-c", "--check-format", "-o", os.devnull, str(path)],
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
            env={**os.environ, "LC_ALL": "C"},  # its English, which meaning() reads
        )
    if result.returncode == 0:
        return []
    found = []
    for line in result.stderr.splitlines():
        matched = LINE.match(line.strip())
        if matched is None:
            continue  # its closing count, and continuation lines starting with "..."
        number, said = int(matched.group(1)), matched.group(2)
        if said.startswith(("warning:", "...")):
            continue
        found.append((number, said))
    if not found:
        found.append((0, f"exit code {result.returncode}"))
    return found


def _keyed(catalog: Catalog, lines: list[tuple[int, str]]) -> dict[str, list[str]]:
    """Tie each line-numbered problem to the entry that holds the line."""
    entries = sorted((message.lineno or 0, catalogs.entry_key(message)) for message in catalog if message.id)
    starts = [start for start, _key in entries]
    found: dict[str, list[str]] = {}
    for number, said in lines:
        index = bisect.bisect_right(starts, number) - 1
        key = entries[index][1] if index >= 0 and number > 0 else HEADER
        found.setdefault(key, []).append(meaning(said))
    return found


_cache: dict[tuple[str, str, str, tuple[str, ...] | None], dict[str, list[str]]] = {}
_cache_lock = threading.Lock()


def _only(catalog: Catalog, keys: set[str]) -> bytes:
    """Return .po bytes with the header and only the entries named, for a quick msgfmt run."""
    subset = Catalog(locale=catalog.locale, fuzzy=False)
    subset.mime_headers = catalog.mime_headers
    for message in catalog:
        if message.id and catalogs.entry_key(message) in keys:
            subset[message.id] = message
    return catalogs.po_bytes(subset)


def by_entry(
    data: bytes, lang: str, version: str, catalog: Catalog | None = None, only: set[str] | None = None
) -> dict[str, list[str]]:
    """Return every blocking problem of a catalog, by entry key (HEADER for the file as a whole).

    Babel's checks cover every entry; msgfmt (a process, tens of milliseconds on a whole catalog) checks
    only the entries in only when it is given, which is how a save checks what it changes.
    """
    cache_key = (lang, version, current_locale(), tuple(sorted(only)) if only is not None else None)
    with _cache_lock:
        hit = _cache.get(cache_key)
    if hit is not None:
        return hit
    if catalog is None:
        try:
            catalog = catalogs.parse_catalog(data, lang)
        except Exception as exc:  # noqa: BLE001 - any parse failure is a problem of the whole file
            return {HEADER: [_("The catalog could not be read back: %(reason)s", reason=str(exc)[:200])]}
    found: dict[str, list[str]] = {}
    if catalog.fuzzy:
        found[HEADER] = [_("The header is marked fuzzy, so the whole catalog would be ignored.")]
    for message in catalog:
        if message.id:
            errors = [text for kind, text in catalogs.entry_problems(message, catalog.num_plurals) if kind == "error"]
            if errors:
                found[catalogs.entry_key(message)] = errors
    checked = data if only is None else _only(catalog, only)
    lines = msgfmt_lines(checked) if only is None or only else []
    reread = catalog if only is None else catalogs.parse_catalog(checked, lang)
    for key, said in _keyed(reread, lines).items():
        found.setdefault(key, said)  # Babel's words first: msgfmt usually repeats them less clearly
    with _cache_lock:
        if len(_cache) >= CACHED:
            _cache.clear()
        _cache[cache_key] = found
    return found


def without(catalog: Catalog, broken: set[str]) -> Catalog:
    """Return a copy of a catalog for compiling with the broken entries left out: the kiosk shows their English."""
    copy = catalogs.parse_catalog(catalogs.po_bytes(catalog), str(catalog.locale) if catalog.locale else None)
    for message in list(copy):
        if message.id and catalogs.entry_key(message) in broken:
            copy.delete(message.id, message.context)
    return copy
