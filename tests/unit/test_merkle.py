"""RFC 9162 hashing and proofs: the transparency-dev vectors, then properties over random trees."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from artproof.ledger.merkle import (
    EMPTY_ROOT,
    ProofError,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    mth,
    node_hash,
    range_nodes,
    verify_consistency,
    verify_inclusion,
)

LEAVES = [
    bytes.fromhex(h)
    for h in ("", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f")
]
ROOTS = [
    bytes.fromhex(h)
    for h in (
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    )
]
H = bytes.fromhex
INCLUSION = [  # (index, size, proof): transparency-dev/merkle proof/verify_test.go (1-based leaf there)
    (
        0,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        5,
        8,
        [
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (
        1,
        5,
        [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
    (0, 1, []),
]
CONSISTENCY = [
    (1, 1, []),
    (
        1,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        6,
        8,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        2,
        5,
        [
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
    (
        6,
        7,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
]


def hashes_of(leaves: list[bytes]) -> list[bytes]:
    return [leaf_hash(x) for x in leaves]


def ranger(hashes: list[bytes]):  # type: ignore[no-untyped-def]
    return lambda lo, hi: mth(hashes[lo:hi])


def test_empty_tree_and_vector_roots() -> None:
    assert mth([]) == EMPTY_ROOT == H("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    hashes = hashes_of(LEAVES)
    for size, root in enumerate(ROOTS, start=1):
        assert mth(hashes[:size]) == root


@pytest.mark.parametrize(("index", "size", "proof"), INCLUSION)
def test_inclusion_vectors(index: int, size: int, proof: list[str]) -> None:
    hashes = hashes_of(LEAVES)
    expected = [H(p) for p in proof]
    assert inclusion_proof(index, size, ranger(hashes)) == expected
    verify_inclusion(index, size, hashes[index], expected, ROOTS[size - 1])


@pytest.mark.parametrize(("old", "new", "proof"), CONSISTENCY)
def test_consistency_vectors(old: int, new: int, proof: list[str]) -> None:
    hashes = hashes_of(LEAVES)
    expected = [H(p) for p in proof]
    assert consistency_proof(old, new, ranger(hashes)) == expected
    verify_consistency(old, new, ROOTS[old - 1], ROOTS[new - 1], expected)


@pytest.mark.parametrize(("index", "size", "proof"), INCLUSION[:4])
def test_corrupted_inclusion_proofs_fail(index: int, size: int, proof: list[str]) -> None:
    hashes = hashes_of(LEAVES)
    good, root, leaf = [H(p) for p in proof], ROOTS[size - 1], hashes[index]
    some = H("abacaba000000000000000000000000000000000000000000060061e00123456")
    probes = [
        (index - 1, size, leaf, good, root),
        (index + 1, size, leaf, good, root),
        (index ^ 2, size, leaf, good, root),
        (index, size * 2, leaf, good, root),
        (index, size // 2, leaf, good, root),
        (index, size, leaf_hash(b"WrongLeaf"), good, root),
        (index, size, leaf, good, EMPTY_ROOT),
        (index, size, leaf, good, some),
        (index, size, leaf, [*good, root], root),
        (index, size, leaf, [root, *good], root),
        (index, size, leaf, good[:-1], root),
        (index, size, leaf, [good[0], some, *good[1:]], root),
    ]
    for i in range(len(good)):
        flipped = list(good)
        flipped[i] = bytes([flipped[i][0] ^ 8]) + flipped[i][1:]
        probes.append((index, size, leaf, flipped, root))
    for i, (idx, sz, lf, pr, rt) in enumerate(probes):
        if idx < 0:
            continue
        with pytest.raises(ProofError):
            verify_inclusion(idx, sz, lf, pr, rt)
            pytest.fail(f"probe {i} verified")


@pytest.mark.parametrize(("old", "new", "proof"), CONSISTENCY[1:])
def test_corrupted_consistency_proofs_fail(old: int, new: int, proof: list[str]) -> None:
    good, r1, r2 = [H(p) for p in proof], ROOTS[old - 1], ROOTS[new - 1]
    probes = [
        (old - 1, new, r1, r2, good),
        (old + 1, new, r1, r2, good),
        (old ^ 2, new, r1, r2, good),
        (old, new * 2, r1, r2, good),
        (old, new // 2, r1, r2, good),
        (old, new, leaf_hash(b"x"), r2, good),
        (old, new, r1, leaf_hash(b"x"), good),
        (old, new, r2, r1, good),
        (old, new, r1, r2, []),
        (old, new, r1, r2, [*good, r1]),
        (old, new, r1, r2, [r2, *good]),
        (old, new, r1, r2, good[:-1]),
    ]
    for i in range(len(good)):
        flipped = list(good)
        flipped[i] = bytes([flipped[i][0] ^ 16]) + flipped[i][1:]
        probes.append((old, new, r1, r2, flipped))
    for o, n, a, b, pr in probes:
        if o <= 0 or o == n:
            continue
        with pytest.raises(ProofError):
            verify_consistency(o, n, a, b, pr)


def test_rollback_and_fork_are_named() -> None:
    with pytest.raises(ProofError, match="back in time"):
        verify_consistency(5, 4, ROOTS[4], ROOTS[3], [])
    with pytest.raises(ProofError, match="forked"):
        verify_consistency(4, 4, ROOTS[3], ROOTS[2], [])


def test_range_nodes_fold_to_mth() -> None:
    hashes = [leaf_hash(i.to_bytes(4, "big")) for i in range(100)]
    for lo, hi in [(0, 100), (64, 100), (96, 100), (0, 1), (0, 64), (32, 45)]:
        nodes = range_nodes(lo, hi)
        values = [mth(hashes[i << lvl : (i + 1) << lvl]) for lvl, i in nodes]
        acc = values[-1]
        for v in reversed(values[:-1]):
            acc = node_hash(v, acc)
        assert acc == mth(hashes[lo:hi])


@settings(max_examples=40, deadline=None)
@given(size=st.integers(1, 3000), data=st.data())
def test_every_inclusion_proof_verifies_and_any_flipped_bit_fails(size: int, data: st.DataObject) -> None:
    hashes = [leaf_hash(i.to_bytes(4, "big")) for i in range(size)]
    # A prefix-sum cache of subtree hashes keeps this fast for thousands of leaves.
    cache: dict[tuple[int, int], bytes] = {}

    def hr(lo: int, hi: int) -> bytes:
        if (lo, hi) not in cache:
            cache[(lo, hi)] = mth(hashes[lo:hi])
        return cache[(lo, hi)]

    root = mth(hashes)
    indices = range(size) if size <= 300 else data.draw(st.lists(st.integers(0, size - 1), min_size=50, max_size=50))
    for index in indices:
        proof = inclusion_proof(index, size, hr)
        assert len(proof) <= max(1, (size - 1).bit_length())
        verify_inclusion(index, size, hashes[index], proof, root)
    index = data.draw(st.integers(0, size - 1))
    proof = inclusion_proof(index, size, hr)
    if proof:
        which = data.draw(st.integers(0, len(proof) - 1))
        bit = data.draw(st.integers(0, 255))
        bad = list(proof)
        bad[which] = (int.from_bytes(bad[which], "big") ^ (1 << bit)).to_bytes(32, "big")
        with pytest.raises(ProofError):
            verify_inclusion(index, size, hashes[index], bad, root)


@settings(max_examples=40, deadline=None)
@given(new=st.integers(1, 3000), data=st.data())
def test_consistency_proofs_verify_between_any_sizes(new: int, data: st.DataObject) -> None:
    hashes = [leaf_hash(i.to_bytes(4, "big")) for i in range(new)]
    old = data.draw(st.integers(1, new))
    proof = consistency_proof(old, new, ranger(hashes))
    verify_consistency(old, new, mth(hashes[:old]), mth(hashes), proof)
    if proof:
        which = data.draw(st.integers(0, len(proof) - 1))
        bad = list(proof)
        bad[which] = bytes([bad[which][0] ^ 1]) + bad[which][1:]
        with pytest.raises(ProofError):
            verify_consistency(old, new, mth(hashes[:old]), mth(hashes), bad)
