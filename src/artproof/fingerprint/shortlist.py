"""The shortlist for local features: which few registered pictures share keypoints with a copy.

Matching a copy's keypoints against every registered picture would cost milliseconds per picture;
at a million works that is an hour. The shortlist is a FAISS index over every registered picture's
indexed descriptors (256 each): each of the copy's descriptors finds its two nearest stored
descriptors, and each neighbour within :data:`VOTE_RADIUS` bits votes for its picture, weighted by
how close it is. The pictures with most votes are the shortlist; their keypoints are then matched
and a homography fitted (:func:`artproof.fingerprint.features.locate`).

Why nearest neighbours and not visual words: a corner seen again in a photograph or a screenshot
keeps its descriptor only to 20-60 bits of 256, and words made by hashing bits (LSH, tried first)
split such pairs: on 40 pictures the right one was among the first six for 72-85 % of photographs,
screenshots and quarter details by 3x20-bit words (multi-probe made it worse), and for 90-95 % by
nearest neighbours (benchmarks/RESULTS.md, "Real-world copies").

Small registries use an exact index (``IndexBinaryFlat``); past :data:`FLAT_LIMIT` descriptors an
inverted file (``IndexBinaryIVF``) whose cells are centred on descriptors sampled evenly from the
registry itself (no training run, no vocabulary to ship: the same pictures give the same index),
rebuilt as the registry quadruples, searched in :data:`NPROBE` cells.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = ["FLAT_LIMIT", "NEIGHBOURS", "NPROBE", "VOTE_RADIUS", "Shortlist", "cells_for"]

VOTE_RADIUS = 64  # bits: a neighbour further than this is chance (unrelated ORB descriptors differ by ~128)
NEIGHBOURS = 2
FLAT_LIMIT = 1 << 17  # descriptors (512 pictures) searched exactly; beyond, an inverted file
NPROBE = 8


def cells_for(count: int, spread: int = 4) -> int:
    """Inverted-file cells for ``count`` descriptors: a power of two near ``spread`` sqrt(count)."""
    return 1 << max(8, int(np.ceil(np.log2(spread * np.sqrt(max(count, 1))))))


class Shortlist:
    """Picture numbers (dense, 0..n-1) by their descriptors; the caller maps them to its own ids."""

    def __init__(self) -> None:
        import faiss  # loaded on first use: the CLI starts faster without it

        self._faiss = faiss
        self._codes: list[NDArray[np.uint8]] = []
        self._owner = np.zeros(0, dtype=np.int32)
        self._index: Any = faiss.IndexBinaryFlat(256)
        self._built_at = 0  # descriptors when the inverted file was last laid out (0: exact index)
        self.count = 0
        self.size = 0  # descriptors held

    def add(self, descriptor_sets: Sequence[NDArray[np.uint8]]) -> None:
        """Add pictures (one descriptor set each), numbered from the current count on."""
        codes = [np.ascontiguousarray(d, dtype=np.uint8) for d in descriptor_sets]
        owners = [np.full(len(d), self.count + n, dtype=np.int32) for n, d in enumerate(codes)]
        self.count += len(codes)
        fresh = np.concatenate(codes) if codes else np.zeros((0, 32), np.uint8)
        if not len(fresh):
            return
        self._codes.append(fresh)
        if self.size + len(fresh) > len(self._owner):  # grown by doubling: a registration does not copy it all
            grown = np.zeros(max(2 * len(self._owner), self.size + len(fresh)), dtype=np.int32)
            grown[: self.size] = self._owner[: self.size]
            self._owner = grown
        self._owner[self.size : self.size + len(fresh)] = np.concatenate(owners)
        self.size += len(fresh)
        if self.size > FLAT_LIMIT and self.size >= 4 * self._built_at:
            self._lay_out()
        else:
            self._index.add(fresh)

    def _lay_out(self) -> None:
        """(Re)build the inverted file over every descriptor, its cells centred on an even sample of them."""
        faiss = self._faiss
        every = np.concatenate(self._codes)
        self._codes = [every]
        cells = cells_for(len(every))
        centres = every[np.linspace(0, len(every) - 1, cells).astype(np.int64)]
        quantizer = faiss.IndexBinaryFlat(256)
        quantizer.add(np.ascontiguousarray(centres))
        index = faiss.IndexBinaryIVF(quantizer, 256, cells)
        index.is_trained = True
        index.nprobe = NPROBE
        index.add(every)
        self._quantizer = quantizer  # the index refers to it: keep it alive
        self._index, self._built_at = index, len(every)

    def search(self, descriptors: NDArray[np.uint8], k: int = 8) -> list[tuple[int, float]]:
        """The ``k`` pictures with the most (closeness-weighted) neighbour votes, (number, score), best first."""
        if not self.size or not len(descriptors):
            return []
        distances, labels = self._index.search(np.ascontiguousarray(descriptors, dtype=np.uint8), NEIGHBOURS)
        near = (labels >= 0) & (distances <= VOTE_RADIUS)
        if not near.any():
            return []
        weights = 1.0 - distances[near] / (VOTE_RADIUS + 1)
        # votes summed over the few pictures that got any (a dense count over a million pictures cost 10 ms)
        voted, which = np.unique(self._owner[labels[near]], return_inverse=True)
        scores = np.bincount(which.ravel(), weights=weights)
        top = np.argpartition(-scores, min(k, len(scores) - 1))[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(int(voted[i]), float(scores[i])) for i in top if scores[i] > 0]
