"""A content-addressed blob store on disk with atomic writes (the default; ``objectstore`` is the other).

A blob is written to a temporary file in the same directory tree, flushed and
fsynced, then renamed into place (and the directory fsynced), so a crash or a
full disk never leaves a half-written blob under a real name. Reads check the
hash: a corrupted blob is reported, never served.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from pathlib import Path
from typing import Protocol

from artproof.core.hashing import check_content_id, content_id
from artproof.errors import IntegrityError, NotFound, StorageError

__all__ = ["BlobStore", "Blobs", "checked", "open_blobs", "storage_error"]


class Blobs(Protocol):
    """What the services need of a blob store: content-addressed, whole writes, checked reads."""

    def put(self, data: bytes) -> str: ...
    def get(self, blob_id: str) -> bytes: ...
    def has(self, blob_id: str) -> bool: ...
    def raw(self, blob_id: str) -> bytes: ...
    def where(self) -> str: ...
    def check(self) -> str: ...


def checked(blob_id: str, data: bytes, restore: str) -> bytes:
    """``data`` if it still hashes to ``blob_id``: a corrupted blob is reported, never served."""
    if content_id(data) != blob_id:
        raise IntegrityError("stored image is corrupt: its bytes no longer match its hash", value=blob_id, hint=restore)
    return data


def open_blobs(blob_url: str | None, folder: Path) -> Blobs:
    """The folder under the home, or the object store ``ARTPROOF_BLOB_URL`` names."""
    if blob_url:
        from artproof.store.objectstore import S3BlobStore

        return S3BlobStore(blob_url)
    return BlobStore(folder)


def storage_error(exc: OSError, path: Path) -> StorageError:
    """Turn an OS error while writing into a message that says what to do."""
    if exc.errno == errno.ENOSPC or exc.errno == errno.EDQUOT:
        return StorageError(
            "the disk is full", value=str(path), hint="free some space and run the command again; nothing was recorded"
        )
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOTDIR, errno.EEXIST):
        return StorageError(
            "the data directory cannot be written",
            value=str(path),
            hint="set ARTPROOF_HOME to a writable directory; nothing was recorded",
        )
    return StorageError(f"writing failed: {exc.strerror or exc}", value=str(path), hint="nothing was recorded")


class BlobStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path_of(self, blob_id: str) -> Path:
        digest = check_content_id(blob_id).removeprefix("sha256:")
        return self.root / digest[:2] / digest[2:]

    def put(self, data: bytes) -> str:
        blob_id = content_id(data)
        final = self.path_of(blob_id)
        if final.exists():
            return blob_id
        try:
            final.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=final.parent)
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(data)
                    handle.flush()
                    os.fsync(handle.fileno())
                os.replace(tmp, final)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
            dir_fd = os.open(final.parent, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)
        except OSError as exc:
            raise storage_error(exc, final) from exc
        return blob_id

    def raw(self, blob_id: str) -> bytes:
        """The stored bytes, unchecked (a condition check compares them itself)."""
        path = self.path_of(blob_id)
        try:
            return path.read_bytes()
        except FileNotFoundError:
            raise NotFound(
                "image is missing from the blob store", value=blob_id, hint=f"restore {path} from a backup"
            ) from None
        except OSError as exc:
            raise StorageError(f"the blob store cannot be read: {exc.strerror}", value=str(path)) from exc

    def get(self, blob_id: str) -> bytes:
        return checked(blob_id, self.raw(blob_id), f"restore {self.path_of(blob_id)} from a backup")

    def has(self, blob_id: str) -> bool:
        return self.path_of(blob_id).exists()

    def where(self) -> str:
        return str(self.root)

    def check(self) -> str:
        """The folder exists (or can be made) and takes a write (``artproof doctor``)."""
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(prefix=".doctor-", dir=self.root):
                pass
        except OSError as exc:
            raise storage_error(exc, self.root) from exc
        return f"folder {self.root} writable"
