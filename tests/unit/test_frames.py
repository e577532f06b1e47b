"""The picture inside a photograph or a page: its outline found and laid flat; homographies refined by pixels."""

from __future__ import annotations

import cv2
import numpy as np
from PIL import Image

from artproof.core.alignment import refine
from artproof.core.frames import outlines, rectify


def _texture(width: int, height: int, seed: int) -> Image.Image:
    rng = np.random.default_rng(seed)
    noise = cv2.GaussianBlur(rng.normal(0, 1, (height, width, 3)).astype(np.float32), (0, 0), 3)
    return Image.fromarray(np.clip(128 + noise * 400, 0, 255).astype(np.uint8))


def _on_wall(picture: Image.Image, corners: np.ndarray) -> Image.Image:
    w, h = picture.size
    matrix = cv2.getPerspectiveTransform(np.float32([[0, 0], [w, 0], [w, h], [0, h]]), corners.astype(np.float32))
    return Image.fromarray(cv2.warpPerspective(np.asarray(picture), matrix, (900, 700), borderValue=(200, 190, 175)))


def test_a_picture_on_a_wall_is_outlined_and_laid_flat() -> None:
    picture = _texture(400, 300, 1)
    truth = np.array([[150, 120], [700, 90], [760, 560], [110, 600]], dtype=np.float64)
    shot = _on_wall(picture, truth)
    found = outlines(shot)
    assert found, "no outline"
    assert np.abs(found[0] - truth).max() < 6, found[0]  # clockwise from the top left, within a few px
    flat, homography = rectify(shot, found[0])
    back = np.asarray(flat.resize(picture.size).convert("L"), dtype=np.float32)
    original = np.asarray(picture.convert("L"), dtype=np.float32)
    assert np.corrcoef(back[20:-20, 20:-20].ravel(), original[20:-20, 20:-20].ravel())[0, 1] > 0.9
    corner = homography @ np.array([*truth[2], 1.0])
    assert np.abs(corner[:2] / corner[2] - flat.size).max() < 6  # the bottom right corner lands at the flat's


def test_nothing_is_outlined_in_a_plain_or_full_bleed_picture() -> None:
    assert outlines(Image.new("RGB", (640, 480), (90, 120, 150))) == []
    assert outlines(Image.new("RGB", (40, 30), (0, 0, 0))) == []  # too small to hold a picture
    assert all(cv2.contourArea(q.astype(np.float32)) < 0.92 * 640 * 480 for q in outlines(_texture(640, 480, 2)))


def test_refine_makes_a_homography_exact_or_leaves_it() -> None:
    master = _texture(600, 450, 3)
    truth = np.array([[0.8, 0.05, 30.0], [-0.04, 0.85, 20.0], [1e-5, 2e-5, 1.0]])  # master px -> copy px
    copy = Image.fromarray(cv2.warpPerspective(np.asarray(master), truth, (560, 440), borderValue=(255, 255, 255)))
    exact = np.linalg.inv(truth)  # copy px -> master px
    nudged = np.array([[1.0, 0.0, 2.5], [0.0, 1.0, -2.0], [0.0, 0.0, 1.0]]) @ exact  # 2-3 px off
    corners = np.array([[100, 100, 1], [400, 100, 1], [400, 350, 1], [100, 350, 1]], dtype=np.float64).T

    def error(h: np.ndarray) -> float:
        a, b = h @ corners, exact @ corners
        return float(np.abs(a[:2] / a[2] - b[:2] / b[2]).max())

    refined = refine(copy, nudged, master.convert("L"), master.size)
    assert error(nudged) > 2 and error(refined) < 0.5, (error(nudged), error(refined))
    stranger = _texture(600, 450, 4).convert("L")  # pixels that do not agree: no "refinement" is made up
    assert (
        np.array_equal(refine(copy, nudged, stranger, master.size), nudged)
        or error(refine(copy, nudged, stranger, master.size)) < 0.02 * 600
    )
