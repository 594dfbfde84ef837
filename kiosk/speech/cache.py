"""The on-disk cache of rendered speech: one file per engine, voice, rate, format and text."""

from __future__ import annotations

import fcntl
import hashlib
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from kiosk.speech.audio import AudioError, check_mp3


@dataclass(frozen=True)
class AudioKey:
    """Everything that decides what a clip sounds like; a change to any part renders a new file."""

    engine: str  # the engine and its library, such as "pyttsx3-bundled"
    voice: str
    rate: int
    fmt: str
    text_hash: str  # sha256 of the text, so an edited translation gets new audio

    @classmethod
    def for_text(cls, engine: str, voice: str, rate: int, fmt: str, text: str) -> AudioKey:
        """Build the key for a text."""
        return cls(engine, voice, rate, fmt, hashlib.sha256(text.encode("utf-8")).hexdigest())

    @property
    def token(self) -> str:
        """A short fingerprint of the whole key, for URLs whose content never changes."""
        whole = f"{self.engine}|{self.voice}|{self.rate}|{self.fmt}|{self.text_hash}"
        return hashlib.sha256(whole.encode("utf-8")).hexdigest()[:16]

    @property
    def relative_path(self) -> Path:
        """Where the clip lives under the cache folder."""
        voice = self.voice.replace("/", "_")
        return Path(self.engine, voice, str(self.rate), self.text_hash[:2], f"{self.text_hash}.{self.fmt}")


# Several app servers may share the cache folder: a clip is rendered by whichever asks first, under a file
# lock the others wait on. A few dozen lock files (a clip's key picks one) serve any number of clips.
LOCK_STRIPES = 64
LOCK_POLL_SECONDS = 0.02


class LockTimeout(TimeoutError):
    """Another process held a clip's render lock for longer than the caller would wait."""


class AudioCache:
    """Clips under one folder, each checked once per process before it is first served."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._checked: set[Path] = set()
        self._lock = threading.Lock()

    def path(self, key: AudioKey) -> Path:
        """Return where a key's clip is stored."""
        return self.root / key.relative_path

    def usable(self, path: Path) -> bool:
        """Tell whether a whole, valid clip is stored at path, removing one that is not."""
        with self._lock:
            if path in self._checked:
                return path.is_file()
        try:
            check_mp3(path.read_bytes())
        except FileNotFoundError:
            return False
        except (OSError, AudioError):
            path.unlink(missing_ok=True)
            return False
        self.mark_checked(path)
        return True

    def mark_checked(self, path: Path) -> None:
        """Remember that a clip was checked, such as by the worker that wrote it."""
        with self._lock:
            self._checked.add(path)

    @contextmanager
    def render_lock(self, key: AudioKey, timeout: float) -> Iterator[None]:
        """Hold the lock that every process sharing this folder takes before rendering key's clip."""
        folder = self.root / ".locks"
        folder.mkdir(parents=True, exist_ok=True)
        stripe = int(key.token[:8], 16) % LOCK_STRIPES
        descriptor = os.open(folder / f"{stripe:02d}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise LockTimeout("another server is still rendering this clip") from None
                    time.sleep(LOCK_POLL_SECONDS)
            yield
        finally:
            os.close(descriptor)  # closing releases the lock

    def count(self) -> int:
        """Count the clips stored."""
        return sum(1 for _ in self.root.rglob("*.mp3")) if self.root.is_dir() else 0
