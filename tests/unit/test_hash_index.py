"""The near-duplicate index: exact within 8 bits, and the nearest few beyond it by a full scan."""

from __future__ import annotations

import numpy as np

from artproof.fingerprint.index import HashIndex


def _flip(code: str, bits: list[int]) -> str:
    value = int(code, 16)
    for bit in bits:
        value ^= 1 << bit
    return f"{value:016x}"


def test_nearest_finds_what_the_multi_hash_does_not_promise() -> None:
    rng = np.random.default_rng(3)
    codes = [f"{int(v):016x}" for v in rng.integers(0, 2**63, size=500, dtype=np.int64)]
    index = HashIndex()
    index.add(list(range(500)), np.frombuffer(b"".join(bytes.fromhex(c) for c in codes), np.uint8).reshape(-1, 8))
    index.add([999], np.frombuffer(bytes.fromhex(codes[7]), np.uint8).reshape(-1, 8))  # added later: scanned too
    query = _flip(codes[42], list(range(0, 56, 4)))  # 14 bits away: beyond the guaranteed radius
    assert index.search(_flip(codes[42], [1, 2, 3]), 8)[0] == (42, 3)
    assert (42, 14) in index.nearest(query, 16, 3)
    assert index.nearest(query, 10, 3) == []  # nothing within 10 bits: none is invented
    assert index.nearest(codes[7], 0, 2) == [(7, 0), (999, 0)]
