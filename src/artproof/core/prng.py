"""Platform-stable random numbers derived from a label with SHAKE-256.

NumPy does not promise the same stream across versions for its Generator, and
a seed-locked work must render the same on any machine for years; so every
random number that decides an image is drawn from SHAKE-256 over a label, and
turned into floats with plain arithmetic.
"""

from __future__ import annotations

import hashlib

import numpy as np
from numpy.typing import NDArray

__all__ = ["derive_seed", "stable_normal", "stable_uniform"]


def _words(label: str, count: int) -> NDArray[np.uint64]:
    data = hashlib.shake_256(label.encode("utf-8")).digest(8 * count)
    return np.frombuffer(data, dtype="<u8").astype(np.uint64)


def stable_uniform(label: str, shape: int | tuple[int, ...]) -> NDArray[np.float64]:
    """Uniform floats in (0, 1), 53 bits each, identical on every platform."""
    count = int(np.prod(shape))
    words = _words(label, count) >> np.uint64(11)
    return ((words.astype(np.float64) + 0.5) / float(1 << 53)).reshape(shape)


def stable_normal(label: str, shape: int | tuple[int, ...]) -> NDArray[np.float64]:
    """Standard normal floats by Box-Muller over :func:`stable_uniform`."""
    count = int(np.prod(shape))
    u = stable_uniform(label, 2 * ((count + 1) // 2)).reshape(2, -1)
    radius = np.sqrt(-2.0 * np.log(u[0]))
    z = np.concatenate([radius * np.cos(2 * np.pi * u[1]), radius * np.sin(2 * np.pi * u[1])])
    return z[:count].reshape(shape)


def derive_seed(label: str) -> int:
    """A 53-bit seed from a label (e.g. a work id and an edition number).

    53 bits, because seeds are recorded in canonical JSON, where integers
    beyond 2**53 are not exact (RFC 8785, I-JSON).
    """
    return int.from_bytes(hashlib.sha256(label.encode("utf-8")).digest()[:8], "big") >> 11
