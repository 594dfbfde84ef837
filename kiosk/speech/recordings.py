"""Staff recordings of messages: one folder in the data directory, one MP3 and one JSON file per take.

`<data dir>/recordings/<lang>/<message hash>/<id>.mp3` and `<id>.json`. A take is "pending" until a
staff member approves it; approving replaces the message's earlier approved take. A recording belongs
to the translation it was made for: when the message's translation changes it is stale, and the
synthetic voice (or the note) takes over until someone records again. Ids are 128 random bits, so an
address cannot be guessed, and nothing lists the folder.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import re
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from kiosk.core.files import atomic_write
from kiosk.speech.processing import Processed
from kiosk.speech.text import normalize

log = logging.getLogger(__name__)

PENDING, APPROVED = "pending", "approved"
_ID = re.compile(r"[0-9a-f]{32}")
_LANG = re.compile(r"[A-Za-z]{2,3}(?:_[A-Za-z0-9]{2,8})*")
# A message whose text changes with each use (a number, a name) or has plural forms cannot be recorded once.
_PLACEHOLDER = re.compile(r"%(?:\(\w+\))?[-#0 +]*\d*(?:\.\d+)?[sdifgeExXr]")


def recordable(msgid: str, plural: bool) -> bool:
    """True for a message that reads the same every time: no placeholder and no plural forms."""
    return not plural and not _PLACEHOLDER.search(msgid.replace("%%", ""))


@dataclass(frozen=True)
class Recording:
    """One take of one message in one language."""

    id: str
    lang: str
    key: str  # the message: its context, EOT and English, as gettext names it
    text: str  # the translation it was recorded for, in canonical form
    state: str
    user: str
    time: str
    seconds: float
    loudness: float
    source: str  # "microphone" or "upload"
    filename: str = ""

    def fresh(self, current: str | None) -> bool:
        """True while the message still says what was recorded."""
        return current is not None and normalize(current) == self.text

    @property
    def made(self) -> datetime:
        """When the take was saved."""
        return datetime.fromisoformat(self.time)

    @property
    def approved(self) -> bool:
        """True once a staff member approved it for the kiosk."""
        return self.state == APPROVED


def message_folder(key: str) -> str:
    """Name a message's folder without its text, which may be long or hold any character."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]


class RecordingStore:
    """Every language's recordings, read again only when one changes."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._cache: dict[str, tuple[tuple[int, int], list[Recording]]] = {}
        self._lock = threading.Lock()

    def _language(self, lang: str) -> Path:
        """Return a language's folder, refusing anything that is not a language code."""
        if not _LANG.fullmatch(lang):
            raise ValueError(f"not a language code: {lang!r}")
        return self.root / lang

    def audio(self, recording: Recording) -> Path:
        """Return where a take's MP3 is stored."""
        return self._language(recording.lang) / message_folder(recording.key) / f"{recording.id}.mp3"

    def _stamp(self, lang: str) -> tuple[int, int]:
        """Identify the language's last change: its generation file is replaced on every write."""
        try:
            stat = (self._language(lang) / ".generation").stat()
        except FileNotFoundError:
            return (0, 0)
        return (stat.st_mtime_ns, stat.st_ino)

    def version(self, lang: str) -> str:
        """A short fingerprint of a language's recordings, for caches of the pages' clip lists."""
        return "{:x}-{:x}".format(*self._stamp(lang))

    def all(self, lang: str) -> list[Recording]:
        """Return every take of a language, newest first."""
        stamp = self._stamp(lang)
        with self._lock:
            hit = self._cache.get(lang)
        if hit is not None and hit[0] == stamp:
            return hit[1]
        found = []
        for path in self._language(lang).glob("*/*.json"):
            try:
                recording = Recording(**json.loads(path.read_text(encoding="utf-8")))
            except (OSError, ValueError, TypeError) as exc:
                log.error("Recording %s cannot be read and is ignored: %s", path, exc)
                continue
            if self.audio(recording).is_file():
                found.append(recording)
        found.sort(key=lambda recording: recording.time, reverse=True)
        with self._lock:
            self._cache[lang] = (stamp, found)
        return found

    def find(self, lang: str, recording_id: str) -> Recording | None:
        """Return one take by id."""
        if not _ID.fullmatch(recording_id):
            return None
        return next((recording for recording in self.all(lang) if recording.id == recording_id), None)

    def for_message(self, lang: str, key: str) -> list[Recording]:
        """Return a message's takes, newest first."""
        return [recording for recording in self.all(lang) if recording.key == key]

    def approved(self, lang: str) -> dict[str, Recording]:
        """Return each message's approved take."""
        return {recording.key: recording for recording in self.all(lang) if recording.approved}

    def playable(self, lang: str, key: str, current: str | None) -> Recording | None:
        """Return the approved take that still matches what the message says, if there is one."""
        recording = self.approved(lang).get(key)
        return recording if recording is not None and recording.fresh(current) else None

    @contextmanager
    def _writing(self, lang: str) -> Iterator[Path]:
        """Hold the lock for a change to a language, and mark the change for every process after it."""
        folder = self._language(lang)
        folder.mkdir(parents=True, exist_ok=True)
        with (self.root / ".lock").open("a+b") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield folder
            finally:
                atomic_write(folder / ".generation", secrets.token_hex(8).encode(), durable=False)
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _write(self, recording: Recording) -> None:
        """Write a take's description; it is what makes the take exist."""
        path = self.audio(recording).with_suffix(".json")
        atomic_write(path, json.dumps(asdict(recording), ensure_ascii=False, indent=1).encode("utf-8"))

    def add(
        self, lang: str, key: str, text: str, processed: Processed, user: str, source: str, filename: str = ""
    ) -> Recording:
        """Keep a new take, pending approval: the MP3 first, then its description, never half of one."""
        recording = Recording(
            id=secrets.token_hex(16),
            lang=lang,
            key=key,
            text=normalize(text),
            state=PENDING,
            user=user,
            time=datetime.now(UTC).isoformat(timespec="milliseconds"),
            seconds=round(processed.seconds, 2),
            loudness=round(processed.loudness_out, 1),
            source=source,
            filename=filename[:200],
        )
        with self._writing(lang):
            audio = self.audio(recording)
            atomic_write(audio, processed.mp3)
            try:
                self._write(recording)
            except BaseException:
                audio.unlink(missing_ok=True)
                raise
        return recording

    def approve(self, lang: str, recording_id: str, user: str) -> Recording | None:
        """Approve a take for the kiosk; the message's earlier approved take is deleted."""
        with self._writing(lang):
            recording = self.find(lang, recording_id)
            if recording is None:
                return None
            for other in self.for_message(lang, recording.key):
                if other.approved and other.id != recording.id:
                    self._remove(other)
            approved = replace(recording, state=APPROVED, user=user or recording.user)
            self._write(approved)
        return approved

    def _remove(self, recording: Recording) -> None:
        """Delete a take: its description first, so it is gone at once, then its audio."""
        audio = self.audio(recording)
        audio.with_suffix(".json").unlink(missing_ok=True)
        audio.unlink(missing_ok=True)

    def delete(self, lang: str, recording_id: str) -> Recording | None:
        """Delete one take."""
        with self._writing(lang):
            recording = self.find(lang, recording_id)
            if recording is not None:
                self._remove(recording)
        return recording
