"""RFC 9162 Merkle tree hashing and proofs, pure.

Leaves hash as SHA-256(0x00 || data), interior nodes as SHA-256(0x01 || left ||
right). Proof generation takes ``hash_range(lo, hi)``, the Merkle tree hash of
leaves ``[lo, hi)``; every range it asks for starts on a boundary of its own
largest power of two, so storage can answer from stored perfect subtrees (see
:func:`range_nodes`). Verification follows RFC 9162 sections 2.1.3.2 and
2.1.4.2 step by step and says which check failed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

from artproof.errors import IntegrityError

__all__ = [
    "EMPTY_ROOT",
    "ProofError",
    "consistency_proof",
    "inclusion_proof",
    "leaf_hash",
    "mth",
    "node_hash",
    "range_nodes",
    "root_from_inclusion",
    "split_point",
    "verify_consistency",
    "verify_inclusion",
]

HashRange = Callable[[int, int], bytes]
EMPTY_ROOT = hashlib.sha256(b"").digest()


class ProofError(IntegrityError):
    """A proof does not verify; the message says which check failed."""


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def split_point(n: int) -> int:
    """The largest power of two smaller than ``n`` (n >= 2)."""
    return 1 << ((n - 1).bit_length() - 1)


def mth(leaves: Sequence[bytes]) -> bytes:
    """The Merkle tree hash of leaf hashes (not data), iteratively, in O(n)."""
    if not leaves:
        return EMPTY_ROOT
    # Fold complete subtrees on a stack: the same result as the recursive definition.
    stack: list[tuple[int, bytes]] = []  # (size, hash)
    for h in leaves:
        size, value = 1, h
        while stack and stack[-1][0] == size:
            left_size, left = stack.pop()
            size, value = left_size + size, node_hash(left, value)
        stack.append((size, value))
    _, root = stack.pop()
    while stack:
        _, left = stack.pop()
        root = node_hash(left, root)
    return root


def range_nodes(lo: int, hi: int) -> list[tuple[int, int]]:
    """The perfect subtrees ``(level, index)`` whose hashes fold (right to left) into MTH of ``[lo, hi)``.

    ``lo`` must be a multiple of the largest power of two below ``hi - lo`` (true of
    every range a proof asks for). The result has at most log2(hi - lo) + 1 entries.
    """
    nodes: list[tuple[int, int]] = []
    while hi - lo > 1 and (hi - lo) & (hi - lo - 1):  # not a power of two: split
        k = split_point(hi - lo)
        level = k.bit_length() - 1
        nodes.append((level, lo >> level))
        lo += k
    level = (hi - lo).bit_length() - 1
    nodes.append((level, lo >> level))
    return nodes


def inclusion_proof(index: int, size: int, hash_range: HashRange) -> list[bytes]:
    """PATH(index, D[size]) of RFC 9162 section 2.1.3.1, deepest sibling first."""
    if not 0 <= index < size:
        raise ProofError(f"leaf index {index} is not in a tree of size {size}")
    siblings: list[bytes] = []
    lo, hi = 0, size
    while hi - lo > 1:
        k = split_point(hi - lo)
        if index < lo + k:
            siblings.append(hash_range(lo + k, hi))
            hi = lo + k
        else:
            siblings.append(hash_range(lo, lo + k))
            lo += k
    return siblings[::-1]


def consistency_proof(old: int, new: int, hash_range: HashRange) -> list[bytes]:
    """PROOF(old, D[new]) of RFC 9162 section 2.1.4.1."""
    if not 0 <= old <= new:
        raise ProofError(f"no consistency proof from size {old} to size {new}")
    if old in (0, new):
        return []
    stack: list[bytes] = []
    lo, hi, m, complete = 0, new, old, True
    while m != hi - lo:
        k = split_point(hi - lo)
        if m <= k:
            stack.append(hash_range(lo + k, hi))
            hi = lo + k
        else:
            stack.append(hash_range(lo, lo + k))
            lo, m, complete = lo + k, m - k, False
    head = [] if complete else [hash_range(lo, hi)]
    return head + stack[::-1]


def _check_hash(value: bytes, what: str) -> None:
    if len(value) != 32:
        raise ProofError(f"{what} is {len(value)} bytes, not a 32-byte SHA-256 hash")


def root_from_inclusion(index: int, size: int, leaf: bytes, proof: Sequence[bytes]) -> bytes:
    """The root that ``proof`` leads to from ``leaf`` (RFC 9162 2.1.3.2, steps 1-5)."""
    if not 0 <= index < size:
        raise ProofError(f"leaf index {index} is not in a tree of size {size}")
    _check_hash(leaf, "the leaf hash")
    fn, sn, r = index, size - 1, leaf
    for i, p in enumerate(proof):
        _check_hash(p, f"proof hash {i}")
        if sn == 0:
            raise ProofError(f"the inclusion proof is too long: {len(proof)} hashes for a tree of size {size}")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError(f"the inclusion proof is truncated: {len(proof)} hashes are too few for size {size}")
    return r


def verify_inclusion(index: int, size: int, leaf: bytes, proof: Sequence[bytes], root: bytes) -> None:
    _check_hash(root, "the root")
    if root_from_inclusion(index, size, leaf, proof) != root:
        raise ProofError(f"the inclusion proof for leaf {index} does not lead to the root of size {size}")


def verify_consistency(old: int, new: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]) -> None:
    """RFC 9162 section 2.1.4.2: the tree of size ``new`` extends the tree of size ``old``."""
    if old > new:
        raise ProofError(f"the tree went back in time: size {new} after size {old}")
    if old == new:
        if proof:
            raise ProofError("a proof between equal sizes must be empty")
        if old_root != new_root:
            raise ProofError(f"two different roots for the same size {old}: the log forked")
        return
    if old == 0:
        if proof:
            raise ProofError("a proof from the empty tree must be empty")
        return
    if not proof:
        raise ProofError(f"the consistency proof from {old} to {new} is empty")
    for i, p in enumerate(proof):
        _check_hash(p, f"proof hash {i}")
    path = list(proof)
    if old & (old - 1) == 0:  # old is a power of two: its root is the first node
        path.insert(0, old_root)
    fn, sn = old - 1, new - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ProofError(f"the consistency proof is too long for sizes {old} to {new}")
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError(f"the consistency proof is truncated for sizes {old} to {new}")
    if fr != old_root:
        raise ProofError(f"the consistency proof does not lead to the old root (size {old})")
    if sr != new_root:
        raise ProofError(f"the consistency proof does not lead to the new root (size {new})")
