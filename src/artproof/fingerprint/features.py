"""Local features: find a picture inside a rotated, photographed, screenshotted or cropped copy of it.

The global hashes (pHash and its crops) describe the whole frame: a copy rotated by two degrees, a
photograph of a print on a wall, a page with the picture in a corner or a quarter-area detail moves
them past any useful radius. Local features do not care where the picture sits: ORB keypoints
(oriented FAST corners with rotated BRIEF descriptors, 32 bytes each; Rublee et al. 2011) are
matched between the copy and a registered picture (Lowe's ratio test), and a homography fitted to
the matches with MAGSAC++ (OpenCV's USAC) says where the registered picture lies in the copy. ORB
was chosen over AKAZE and SIFT for its cost (about 12 ms per picture at 512 px on one core here,
its binary descriptors hash into the shortlist index directly) and is measured in
benchmarks/fingerprint_copies.py. It is not mirror-invariant: a mirrored copy is searched mirrored.

Pictures are described at a working size (long side :data:`WORK_LONG`) so a 12 MP file costs what
a 1 MP one does; a registered picture keeps :data:`STORED` keypoints (20 kB), spread over it.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageOps

__all__ = ["INDEXED", "QUERY", "STORED", "WORK_LONG", "Alignment", "Features", "describe", "locate"]

WORK_LONG = 512
STORED = 512  # keypoints kept per registered picture (20 kB)
INDEXED = 256  # of which the shortlist indexes the first
GRID = 4  # keypoints are spread over GRID x GRID cells
QUERY = 1000  # keypoints looked for in a copy: the picture may fill only part of it
FINE_LONG = 1024  # a registered picture described again, finer, when a detail of it is not located
FINE = 1024  # keypoints of that finer description
RATIO = 0.8  # Lowe's ratio test
MIN_INLIERS = 12  # fewer agreeing matches than this is chance (unrelated pictures reach 8-10 at most here)
REPROJECTION = 4.0  # px at the working size
_MAGIC = b"APF1"


@dataclass(frozen=True, slots=True)
class Features:
    """Keypoints (x, y at the working size) and their ORB descriptors, with the picture's own size."""

    points: NDArray[np.float32]  # (N, 2)
    descriptors: NDArray[np.uint8]  # (N, 32)
    size: tuple[int, int]  # the described picture's (width, height) in its own pixels
    scale: float  # working px per picture px
    mirrored: bool = False  # described from the picture's mirror image (never stored so)

    def __len__(self) -> int:
        return len(self.points)

    def to_bytes(self) -> bytes:
        head = struct.pack("<4sIIIf", _MAGIC, len(self), self.size[0], self.size[1], self.scale)
        return head + self.points.astype("<f4").tobytes() + self.descriptors.tobytes()

    @classmethod
    def from_bytes(cls, data: bytes) -> Features:
        magic, n, width, height, scale = struct.unpack_from("<4sIIIf", data)
        if magic != _MAGIC:
            raise ValueError("not a stored feature set")
        start = struct.calcsize("<4sIIIf")
        points = np.frombuffer(data, "<f4", count=2 * n, offset=start).reshape(n, 2).astype(np.float32)
        descriptors = np.frombuffer(data, np.uint8, count=32 * n, offset=start + 8 * n).reshape(n, 32)
        return cls(points, descriptors, (width, height), scale)


def describe(
    image: Image.Image,
    limit: int = STORED,
    *,
    mirrored: bool = False,
    long_side: int = WORK_LONG,
    soften: float = 0.0,
) -> Features:
    """The ``limit`` strongest ORB keypoints of ``image``, spread over it (``mirrored``: of its mirror image).

    Contrast is equalised locally first (CLAHE), so smooth pictures (gradients, soft generative
    patterns: 6 keypoints without it on one of the pattern engine's works) still have corners; the
    FAST threshold is low for the same reason. The kept keypoints are spread over a 4x4 grid, the
    strongest of each cell first, so a detail crop of any quarter of the picture holds its share of
    them (the strongest alone gather where the picture is busiest). Their order is that rank, so
    the first ones (what the shortlist indexes) are spread too. ``long_side``: the working size
    (:data:`FINE_LONG` for the finer description a detail crop needs). ``soften``: a Gaussian blur
    (sigma, in working px) first: a grainy detail shown larger than it was registered, described as
    the registry's smaller description saw it.
    """
    import cv2

    grey = image.convert("L")
    if mirrored:
        grey = ImageOps.mirror(grey)
    scale = min(1.0, long_side / max(grey.size))
    small = grey.resize((max(1, round(grey.width * scale)), max(1, round(grey.height * scale))), Image.Resampling.BOX)
    empty = Features(np.zeros((0, 2), np.float32), np.zeros((0, 32), np.uint8), grey.size, scale, mirrored)
    if min(small.size) < 32:
        return empty
    pixels = np.asarray(small)
    if soften > 0:
        pixels = cv2.GaussianBlur(pixels, (0, 0), soften)
    equalised = cv2.createCLAHE(clipLimit=2.0, tileGridSize=(8, 8)).apply(pixels)
    detector = cv2.ORB_create(  # type: ignore[attr-defined]
        nfeatures=4 * limit, scaleFactor=1.2, nlevels=8, edgeThreshold=15, patchSize=31, fastThreshold=5
    )
    keypoints, descriptors = detector.detectAndCompute(equalised, None)
    if descriptors is None or not keypoints:
        return empty
    points = np.array([k.pt for k in keypoints], dtype=np.float32)
    strength = -np.array([k.response for k in keypoints], dtype=np.float64)
    cell = (points[:, 1] * GRID // small.height).astype(np.int64) * GRID + (points[:, 0] * GRID // small.width)
    by_cell = np.lexsort((strength, cell))
    _cells, starts, counts = np.unique(cell[by_cell], return_index=True, return_counts=True)
    rank = np.empty(len(points), np.int64)
    rank[by_cell] = np.arange(len(points)) - np.repeat(starts, counts)
    order = np.lexsort((strength, rank))[:limit]
    return Features(points[order], np.ascontiguousarray(descriptors[order]), grey.size, scale, mirrored)


@dataclass(frozen=True, slots=True)
class Alignment:
    """Where a registered picture lies in a copy: the homography and the evidence for it.

    ``homography`` maps the copy's own pixels to the registered picture's own pixels.
    """

    homography: NDArray[np.float64]
    inliers: int
    matches: int
    mirrored: bool = False
    region: NDArray[np.float32] | None = None  # convex hull of the agreeing keypoints, in registered px
    # "outline": its four corners found in the copy (core/frames.py); "outline+keypoints": keypoints on
    # that outline laid flat
    method: str = "keypoints"

    def moved(self) -> bool:
        """Turned (by half a degree or more), mirrored or seen in perspective: more than a crop or a resize."""
        t = self.transform()
        return bool(t["mirrored"] or abs(t["rotation_deg"]) >= 0.5 or t["perspective"] >= 0.02)

    def departure(self) -> float | None:
        """How far the homography strays from a shift and a scale where the keypoints agree, as a share of that
        region's span (None without a region: an outline's corners).

        The homography's rotation and perspective terms are fitted to keypoints a pixel or so off, and a copy
        in its own frame (letterboxed, in a page, re-encoded) comes back turned up to 0.6 degrees or with
        perspective up to 0.09 from that noise alone; what that noise moves inside the region is what it is
        fitted to. Measured on the copies benchmark's pictures (2,000 registered; 25 each): letterboxed,
        screenshotted and stamped copies strayed at most 0.0084 of the region's span, copies turned by
        one degree 0.0098-0.014, photographs of a print 0.027 and more.
        """
        if self.region is None or len(self.region) < 3:
            return None
        registered = self.region.astype(np.float64)
        span = float(max(np.ptp(registered[:, 0]), np.ptp(registered[:, 1])))
        if span <= 0:
            return None
        back = np.c_[registered, np.ones(len(registered))] @ np.linalg.inv(self.homography).T
        copy = back[:, :2] / back[:, 2:3]  # where the region's corners lie in the copy
        design = np.zeros((2 * len(registered), 3))  # copy = scale * registered + (tx, ty), least squares
        design[0::2, 0], design[0::2, 1] = registered[:, 0], 1.0
        design[1::2, 0], design[1::2, 2] = registered[:, 1], 1.0
        fit, *_ = np.linalg.lstsq(design, copy.reshape(-1), rcond=None)
        if fit[0] <= 0:
            return 1.0
        stray = np.hypot(*((design @ fit).reshape(-1, 2) - copy).T) / fit[0]  # in registered px
        return float(stray.max() / span)

    def transform(self) -> dict[str, Any]:
        """The homography as people read it: rotation, scale (copy px per registered px), perspective."""
        h = self.homography / self.homography[2, 2]
        a, b, c, d = h[0, 0], h[0, 1], h[1, 0], h[1, 1]
        rotation = float(np.degrees(np.arctan2(c - b, a + d)))
        determinant = abs(float(a * d - b * c))
        return {
            "rotation_deg": round(rotation, 2),  # the copy turned counter-clockwise (as editors count) from it
            "scale": round(1.0 / max(determinant, 1e-12) ** 0.5, 3),
            "perspective": round(float(np.hypot(h[2, 0], h[2, 1])) * 1000, 3),
            "mirrored": self.mirrored,
            "homography": [[round(float(v), 6) for v in row] for row in h],
        }


def _plausible(h: NDArray[np.float64]) -> bool:
    """A homography a real copy makes: not folded, not squashed past 1:16, not a wild perspective."""
    if not np.all(np.isfinite(h)) or abs(h[2, 2]) < 1e-12:
        return False
    h = h / h[2, 2]
    determinant = float(h[0, 0] * h[1, 1] - h[0, 1] * h[1, 0])
    if not 1 / 64 <= determinant <= 64:
        return False
    singular = np.linalg.svd(h[:2, :2], compute_uv=False)
    return bool(singular[0] / max(singular[1], 1e-12) < 4.0 and np.hypot(h[2, 0], h[2, 1]) < 0.01)


def locate(copy: Features, registered: Features) -> Alignment | None:
    """The homography from ``copy`` to ``registered`` when enough matched keypoints agree on one, else None."""
    import cv2

    if len(copy) < MIN_INLIERS or len(registered) < MIN_INLIERS:
        return None
    pairs = cv2.BFMatcher(cv2.NORM_HAMMING).knnMatch(copy.descriptors, registered.descriptors, k=2)
    good = [p[0] for p in pairs if len(p) == 2 and p[0].distance < RATIO * p[1].distance]
    if len(good) < MIN_INLIERS:
        return None
    source = copy.points[[m.queryIdx for m in good]]
    target = registered.points[[m.trainIdx for m in good]]
    fitted, mask = cv2.findHomography(source, target, cv2.USAC_MAGSAC, REPROJECTION, maxIters=2000, confidence=0.999)
    if fitted is None or mask is None:
        return None
    found: NDArray[np.float64] = np.asarray(fitted, dtype=np.float64)
    inliers = int(mask.sum())
    if inliers < MIN_INLIERS or not _plausible(found):
        return None
    # from the copy's own pixels to the registered picture's: scale into and out of the working sizes
    into = np.diag([copy.scale, copy.scale, 1.0])
    if copy.mirrored:  # described mirrored: the copy's own x runs the other way
        into = into @ np.array([[-1.0, 0.0, copy.size[0]], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    out = np.diag([1 / registered.scale, 1 / registered.scale, 1.0])
    agreeing = target[mask.ravel().astype(bool)] / registered.scale
    region = cv2.convexHull(agreeing.astype(np.float32)).reshape(-1, 2)
    homography: NDArray[np.float64] = np.asarray(out @ found @ into, dtype=np.float64)
    return Alignment(homography, inliers, len(good), copy.mirrored, region)
