"""Backups under faults: a full disk fails with a clear message and leaves nothing half-written; a backup
killed at any moment (as by a power cut) leaves the earlier backups whole, and the next one cleans up."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.ops import archive, backup
from tests.helpers.disks import can_mount, small_filesystem
from tests.helpers.servers import KIOSK


def kiosk(data: Path, *args: str, **options: object) -> subprocess.CompletedProcess[str]:
    """Run the real `kiosk` command on a data directory."""
    env = {**os.environ, "KIOSK_DATA_DIR": str(data)}
    return subprocess.run([str(KIOSK), *args], env=env, capture_output=True, text=True, timeout=300, **options)  # type: ignore[call-overload]


def recordings(data: Path, megabytes: int) -> None:
    """Give the kiosk staff recordings that do not compress: random bytes."""
    folder = data / "recordings" / "es"
    folder.mkdir(parents=True, exist_ok=True)
    for index in range(megabytes):
        (folder / f"clip-{index:03d}.webm").write_bytes(os.urandom(1 << 20))


def snapshots(folder: Path) -> list[Path]:
    """Return the finished snapshots in a folder."""
    return sorted(path for path in folder.iterdir() if backup.NAME.match(path.name))


def leftovers(folder: Path) -> list[str]:
    """Return what a backup left in the folder besides finished snapshots and its lock."""
    return sorted(
        path.name for path in folder.iterdir() if not backup.NAME.match(path.name) and path.name != backup.LOCK
    )


@pytest.fixture
def backup_disk(tmp_path: Path) -> Iterator[tuple[Path, dict[str, object]]]:
    """A backup folder that fills up: on a real 3 MB filesystem when this process may mount one (root),
    else in an ordinary folder with a 3 MB limit on the size of files the backup may write (RLIMIT_FSIZE)."""
    if can_mount():
        with small_filesystem(3) as mounted:
            yield mounted / "backups", {}
        return

    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a too-large write then fails with EFBIG, as a full disk
        resource.setrlimit(resource.RLIMIT_FSIZE, (3 << 20, 3 << 20))

    yield tmp_path / "backups", {"preexec_fn": limit}


def test_a_full_disk_fails_the_backup_clearly_and_leaves_the_earlier_ones_whole(
    tmp_path: Path, backup_disk: tuple[Path, dict[str, object]]
) -> None:
    folder, options = backup_disk
    data = tmp_path / "data"
    first = kiosk(data, "backup", str(folder), **options)
    assert first.returncode == 0, first.stderr
    [earlier] = snapshots(folder)
    earlier_bytes = earlier.read_bytes()
    recordings(data, 6)  # does not fit in what is left

    failed = kiosk(data, "backup", str(folder), **options)
    assert failed.returncode == 1
    assert "The backup was not written" in failed.stderr
    assert "full" in failed.stderr or "larger than one file may be" in failed.stderr
    assert failed.stderr.count("The backup was not written") == 1  # said once, not again by the log
    assert "older backups are untouched" in failed.stderr
    assert "Traceback" not in failed.stderr
    assert snapshots(folder) == [earlier]
    assert earlier.read_bytes() == earlier_bytes
    assert archive.read_manifest(earlier)["format"] == archive.FORMAT
    assert leftovers(folder) == []  # no temp file, no staging folder
    # And `kiosk logs` tells the administrator, in plain words.
    shown = kiosk(data, "logs").stdout
    assert "Backup failed" in shown
    assert "full" in shown or "larger than one file may be" in shown


def test_a_backup_killed_at_any_moment_leaves_the_earlier_backups_whole(tmp_path: Path) -> None:
    data, folder = tmp_path / "data", tmp_path / "backups"
    assert kiosk(data, "backup", str(folder)).returncode == 0
    [earlier] = snapshots(folder)
    earlier_bytes = earlier.read_bytes()
    recordings(data, 24)
    env = {**os.environ, "KIOSK_DATA_DIR": str(data)}
    # Kill it early (before the snapshot file exists), while it writes, and a moment later.
    for delay in (0.0, 0.3, 0.8):
        running = subprocess.Popen([str(KIOSK), "backup", str(folder)], env=env, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while not any(name.endswith(".tmp") for name in leftovers(folder)) and time.monotonic() < deadline:
            if running.poll() is not None:
                break
            time.sleep(0.005)
        time.sleep(delay)
        running.send_signal(signal.SIGKILL)
        running.wait(10)
        finished = snapshots(folder)
        assert earlier in finished
        assert earlier.read_bytes() == earlier_bytes
        for snapshot in finished:  # whatever made it to a final name is a whole backup
            archive.read_manifest(snapshot)
    # The next backup clears what the killed ones left, and works.
    after = kiosk(data, "backup", str(folder))
    assert after.returncode == 0, after.stderr
    assert leftovers(folder) == []
    for snapshot in snapshots(folder):
        archive.read_manifest(snapshot)
