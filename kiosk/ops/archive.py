"""The snapshot file: one tar.gz whose last member is a manifest with every other member's checksum,
written through a temporary file, synced and renamed, so a crash or a full disk leaves no half file."""

from __future__ import annotations

import errno
import hashlib
import io
import json
import os
import secrets
import shutil
import tarfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any, BinaryIO

FORMAT = 1
MANIFEST = "manifest.json"
CHUNK = 1 << 20
# Every member lives under one of these; anything else in a file is a sign it is not ours.
TOP_LEVELS = ("data", "database", "live-translations")


class BackupError(Exception):
    """A backup or restore that could not be done; the message says why in plain words."""


def disk_full_message(folder: Path) -> str:
    """Say that the disk holding folder is full, and how much room is left on it."""
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        return f"the disk holding {folder} is full"
    return f"the disk holding {folder} is full ({free / 1e6:.1f} MB free)"


def explain_os_error(error: OSError, folder: Path) -> str:
    """Return an OSError as a reason in plain words."""
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return disk_full_message(folder)
    if error.errno == errno.EFBIG:
        return f"the snapshot is larger than one file may be in {folder} (a FAT32 stick takes at most 4 GB)"
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"the kiosk may not write in {folder} ({error.strerror})"
    return f"{error.strerror or error} ({error.filename or folder})"


def fsync_folder(folder: Path) -> None:
    """Make a rename in folder survive a power cut."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class _Hashing(io.RawIOBase):
    """A reader that hashes what it passes on and stops at the size recorded for the member."""

    def __init__(self, source: BinaryIO, size: int) -> None:
        self.source = source
        self.left = size
        self.digest = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        wanted = self.left if size < 0 else min(size, self.left)
        data = self.source.read(wanted)
        self.left -= len(data)
        self.digest.update(data)
        return data


@dataclass
class Writer:
    """Adds members to a snapshot being written and records their checksums for the manifest."""

    tar: tarfile.TarFile
    files: dict[str, dict[str, Any]] = field(default_factory=dict)

    def add_file(self, name: str, path: Path) -> None:
        """Add a file as it is at this moment: its open inode, so an atomic rewrite during the backup is harmless."""
        with path.open("rb") as handle:
            stat = os.fstat(handle.fileno())
            info = tarfile.TarInfo(name)
            info.size, info.mtime, info.mode = stat.st_size, int(stat.st_mtime), 0o600
            reader = _Hashing(handle, stat.st_size)
            self.tar.addfile(info, reader)
        self.files[name] = {"sha256": reader.digest.hexdigest(), "size": stat.st_size}

    def add_bytes(self, name: str, data: bytes) -> None:
        """Add a member made in memory."""
        info = tarfile.TarInfo(name)
        info.size, info.mode = len(data), 0o600
        self.tar.addfile(info, io.BytesIO(data))
        self.files[name] = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}


@contextmanager
def written(final: Path, manifest: dict[str, Any]) -> Iterator[Writer]:
    """Write a snapshot to final: members from the caller, then the manifest; all or nothing."""
    temp = final.with_name(f".{final.name}.{secrets.token_hex(4)}.tmp")
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as raw:
            with tarfile.open(fileobj=raw, mode="w|gz", format=tarfile.PAX_FORMAT) as tar:
                writer = Writer(tar)
                yield writer
                body = {**manifest, "format": FORMAT, "files": writer.files}
                writer.add_bytes(MANIFEST, json.dumps(body, indent=1, sort_keys=True).encode())
                writer.files.pop(MANIFEST)
            raw.flush()
            os.fsync(raw.fileno())
        temp.replace(final)
        fsync_folder(final.parent)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def _safe_name(name: str) -> bool:
    """Tell whether a member name is a plain relative path under one of our folders."""
    path = PurePosixPath(name)
    return (
        not path.is_absolute()
        and ".." not in path.parts
        and "\\" not in name
        and (name == MANIFEST or (len(path.parts) > 1 and path.parts[0] in TOP_LEVELS))
    )


def read_manifest(snapshot: Path) -> dict[str, Any]:
    """Check every member of a snapshot against its manifest, without writing anything; return the manifest."""
    return _walk(snapshot, None)


def extract(snapshot: Path, into: Path) -> dict[str, Any]:
    """Unpack a snapshot into an empty folder, checking it as it goes; raise BackupError if it is not whole."""
    return _walk(snapshot, into)


def _walk(snapshot: Path, into: Path | None) -> dict[str, Any]:
    """Read the whole snapshot once, hashing each member (and writing it under into, if given)."""
    seen: dict[str, dict[str, Any]] = {}
    manifest: dict[str, Any] | None = None
    try:
        with tarfile.open(snapshot, mode="r|gz") as tar:
            for member in tar:
                if manifest is not None or not _safe_name(member.name) or not member.isfile():
                    raise BackupError(f"{snapshot.name} holds something a kiosk backup never has ({member.name}).")
                source = tar.extractfile(member)
                assert source is not None
                if member.name == MANIFEST:
                    manifest = json.loads(source.read(CHUNK * 4))
                    continue
                seen[member.name] = _copy_member(source, into / member.name if into else None)
    except (tarfile.TarError, EOFError, OSError, ValueError, json.JSONDecodeError) as error:
        if into is not None and isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT):
            raise BackupError(f"The backup could not be unpacked: {disk_full_message(into)}.") from error
        raise BackupError(f"{snapshot.name} is damaged or incomplete ({error}).") from error
    if manifest is None:
        raise BackupError(f"{snapshot.name} is incomplete: it has no manifest, so it was cut short.")
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{snapshot.name} is in backup format {manifest.get('format')}; this kiosk reads {FORMAT}.")
    if seen != manifest.get("files"):
        missing = sorted(set(manifest.get("files", {})) ^ set(seen)) or sorted(
            name for name in seen if seen[name] != manifest["files"].get(name)
        )
        raise BackupError(f"{snapshot.name} does not match its manifest (first difference: {missing[0]}).")
    return manifest


def _copy_member(source: IO[bytes], target: Path | None) -> dict[str, Any]:
    """Hash one member's bytes, writing them to target when given."""
    digest = hashlib.sha256()
    count = 0
    out = None
    if target is not None:
        target.parent.mkdir(parents=True, exist_ok=True)
        out = os.fdopen(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb")
    try:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            count += len(chunk)
            if out is not None:
                out.write(chunk)
    finally:
        if out is not None:
            out.close()
    return {"sha256": digest.hexdigest(), "size": count}
