"""Writing files so that a crash or a full disk leaves the old content or the new, never half of one."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path


def stage(path: Path, data: bytes, durable: bool = True) -> Path:
    """Write data to a temporary file beside path and return it; nothing is left behind if that fails."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if durable:
                # On ext4 a full disk may only show here, at the flush or the sync, not at write().
                handle.flush()
                os.fsync(handle.fileno())
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def atomic_write(path: Path, data: bytes, durable: bool = True) -> None:
    """Write data to path through a temporary file and a rename; durable also syncs it to disk first."""
    atomic_write_all({path: data}, durable)


def atomic_write_all(files: Mapping[Path, bytes], durable: bool = True) -> None:
    """Write several files so that a failure while writing (a full disk) changes none of them.

    Every file is written to a temporary one first; only when all are written are they renamed into
    place, and a rename needs no free space.
    """
    staged: list[tuple[Path, Path]] = []
    try:
        for path, data in files.items():
            staged.append((stage(path, data, durable), path))
        while staged:
            tmp, path = staged[0]
            tmp.replace(path)
            staged.pop(0)
    finally:
        for tmp, _path in staged:
            tmp.unlink(missing_ok=True)
