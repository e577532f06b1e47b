"""The shortlist for local features: which few registered pictures share keypoints with a copy.

Matching a copy's keypoints against every registered picture would cost milliseconds per picture;
at a million works that is an hour. The shortlist is an inverted file over visual words made by
locality-sensitive hashing of the binary descriptors: each 256-bit ORB descriptor gives
:data:`TABLES` words, each the value of :data:`BITS` fixed bit positions (drawn once, with a fixed
seed, so every installation makes the same words and no vocabulary has to be trained or shipped).
Two descriptors of the same corner differ in 10-40 bits of 256, so they share a 16-bit word with
probability 0.1-0.5 per table; three tables and the 100-250 keypoints a copy shares with its
picture give the right picture tens of votes where an unrelated one gets a few. Votes are
weighted by inverse document frequency, and words found in more than 1 % of pictures (flat skies,
text) are skipped, as stop words are in text retrieval (Sivic and Zisserman 2003).

The postings are kept as sorted arrays (CSR: an offset per word, then picture numbers), in chunks
that are merged as they grow, so adding a picture never re-sorts the whole index.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

__all__ = ["BITS", "TABLES", "Shortlist", "words"]

TABLES = 3
BITS = 20
WORDS_PER_TABLE = 1 << BITS
MERGE_LIMIT = 1 << 26
STOP_SHARE = 0.01  # a word in more than this share of pictures says nothing (once there are 1000)
_POSITIONS = np.random.default_rng(20261202).permutation(256)[: TABLES * BITS].reshape(TABLES, BITS)
_WEIGHTS = (1 << np.arange(BITS, dtype=np.int64))[None, :]


def words(descriptors: NDArray[np.uint8]) -> NDArray[np.int64]:
    """(N, TABLES) word numbers, table t's words in [t * 2**BITS, (t + 1) * 2**BITS)."""
    bits = np.unpackbits(np.ascontiguousarray(descriptors, dtype=np.uint8), axis=1)  # (N, 256)
    out = np.empty((len(descriptors), TABLES), dtype=np.int64)
    for t in range(TABLES):
        out[:, t] = (bits[:, _POSITIONS[t]].astype(np.int64) * _WEIGHTS).sum(axis=1) + t * WORDS_PER_TABLE
    return out


class _Chunk:
    """Postings of a batch of pictures: ``offsets[w]:offsets[w+1]`` index the pictures holding word w."""

    def __init__(self, word_ids: NDArray[np.int64], pictures: NDArray[np.int32]) -> None:
        order = np.argsort(word_ids, kind="stable")
        self.pictures = pictures[order]
        counts = np.bincount(word_ids, minlength=TABLES * WORDS_PER_TABLE)
        self.counts = counts.astype(np.int32)
        self.offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        self.size = len(word_ids)


class Shortlist:
    """Picture numbers (dense, 0..n-1) by their descriptors; the caller maps them to its own ids."""

    def __init__(self) -> None:
        self._chunks: list[_Chunk] = []
        self._pending: list[tuple[NDArray[np.int64], NDArray[np.int32]]] = []
        self._document_frequency = np.zeros(TABLES * WORDS_PER_TABLE, dtype=np.int32)
        self.count = 0

    def add(self, descriptor_sets: Sequence[NDArray[np.uint8]]) -> None:
        """Add pictures (one descriptor set each), numbered from the current count on."""
        for descriptors in descriptor_sets:
            ids = np.unique(words(descriptors)) if len(descriptors) else np.zeros(0, np.int64)
            self._pending.append((ids, np.full(len(ids), self.count, dtype=np.int32)))
            self._document_frequency[ids] += 1
            self.count += 1
        self._flush(force=False)

    def add_words(self, word_ids: NDArray[np.int64], pictures: NDArray[np.int32], count: int) -> None:
        """Add prepared postings (unique words per picture) for ``count`` pictures at once (benchmarks)."""
        self._pending.append((word_ids, pictures))
        np.add.at(self._document_frequency, word_ids, 1)
        self.count += count
        self._flush(force=True)

    def _flush(self, force: bool) -> None:
        pending = sum(len(w) for w, _ in self._pending)
        if not pending or (not force and pending < 4096 and self._chunks):
            return
        word_ids = np.concatenate([w for w, _ in self._pending])
        pictures = np.concatenate([p for _, p in self._pending])
        self._pending = []
        self._chunks.append(_Chunk(word_ids, pictures))
        while (  # merge as they grow, up to MERGE_LIMIT postings a chunk (a bigger sort costs more than it saves)
            len(self._chunks) > 1
            and self._chunks[-1].size * 2 >= self._chunks[-2].size
            and self._chunks[-1].size + self._chunks[-2].size <= MERGE_LIMIT
        ):
            last, before = self._chunks.pop(), self._chunks.pop()
            self._chunks.append(_merge(before, last))

    def search(self, descriptors: NDArray[np.uint8], k: int = 8) -> list[tuple[int, float]]:
        """The ``k`` pictures with the highest idf-weighted vote, (number, score), best first."""
        self._flush(force=True)
        if not self.count or not len(descriptors):
            return []
        query = np.unique(words(descriptors))
        frequency = self._document_frequency[query]
        useful = (frequency > 0) & (frequency <= max(20, STOP_SHARE * self.count))
        query, frequency = query[useful], frequency[useful]
        if not len(query):
            return []
        idf = np.log(self.count / frequency).astype(np.float32)
        hits, weights = [], []
        for chunk in self._chunks:
            starts, ends = chunk.offsets[query], chunk.offsets[query + 1]
            lengths = ends - starts
            if not lengths.sum():
                continue
            index = np.repeat(starts - np.concatenate([[0], np.cumsum(lengths)[:-1]]), lengths) + np.arange(
                lengths.sum()
            )
            hits.append(chunk.pictures[index])
            weights.append(np.repeat(idf, lengths))
        if not hits:
            return []
        scores = np.bincount(np.concatenate(hits), weights=np.concatenate(weights), minlength=self.count)
        top = np.argpartition(-scores, min(k, len(scores) - 1))[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(int(i), float(scores[i])) for i in top if scores[i] > 0]


def _postings(chunk: _Chunk) -> tuple[NDArray[np.int64], NDArray[np.int32]]:
    """A chunk back to (word, picture) pairs."""
    word_ids = np.repeat(np.arange(len(chunk.counts), dtype=np.int64), chunk.counts)
    return word_ids, chunk.pictures


def _merge(a: _Chunk, b: _Chunk) -> _Chunk:
    wa, pa = _postings(a)
    wb, pb = _postings(b)
    return _Chunk(np.concatenate([wa, wb]), np.concatenate([pa, pb]))
