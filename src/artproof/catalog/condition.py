"""Condition photographs compared: a new photo of a piece aligned onto the previous one, the changes shown.

Nobody sees a new scratch or a faded corner by holding two photos side by side; aligned, the change
stands out. The new photo is registered onto the previous one with ORB features and a RANSAC
homography (OpenCV; the pieces are flat and photographed from a little further or a little askew),
both are brought to the same exposure (grey, each normalised by its median and spread, lightly
blurred so sensor noise and JPEG do not count), and what differs by more than a threshold is the
change: a difference map (the previous photo in grey with the changes in red) kept with the entry,
the changed share of the piece, and the number of changed regions. When too few features match
(fewer than 12 inliers), the photos are not compared and the entry says so.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from PIL import Image

__all__ = ["compare_photos"]

WORK = 1024  # px, the long side both photos are compared at
MIN_INLIERS = 12
THRESHOLD = 0.2  # in units of the photo's own spread of grey levels (10th to 90th percentile)


def _grey(picture: Image.Image) -> np.ndarray:
    scale = WORK / max(picture.size)
    size = (max(1, round(picture.width * scale)), max(1, round(picture.height * scale)))
    return np.asarray(picture.convert("L").resize(size, Image.Resampling.LANCZOS))


def _normalised(grey: np.ndarray, valid: np.ndarray) -> np.ndarray:
    import cv2

    values = grey[valid].astype(np.float32)
    median = float(np.median(values)) if values.size else 0.0
    spread = float(np.percentile(values, 90) - np.percentile(values, 10)) if values.size else 1.0
    blurred = cv2.GaussianBlur(grey.astype(np.float32), (0, 0), 2.0)
    return (blurred - median) / max(spread, 1.0)


def compare_photos(previous: Image.Image, current: Image.Image) -> tuple[Image.Image | None, dict[str, Any]]:
    """(difference map or None, facts: aligned, inliers, changed_share, regions)."""
    import cv2

    before, after = _grey(previous), _grey(current)
    orb = cv2.ORB_create(nfeatures=4000)  # type: ignore[attr-defined]
    k1, d1 = orb.detectAndCompute(before, None)
    k2, d2 = orb.detectAndCompute(after, None)
    if d1 is None or d2 is None or len(k1) < MIN_INLIERS or len(k2) < MIN_INLIERS:
        return None, {"aligned": False, "inliers": 0, "detail": "too few features to align the photos"}
    matches = cv2.BFMatcher(cv2.NORM_HAMMING, crossCheck=True).match(d2, d1)
    if len(matches) < MIN_INLIERS:
        return None, {"aligned": False, "inliers": len(matches), "detail": "the photos do not show the same piece"}
    source = np.array([k2[m.queryIdx].pt for m in matches], dtype=np.float32).reshape(-1, 1, 2)
    target = np.array([k1[m.trainIdx].pt for m in matches], dtype=np.float32).reshape(-1, 1, 2)
    homography, inliers = cv2.findHomography(source, target, cv2.RANSAC, 4.0)
    count = int(inliers.sum()) if inliers is not None else 0
    if homography is None or count < MIN_INLIERS:
        return None, {"aligned": False, "inliers": count, "detail": "the photos could not be aligned"}
    height, width = before.shape
    warped = cv2.warpPerspective(after, homography, (width, height))
    valid = cv2.warpPerspective(np.full(after.shape, 255, np.uint8), homography, (width, height)) > 0
    valid = cv2.erode(valid.astype(np.uint8), np.ones((9, 9), np.uint8)) > 0  # away from the warped border
    change = np.abs(_normalised(warped, valid) - _normalised(before, valid)) > THRESHOLD
    change &= valid
    change = cv2.morphologyEx(change.astype(np.uint8), cv2.MORPH_OPEN, np.ones((5, 5), np.uint8)) > 0
    regions, _labels, stats, _ = cv2.connectedComponentsWithStats(change.astype(np.uint8))
    regions = int((stats[1:, cv2.CC_STAT_AREA] >= 25).sum()) if regions > 1 else 0
    shown = np.stack([before] * 3, axis=2).astype(np.float32) * 0.55 + 70
    shown[change] = (220, 30, 30)
    facts = {
        "aligned": True,
        "inliers": count,
        "changed_share": round(float(change.sum() / max(valid.sum(), 1)), 6),
        "regions": regions,
    }
    return Image.fromarray(np.clip(shown, 0, 255).astype(np.uint8), mode="RGB"), facts
