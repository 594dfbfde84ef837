"""Speech worker processes: each owns one engine and renders one clip at a time; a pool keeps them.

The engines hang, crash and print to stdout, so they never run inside the web server. The server
talks to each worker in JSON lines over pipes, waits with a deadline, and kills and replaces a
worker that crashes or stops answering.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import queue
import select
import signal
import subprocess
import sys
import threading
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any, BinaryIO

from kiosk.core.files import atomic_write
from kiosk.speech.audio import AudioError, Pcm, SilentAudio, check_mp3, check_speech, encode_mp3
from kiosk.speech.engines import build_engine
from kiosk.speech.engines.base import EngineSettings, EngineUnavailable, SpeechFailed

log = logging.getLogger(__name__)


class WorkerCrashed(RuntimeError):
    """The worker process died or closed its pipe."""


class WorkerTimeout(RuntimeError):
    """The worker did not answer before the deadline."""


class PoolBusy(RuntimeError):
    """Every worker stayed busy until the deadline."""


# --- Inside the worker process ------------------------------------------------------------


def _send(channel: BinaryIO, message: dict[str, Any]) -> None:
    """Send one JSON line to the server."""
    channel.write(json.dumps(message).encode("utf-8") + b"\n")
    channel.flush()


def _encode_and_discard(pcm: Pcm) -> None:
    """Encode a clip nobody needs, to warm the encoder."""
    encode_mp3(pcm)


def serve(settings: EngineSettings) -> int:
    """Answer render jobs from stdin until it closes."""
    channel = os.fdopen(os.dup(1), "wb")
    # pyttsx3 prints a line for every file it saves; that must never reach the protocol pipe.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.close(devnull)
    try:
        engine = build_engine(settings)
    except (EngineUnavailable, SpeechFailed) as exc:
        _send(channel, {"ready": False, "error": str(exc)})
        return 1
    if settings.warm_voice.lower() in engine.voices():
        # The first clip loads the voice and warms the encoder; better here than on a visitor's tap.
        with contextlib.suppress(SpeechFailed, AudioError):
            engine.synthesize("Hello.", settings.warm_voice, 150, _encode_and_discard, 10)
    _send(channel, {"ready": True, "engine": engine.name, "voices": sorted(engine.voices())})
    for line in sys.stdin.buffer:
        job = json.loads(line)
        replied = False

        def deliver(pcm: Pcm, job: dict[str, Any] = job) -> None:
            """Encode, check and store the clip, then tell the server it is ready."""
            nonlocal replied
            data = encode_mp3(check_speech(pcm))
            info = check_mp3(data)
            # No fsync: a cache clip spoilt by a power cut fails check_mp3 and is rendered again.
            atomic_write(Path(job["out"]), data, durable=False)
            _send(channel, {"ok": True, "seconds": info.seconds, "bytes": len(data)})
            replied = True

        try:
            engine.synthesize(job["text"], job["voice"], job["rate"], deliver, job["timeout"])
        except (SpeechFailed, EngineUnavailable, AudioError, OSError) as exc:
            if not replied:
                kind = "silent" if isinstance(exc, SilentAudio) else "failed"
                _send(channel, {"ok": False, "kind": kind, "error": str(exc)})
    return 0


# --- Inside the web server ----------------------------------------------------------------


class Worker:
    """One worker process, spoken to in JSON lines."""

    def __init__(self, settings: EngineSettings, start_timeout: float) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "kiosk.speech.workers", json.dumps(asdict(settings))],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            # Its own process group, so a kill also ends an espeak-ng child that hangs.
            start_new_session=True,
        )
        self._buffer = b""
        self._deadline = time.monotonic() + start_timeout
        self.engine = ""
        self.voices: set[str] = set()
        self._killed = False

    def wait_ready(self) -> Worker:
        """Wait for the worker to load its engine, or raise EngineUnavailable saying why it could not."""
        if self.engine:
            return self
        try:
            hello = self._read(self._deadline)
        except (WorkerCrashed, WorkerTimeout) as exc:
            self.kill()
            raise EngineUnavailable(f"the speech worker did not start: {exc}") from exc
        if not hello.get("ready"):
            self.kill()
            raise EngineUnavailable(hello.get("error", "the speech engine did not start"))
        self.engine = hello["engine"]
        self.voices = set(hello["voices"])
        return self

    @property
    def pid(self) -> int:
        """The worker's process id."""
        return self.process.pid

    def _read(self, deadline: float) -> dict[str, Any]:
        """Read one JSON line, or fail when the worker dies or the deadline passes."""
        assert self.process.stdout is not None
        fd = self.process.stdout.fileno()
        while b"\n" not in self._buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise WorkerTimeout("no answer in time")
            readable, _, _ = select.select([fd], [], [], remaining)
            if not readable:
                continue
            chunk = os.read(fd, 65536)
            if not chunk:
                raise WorkerCrashed(f"the worker exited (status {self.process.poll()})")
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        message: dict[str, Any] = json.loads(line)
        return message

    def request(self, job: dict[str, Any], timeout: float) -> dict[str, Any]:
        """Send one job and wait for its answer."""
        assert self.process.stdin is not None
        try:
            self.process.stdin.write(json.dumps(job).encode("utf-8") + b"\n")
            self.process.stdin.flush()
        except (BrokenPipeError, OSError) as exc:
            raise WorkerCrashed(f"the worker is gone: {exc}") from exc
        # The worker gives up at the job's own timeout; this margin lets it say why before it is killed.
        return self._read(time.monotonic() + timeout + 0.5)

    def kill(self) -> None:
        """End the worker and anything it started."""
        if self._killed:
            return
        self._killed = True
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        for pipe in (self.process.stdin, self.process.stdout):
            if pipe is not None:
                pipe.close()


class WorkerPool:
    """A fixed number of worker slots; each holds a running worker or None until one is needed."""

    def __init__(self, settings: EngineSettings, size: int, start_timeout: float) -> None:
        self.settings = settings
        self.size = max(1, size)
        self.start_timeout = start_timeout
        # First in, first out: a worker that has just answered may still be inside pyttsx3's
        # 10 ms closing sleep, so the next job goes to another one.
        self._slots: queue.Queue[Worker | None] = queue.Queue()
        for _ in range(self.size):
            self._slots.put(None)
        self._started = 0
        self._live: set[Worker] = set()
        self._lock = threading.Lock()

    @property
    def started(self) -> int:
        """How many workers this pool has started, restarts included."""
        return self._started

    def _spawn(self) -> Worker:
        """Start one worker process without waiting for it to be ready."""
        worker = Worker(self.settings, self.start_timeout)
        with self._lock:
            self._started += 1
            self._live.add(worker)
        return worker

    def _discard(self, worker: Worker) -> None:
        """Kill a worker and forget it."""
        worker.kill()
        with self._lock:
            self._live.discard(worker)

    def run(self, job: dict[str, Any], timeout: float) -> dict[str, Any]:
        """Run a job on a free worker; a worker that crashes or times out is killed and replaced later."""
        try:
            worker = self._slots.get(timeout=timeout)
        except queue.Empty as exc:
            raise PoolBusy("every speech worker stayed busy") from exc
        try:
            if worker is not None and worker.process.poll() is not None:
                self._discard(worker)  # died while idle, say by the out-of-memory killer
                worker = None
            if worker is None:
                worker = self._spawn()
                worker.wait_ready()
            return worker.request({**job, "timeout": timeout}, timeout)
        except (WorkerCrashed, WorkerTimeout, EngineUnavailable) as exc:
            if worker is not None:
                log.warning("Speech worker %d failed (%s); it will be replaced.", worker.pid, exc)
                self._discard(worker)
            worker = None
            raise
        finally:
            self._slots.put(worker)

    def workers(self) -> list[Worker]:
        """Return the running workers."""
        with self._lock:
            return list(self._live)

    def prestart(self) -> None:
        """Start every worker now, so the first visitor does not wait for one."""
        taken = [self._slots.get() for _ in range(self.size)]
        # Spawned together and then awaited, so the workers load their engines in parallel.
        spawned = [slot or self._spawn() for slot in taken]
        try:
            for index, worker in enumerate(spawned):
                taken[index] = worker.wait_ready()
        finally:
            for worker in spawned:
                if worker not in taken:
                    self._discard(worker)
            for slot in taken:
                self._slots.put(slot)

    def close(self) -> None:
        """Stop every worker now, even one in the middle of a job."""
        for worker in self.workers():
            self._discard(worker)


if __name__ == "__main__":
    sys.exit(serve(EngineSettings(**json.loads(sys.argv[1]))))
