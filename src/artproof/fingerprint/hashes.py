"""Perceptual hashes: 64-bit codes that survive re-encoding and resizing.

Used by replay to compare outputs across platforms where floating point makes
bit-for-bit identity impossible, and later by the fingerprint registry.
"""

from __future__ import annotations

from PIL import Image

__all__ = ["hamming", "perceptual_hash"]


def perceptual_hash(image: Image.Image) -> str:
    """The 64-bit DCT pHash as 16 hex digits."""
    import imagehash  # imports SciPy: loaded only when a hash is needed

    return str(imagehash.phash(image.convert("RGB")))


def hamming(a: str, b: str) -> int:
    """Bits that differ between two hex-encoded hashes of equal length."""
    return (int(a, 16) ^ int(b, 16)).bit_count()
