"""The published registry mirror: the log as static files any plain file server or CDN can serve.

Layout (docs/formats.md specifies it)::

    checkpoint            the latest signed checkpoint, with the witness cosignatures the log holds for it
    tile/<L>/<N>[.p/<W>]  C2SP tlog-tiles hash tiles
    tile/entries/<N>...   C2SP entry bundles (each entry a big-endian uint16 length and its canonical JSON)
    log.pub               the log's note verifier key (origin+key id+Ed25519 key)
    ca.pem                the CA that issues the artists' Content Credentials certificates
    keys/<key id>.json    the public keys of the artists whose home published the mirror
    mirror.json           what was published: format, origin, size, time (unsigned, informative)

Publishing is incremental: full tiles and entry bundles never change once written, so only
the partial right edge and the files after the previous size are written again. Nothing but
the signed entries reaches the mirror: clear names, e-mail addresses and prices stay in the
store as the openings of the entries' commitments (and ``ledger forget`` erases those).

Reading (:class:`Mirror`) trusts nothing unsigned: the whole log is re-hashed from its entry
bundles and must reproduce the root that the checkpoint signs, so an edition's status comes
from the log's own entries, never from an index file.
"""

from __future__ import annotations

import json
import struct
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from artproof.errors import IntegrityError, InvalidInput, NotFound
from artproof.ledger.checkpoint import (
    Checkpoint,
    NoteVerifier,
    SignedNote,
    parse_note,
    verify_checkpoint,
    verify_cosignature,
)
from artproof.ledger.entries import parse_entry
from artproof.ledger.keys import KeyHistory
from artproof.ledger.log import Ledger
from artproof.ledger.merkle import leaf_hash, mth
from artproof.ledger.tiles import HEIGHT, TILE, tile_path
from artproof.store.files import atomic_write

__all__ = ["MIRROR_FORMAT", "Mirror", "PublishResult", "publish"]

MIRROR_FORMAT = "artproof.mirror/1"


@dataclass(frozen=True, slots=True)
class PublishResult:
    directory: str
    origin: str
    size: int
    previous_size: int
    tiles_written: int
    bundles_written: int
    cosignatures: int


def _with_cosignatures(note: str, cosigned: list[str]) -> str:
    """The checkpoint with every witness cosignature line the log keeps for it (same body)."""
    base = parse_note(note)
    signatures = list(base.signatures)
    for text in cosigned:
        other = parse_note(text)
        if other.body != base.body:
            continue
        signatures += [s for s in other.signatures if s not in signatures]
    return SignedNote(base.body, signatures).text()


def publish(
    ledger: Ledger,
    directory: Path,
    *,
    log_key: NoteVerifier,
    ca_pem: str | None,
    public_keys: dict[str, dict[str, Any]],
    published_at: str,
    progress: Callable[[float], None] | None = None,
) -> PublishResult:
    """Write (or bring up to date) the static mirror of the log in ``directory``.

    ``progress`` hears the fraction done: hash tiles are the first half, entry bundles the second.
    """
    tick = progress or (lambda _fraction: None)
    if directory.exists() and not directory.is_dir():
        raise InvalidInput("the mirror must be a folder", value=str(directory), hint="name a folder")
    note = ledger.checkpoint()
    if note is None:
        raise NotFound("the ledger is empty: there is nothing to publish", hint="register a work first")
    checkpoint = Checkpoint.parse_body(parse_note(note).body)
    size = checkpoint.size
    previous = 0
    state = directory / "mirror.json"
    if state.exists():
        try:
            old = json.loads(state.read_text())
            previous = int(old["size"]) if old.get("origin") == checkpoint.origin else 0
        except (OSError, ValueError, KeyError, TypeError):
            previous = 0
    tiles = bundles = 0
    level = 0
    while (size >> (HEIGHT * level)) > 0:
        count = size >> (HEIGHT * level)  # complete nodes at tree level 8*level
        already = previous >> (HEIGHT * level)
        for n in range(already // TILE, (count + TILE - 1) // TILE):
            start, stop = n * TILE, min(count, (n + 1) * TILE)
            target = directory / tile_path(level, n, stop - start)
            if stop - start == TILE and target.exists() and target.stat().st_size == 32 * TILE:
                continue
            atomic_write(target, b"".join(ledger.level_hashes(HEIGHT * level, start, stop)))
            tiles += 1
            if level == 0:
                tick(0.5 * (n + 1) / max(1, (count + TILE - 1) // TILE))
        level += 1
    for n in range(previous // TILE, (size + TILE - 1) // TILE):
        start, stop = n * TILE, min(size, (n + 1) * TILE)
        target = directory / tile_path("entries", n, stop - start)
        if stop - start == TILE and target.exists():
            continue
        atomic_write(target, b"".join(struct.pack(">H", len(e)) + e for e in ledger.entries(start, stop)))
        bundles += 1
        tick(0.5 + 0.5 * (n + 1) / max(1, (size + TILE - 1) // TILE))
    cosigned = ledger.cosignatures(size)
    text = _with_cosignatures(note, cosigned)
    atomic_write(directory / "log.pub", (log_key.vkey() + "\n").encode())
    if ca_pem:
        atomic_write(directory / "ca.pem", ca_pem.encode())
    for key_id, public in public_keys.items():
        atomic_write(directory / "keys" / f"{key_id}.json", (json.dumps(public, sort_keys=True) + "\n").encode())
    atomic_write(directory / "checkpoint", text.encode("utf-8"))  # last: a reader never sees tiles it lacks
    record = {"format": MIRROR_FORMAT, "origin": checkpoint.origin, "size": size, "published_at": published_at}
    atomic_write(state, (json.dumps(record, indent=2) + "\n").encode())
    return PublishResult(
        directory=str(directory),
        origin=checkpoint.origin,
        size=size,
        previous_size=previous,
        tiles_written=tiles,
        bundles_written=bundles,
        cosignatures=len(parse_note(text).signatures) - 1,
    )


class Mirror:
    """A published mirror read through ``fetch(relative_path) -> bytes`` (a folder or an http(s) URL)."""

    def __init__(self, source: str, fetch: Callable[[str], bytes]) -> None:
        self.source = source
        self.fetch = fetch
        self._entries: list[bytes] | None = None
        self._leaves: list[bytes] | None = None
        self.checkpoint: Checkpoint | None = None
        self.note: str | None = None

    def log_key_text(self) -> str | None:
        try:
            return self.fetch("log.pub").decode("utf-8").strip()
        except NotFound:
            return None

    def ca_pem(self) -> str | None:
        try:
            return self.fetch("ca.pem").decode("utf-8")
        except NotFound:
            return None

    def latest(self, log: NoteVerifier) -> Checkpoint:
        """The mirror's checkpoint, its signature checked with the log's key (read once per reader, so every
        answer this reader gives is about the same tree)."""
        if self.checkpoint is None or self.note is None:
            self.note = self.fetch("checkpoint").decode("utf-8")
            self.checkpoint = verify_checkpoint(self.note, log)
        else:
            verify_checkpoint(self.note, log)
        return self.checkpoint

    def witnesses(self, known: list[bytes]) -> tuple[list[str], list[str]]:
        """(every witness named on the checkpoint, those whose cosignature verifies with a ``known`` key)."""
        if self.note is None or self.checkpoint is None:
            return [], []
        names = [name for name, _ in parse_note(self.note).signatures if name != self.checkpoint.origin]
        verified = []
        for name in names:
            for raw in known:
                try:
                    verify_cosignature(self.note, name, raw)
                except IntegrityError:
                    continue
                verified.append(name)
                break
        return names, verified

    def entries(self, log: NoteVerifier) -> list[bytes]:
        """Every entry of the log, proved: their leaf hashes must fold into the signed root."""
        if self._entries is not None:
            return self._entries
        checkpoint = self.checkpoint or self.latest(log)
        entries: list[bytes] = []
        for n in range((checkpoint.size + TILE - 1) // TILE):
            width = min(TILE, checkpoint.size - n * TILE)
            data, pos = self.fetch(tile_path("entries", n, width)), 0
            while pos < len(data):
                if pos + 2 > len(data):
                    raise IntegrityError(
                        "an entry bundle of the mirror is truncated", value=tile_path("entries", n, width)
                    )
                (length,) = struct.unpack(">H", data[pos : pos + 2])
                entries.append(data[pos + 2 : pos + 2 + length])
                pos += 2 + length
        if len(entries) != checkpoint.size:
            raise IntegrityError(
                "the mirror's entry bundles do not hold as many entries as its checkpoint says",
                value=f"{len(entries)} != {checkpoint.size}",
            )
        leaves = [leaf_hash(e) for e in entries]
        if mth(leaves) != checkpoint.root:
            raise IntegrityError(
                "the mirror's entries do not reproduce the root its checkpoint signs: the mirror was altered",
                value=self.source,
            )
        self._entries, self._leaves = entries, leaves
        return entries

    def root_at(self, size: int, log: NoteVerifier) -> bytes:
        """The root of the log's first ``size`` entries, from the proved entries (consistency with older views)."""
        self.entries(log)
        assert self._leaves is not None
        if size > len(self._leaves):
            raise IntegrityError(
                "the certificate's checkpoint is newer than the mirror: the mirror is out of date",
                value=f"{size} > {len(self._leaves)}",
                hint="publish the mirror again, or use a fresher one",
            )
        return mth(self._leaves[:size])

    def key_history(self, log: NoteVerifier) -> KeyHistory:
        """Key successions and revocations, from the proved entries."""
        return KeyHistory.of(
            (index, parse_entry(data)) for index, data in enumerate(self.entries(log)) if b'"key.' in data
        )

    def about(self, edition_id: str, log: NoteVerifier) -> list[tuple[int, Any]]:
        """(index, parsed entry) of every entry about an edition, oldest first; signatures checked."""
        found = []
        needle = edition_id.encode("ascii")
        for index, data in enumerate(self.entries(log)):
            if needle not in data:
                continue
            entry = parse_entry(data)
            if entry.payload.get("subject", {}).get("edition_id") == edition_id:
                found.append((index, entry))
        return found
