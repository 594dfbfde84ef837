"""How a message sounds, as the translation editor shows it: its voice, its staff recordings, their coverage."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from kiosk.editor.service import Entry
from kiosk.speech.check import PLACEHOLDER, SAMPLE_DIGIT
from kiosk.speech.recordings import Recording, recordable
from kiosk.speech.text import normalize
from kiosk.visitor import content

# A message's recording state: approved and matching, waiting for approval, made for an older text, none.
APPROVED, PENDING, STALE, NONE = "approved", "pending", "stale", "none"


def page_keys(topic: content.Topic) -> list[str]:
    """Return the messages of a page in reading order, as gettext names them (no page has a context)."""
    keys = [topic.title.message_id]
    keys += [text.message_id for block in topic.blocks for text in block.texts]
    keys.append(content.DISCLAIMER.message_id)
    return list(dict.fromkeys(keys))


READ_ALOUD = frozenset(key for topic in content.TOPICS for key in page_keys(topic))


def shown_text(entry: Entry) -> str | None:
    """Return the text the kiosk shows for an entry, or None while it shows English (untranslated or to review)."""
    return entry.state.strings[0] if entry.status == "translated" and not entry.plural else None


def sample_text(text: str) -> str:
    """Return a message as it could be heard: placeholders as a sample number, %% as a percent sign."""
    return PLACEHOLDER.sub(SAMPLE_DIGIT, text.replace("%%", "\0")).replace("\0", "%")


def can_record(entry: Entry) -> bool:
    """True when the message reads the same every time, so one recording can stand for it."""
    return recordable(entry.sources[0], entry.plural)


def state_of(takes: Iterable[Recording], current: str | None) -> str:
    """Return a message's recording state against what it says now."""
    takes = list(takes)
    if any(take.approved and take.fresh(current) for take in takes):
        return APPROVED
    if any(not take.approved and take.fresh(current) for take in takes):
        return PENDING
    return STALE if takes else NONE


def playable(takes: Iterable[Recording], text: str) -> Recording | None:
    """Return the approved take that matches a text, as the kiosk would play it."""
    return next((take for take in takes if take.approved and take.text == normalize(text)), None)


@dataclass(frozen=True)
class MessageCoverage:
    """One message of a page: its entry (None if the catalog lacks it) and its recording state."""

    key: str
    entry: Entry | None
    state: str


@dataclass(frozen=True)
class PageCoverage:
    """One kiosk page: how many of its messages have an approved recording of what they say now."""

    topic: content.Topic
    messages: list[MessageCoverage]

    @property
    def recorded(self) -> int:
        """Messages with an approved, matching recording."""
        return sum(1 for message in self.messages if message.state == APPROVED)

    @property
    def complete(self) -> bool:
        """True when the whole page can be read from recordings."""
        return self.recorded == len(self.messages)


def coverage(entries: Iterable[Entry], takes: Iterable[Recording]) -> list[PageCoverage]:
    """Return every page's recording coverage in one language."""
    by_key = {entry.key: entry for entry in entries}
    grouped: dict[str, list[Recording]] = {}
    for take in takes:
        grouped.setdefault(take.key, []).append(take)
    pages = []
    for topic in content.TOPICS:
        messages = []
        for key in page_keys(topic):
            entry = by_key.get(key)
            current = shown_text(entry) if entry is not None else None
            messages.append(MessageCoverage(key, entry, state_of(grouped.get(key, []), current)))
        pages.append(PageCoverage(topic, messages))
    return pages


@dataclass(frozen=True)
class LanguageCoverage:
    """One language on the recordings overview."""

    lang: str
    voiced: bool
    messages: int  # distinct messages on the pages
    recorded: int
    pending: int
    stale: int
    pages: int
    complete_pages: int


def summarize(lang: str, voiced: bool, pages: list[PageCoverage]) -> LanguageCoverage:
    """Count a language's recordings over the distinct messages of every page."""
    states = {message.key: message.state for page in pages for message in page.messages}
    counts = {state: sum(1 for found in states.values() if found == state) for state in (APPROVED, PENDING, STALE)}
    return LanguageCoverage(
        lang,
        voiced,
        len(states),
        counts[APPROVED],
        counts[PENDING],
        counts[STALE],
        len(pages),
        sum(1 for page in pages if page.complete),
    )
