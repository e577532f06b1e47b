"""Writing files the user asked for: validated first, staged beside the target, moved into place last.

One rule for every command that writes outside the database: check the output path before any
work is recorded (:func:`check_output`: a known suffix, not a folder, no silent overwrite, a
place we can write); write to a staging file in the same folder (:func:`stage`); commit the
record; then move the staged file into place (:func:`place`). A failure before the commit
removes the staged file; after it, the staged file is never deleted and the message says where
it is. Missing parent folders are created, everywhere. Deliverables are 0644, secrets 0600.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from artproof.errors import InvalidInput, StorageError
from artproof.store.blobs import storage_error

__all__ = ["IMAGE_SUFFIXES", "atomic_write", "check_output", "clear_staged", "discard", "place", "stage"]

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp")


def _writable_ancestor(path: Path) -> Path | None:
    """The nearest existing folder above ``path`` (where missing folders would be created), or None."""
    for parent in path.parents:
        if parent.exists():
            return parent if parent.is_dir() else None
    return None


def check_output(path: Path, *, suffixes: Iterable[str] | None = None, force: bool = False) -> Path:
    """Refuse an output path before anything is recorded; returns it. ``--force`` allows overwriting."""
    allowed = tuple(suffixes) if suffixes is not None else None
    if path.is_dir():
        raise InvalidInput("the output is a folder, not a file", value=str(path), hint="name a file in it")
    if allowed is not None and path.suffix.lower() not in allowed:
        raise InvalidInput(
            "the output name needs a known extension", value=str(path), hint="end it with " + ", ".join(allowed)
        )
    if path.exists() and not force:
        raise InvalidInput("the output file already exists", value=str(path), hint="pass --force to overwrite it")
    base = _writable_ancestor(path)
    if base is None:
        raise InvalidInput("the output's folder cannot be made: a file is in the way", value=str(path.parent))
    if not os.access(base, os.W_OK | os.X_OK) or _read_only(base):
        raise InvalidInput("cannot write there", value=str(path.parent), hint="choose a folder you can write to")
    return path


def _read_only(folder: Path) -> bool:
    """A read-only file system (``/sys``, ``/proc``, a read-only mount) even for root."""
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY) or str(folder).startswith(("/sys", "/proc"))
    except OSError:
        return True


def stage(path: Path, data: bytes, *, mode: int = 0o644) -> Path:
    """``data`` in a hidden staging file beside ``path`` (fsynced); :func:`place` moves it there."""
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.staged-")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        return Path(tmp)
    except OSError as exc:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        raise storage_error(exc, path) from exc


def place(staged: Path, path: Path) -> None:
    """Move a staged file into place (after the record is committed: on failure it stays, and we say where)."""
    try:
        os.replace(staged, path)
    except OSError as exc:
        raise StorageError(
            "the record is committed, but the file could not be moved into place",
            value=str(path),
            hint=f"it is kept at {staged}: move it there yourself ({exc.strerror})",
        ) from exc


def clear_staged(path: Path) -> list[str]:
    """Remove staging files of ``path`` left by a run that was killed before its record committed."""
    notes = []
    for leftover in path.parent.glob(f".{path.name}.staged-*") if path.parent.is_dir() else []:
        with contextlib.suppress(OSError):
            leftover.unlink()
            notes.append(f"removed {leftover}, left by an interrupted run")
    return notes


def discard(staged: Path | None) -> None:
    """Remove a staged file whose record was never committed."""
    if staged is not None:
        with contextlib.suppress(OSError):
            staged.unlink()


def atomic_write(path: Path, data: bytes, *, mode: int = 0o644) -> None:
    """Write ``data`` to ``path`` so that a crash or a full disk leaves the old file or none, never a part."""
    staged = stage(path, data, mode=mode)
    try:
        os.replace(staged, path)
    except OSError as exc:
        discard(staged)
        raise storage_error(exc, path) from exc
