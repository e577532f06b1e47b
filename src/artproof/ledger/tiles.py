"""C2SP tlog-tiles: the log as static files a plain web server or CDN can mirror.

``tile/<L>/<N>`` holds 256 hashes (8 KiB) of the tree's level 8*L, nodes
N*256..N*256+255; the rightmost tile of a level is partial (``.p/<W>``, W
hashes). ``tile/entries/<N>`` bundles 256 entries, each a big-endian uint16
length and its bytes. ``checkpoint`` is the signed checkpoint. N is written in
groups of three digits, all but the last prefixed with ``x`` (1234067 ->
x001/x234/067). :class:`TileReader` reads such a tree back (from a folder or
a URL) and answers any perfect subtree's hash, so a witness can build proofs.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from pathlib import Path

from artproof.errors import IntegrityError, NotFound
from artproof.ledger.checkpoint import Checkpoint, parse_note
from artproof.ledger.log import Ledger, fold
from artproof.ledger.merkle import node_hash, range_nodes
from artproof.store.files import atomic_write

__all__ = ["TileReader", "export_tiles", "tile_path"]

TILE = 256
HEIGHT = 8


def tile_index(n: int) -> str:
    groups = []
    while True:
        groups.append(f"{n % 1000:03d}")
        n //= 1000
        if n == 0:
            break
    groups.reverse()
    return "/".join([*(f"x{g}" for g in groups[:-1]), groups[-1]])


def tile_path(level: int | str, n: int, width: int) -> str:
    suffix = f".p/{width}" if width < TILE else ""
    return f"tile/{level}/{tile_index(n)}{suffix}"


def export_tiles(ledger: Ledger, directory: Path) -> dict[str, int]:
    """Write every tile, entry bundle and the latest checkpoint for the current size."""
    note = ledger.checkpoint()
    if note is None:
        raise NotFound("the ledger is empty", hint="register a work first")
    size = Checkpoint.parse_body(parse_note(note).body).size
    written = {"tiles": 0, "entry_bundles": 0}
    level = 0
    while (size >> (HEIGHT * level)) > 0:
        count = size >> (HEIGHT * level)  # complete nodes at tree level 8*level
        for n in range((count + TILE - 1) // TILE):
            start, stop = n * TILE, min(count, (n + 1) * TILE)
            hashes = ledger.level_hashes(HEIGHT * level, start, stop)
            atomic_write(directory / tile_path(level, n, stop - start), b"".join(hashes))
            written["tiles"] += 1
        level += 1
    for n in range((size + TILE - 1) // TILE):
        start, stop = n * TILE, min(size, (n + 1) * TILE)
        bundle = b"".join(struct.pack(">H", len(e)) + e for e in ledger.entries(start, stop))
        atomic_write(directory / tile_path("entries", n, stop - start), bundle)
        written["entry_bundles"] += 1
    atomic_write(directory / "checkpoint", note.encode("utf-8"))
    return written


class TileReader:
    """Reads a tiled log through ``fetch(relative_path) -> bytes`` for a tree of ``size`` leaves."""

    def __init__(self, fetch: Callable[[str], bytes], size: int) -> None:
        self.fetch = fetch
        self.size = size
        self._cache: dict[tuple[int, int], list[bytes]] = {}

    def _tile(self, level: int, n: int) -> list[bytes]:
        if (level, n) not in self._cache:
            count = self.size >> (HEIGHT * level)
            width = min(TILE, count - n * TILE)
            if width <= 0:
                raise IntegrityError("a tile was asked for beyond the tree", value=f"{level}/{n}")
            data = self.fetch(tile_path(level, n, width))
            if len(data) != 32 * width:
                raise IntegrityError("a tile has the wrong length", value=tile_path(level, n, width))
            self._cache[(level, n)] = [data[i : i + 32] for i in range(0, len(data), 32)]
        return self._cache[(level, n)]

    def node(self, level: int, idx: int) -> bytes:
        """Hash of the perfect subtree at (level, idx), folded from the tile below it."""
        tile_level, height = divmod(level, HEIGHT)
        first = idx << height  # its leftmost node at tree level 8*tile_level
        tile = self._tile(tile_level, first // TILE)
        layer = tile[first % TILE : first % TILE + (1 << height)]
        while len(layer) > 1:
            layer = [node_hash(layer[i], layer[i + 1]) for i in range(0, len(layer), 2)]
        return layer[0]

    def hash_range(self, lo: int, hi: int) -> bytes:
        return fold([self.node(level, idx) for level, idx in range_nodes(lo, hi)])

    def entries(self, n: int) -> list[bytes]:
        width = min(TILE, self.size - n * TILE)
        data = self.fetch(tile_path("entries", n, width))
        out, pos = [], 0
        while pos < len(data):
            (length,) = struct.unpack(">H", data[pos : pos + 2])
            out.append(data[pos + 2 : pos + 2 + length])
            pos += 2 + length
        return out
