"""A small real filesystem for full-disk tests: an ext4 image on a loop device, or a tmpfs if loops are refused."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def can_mount() -> bool:
    """Tell whether this process may mount filesystems (root, as in CI and on the kiosk's test machine)."""
    return os.geteuid() == 0 and shutil.which("mount") is not None


@contextmanager
def small_filesystem(megabytes: int) -> Iterator[Path]:
    """Mount a fresh filesystem of about this size and yield its root; unmount and delete it afterwards.

    ext4 first, as on a kiosk PC: with delayed allocation a full disk may only show at fsync or close,
    which is the case worth testing. A tmpfs if loop devices are not available.
    """
    workdir = Path(tempfile.mkdtemp(prefix="kiosk-disk-"))
    mountpoint = workdir / "mnt"
    mountpoint.mkdir()
    image = workdir / "disk.img"
    try:
        with image.open("wb") as handle:
            handle.truncate(megabytes * 1024 * 1024)
        mkfs = subprocess.run(
            ["mkfs.ext4", "-q", "-F", "-m", "0", str(image)], capture_output=True, text=True, check=False
        )
        mounted = (
            mkfs.returncode == 0
            and (
                subprocess.run(["mount", "-o", "loop", str(image), str(mountpoint)], capture_output=True, check=False)
            ).returncode
            == 0
        )
        if not mounted:
            subprocess.run(
                ["mount", "-t", "tmpfs", "-o", f"size={megabytes}m", "tmpfs", str(mountpoint)],
                check=True,
                capture_output=True,
            )
        try:
            yield mountpoint
        finally:
            subprocess.run(["umount", "--lazy", str(mountpoint)], check=False, capture_output=True)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def fill(folder: Path, leave_bytes: int = 0) -> Path:
    """Fill the filesystem holding folder until at most leave_bytes are free; return the filler file."""
    filler = folder / "filler.bin"
    chunk = b"\0" * (1 << 16)
    with filler.open("wb", buffering=0) as handle:
        try:
            while shutil.disk_usage(folder).free > leave_bytes + len(chunk):
                handle.write(chunk)
                os.fsync(handle.fileno())
            handle.write(chunk[: max(0, shutil.disk_usage(folder).free - leave_bytes)])
            os.fsync(handle.fileno())
        except OSError:
            pass  # full
    return filler
