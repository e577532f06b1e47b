"""The watermark's payload code: 64 data bits, BCH(t=16) over GF(2^8), whitened.

A codeword is 64 data bits and bchlib's 124 parity bits: 188 bits, of which any
16 may be wrong. The same code is the detector's main defence against false
alarms: a random 188-bit word decodes (lies within 16 bits of a codeword) with
probability 2^64 · V(188, 16) / 2^188 ≈ 2^-48.2 (:func:`false_decode_probability`).
Bits are XORed with a fixed public sequence so that a payload of zeros does not
put the same sign on every carrier.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import bchlib
import numpy as np
from numpy.typing import NDArray

from artproof.core.prng import stable_uniform

__all__ = [
    "CODE_BITS",
    "DATA_BITS",
    "MATCH_MISSES",
    "Expected",
    "T",
    "decode",
    "encode",
    "false_decode_probability",
    "false_match_probability",
    "match",
]

DATA_BITS = 64
T = 16
MATCH_MISSES = 42  # bits a word may differ from an expected edition's codeword and still name it (see match)
_BCH = bchlib.BCH(T, m=8)
CODE_BITS = DATA_BITS + int(_BCH.ecc_bits)
_WHITEN = (stable_uniform("org.artproof.watermark.1/whiten", CODE_BITS) < 0.5).astype(np.uint8)

Bits = NDArray[np.uint8]


def encode(payload: int) -> Bits:
    """The 188 whitened code bits for a 64-bit payload."""
    if not 0 <= payload < 1 << DATA_BITS:
        raise ValueError("the watermark payload is 64 bits")
    data = payload.to_bytes(8, "big")
    ecc = bytes(_BCH.encode(data))
    bits = np.unpackbits(np.frombuffer(data + ecc, dtype=np.uint8))[:CODE_BITS]
    return bits ^ _WHITEN


def decode(bits: Bits) -> tuple[int, int] | None:
    """(payload, bits that differ from its codeword) or ``None`` when no codeword is within T bits."""
    raw = (np.asarray(bits, dtype=np.uint8)[:CODE_BITS] ^ _WHITEN).astype(np.uint8)
    padded = np.zeros(8 * (8 + int(_BCH.ecc_bytes)), dtype=np.uint8)
    padded[:CODE_BITS] = raw
    packed = np.packbits(padded).tobytes()
    data, ecc = bytearray(packed[:8]), bytearray(packed[8:])
    if int(_BCH.decode(data, ecc)) < 0:
        return None
    _BCH.correct(data, ecc)
    payload = int.from_bytes(bytes(data), "big")
    # bchlib decodes the full-length code: it can "correct" errors in the positions this shortened
    # code leaves out, and report success for a word far from every codeword. The decision rule is
    # the distance to the re-encoded codeword, which is what the false-alarm bound counts.
    distance = int(np.sum(encode(payload) != np.asarray(bits, dtype=np.uint8)[:CODE_BITS]))
    if distance > T:
        return None
    return payload, distance


def false_decode_probability(hypotheses: int = 1) -> float:
    """Probability that ``hypotheses`` independent random words decode to some payload (union bound)."""
    ball = sum(math.comb(CODE_BITS, i) for i in range(T + 1))
    return min(1.0, hypotheses * ball * 2.0 ** (DATA_BITS - CODE_BITS))


class Expected:
    """The payloads a copy may carry, their codewords encoded once (a detection compares every try with them)."""

    def __init__(self, payloads: Sequence[int]) -> None:
        self.payloads = list(dict.fromkeys(payloads))
        self.words = np.array([encode(p) for p in self.payloads], dtype=np.uint8).reshape(-1, CODE_BITS)

    def __bool__(self) -> bool:
        return bool(self.payloads)

    def match(self, bits: Bits) -> tuple[int, int] | None:
        """(payload, bits that differ) of the one expected payload whose codeword lies within MATCH_MISSES bits.

        With the registry, the payloads a copy can carry are known: the editions of the master it was
        aligned with (or the one a certificate given with it names). Naming one of a few known codewords
        needs far less than decoding any of 2^64: a word within 42 bits of one (146 of 188 agree) is that
        edition. A random word comes that close to a given codeword with probability
        P(Bin(188, 1/2) >= 146) = 5.8e-15 (:func:`false_match_probability`). Two within reach (codewords
        of two editions closer than usual) name nothing.
        """
        word = np.asarray(bits, dtype=np.uint8)[:CODE_BITS]
        distances = np.sum(self.words != word, axis=1)
        close = np.flatnonzero(distances <= MATCH_MISSES)
        if len(close) != 1:
            return None
        return self.payloads[int(close[0])], int(distances[close[0]])


def match(bits: Bits, expected: Sequence[int]) -> tuple[int, int] | None:
    """:meth:`Expected.match` for a one-off comparison."""
    return Expected(expected).match(bits)


def false_match_probability(hypotheses: int = 1, candidates: int = 1) -> float:
    """Probability that ``hypotheses`` random words each come within MATCH_MISSES bits of one of ``candidates``."""
    tail = sum(math.comb(CODE_BITS, i) for i in range(MATCH_MISSES + 1)) / 2.0**CODE_BITS
    return min(1.0, hypotheses * candidates * tail)
