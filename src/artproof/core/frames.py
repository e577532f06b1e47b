"""The picture inside a photograph or a screenshot: its outline, found and laid flat.

A collector photographs a print on a wall or screenshots a marketplace page; when the picture
itself is smooth (a gradient, a dark scene, a flat illustration) it has too few corners for
keypoints to place it, yet its outline against the wall or the page is plain to see. This is
what a document scanner does: edges of the copy (Canny on each Lab channel, so a colour edge
counts as much as a brightness one), the convex hull of each edge contour, and those hulls that
simplify to a convex quadrilateral covering a sizeable share of the copy are the candidates, the
largest first. :func:`rectify` lays a candidate flat (a homography from its four corners), and the
fingerprint registry and the watermark reader take it from there as a whole copy.

A candidate is a guess: nothing found here is believed until the registry confirms the flattened
picture by its pixels, or a watermark decodes from it (under the mark's own false-alarm bound).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from PIL import Image

__all__ = ["Outline", "outlines", "rectify"]

WORK_LONG = 800  # px on the long side where outlines are looked for
SMALLEST, LARGEST = 0.08, 0.92  # share of the copy an outline covers: a picture in it, not the copy itself
CANDIDATES = 2

Outline = NDArray[np.float64]  # (4, 2) corners in the copy's own pixels: top left, top right, bottom right, bottom left


def _ordered(corners: NDArray[np.float64]) -> Outline:
    """Corners clockwise from the top left (the one nearest the copy's origin along x + y)."""
    centre = corners.mean(axis=0)
    angles = np.arctan2(corners[:, 1] - centre[1], corners[:, 0] - centre[0])
    clockwise = corners[np.argsort(angles)]  # y grows downwards: increasing angle is clockwise on screen
    first = int(np.argmin(clockwise.sum(axis=1)))
    return np.roll(clockwise, -first, axis=0)


def _plausible(corners: Outline) -> bool:
    """A picture seen flat or in perspective: every inner angle 45-135 degrees, no side under a tenth of another."""
    sides = np.roll(corners, -1, axis=0) - corners
    lengths = np.hypot(sides[:, 0], sides[:, 1])
    if lengths.min() < 0.1 * lengths.max():
        return False
    for i in range(4):
        a, b = -sides[i - 1], sides[i]
        cosine = float(np.dot(a, b) / (np.hypot(*a) * np.hypot(*b)))
        if abs(cosine) > np.cos(np.radians(45)):
            return False
    return True


def outlines(image: Image.Image, limit: int = CANDIDATES) -> list[Outline]:
    """Up to ``limit`` quadrilaterals in ``image`` that may be a picture photographed or shown in it, largest first."""
    import cv2

    rgb = np.asarray(image.convert("RGB"))
    height, width = rgb.shape[:2]
    scale = min(1.0, WORK_LONG / max(height, width))
    small = cv2.resize(rgb, (max(1, round(width * scale)), max(1, round(height * scale))), interpolation=cv2.INTER_AREA)
    if min(small.shape[:2]) < 64:
        return []
    lab = cv2.cvtColor(small, cv2.COLOR_RGB2LAB)
    edges = np.zeros(small.shape[:2], np.uint8)
    for channel in range(3):
        edges |= cv2.Canny(cv2.GaussianBlur(lab[..., channel], (5, 5), 0), 10, 30)
    edges = cv2.dilate(edges, np.ones((3, 3), np.uint8))
    contours, _ = cv2.findContours(edges, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    area = float(small.shape[0] * small.shape[1])
    found: list[tuple[float, Outline]] = []
    for contour in contours:
        hull = cv2.convexHull(contour)
        covered = cv2.contourArea(hull)
        if not SMALLEST * area <= covered <= LARGEST * area:
            continue
        polygon = cv2.approxPolyDP(hull, 0.02 * cv2.arcLength(hull, True), True).reshape(-1, 2)
        if len(polygon) != 4:
            continue
        corners = _ordered(polygon.astype(np.float64) / scale)
        if _plausible(corners) and all(np.abs(corners - c).max() > 8 for _, c in found):
            found.append((covered, corners))
    found.sort(key=lambda item: -item[0])
    return [corners for _, corners in found[:limit]]


def rectify(image: Image.Image, corners: Outline) -> tuple[Image.Image, NDArray[np.float64]]:
    """The picture inside ``corners`` laid flat, at the size its sides show, and the homography copy px -> flat px."""
    import cv2

    top, right, bottom, left = (np.hypot(*(corners[(i + 1) % 4] - corners[i])) for i in range(4))
    width, height = max(8, round((top + bottom) / 2)), max(8, round((left + right) / 2))
    flat = np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=np.float32)
    homography = np.asarray(cv2.getPerspectiveTransform(corners.astype(np.float32), flat), dtype=np.float64)
    pixels = cv2.warpPerspective(
        np.asarray(image.convert("RGB")), homography, (width, height), flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_REPLICATE,
    )  # fmt: skip
    return Image.fromarray(pixels), homography
