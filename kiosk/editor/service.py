"""The translation editor's service: the overview, the entry list and its pages, one entry."""

from __future__ import annotations

import difflib
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog, Message

from kiosk import i18n
from kiosk.editor import checks as editor_checks, history as editor_history, languages as editor_languages
from kiosk.editor.history import Change
from kiosk.i18n import merge, problems
from kiosk.i18n.live import (
    CatalogUnreadable,
    Snapshot,
    State,
    Store,
    entry_key,
    load,
    state_of,
    version_of,
)

FILTERS = ("all", "untranslated", "review", "translated")


def entry_id(key: str) -> str:
    """Return a short, stable id for an entry, for addresses and form fields."""
    return hashlib.sha256(key.encode()).hexdigest()[:12]


@dataclass(frozen=True)
class Entry:
    """One message of a catalog, as the editor shows it."""

    id: str
    key: str
    sources: tuple[str, ...]  # the English singular, then the plural if any
    context: str | None
    state: State
    previous: tuple[str, ...]  # the English this was translated from, when it has changed since
    locations: tuple[tuple[str, int | None], ...]
    comments: tuple[str, ...]
    max_length: int | None
    conflict: State | None = None  # a repo update's version, waiting for review beside the live one

    @property
    def plural(self) -> bool:
        """True for a message with plural forms."""
        return len(self.sources) > 1

    @property
    def status(self) -> str:
        """ "untranslated", "review" (fuzzy) or "translated"."""
        if not any(self.state.strings):
            return "untranslated"
        if self.conflict is not None:
            return "review"
        return "review" if self.state.fuzzy or not all(self.state.strings) else "translated"

    def english_changes(self) -> list[tuple[str, str]]:
        """Word by word, how the English changed since it was translated: ("same" | "removed" | "added", text)."""
        if not self.previous:
            return []
        old, new = re.split(r"(\s+)", self.previous[0]), re.split(r"(\s+)", self.sources[0])
        found: list[tuple[str, str]] = []
        for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
            if tag == "equal":
                found.append(("same", "".join(old[i1:i2])))
                continue
            if i2 > i1:
                found.append(("removed", "".join(old[i1:i2])))
            if j2 > j1:
                found.append(("added", "".join(new[j1:j2])))
        return found

    def matches(self, query: str) -> bool:
        """True when the query appears in the English or the translation, ignoring case."""
        needle = query.casefold()
        return any(needle in text.casefold() for text in (*self.sources, *self.state.strings))


def to_entry(message: Message, conflicts: dict[str, State] | None = None) -> Entry:
    """Describe one catalog message for the editor."""
    key = entry_key(message)
    return Entry(
        id=entry_id(key),
        key=key,
        sources=editor_checks.sources(message),
        context=message.context,
        state=state_of(message),
        previous=tuple(message.previous_id) if message.fuzzy and message.previous_id else (),
        locations=tuple(message.locations),
        comments=tuple(message.auto_comments),
        max_length=editor_checks.max_length(message.auto_comments),
        conflict=(conflicts or {}).get(key),
    )


def entries_of(catalog: Catalog, conflicts: dict[str, State] | None = None) -> list[Entry]:
    """Return every entry of a catalog in file order."""
    return [to_entry(message, conflicts) for message in catalog if message.id]


_described: dict[Path, tuple[tuple[str, int], list[Entry]]] = {}


def _stamp(path: Path) -> int:
    """Return a file's modification time in ns, or 0 when it is missing."""
    try:
        return path.stat().st_mtime_ns
    except FileNotFoundError:
        return 0


def current_entries(store: Store, lang: str) -> tuple[Snapshot, list[Entry]]:
    """Return a language's catalog and its entries, described again only when the file or its conflicts changed."""
    snapshot = load(store, lang)
    key = (snapshot.version, _stamp(merge.conflicts_path(store, lang)))
    hit = _described.get(store.po(lang))
    if hit is not None and hit[0] == key:
        return snapshot, hit[1]
    entries = entries_of(snapshot.catalog, merge.conflicts(store, lang))
    _described[store.po(lang)] = (key, entries)
    return snapshot, entries


@dataclass(frozen=True)
class Broken:
    """An entry that cannot go live as it is on disk (edited by hand): the kiosk shows its English meanwhile."""

    entry: Entry
    problems: list[str]


@dataclass(frozen=True)
class Summary:
    """One language on the overview."""

    language: i18n.Language
    total: int
    translated: int
    review: int
    untranslated: int
    last: Change | None
    setting: editor_languages.Setting
    configured: bool
    problem: str | None = None  # why the catalog on disk cannot be read
    broken: list[Broken] = field(default_factory=list)

    @property
    def percent(self) -> int:
        """Whole percentage translated and reviewed."""
        return 100 * self.translated // self.total if self.total else 100


def summarize(store: Store, lang: str, configured: Iterable[str]) -> Summary:
    """Count one language's entries by status and find its last change."""
    counts = dict.fromkeys(FILTERS, 0)
    problem = None
    broken: list[Broken] = []
    try:
        entries = current_entries(store, lang)[1]
        for entry in entries:
            counts[entry.status] += 1
        broken = broken_entries(store, lang, entries)
    except CatalogUnreadable as error:
        problem = error.reason
    is_configured = lang in set(configured)
    return Summary(
        i18n.describe(lang),
        sum(counts.values()),
        counts["translated"],
        counts["review"],
        counts["untranslated"],
        editor_history.last_change(store, lang),
        editor_languages.setting(store.live, lang, is_configured),
        is_configured,
        problem,
        broken,
    )


def broken_entries(store: Store, lang: str, entries: list[Entry]) -> list[Broken]:
    """Return the entries of a language that cannot go live as they are on disk, with why."""
    data = store.po(lang).read_bytes()
    found = problems.by_entry(data, lang, version_of(data))
    return [Broken(entry, found[entry.key]) for entry in entries if entry.key in found]


def overview(store: Store, configured: list[str]) -> list[Summary]:
    """Summarise every language with a live catalog, configured ones first in their configured order."""
    order = {code: index for index, code in enumerate(configured)}
    codes = sorted(store.languages(), key=lambda code: (order.get(code, len(order)), code))
    return [summarize(store, code, configured) for code in codes]


@dataclass(frozen=True)
class Listing:
    """One page of the entries of a language that match a filter and a search."""

    lang: str
    version: str
    entries: list[Entry]
    counts: dict[str, int]
    plural_examples: list[str]
    nplurals: int
    found: int = 0  # entries matching the filter and search, on every page
    page: int = 1
    pages: int = 1


PAGE_SIZE = 25


def listing(
    store: Store, lang: str, status: str = "all", query: str = "", page: int | None = None, size: int = PAGE_SIZE
) -> Listing:
    """Return one language's entries, filtered by status and searched in English and translation.

    With a page number, only that page of them (the last one if the number is past the end).
    """
    snapshot, everything = current_entries(store, lang)
    counts = dict.fromkeys(FILTERS, 0)
    for entry in everything:
        counts[entry.status] += 1
    counts["all"] = len(everything)
    query = query.strip()
    shown = [
        entry
        for entry in everything
        if (status == "all" or entry.status == status) and (not query or entry.matches(query))
    ]
    pages = max(1, -(-len(shown) // size))
    current = min(max(1, page or 1), pages)
    catalog = snapshot.catalog
    return Listing(
        lang,
        snapshot.version,
        shown[(current - 1) * size : current * size] if page is not None else shown,
        counts,
        editor_checks.plural_examples(catalog.plural_expr, catalog.num_plurals),
        catalog.num_plurals,
        len(shown),
        current,
        pages,
    )


def list_pages(store: Store, lang: str, size: int = PAGE_SIZE) -> dict[str, int]:
    """Map each entry's id to its page of the whole list (no filter, no search), for links into the list."""
    return {entry.id: index // size + 1 for index, entry in enumerate(current_entries(store, lang)[1])}


def find_entry(store: Store, lang: str, wanted: str) -> Entry | None:
    """Return one entry by id."""
    return next((entry for entry in current_entries(store, lang)[1] if entry.id == wanted), None)
