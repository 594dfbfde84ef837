"""The translation editor's service: overview, the entry list, and saving checked changes live."""

from __future__ import annotations

import difflib
import errno
import hashlib
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from babel.messages.catalog import Catalog, Message

from kiosk import i18n
from kiosk.editor import checks as editor_checks, history as editor_history, languages as editor_languages
from kiosk.editor.checks import Findings
from kiosk.editor.history import Change
from kiosk.i18n import gettext as _
from kiosk.i18n.live import (
    CatalogRejected,
    CatalogUnreadable,
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

log = logging.getLogger(__name__)

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

    @property
    def plural(self) -> bool:
        """True for a message with plural forms."""
        return len(self.sources) > 1

    @property
    def status(self) -> str:
        """ "untranslated", "review" (fuzzy) or "translated"."""
        if not any(self.state.strings):
            return "untranslated"
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


def to_entry(message: Message) -> Entry:
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
    )


def entries_of(catalog: Catalog) -> list[Entry]:
    """Return every entry of a catalog in file order."""
    return [to_entry(message) for message in catalog if message.id]


_described: dict[Path, tuple[str, list[Entry]]] = {}


def current_entries(store: Store, lang: str) -> tuple[Snapshot, list[Entry]]:
    """Return a language's catalog and its entries, described again only when the file changed."""
    snapshot = load(store, lang)
    hit = _described.get(store.po(lang))
    if hit is not None and hit[0] == snapshot.version:
        return snapshot, hit[1]
    entries = entries_of(snapshot.catalog)
    _described[store.po(lang)] = (snapshot.version, entries)
    return snapshot, entries


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

    @property
    def percent(self) -> int:
        """Whole percentage translated and reviewed."""
        return 100 * self.translated // self.total if self.total else 100


def summarize(store: Store, lang: str, configured: Iterable[str]) -> Summary:
    """Count one language's entries by status and find its last change."""
    counts = dict.fromkeys(FILTERS, 0)
    problem = None
    try:
        for entry in current_entries(store, lang)[1]:
            counts[entry.status] += 1
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
    )


def overview(store: Store, configured: list[str]) -> list[Summary]:
    """Summarise every language with a live catalog, configured ones first in their configured order."""
    order = {code: index for index, code in enumerate(configured)}
    codes = sorted(store.languages(), key=lambda code: (order.get(code, len(order)), code))
    return [summarize(store, code, configured) for code in codes]


@dataclass(frozen=True)
class Listing:
    """The entries of one language that match a filter and a search."""

    lang: str
    version: str
    entries: list[Entry]
    counts: dict[str, int]
    plural_examples: list[str]
    nplurals: int


def listing(store: Store, lang: str, status: str = "all", query: str = "") -> Listing:
    """Return one language's entries, filtered by status and searched in English and translation."""
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
    catalog = snapshot.catalog
    return Listing(
        lang,
        snapshot.version,
        shown,
        counts,
        editor_checks.plural_examples(catalog.plural_expr, catalog.num_plurals),
        catalog.num_plurals,
    )


def find_entry(store: Store, lang: str, wanted: str) -> Entry | None:
    """Return one entry by id."""
    return next((entry for entry in current_entries(store, lang)[1] if entry.id == wanted), None)


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
            findings = editor_checks.check(message, state.strings, catalog.num_plurals)
            if findings.blocked:
                result.rejected[key] = findings.all_errors()
                continue
            set_state(message, state)
            result.changes.append(editor_history.new_change(user, action, key, old, state))
        if not result.changes:
            result.version = load(store, lang).version
            return result
        try:
            snapshot = commit(store, lang, catalog, user)
        except (CatalogRejected, OSError) as failure:
            result.problems = failure.problems if isinstance(failure, CatalogRejected) else [not_written(failure)]
            result.changes = []
            result.version = load(store, lang).version
            return result
        try:
            editor_history.record(store, lang, result.changes)
        except OSError:
            # The save is live (its dated copy is in the history); only its line in the change log is missing.
            log.exception("A saved translation could not be added to the change log", extra={"language": lang})
        editor_languages.note_completion(store, lang, snapshot.catalog)
        result.version = snapshot.version
    return result


def not_written(error: OSError) -> str:
    """Say in plain words why a save could not be written; nothing was changed."""
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return str(_("Not saved: the kiosk's disk is full. Nothing was changed. Ask whoever looks after the kiosk."))
    return str(_("Not saved: the file could not be written (%(reason)s). Nothing was changed.", reason=error.strerror))


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
) -> Saved:
    """Save one entry: blocking checks, then warnings to confirm, then a conflict check and a live write."""
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
    outcome.findings = editor_checks.check(message, strings, snapshot.catalog.num_plurals)
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
    """Fill in who changed the entry since the page was loaded and what it says now; a second save overrides."""
    current = find_entry(store, lang, entry.id) or entry
    outcome.entry = current
    outcome.conflict_state = current.state
    outcome.base = current.state.token()
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
