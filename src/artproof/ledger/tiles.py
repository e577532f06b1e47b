"""C2SP tlog-tiles: the log as static files a plain web server or CDN can mirror.

``tile/<L>/<N>`` holds 256 hashes (8 KiB) of the tree's level 8*L, nodes
N*256..N*256+255; the rightmost tile of a level is partial (``.p/<W>``, W
hashes). ``tile/entries/<N>`` bundles 256 entries, each a big-endian uint16
length and its bytes. ``checkpoint`` is the signed checkpoint. Writing them is
:mod:`artproof.ledger.mirror`'s job. N is written in
groups of three digits, all but the last prefixed with ``x`` (1234067 ->
x001/x234/067). :class:`TileReader` reads such a tree back (from a folder or
a URL) and answers any perfect subtree's hash, so a witness can build proofs.
"""

from __future__ import annotations

import struct
from collections.abc import Callable

from artproof.errors import IntegrityError
from artproof.ledger.log import fold
from artproof.ledger.merkle import node_hash, range_nodes

__all__ = ["HEIGHT", "TILE", "TileReader", "tile_path"]

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
