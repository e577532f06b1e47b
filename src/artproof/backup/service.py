"""``artproof backup create | verify | restore``: a whole home in one encrypted file, checked, restorable.

What is kept: every file of the home (the blob store with every picture, document and photograph,
the signing keys and CA in ``pki/``, trust anchors, pinned log keys, the collection's certificates and
receipts, disclosures, taste data) and the database, copied with SQLite's online backup (a consistent
snapshot even while another command writes). The archive (tar) ends with ``BACKUP.json``: every
member's SHA-256 and size and the database's row counts; it is encrypted with :mod:`.stream`.
``verify`` decrypts and re-hashes everything without writing a file; ``restore`` does the same into a
folder beside the (empty) home and moves it into place only when all of it checked, so a wrong
passphrase, a damaged or truncated file never leaves half a home. A home on PostgreSQL is refused:
its database is backed up with ``pg_dump`` (the blob folder and keys can still be copied as files).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import IO

from artproof.backup.stream import decrypt_stream, encrypt_stream
from artproof.core.results import Result
from artproof.errors import IntegrityError, InvalidInput, StorageError
from artproof.store.files import check_output, discard, place, stage

__all__ = ["BackupCheck", "BackupService"]

DATABASE = "artproof.db"
LISTING = "BACKUP.json"
SKIP = {DATABASE, f"{DATABASE}-wal", f"{DATABASE}-shm", f"{DATABASE}-journal"}


class BackupCheck(Result):
    """What a backup holds (``create``, ``verify``, ``restore`` all answer with it)."""

    file: str
    created_at: str | None = None
    files: int
    bytes: int
    tables: dict[str, int]
    home: str | None = None  # restore: where it was restored


class _Chunks(io.RawIOBase):
    """The decrypted chunks as a readable stream for :mod:`tarfile`."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks, self._buffer = chunks, b""

    def readable(self) -> bool:
        return True

    def readinto(self, target: bytearray | memoryview) -> int:  # type: ignore[override]
        while not self._buffer:
            try:
                self._buffer = next(self._chunks)
            except StopIteration:
                return 0
        size = min(len(target), len(self._buffer))
        target[:size] = self._buffer[:size]
        self._buffer = self._buffer[size:]
        return size


class BackupService:
    def __init__(self, home: Path, database_url: str, clock: Callable[[], datetime]) -> None:
        self.home = home
        self.database_url = database_url
        self.clock = clock

    def _database(self) -> Path:
        prefix = "sqlite:///"
        if not self.database_url.startswith(prefix):
            raise InvalidInput(
                "this home's database is not SQLite: back it up with pg_dump",
                hint="artproof backup covers a home on the embedded default (SQLite)",
            )
        return Path(self.database_url[len(prefix) :])

    def create(self, output: Path, passphrase: str, *, force: bool = False) -> BackupCheck:
        """Write the encrypted backup of the whole home to ``output`` (staged, then moved into place)."""
        check_output(output, force=force)
        database = self._database()
        listing: dict[str, dict[str, object]] = {}
        total = 0
        with tempfile.TemporaryDirectory(dir=output.parent, prefix=".backup-") as work:
            snapshot = Path(work) / DATABASE
            tables = _snapshot(database, snapshot) if database.exists() else {}
            archive = Path(work) / "home.tar"
            with tarfile.open(archive, "w", format=tarfile.PAX_FORMAT) as tar:
                members = [(snapshot, DATABASE)] if snapshot.exists() else []
                for path in sorted(self.home.rglob("*")):
                    relative = path.relative_to(self.home).as_posix()
                    if path.is_file() and not path.is_symlink() and relative not in SKIP and ".staging" not in relative:
                        members.append((path, relative))
                for path, name in members:
                    digest, size = _hash(path)
                    listing[name] = {"sha256": digest, "bytes": size, "mode": path.stat().st_mode & 0o777}
                    total += size
                    tar.add(path, arcname=name, recursive=False)
                made = self.clock().isoformat()
                index = json.dumps({"files": listing, "tables": tables, "created_at": made}, indent=1).encode()
                info = tarfile.TarInfo(LISTING)
                info.size = len(index)
                tar.addfile(info, io.BytesIO(index))
            staged = stage(output, b"", mode=0o600)
            try:
                with archive.open("rb") as source, staged.open("wb") as sink:
                    encrypt_stream(source, sink, passphrase, {"created_at": made, "files": len(listing)})
                    sink.flush()
                    os.fsync(sink.fileno())
            except OSError as exc:
                discard(staged)
                raise StorageError("the backup could not be written", value=str(exc)[:120]) from None
            place(staged, output)
        return BackupCheck(file=str(output), created_at=made, files=len(listing), bytes=total, tables=tables)

    def verify(self, path: Path, passphrase: str) -> BackupCheck:
        """Decrypt and re-hash every member (nothing written)."""
        return self._read(path, passphrase, None)

    def restore(self, path: Path, passphrase: str) -> BackupCheck:
        """Restore into this home, which must be empty; it appears only once everything checked."""
        if self.home.exists() and any(self.home.iterdir()):
            raise InvalidInput(
                "the home to restore into is not empty", value=str(self.home),
                hint="set ARTPROOF_HOME to a new folder (nothing is overwritten)",
            )  # fmt: skip
        self.home.parent.mkdir(parents=True, exist_ok=True)
        target = Path(tempfile.mkdtemp(dir=self.home.parent, prefix=f".{self.home.name}.restoring-"))
        try:
            checked = self._read(path, passphrase, target)
            database = self._database()
            if (target / DATABASE).exists() and database.parent != self.home:
                raise InvalidInput("ARTPROOF_DATABASE_URL points outside the home", hint="restore into a default home")
            if self.home.exists():
                self.home.rmdir()
            target.rename(self.home)
        except BaseException:
            shutil.rmtree(target, ignore_errors=True)
            raise
        return checked.model_copy(update={"home": str(self.home)})

    def _read(self, path: Path, passphrase: str, target: Path | None) -> BackupCheck:
        try:
            handle = path.open("rb")
        except OSError as exc:
            raise InvalidInput(
                "cannot read the backup", value=str(path), hint=exc.strerror or "check the path"
            ) from None
        with handle:
            facts, chunks = decrypt_stream(handle, passphrase)
            seen: dict[str, tuple[str, int]] = {}
            listing: dict[str, object] | None = None
            try:
                with tarfile.open(fileobj=io.BufferedReader(_Chunks(chunks), 1 << 20), mode="r|") as tar:
                    for member in tar:
                        name = _safe(member)
                        source = tar.extractfile(member)
                        assert source is not None
                        if name == LISTING:
                            listing = json.loads(source.read(10_000_000))
                            continue
                        digest, size = _copy(source, target / name if target is not None else None)
                        seen[name] = (digest, size)
            except tarfile.TarError as exc:
                raise IntegrityError("the backup's archive is damaged", value=str(exc)[:120]) from None
        if not isinstance(listing, dict):
            raise IntegrityError("the backup has no listing of its files", hint="use another copy")
        files: dict[str, dict[str, object]] = listing.get("files") or {}  # type: ignore[assignment]
        for name, want in files.items():
            if seen.get(name) != (want.get("sha256"), want.get("bytes")):
                raise IntegrityError("a file in the backup is missing or differs from its listing", value=name)
            if target is not None:
                os.chmod(target / name, int(str(want.get("mode", 0o600))) & 0o777)
        if set(seen) - set(files):
            raise IntegrityError("the backup holds files it does not list", value=sorted(set(seen) - set(files))[0])
        return BackupCheck(
            file=str(path), created_at=str(facts.get("created_at") or listing.get("created_at")),
            files=len(files), bytes=sum(int(str(f.get("bytes", 0))) for f in files.values()),
            tables=dict(listing.get("tables") or {}),  # type: ignore[call-overload]
        )  # fmt: skip


def _snapshot(database: Path, target: Path) -> dict[str, int]:
    """A consistent copy of the SQLite database (online backup API) and its tables' row counts."""
    source = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
        names = [r[0] for r in copy.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        return {name: int(copy.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0]) for name in names}
    finally:
        copy.close()
        source.close()


def _hash(path: Path) -> tuple[str, int]:
    h, size = hashlib.sha256(), 0
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
            size += len(block)
    return "sha256:" + h.hexdigest(), size


def _safe(member: tarfile.TarInfo) -> str:
    name = member.name
    pure = PurePosixPath(name)
    if not member.isfile() or pure.is_absolute() or ".." in pure.parts or "\\" in name or not name:
        raise IntegrityError("the backup holds an unsafe entry", value=name[:120], hint="do not restore this file")
    return pure.as_posix()


def _copy(source: IO[bytes], target: Path | None) -> tuple[str, int]:
    h, size = hashlib.sha256(), 0
    sink = None
    if target is not None:
        target.parent.mkdir(parents=True, exist_ok=True)
        sink = target.open("wb")
    try:
        for block in iter(lambda: source.read(1 << 20), b""):
            h.update(block)
            size += len(block)
            if sink is not None:
                sink.write(block)
    finally:
        if sink is not None:
            sink.close()
    return "sha256:" + h.hexdigest(), size
