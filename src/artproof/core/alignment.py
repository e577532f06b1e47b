"""Image alignment: where a copy (possibly cropped and rescaled) sits inside a reference picture.

Pictures are compared as luminance at a "working size" fixed by the short side,
so a rescaled copy and its original line up; a crop shrinks the short side, so
the copy's working scale relative to the original (``c`` <= 1) is searched.
Phase correlation (whitened cross-power spectrum) finds the translation, to a
fraction of a pixel. Used by the watermark's aligned reading and by the
fingerprint registry's second stage.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from PIL import Image

LIKELY_SCALES = (1.0, 0.8**0.5, 0.8)
REFINE_REACH = 0.03  # the most a refinement may move a corner of the picture, as a share of its long side
FAR_BETTER = 0.02  # how much better a refinement beyond that reach must lay the copy back to be tried at all
OTHER = 32  # levels by which a laid-back copy differs from its master where it shows something else
REACH = 1  # thumbnail pixels by which a copy laid back or aligned may be off where it is compared

__all__ = [
    "DetailScales",
    "align",
    "bars_box",
    "best_scales",
    "detail_similarity",
    "frame_changes",
    "luma_at",
    "match_height",
    "refine",
    "refined_first",
    "similarity",
    "strip_bars",
    "turn_back",
    "warp_onto",
    "warped_similarity",
    "working_size",
]


def working_size(width: int, height: int, short: float) -> tuple[int, int]:
    scale = short / min(width, height)
    return max(1, round(width * scale)), max(1, round(height * scale))


def luma_at(luma: Image.Image, short: float) -> NDArray[np.float32]:
    """``luma`` (mode L) resized so that its short side is ``short`` px, as float32."""
    size = working_size(luma.width, luma.height, short)
    method = Image.Resampling.BOX if short <= min(luma.size) else Image.Resampling.BILINEAR
    return np.asarray(luma.resize(size, method), dtype=np.float32)


def _taper(shape: tuple[int, int], share: float = 0.08) -> NDArray[np.float32]:
    """A Tukey window: 1 inside, falling to 0 over ``share`` of each side (edges stop looking like features)."""

    def ramp(n: int) -> NDArray[np.float64]:
        edge = max(1, int(n * share))
        w = np.ones(n)
        rise = 0.5 - 0.5 * np.cos(np.pi * (np.arange(edge) + 0.5) / edge)
        w[:edge], w[n - edge :] = rise, rise[::-1]
        return w

    return np.outer(ramp(shape[0]), ramp(shape[1])).astype(np.float32)


def _surface(copy: NDArray[np.float32], reference: NDArray[np.float32]) -> NDArray[np.float64] | None:
    """Phase correlation of ``copy`` placed at every offset inside ``reference``.

    Both are tapered at their edges and zero-padded to the sum of their sizes, so
    neither their borders nor the circular wrap of the FFT can pass for content.
    Element (y, x) is the match with the copy's top-left corner at (y, x).
    """
    if copy.shape[0] > reference.shape[0] or copy.shape[1] > reference.shape[1]:
        return None
    shape = (reference.shape[0] + copy.shape[0], reference.shape[1] + copy.shape[1])
    a = np.zeros(shape, dtype=np.float32)
    b = np.zeros(shape, dtype=np.float32)
    a[: reference.shape[0], : reference.shape[1]] = (reference - reference.mean()) * _taper(reference.shape)
    b[: copy.shape[0], : copy.shape[1]] = (copy - copy.mean()) * _taper(copy.shape)
    cross = np.fft.rfft2(a) * np.conj(np.fft.rfft2(b))
    surface = np.fft.irfft2(cross / np.maximum(np.abs(cross), 1e-9) ** 0.8, s=shape)
    return np.asarray(surface[: reference.shape[0] - copy.shape[0] + 1, : reference.shape[1] - copy.shape[1] + 1])


def _peak_fraction(surface: NDArray[np.float64], y: int, x: int) -> tuple[float, float]:
    """Sub-pixel position of a correlation peak by a parabola through it and its neighbours on each axis."""

    def vertex(a: float, b: float, c: float) -> float:
        curve = a - 2.0 * b + c
        return 0.0 if curve >= 0 else float(np.clip(0.5 * (a - c) / curve, -0.5, 0.5))

    h, w = surface.shape
    fy = vertex(surface[y - 1, x], surface[y, x], surface[y + 1, x]) if 0 < y < h - 1 else 0.0
    fx = vertex(surface[y, x - 1], surface[y, x], surface[y, x + 1]) if 0 < x < w - 1 else 0.0
    return fy, fx


def match_height(copy: NDArray[np.float32], reference: NDArray[np.float32]) -> float:
    """Height of the phase-correlation peak of ``copy`` inside ``reference`` (0 when it does not fit)."""
    surface = _surface(copy, reference)
    return 0.0 if surface is None else float(np.max(surface))


def align(copy: NDArray[np.float32], reference: NDArray[np.float32]) -> tuple[int, int, float, float] | None:
    """(row, column, fraction of a row, fraction of a column) of ``copy`` inside ``reference``, same scale."""
    height, width = reference.shape
    copy = copy[:height, :width]
    surface = _surface(copy, reference)
    if surface is None:
        return None
    ty, tx = (int(v) for v in np.unravel_index(int(np.argmax(surface)), surface.shape))
    return (ty, tx, *_peak_fraction(surface, ty, tx))


def best_scales(
    copy: Image.Image, reference: Image.Image, short: float, count: int = 2, smallest: float = 0.70
) -> list[float]:
    """Scale factors c (copy at ``short * c`` against the reference at ``short``) that match best.

    Coarse to fine: a 0.01 grid over [``smallest``, 1.02] at a quarter of ``short``, then
    0.002 steps around the best at half of it. The default covers whole copies and crops keeping
    70 % of the short side; a detail of a quarter of the area sits at 0.5.
    """
    coarse = luma_at(reference, short / 4)
    grid = np.arange(smallest, 1.021, 0.01)
    heights = [match_height(luma_at(copy, short / 4 * float(c)), coarse) for c in grid]
    finer = luma_at(reference, short / 2)
    out = []
    for guess in [float(grid[i]) for i in np.argsort(heights)[-count:][::-1]]:
        steps = guess + np.arange(-0.01, 0.0101, 0.002)
        out.append(
            float(steps[int(np.argmax([match_height(luma_at(copy, short / 2 * float(c)), finer) for c in steps]))])
        )
    return out


def _linear_fit(x: NDArray[np.number], y: NDArray[np.number]) -> tuple[float, float]:
    """(a, b) with a·x + b closest to y (least squares); a flat x (spread under a level) gives (0, mean of y).

    Closed form in float64: numpy's polyfit warns "poorly conditioned" on nearly flat copies, which
    reached the user's terminal during verification.
    """
    x64, y64 = x.astype(np.float64), y.astype(np.float64)  # callers pass at least 64 pixels
    mx, my = float(x64.mean()), float(y64.mean())
    spread = float(np.mean((x64 - mx) ** 2))
    if spread < 0.25:  # no contrast to fit (any spread under a level has this variance or less): the mean
        return 0.0, my
    a = float(np.mean((x64 - mx) * (y64 - my))) / spread
    return a, my - a * mx


def _ncc(a: NDArray[np.float32], b: NDArray[np.float32]) -> float:
    a, b = a - a.mean(), b - b.mean()
    denominator = float(np.sqrt(np.sum(a * a) * np.sum(b * b)))
    return float(np.sum(a * b)) / denominator if denominator > 0 else 0.0


def _aligned_correlation(copy: Image.Image, reference: Image.Image, base: NDArray[np.float32], short: float) -> float:
    """The lesser of luminance and per-channel correlation where the copy, at ``short``, best aligns.

    Luminance alone lets two different pictures of big flat shapes pass for each other (any bright
    region over a dark one correlates); the colour channels of a true copy follow each other too.
    """
    small = luma_at(copy.convert("L"), short)
    overlap = _overlap(small, base)
    if overlap is None:
        return -1.0
    ty, tx, h, w = overlap
    score = _ncc(small[:h, :w], base[ty : ty + h, tx : tx + w])
    ours = np.asarray(copy.convert("RGB").resize((small.shape[1], small.shape[0]), Image.Resampling.BOX), np.float32)
    theirs = np.asarray(reference.convert("RGB"), np.float32)[ty : ty + h, tx : tx + w]
    for channel in range(3):
        score = min(score, _ncc(ours[:h, :w, channel], theirs[..., channel]))
    return score


def _overlap(
    small: NDArray[np.float32], base: NDArray[np.float32], *, same_frame: bool = False
) -> tuple[int, int, int, int] | None:
    """(top, left, height, width): where ``small`` (a copy's luminance) lies in ``base`` and the size both cover.

    ``same_frame``: a copy of ``base``'s own shape has one place to be, (0, 0), where :func:`align`
    also puts it; its phase correlation (11 ms at 12 MP) is then skipped.
    """
    where = (0, 0, 0.0, 0.0) if same_frame and small.shape == base.shape else align(small, base)
    if where is None:
        return None
    ty, tx = where[:2]
    return ty, tx, min(small.shape[0], base.shape[0] - ty), min(small.shape[1], base.shape[1] - tx)


def similarity(
    copy: Image.Image, reference: Image.Image, short: float = 128.0, enough: float = 0.95
) -> tuple[float, float]:
    """(correlation, scale): how well ``copy`` matches the region of ``reference`` it best aligns to.

    ``reference`` is a small picture whose short side is ``short`` (a registry thumbnail). The
    correlation is the least of the luminance's and each colour channel's (-1..1): re-encoded,
    rescaled or cropped copies stay above 0.9, a different picture falls well below even when its
    shapes line up. The scale is the copy's working-scale factor relative to the reference (1.0 for
    a whole copy, below 1 for a crop). The copy is tried at its own scale and at those of standard
    crops first; only when none gives ``enough`` is the scale searched.
    """
    reference = reference.convert("RGB")
    reference_l = reference.convert("L")
    base = luma_at(reference_l, short)
    reference = reference.resize((base.shape[1], base.shape[0]), Image.Resampling.BOX)
    best = (-1.0, 1.0)
    for scale in LIKELY_SCALES:  # whole copies, then the scales of 80% crops from the short side or the centre
        best = max(best, (_aligned_correlation(copy, reference, base, short * scale), scale))
        if best[0] >= enough:
            return best
    for scale in best_scales(copy.convert("L"), reference_l, 2 * short, count=1):
        best = max(best, (_aligned_correlation(copy, reference, base, short * scale), scale))
    return best


class DetailScales:
    """A copy's luminance at the scales :func:`detail_similarity` searches, each made once.

    A search compares one copy with several registered pictures (up to five works for a picture
    nobody registered), and resizing the whole copy to 25 scales for each was a sixth of that
    search's time; the scales do not depend on the picture compared with, so they are kept.
    """

    def __init__(self, copy: Image.Image, short: float = 128.0) -> None:
        self.copy, self.short = copy, short
        self._luma: Image.Image | None = None
        self._at: dict[float, NDArray[np.float32]] = {}
        self._flat: dict[float, bool] = {}
        self._colour: dict[tuple[int, int], NDArray[np.float32]] = {}

    def at(self, scale: float) -> NDArray[np.float32]:
        if scale not in self._at:
            if self._luma is None:
                self._luma = self.copy.convert("L")
            self._at[scale] = luma_at(self._luma, self.short * scale)
        return self._at[scale]

    def flat(self, scale: float) -> bool:
        """Whether the copy at ``scale`` is too flat to place (luminance spread under 6 levels); kept like the
        scales (the detail screen asks it of every scale for each of about 45 works: a fifth of its time)."""
        if scale not in self._flat:
            self._flat[scale] = float(self.at(scale).std()) < 6.0
        return self._flat[scale]

    def colour(self, size: tuple[int, int]) -> NDArray[np.float32]:
        """The copy in colour at ``size`` (width, height), by area."""
        if size not in self._colour:
            self._colour[size] = np.asarray(self.copy.convert("RGB").resize(size, Image.Resampling.BOX), np.float32)
        return self._colour[size]


def detail_similarity(
    copy: Image.Image | DetailScales,
    reference: Image.Image,
    short: float = 128.0,
    smallest: float = 0.4,
    step: float = 0.025,
) -> tuple[float, float]:
    """(correlation, scale) of ``copy`` as a detail of ``reference``: anywhere in it, at scales down to ``smallest``.

    :func:`similarity` searches the scales of whole copies and 80 % crops; a detail of a quarter of
    the area sits at half the scale, and keypoints do not place a detail of a soft picture. The copy,
    at each scale (steps of 2.5 %), is searched in the reference by normalised cross-correlation
    (OpenCV's ``matchTemplate``: the whole placement surface at once), and the best placement is
    scored as :func:`similarity` scores one: the least of the luminance's and each colour channel's
    correlation. A copy too flat to place (luminance spread under 6 levels) scores -1. ``step``: a
    coarser search (a smaller ``short``) needs fewer scales.
    """
    import cv2

    scales = copy if isinstance(copy, DetailScales) and copy.short == short else None
    if scales is None:
        scales = DetailScales(copy.copy if isinstance(copy, DetailScales) else copy, short)
    reference = reference.convert("RGB")
    base = luma_at(reference.convert("L"), short)
    colour = np.asarray(reference.resize((base.shape[1], base.shape[0]), Image.Resampling.BOX), np.float32)
    best = (-1.0, 1.0, (0, 0), np.zeros((0, 0), np.float32))
    for scale in np.arange(smallest, 1.0001, step):
        small = scales.at(float(scale))
        if small.shape[0] > base.shape[0] or small.shape[1] > base.shape[1] or min(small.shape) < 24:
            continue
        if scales.flat(float(scale)):
            return -1.0, 1.0
        surface = cv2.matchTemplate(base, small, cv2.TM_CCOEFF_NORMED)
        _, peak, _, (x, y) = cv2.minMaxLoc(surface)
        if peak > best[0]:
            best = (float(peak), float(scale), (y, x), small)
    score, scale, (y, x), small = best
    if score < 0:
        return -1.0, 1.0
    h, w = small.shape
    ours = scales.colour((w, h))
    theirs = colour[y : y + h, x : x + w]
    for channel in range(3):
        score = min(score, _ncc(ours[..., channel], theirs[..., channel]))
    return score, scale


def bars_box(image: Image.Image, tolerance: int = 10, keep: float = 0.3) -> tuple[int, int, int, int] | None:
    """(left, top, right, bottom) of ``image`` inside the flat bars around it, or None when it has none.

    A row or column is a bar when every channel varies by at most ``tolerance`` along it (JPEG noise
    on a black bar stays well inside); bars are taken from each edge inwards. If what remains is
    less than ``keep`` of a side, the picture is itself flat there and has no bars.
    """
    a = np.asarray(image.convert("RGB"), dtype=np.int16)
    h, w = a.shape[:2]
    flat_rows = (a.max(axis=1) - a.min(axis=1)).max(axis=1) <= tolerance
    flat_cols = (a.max(axis=0) - a.min(axis=0)).max(axis=1) <= tolerance
    top = int(np.argmin(flat_rows)) if not flat_rows.all() else h
    bottom = h - int(np.argmin(flat_rows[::-1])) if not flat_rows.all() else 0
    left = int(np.argmin(flat_cols)) if not flat_cols.all() else w
    right = w - int(np.argmin(flat_cols[::-1])) if not flat_cols.all() else 0
    if (top, left, bottom, right) == (0, 0, h, w) or bottom - top < h * keep or right - left < w * keep:
        return None
    return left, top, right, bottom


def strip_bars(image: Image.Image, tolerance: int = 10, keep: float = 0.3) -> Image.Image:
    """``image`` without the flat bars around it (a letterbox, a pillarbox, a plain frame), or itself."""
    box = bars_box(image, tolerance, keep)
    return image if box is None else image.crop(box)


def laid_onto(copy: Image.Image, homography: NDArray[np.float64], size: tuple[int, int]) -> NDArray[np.uint8]:
    """``copy`` (RGB) warped onto a picture's frame of ``size`` by ``homography`` (copy px -> picture px), with
    no picture to lay it on: what the copy does not cover repeats its nearest edge (flat beyond it, so the
    mark reader's high-pass sees no step there; a mean fill read 11 of 12 photographed details, this 12)."""
    import cv2

    rgb = np.asarray(copy.convert("RGB"))
    return np.asarray(
        cv2.warpPerspective(rgb, homography, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE),
        np.uint8,
    )


def warped_similarity(
    copy: Image.Image,
    reference: Image.Image,
    homography: NDArray[np.float64],
    reference_size: tuple[int, int],
    region: NDArray[np.float32] | None = None,
) -> tuple[float, float, float]:
    """(correlation, compared share, changed share): ``copy`` warped onto ``reference``, compared where it lands.

    ``homography`` maps the copy's own pixels to those of the registered picture, whose full size is
    ``reference_size``; ``reference`` is that picture small (a registry thumbnail). The copy is warped
    at twice the thumbnail's size and box-filtered down (warping straight to a small frame would
    alias), and compared as :func:`similarity` compares: the least correlation of luminance and each
    colour channel, over the pixels the copy covers (its border eroded: interpolation blends it) and,
    given a ``region`` (a polygon in the registered picture's pixels: where keypoints agreed), only
    inside it: what a rotation's filled corners or a page around a screenshot covers is not compared.

    The changed share is where, within that, the copy shows something else: pixels more than
    :data:`OTHER` levels from the reference in some channel after each channel's brightness and
    contrast are matched, in blobs (a morphological opening drops lone pixels along edges). A
    faithful copy (rotated, photographed, re-encoded) changes under 1 %; a stamp or a painted band
    changes its own area.
    """
    import cv2

    reference = reference.convert("RGB")
    width, height = reference.size
    frame = (width * 2, height * 2)
    to_frame = np.diag([frame[0] / reference_size[0], frame[1] / reference_size[1], 1.0]) @ homography
    copy, to_frame = reduced(copy, to_frame, frame)
    source = np.asarray(copy.convert("RGB"), dtype=np.float32)
    ones = np.ones(source.shape[:2], dtype=np.float32)
    warped = cv2.warpPerspective(source, to_frame, frame, flags=cv2.INTER_LINEAR, borderValue=0)
    covered = cv2.warpPerspective(ones, to_frame, frame, flags=cv2.INTER_NEAREST, borderValue=0)
    shown = cv2.warpPerspective(1 - border_fill(source), to_frame, frame, flags=cv2.INTER_NEAREST, borderValue=0)
    small: NDArray[np.float32] = np.asarray(
        cv2.resize(warped, (width, height), interpolation=cv2.INTER_AREA), np.float32
    )
    mask = cv2.erode(cv2.resize(covered, (width, height), interpolation=cv2.INTER_AREA), np.ones((3, 3))) >= 0.999
    picture = mask & (
        cv2.erode(cv2.resize(shown, (width, height), interpolation=cv2.INTER_AREA), np.ones((3, 3))) >= 0.999
    )
    if region is not None and len(region) >= 3:
        inside = np.zeros((height, width), np.uint8)
        scale = np.array([width / reference_size[0], height / reference_size[1]], dtype=np.float32)
        cv2.fillConvexPoly(inside, np.round(region * scale).astype(np.int32), 1)
        mask &= inside.astype(bool)
    share = float(mask.mean())
    if mask.sum() < 256:  # under 16x16 thumbnail pixels: nothing to judge by
        return -1.0, share, 0.0
    theirs = np.asarray(reference, dtype=np.float32)
    luma = np.array([0.299, 0.587, 0.114], dtype=np.float32)
    score = _ncc((small[mask] @ luma).astype(np.float32), (theirs[mask] @ luma).astype(np.float32))
    for channel in range(3):
        score = min(score, _ncc(small[..., channel][mask], theirs[..., channel][mask]))
    # changes are looked for wherever the copy shows the picture, not only where keypoints agreed
    return score, share, _changed(small, theirs, mask, picture)


def _changed(
    ours: NDArray[np.float32], theirs: NDArray[np.float32], fitted: NDArray[np.bool_], shown: NDArray[np.bool_]
) -> float:
    """Share of ``shown`` where ``ours`` shows something else than ``theirs`` (RGB, the same frame).

    Each channel's brightness and contrast are matched over ``fitted`` first; a pixel then differs
    by its distance from the range ``theirs`` spans within :data:`REACH` pixels of it (a copy laid
    back or aligned is up to a pixel off: a half-degree turn at the corners, a homography from a
    few keypoints, a sub-pixel offset along every edge), and what differs by more than
    :data:`OTHER` levels in some channel, in blobs (a morphological opening drops lone pixels), is
    changed. Compared pixel to pixel, faithful copies measured up to 4.7 % changed (photographs,
    details, screenshots at WebP q50) where stamps measured 3.3-9 %; within a pixel's reach, the
    faithful ones up to 1.1 % and the stamps the same 3.3-9 % (benchmark pictures). The fit is
    robust (:func:`_robust_fit`): a stamp does not bend it to match itself.
    """
    import cv2

    residual = np.zeros(ours.shape[:2], np.float32)
    window = np.ones((2 * REACH + 1, 2 * REACH + 1), np.uint8)
    for channel in range(3):
        a, b = _robust_fit(ours[..., channel][fitted], theirs[..., channel][fitted])
        fitted_channel, their_channel = ours[..., channel] * a + b, np.ascontiguousarray(theirs[..., channel])
        low, high = cv2.erode(their_channel, window), cv2.dilate(their_channel, window)
        residual = np.maximum(residual, np.maximum(low - fitted_channel, fitted_channel - high))
    changed = cv2.morphologyEx(((residual > OTHER) & shown).astype(np.uint8), cv2.MORPH_OPEN, np.ones((3, 3)))
    return float(changed.sum()) / max(float(shown.sum()), 1.0)


def _robust_fit(x: NDArray[np.float32], y: NDArray[np.float32], pairs: int = 4000) -> tuple[float, float]:
    """(a, b) with a·x + b close to y where most pixels agree, whatever a few per cent show (Theil-Sen).

    The slope is the median of the slopes between random pairs of pixels (a fixed draw: the same
    copy gives the same answer), the offset the median of what is left; a stamp over under a
    quarter of the frame moves neither. A least-squares fit over everything bent to the stamp where
    the picture barely spans a channel (the blue of a yellow and green picture: a white box over 4 %
    of it pulled the slope to 0.35, the box then 24-29 levels off, under :data:`OTHER`: 1.7 %
    changed, and the stamped edition read authentic; the copies verify benchmark's overlay row).
    """
    if len(x) < 64:
        return _linear_fit(x, y)
    rng = np.random.default_rng(0)
    i, j = rng.integers(0, len(x), pairs), rng.integers(0, len(x), pairs)
    dx, dy = x[j].astype(np.float64) - x[i], y[j].astype(np.float64) - y[i]
    apart = np.abs(dx) >= 2.0  # pairs a level apart say nothing about the slope
    if apart.sum() < 64:  # a flat channel: its mean, as the least-squares fit gives it
        return _linear_fit(x, y)
    a = float(np.median(dy[apart] / dx[apart]))
    return a, float(np.median(y - a * x))


def _shrunk(copy: Image.Image, short: float) -> Image.Image:
    """``copy`` in RGB with its short side ``short``, by an area filter: one pass over a large copy.

    A 12 MP copy is first reduced by a whole factor (a box average, fast), then resized exactly;
    converting and resizing it whole, twice (luminance and colour), cost 150 ms of a verify.
    """
    size = working_size(copy.width, copy.height, short)
    rgb = copy if copy.mode == "RGB" else copy.convert("RGB")
    factor = min(rgb.width // size[0], rgb.height // size[1]) // 2
    if factor >= 2:
        rgb = rgb.reduce(factor)
    method = Image.Resampling.BOX if short <= min(rgb.size) else Image.Resampling.BILINEAR
    return rgb.resize(size, method)


def frame_changes(copy: Image.Image, reference: Image.Image, scale: float = 1.0, short: float = 128.0) -> float:
    """Share of ``copy`` that shows something else than ``reference``, aligned as :func:`similarity` aligns it.

    For a copy in the registered picture's own frame (whole, or cropped at ``scale``), where the
    correlation alone judged it: a seller's stamp over 5 % of a picture lowered the correlation
    below 0.85 in some pictures and not in others, while the share it changes is 3-9 % and a
    faithful re-encode's (JPEG q30, WebP q50, half size at JPEG q50) under 0.1 % (measured on the
    benchmark's pictures). Flat fill reaching the copy's border (bars, a page) is not counted.
    """
    reference = reference.convert("RGB")
    base = luma_at(reference.convert("L"), short)
    theirs = np.asarray(reference.resize((base.shape[1], base.shape[0]), Image.Resampling.BOX), np.float32)
    shrunk = _shrunk(copy, short * scale)
    small = np.asarray(shrunk.convert("L"), np.float32)
    overlap = _overlap(small, base, same_frame=True)
    if overlap is None:
        return 0.0
    ty, tx, h, w = overlap
    ours, theirs = np.asarray(shrunk, np.float32)[:h, :w], theirs[ty : ty + h, tx : tx + w]
    if h * w < 256:
        return 0.0
    shown = border_fill(ours) < 0.5
    return _changed(ours, theirs, np.ones((h, w), bool), shown)


def reduced(
    copy: Image.Image, to_frame: NDArray[np.float64], frame: tuple[int, int]
) -> tuple[Image.Image, NDArray[np.float64]]:
    """``copy`` brought near ``frame``'s scale by an area filter, and the homography from it, to warp about 1:1.

    Warping a copy straight down to a smaller frame samples it bilinearly, which aliases: a finely
    textured picture turned 4 degrees correlated 0.74 with its own thumbnail that way, 0.95 with the
    copy reduced first, and ECC refined such a copy away from the truth. The scale is taken where
    the frame's centre lands (a photograph's perspective varies it by a few per cent).
    """
    inverse = np.linalg.inv(to_frame)
    centre = inverse @ np.array([frame[0] / 2, frame[1] / 2, 1.0])
    x, y = centre[:2] / centre[2]
    points = np.array([[x, y, 1.0], [x + 1, y, 1.0], [x, y + 1, 1.0]]) @ to_frame.T
    points = points[:, :2] / points[:, 2:]
    shrink = float(np.sqrt(abs(np.linalg.det(np.stack([points[1] - points[0], points[2] - points[0]])))))
    if not np.isfinite(shrink) or shrink >= 0.95:  # about 1:1 or enlarged already: warp as it is
        return copy, to_frame
    size = (max(1, round(copy.width * shrink)), max(1, round(copy.height * shrink)))
    small = copy.resize(size, Image.Resampling.BOX)
    scale = np.diag([small.width / copy.width, small.height / copy.height, 1.0])
    return small, to_frame @ np.linalg.inv(scale)


def border_fill(rgb: NDArray[np.float32], tolerance: float = 12.0) -> NDArray[np.float32]:
    """1 where ``rgb`` is flat fill reaching its border (a rotation's corners, bars, a page), else 0.

    The fill colour is the median of the outermost ring; fill is every pixel within ``tolerance``
    of it in each channel that connects to the border.
    """
    import cv2

    ring = np.concatenate([rgb[0], rgb[-1], rgb[:, 0], rgb[:, -1]])
    colour = np.median(ring, axis=0)
    near = (np.abs(rgb - colour).max(axis=2) <= tolerance).astype(np.uint8)
    count, labels = cv2.connectedComponents(near, connectivity=4)
    edge = np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]]))
    edge = edge[edge > 0] if count > 1 else edge[:0]
    return np.isin(labels, edge).astype(np.float32)


def warp_onto(
    copy: Image.Image, homography: NDArray[np.float64], reference: Image.Image, reference_size: tuple[int, int]
) -> NDArray[np.uint8]:
    """The copy's luminance laid back onto ``reference`` (mode L) where it covers it; ``reference`` elsewhere.

    ``homography`` maps the copy's pixels to those of the registered picture (full size
    ``reference_size``; ``reference`` may be smaller). The copy is first brought to the reference's
    brightness and contrast over the pixels it covers (a photographed print is darker or brighter),
    so that what differs from the reference is the copy's own signal: a watermark read aligned
    subtracts the reference and finds, outside the copy, nothing at all.
    """
    import cv2

    width, height = reference.size
    to_frame = np.diag([width / reference_size[0], height / reference_size[1], 1.0]) @ homography
    copy, to_frame = reduced(copy, to_frame, (width, height))
    source = np.asarray(copy.convert("L"), dtype=np.float32)
    warped = cv2.warpPerspective(source, to_frame, (width, height), flags=cv2.INTER_LINEAR, borderValue=0)
    covered = cv2.warpPerspective(
        np.ones_like(source), to_frame, (width, height), flags=cv2.INTER_NEAREST, borderValue=0
    )
    inside = cv2.erode(covered, np.ones((5, 5), np.uint8)) > 0.5
    base = np.asarray(reference.convert("L"), dtype=np.float32)
    for _ in range(2):  # brightness and contrast by least squares, then again without what plainly differs
        if inside.sum() <= 64 or np.ptp(warped[inside]) < 1:  # a flat copy: no contrast to fit
            break
        a, b = _linear_fit(warped[inside], base[inside])
        fitted = warped * a + b
        inside &= np.abs(fitted - base) < OTHER  # fill, a page around it, a stamp: not the picture
    else:
        warped = fitted
    return np.clip(np.where(inside, warped, base), 0, 255).astype(np.uint8)


def refine(
    copy: Image.Image, homography: NDArray[np.float64], reference: Image.Image, reference_size: tuple[int, int]
) -> NDArray[np.float64]:
    """``homography`` (copy px -> registered px) made exact by the pixels themselves, or unchanged if they disagree.

    Keypoints place a copy to a pixel or two at their 512 px working size, a picture's outline to a
    pixel or two of the copy: close, but a watermark read by subtracting the master leaves the
    master's own edges behind wherever the two are a pixel apart. The enhanced correlation
    coefficient (Evangelidis and Psarakis 2008; OpenCV's ``findTransformECC``) refines the residual
    homography between the copy laid back and ``reference`` (the master's luminance, any size) over
    the pixels the copy covers. A refinement that moves a corner of what the copy shows of the picture
    by more than :data:`REFINE_REACH` of the picture's long side is not a refinement and is dropped
    (an outline found in a blurred or re-encoded screenshot is up to 2.5 % off: 2 % rejected the
    refinements that made two such copies correlate 0.97 and 0.94 instead of 0.74 and 0.65).
    """
    refined = _Refinement(copy, homography, reference, reference_size)
    return refined.homography if refined.homography is not None and refined.within_reach else homography


class _Refinement:
    """ECC run once from ``homography``: the refined homography (None: it did not converge) and how far it moved."""

    def __init__(
        self,
        copy: Image.Image,
        homography: NDArray[np.float64],
        reference: Image.Image,
        reference_size: tuple[int, int],
    ) -> None:
        import cv2

        self.copy, self.reference_size = copy, reference_size
        width, height = reference.size
        shrink = min(1.0, 768 / max(width, height))
        self.frame = (max(16, round(width * shrink)), max(16, round(height * shrink)))
        self.base = np.asarray(reference.convert("L").resize(self.frame, Image.Resampling.BOX), dtype=np.float32)
        self.homography: NDArray[np.float64] | None = None
        self.within_reach = False
        full = self._to_frame(homography)
        laid, mask = self._laid(full)
        if mask.sum() < 0.02 * mask.size:
            return
        criteria = (cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, 60, 1e-5)
        try:
            _, residual = cv2.findTransformECC(
                self.base, laid, np.eye(3, dtype=np.float32), cv2.MOTION_HOMOGRAPHY, criteria, mask, 5
            )
        except cv2.error:  # did not converge: a flat picture, or one too unlike the master
            return
        refined = np.linalg.inv(np.asarray(residual, dtype=np.float64)) @ full  # from the copy itself
        moved = _moved(full, refined, copy.size, self.frame)
        if not np.isfinite(moved):
            return
        self.within_reach = moved <= REFINE_REACH * max(self.frame)
        self.homography = np.asarray(
            np.diag([reference_size[0] / self.frame[0], reference_size[1] / self.frame[1], 1.0]) @ refined
        )

    def _to_frame(self, homography: NDArray[np.float64]) -> NDArray[np.float64]:
        scale = np.diag([self.frame[0] / self.reference_size[0], self.frame[1] / self.reference_size[1], 1.0])
        return np.asarray(scale @ homography)

    def _laid(self, to_frame: NDArray[np.float64]) -> tuple[NDArray[np.float32], NDArray[np.uint8]]:
        """The copy's luminance laid onto the frame by ``to_frame``, and the pixels it covers (eroded)."""
        import cv2

        small, to_small = reduced(self.copy, to_frame, self.frame)
        source = np.asarray(small.convert("L"), dtype=np.float32)
        laid = cv2.warpPerspective(source, to_small, self.frame, flags=cv2.INTER_LINEAR)
        covered = cv2.warpPerspective(np.ones_like(source), to_small, self.frame, flags=cv2.INTER_NEAREST)
        return np.asarray(laid, np.float32), (cv2.erode(covered, np.ones((9, 9), np.uint8)) > 0.5).astype(np.uint8)

    def agreement(self, homography: NDArray[np.float64]) -> float:
        """How well the copy laid back by ``homography`` agrees with the master: ECC's correlation where it covers."""
        import cv2

        laid, mask = self._laid(self._to_frame(homography))
        if mask.sum() < 0.02 * mask.size:
            return 0.0
        try:
            return float(cv2.computeECC(self.base, laid, mask))
        except cv2.error:  # a flat picture: no correlation to speak of
            return 0.0


def _moved(
    before: NDArray[np.float64], after: NDArray[np.float64], size: tuple[int, int], frame: tuple[int, int]
) -> float:
    """How far (frame px) a change of homography (copy px -> ``frame`` px) moves the picture the copy shows.

    Measured at the corners of what the copy shows of the picture: the copy's corners as ``before``
    lays them on the frame, drawn in to the frame's edges. Measured at the copy's own corners, a
    page or a wall around the picture (a screenshot, a photograph) sits far outside it, where a
    refinement's slight perspective moves points far: the refinement that made a screenshot's
    picture correlate 0.94 instead of 0.65 moved the page's corners by 5 % of the picture's long
    side, and the picture's own by 2.5 %.
    """
    w, h = size
    corners = np.array([[0, 0, 1], [w, 0, 1], [w, h, 1], [0, h, 1]], dtype=np.float64) @ before.T
    with np.errstate(divide="ignore", invalid="ignore"):
        laid = corners[:, :2] / corners[:, 2:]
        shown = np.column_stack([np.clip(laid[:, 0], 0, frame[0]), np.clip(laid[:, 1], 0, frame[1]), np.ones(4)])
        back = shown @ np.linalg.inv(before).T @ after.T  # the same points of the copy, laid by ``after``
        return float(np.hypot(*(shown[:, :2] - back[:, :2] / back[:, 2:]).T).max())


def refined_first(
    copy: Image.Image,
    homography: NDArray[np.float64],
    reference: Image.Image,
    reference_size: tuple[int, int],
    *,
    far: bool = False,
) -> list[NDArray[np.float64]]:
    """The geometries to lay ``copy`` back by: ``homography`` refined (:func:`refine`), then as given if that differs.

    ECC makes most keypoint and outline placements exact, but can slide off a sharp outline (a
    photographed print: 0.95 laid back by its corners, 0.72 refined); whoever lays a copy back tries both.
    With ``far``, a refinement beyond :data:`REFINE_REACH` comes last, when the copy laid back by it
    agrees with the master better (by :data:`FAR_BETTER`) than laid as given: keypoints that agree
    over one part of a photographed print extrapolate its perspective over the rest, 15-16 % of the
    picture's side off at its far corners, where ECC finds the truth (a part of a print: 0.81-0.93
    laid as given, 0.97 refined). Only the fingerprint registry asks for it, where the copy is then
    judged through it; a mark read through a geometry the judgement did not see could name an
    edition whose picture was compared through another ("tampered" for a misplaced faithful copy).
    """
    refined = _Refinement(copy, homography, reference, reference_size)
    if refined.homography is None:
        return [homography]
    if refined.within_reach:
        return [refined.homography, homography]
    if far and refined.agreement(refined.homography) > refined.agreement(homography) + FAR_BETTER:
        return [homography, refined.homography]
    return [homography]


def turn_back(image: Image.Image, degrees: float) -> Image.Image:
    """A copy turned ``degrees`` counter-clockwise (its frame grown to hold the corners) turned back, uncropped.

    The frame W x H of a picture w x h turned by a holds W = w cos a + h sin a, H = w sin a + h cos a;
    turned back about the centre, the picture is the central w x h of it.
    """
    a = np.radians(abs(degrees))
    cos, sin = float(np.cos(a)), float(np.sin(a))
    upright = image.rotate(-degrees, resample=Image.Resampling.BICUBIC, expand=False)
    width, height = upright.size
    denominator = cos * cos - sin * sin
    w = round((width * cos - height * sin) / denominator) if denominator > 0.1 else width
    h = round((height * cos - width * sin) / denominator) if denominator > 0.1 else height
    if not (0 < w <= width and 0 < h <= height):
        return upright
    left, top = (width - w) // 2, (height - h) // 2
    return upright.crop((left, top, left + w, top + h))
