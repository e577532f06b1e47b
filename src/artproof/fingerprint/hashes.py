"""Perceptual hashes: 64-bit codes that survive re-encoding and resizing.

Used by replay to compare outputs across platforms where floating point makes
bit-for-bit identity impossible, and by the fingerprint registry. A whole-image
pHash moves by ~14 bits when a fifth of the picture is cropped away, so the
registry also keeps the pHashes of five standard crops (80% of the area from
each side and the centre): a cropped copy lands near one of them.
"""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image

__all__ = ["CROPS", "Fingerprint", "crop_hashes", "fingerprint", "hamming", "perceptual_hash"]

CROPS = ("left", "right", "top", "bottom", "centre")


def perceptual_hash(image: Image.Image) -> str:
    """The 64-bit DCT pHash as 16 hex digits."""
    import imagehash  # imports SciPy: loaded only when a hash is needed

    return str(imagehash.phash(image.convert("RGB")))


def hamming(a: str, b: str) -> int:
    """Bits that differ between two hex-encoded hashes of equal length."""
    return (int(a, 16) ^ int(b, 16)).bit_count()


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """pHash (structure), dHash (gradients) and a colour hash (hue and saturation histogram)."""

    phash: str
    dhash: str
    colorhash: str

    def distances(self, other: Fingerprint) -> tuple[int, int, int]:
        return (
            hamming(self.phash, other.phash),
            hamming(self.dhash, other.dhash),
            hamming(self.colorhash, other.colorhash),
        )


def fingerprint(image: Image.Image) -> Fingerprint:
    import imagehash

    rgb = image.convert("RGB")
    small = rgb.copy()
    small.thumbnail((512, 512))  # the hashes look at 8-32 px anyway; this makes 12 MP as cheap as 1 MP
    return Fingerprint(
        phash=str(imagehash.phash(small)),
        dhash=str(imagehash.dhash(small)),
        colorhash=str(imagehash.colorhash(small, binbits=3)),
    )


def crop_box(width: int, height: int, where: str, keep: float = 0.8) -> tuple[int, int, int, int]:
    if where == "centre":
        side = keep**0.5
        w, h = round(width * side), round(height * side)
        return (width - w) // 2, (height - h) // 2, (width - w) // 2 + w, (height - h) // 2 + h
    return {
        "left": (0, 0, round(width * keep), height),
        "right": (width - round(width * keep), 0, width, height),
        "top": (0, 0, width, round(height * keep)),
        "bottom": (0, height - round(height * keep), width, height),
    }[where]


def crop_hashes(image: Image.Image) -> dict[str, str]:
    """pHashes of the five standard 80% crops."""
    small = image.convert("RGB")
    small.thumbnail((512, 512))
    return {where: perceptual_hash(small.crop(crop_box(small.width, small.height, where))) for where in CROPS}
