"""Perceptual fingerprints of images (and, later, the near-duplicate index)."""

from artproof.fingerprint.hashes import hamming, perceptual_hash

__all__ = ["hamming", "perceptual_hash"]
