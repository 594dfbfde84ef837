"""Soak: 20 kiosks and 5 dashboards against `kiosk serve` for minutes on end, on SQLite and on PostgreSQL.

Run by hand:  .venv/bin/python bench/soak.py [--minutes 10] [--warmup 60] [--db sqlite,postgresql]

The load is bench/requests.py's (kiosks send, poll and cancel requests; dashboards poll and act on them).
Every --sample seconds the server's resident memory (RSS, from /proc/PID/status) and open file descriptors
(/proc/PID/fd) are read. Figures are taken after the warm-up, the baseline of the same run:

| Figure | Goal |
|---|---|
| errors (anything but 2xx, 3xx, or 409 for a lost race) | 0 |
| p99 latency | reported, per minute, to show it does not drift |
| RSS growth, end of warm-up to end of run | < 10% |
| open file descriptors | stable: the same at the end as after the warm-up |

PostgreSQL is a throwaway server started for the run (tests/helpers/postgres.py), as tests/pg.sh does.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk.core.paths import REPO_ROOT

sys.path.insert(0, str(REPO_ROOT))
# bench/requests.py, beside this file; then tests/ from the repo root, which is on the path only from here.
from requests import Server, dashboard_loop, kiosk_loop, percentile

from tests.helpers.postgres import PostgresServer

KIOSKS, DASHBOARDS = 20, 5


class Stamped(list[Any]):
    """A list that notes when each item arrived, so figures can be split by minute and by warm-up."""

    def append(self, item: Any) -> None:
        """Add an item with the moment it came."""
        super().append((time.monotonic(), item))


@dataclass
class Sample:
    """The server process at one moment."""

    at: float
    rss_kb: int
    fds: int
    threads: int


@dataclass
class Run:
    """What one soak measured."""

    database: str
    started: float
    warm: float
    latencies: Stamped = field(default_factory=Stamped)
    errors: Stamped = field(default_factory=Stamped)
    sent: Stamped = field(default_factory=Stamped)
    samples: list[Sample] = field(default_factory=list)


def sample(pid: int) -> Sample:
    """Read the server's memory, file descriptors and threads from /proc."""
    status = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return Sample(
        time.monotonic(),
        int(status["VmRSS"].split()[0]),
        sum(1 for _fd in Path(f"/proc/{pid}/fd").iterdir()),
        int(status["Threads"]),
    )


def sampler(pid: int, run: Run, stop: threading.Event, every: float) -> None:
    """Sample the server until told to stop."""
    while not stop.wait(every):
        run.samples.append(sample(pid))


def soak(database: str, minutes: float, warmup: float, every: float) -> Run:
    """Start a server on the database, load it for the given minutes, and return what was measured."""
    postgres = PostgresServer() if database == "postgresql" else None
    try:
        settings = {"KIOSK_DATABASE_URL": postgres.create_database()} if postgres else {}
        with tempfile.TemporaryDirectory(prefix="kiosk-soak-") as data_dir:
            server = Server(Path(data_dir), settings)
            try:
                started = time.monotonic()
                run = Run(database, started, started + warmup)
                stop_at = started + minutes * 60
                stop_sampling = threading.Event()
                watcher = threading.Thread(target=sampler, args=(server.process.pid, run, stop_sampling, every))
                watcher.start()
                # Each kiosk with its own key, as known kiosks are the only ones that may call staff.
                loads = [
                    threading.Thread(
                        target=kiosk_loop, args=(server.url, key, stop_at, run.latencies, run.errors, run.sent, None)
                    )
                    for key in server.keys[:KIOSKS]
                ] + [
                    threading.Thread(target=dashboard_loop, args=(server.url, stop_at, run.latencies, run.errors, None))
                    for _ in range(DASHBOARDS)
                ]
                for thread in loads:
                    thread.start()
                for thread in loads:
                    thread.join(minutes * 60 + 120)
                stop_sampling.set()
                watcher.join()
            finally:
                server.stop()
        return run
    finally:
        if postgres is not None:
            postgres.destroy()


def report(run: Run, minutes: float) -> bool:
    """Print one run's figures; return True when every goal is met."""
    after = [(at, value) for at, (_kind, value) in run.latencies if at >= run.warm]
    millis = [value * 1000 for _at, value in after]
    # Under load only: once the clients stop, their connections close and the figures drop.
    warm = [s for s in run.samples if run.warm <= s.at <= run.started + minutes * 60]
    first, last = warm[0], warm[-1]
    growth = (last.rss_kb - first.rss_kb) / first.rss_kb * 100
    print(f"\n{run.database}: {KIOSKS} kiosks + {DASHBOARDS} dashboards for {minutes:g} min against kiosk serve")
    print(
        f"  requests {len(run.latencies)} ({len(run.latencies) / (minutes * 60):.1f}/s), "
        f"visitor requests sent {len(run.sent)}, errors {len(run.errors)}"
    )
    for _at, error in run.errors[:5]:
        print(f"    error: {error}")
    print(
        f"  latency after warm-up, ms: p50 {percentile(millis, 0.5):.1f}  p95 {percentile(millis, 0.95):.1f}  "
        f"p99 {percentile(millis, 0.99):.1f}  max {max(millis):.1f}"
    )
    print("  minute   requests  p99 ms   RSS MB   fds  threads")
    for minute in range(int(minutes + 0.999)):
        start, end = run.started + minute * 60, run.started + (minute + 1) * 60
        values = [value * 1000 for at, (_kind, value) in run.latencies if start <= at < end]
        inside = [s for s in run.samples if start <= s.at < end] or [run.samples[-1]]
        print(
            f"  {minute + 1:6d} {len(values):10d} {percentile(values, 0.99) if values else 0:7.1f} "
            f"{inside[-1].rss_kb / 1024:8.1f} {inside[-1].fds:5d} {inside[-1].threads:8d}"
        )
    print(
        f"  RSS after warm-up {first.rss_kb / 1024:.1f} MB, at the end {last.rss_kb / 1024:.1f} MB "
        f"(growth {growth:+.1f}%, max {max(s.rss_kb for s in warm) / 1024:.1f} MB); goal < 10%"
    )
    fds = [s.fds for s in warm]
    print(f"  open fds after warm-up {first.fds}, at the end {last.fds}, min {min(fds)}, max {max(fds)}; goal stable")
    ok = not run.errors and growth < 10 and last.fds <= first.fds + 2
    print(f"  {'all goals met' if ok else 'GOALS MISSED'}")
    return ok


def main() -> None:
    """Soak each database in turn and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10, help="how long each database is soaked")
    parser.add_argument("--warmup", type=float, default=60, help="seconds left out of the growth figures")
    parser.add_argument("--sample", type=float, default=5, help="seconds between samples of memory and fds")
    parser.add_argument("--db", default="sqlite,postgresql", help="comma-separated: sqlite, postgresql")
    args = parser.parse_args()
    print(f"soak: {os.cpu_count()} CPUs, shared with whatever else runs on this machine")
    results = [report(soak(db, args.minutes, args.warmup, args.sample), args.minutes) for db in args.db.split(",")]
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
