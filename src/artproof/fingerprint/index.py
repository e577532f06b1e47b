"""The near-duplicate index: FAISS binary multi-hash over 64-bit pHashes.

``IndexBinaryMultiHash(64, 3, 21)`` hashes each code by three 21-bit keys;
with up to two bit flips per key probed, every stored code within 8 bits of
the query is found (if 8 or fewer bits differ, one of the three keys differs in
at most two), in 2.5 ms per query at 10 million codes where four 16-bit keys
with two flips took 120 ms (benchmarks/fingerprint.py).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

__all__ = ["GUARANTEED_RADIUS", "HashIndex", "to_codes"]

GUARANTEED_RADIUS = 8


def to_codes(hexes: Sequence[str]) -> NDArray[np.uint8]:
    return np.frombuffer(b"".join(bytes.fromhex(h) for h in hexes), dtype=np.uint8).reshape(-1, 8)


class HashIndex:
    def __init__(self) -> None:
        import faiss  # loaded on first use: the CLI starts faster without it

        self._faiss = faiss
        self.index = faiss.IndexBinaryMultiHash(64, 3, 21)
        self.index.nflip = 2
        self.ids: list[int] = []
        self._codes: list[NDArray[np.uint8]] = []

    def __len__(self) -> int:
        return len(self.ids)

    def add(self, ids: Sequence[int], codes: NDArray[np.uint8]) -> None:
        if len(ids):
            self.index.add(np.ascontiguousarray(codes))
            self.ids.extend(ids)
            self._codes.append(np.ascontiguousarray(codes))

    def search(self, code: str, radius: int = GUARANTEED_RADIUS) -> list[tuple[int, int]]:
        """(id, distance) of every stored code within ``radius`` bits (at most 8 is guaranteed), nearest first."""
        if not self.ids:
            return []
        limits, distances, labels = self.index.range_search(to_codes([code]), radius + 1)
        found = [
            (self.ids[int(label)], int(d)) for label, d in zip(labels[: limits[1]], distances[: limits[1]], strict=True)
        ]
        return sorted(found, key=lambda pair: pair[1])

    def nearest(self, code: str, radius: int, k: int) -> list[tuple[int, int]]:
        """(id, distance) of the ``k`` stored codes nearest ``code`` within ``radius`` bits, by a full scan.

        For what the multi-hash cannot promise (beyond 8 bits): a crop of a busy picture can land
        12-16 bits from every stored crop. About 8 ms per million codes (np.bitwise_count).
        """
        if not self.ids:
            return []
        codes = self._codes[0] if len(self._codes) == 1 else np.concatenate(self._codes)
        self._codes = [codes]
        query = to_codes([code]).view(np.uint64)[0]
        distances = np.bitwise_count(codes.view(np.uint64)[:, 0] ^ query)
        order = np.argsort(distances, kind="stable")[:k]
        return [(self.ids[int(i)], int(distances[i])) for i in order if distances[i] <= radius]
