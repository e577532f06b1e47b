"""Detection: find the tile's period and offset, read the 188 code bits, decode or say nothing.

No secret and no registry is needed. The image is scaled to the working size
and its large-scale content (periods over ~64 px) removed; all PxP tiles are
summed, each pixel weighted down by its local activity (the mark adds up, the
picture does not); the pilot's phase correlation gives the offset a crop
introduced (a whole copy is also read at the origin); each code bit is the sign of its coefficient. A crop also changes
the working scale (the short side shrank), so when scale 1 does not decode,
the period is found by lining a comb of all carrier frequencies up with the
image's power spectrum, and the image rescaled to match.

With the registered master (``reference``), the copy is aligned to it and the
master subtracted before reading: the picture's own interference is gone, and
crops of busy pictures read as well as whole copies.

The decision rule is the BCH decoder: a word more than 16 bits from every
codeword is no mark. Chase-II decoding also tries the 31 flips of the 5 least
reliable bits. A mirror image (a flipped post) is read flipped back. A copy
turned by up to ten degrees is found the same way, the comb turned with it
(:func:`_turns`), and read after turning it back. Last, with the tries left, the comb is searched
over the scales of a detail shown larger (0.45-0.7: a fifth to half of the picture;
:attr:`Detection.from_detail`). With at most
``HYPOTHESES`` (scale or turn, offset) tries per image, each
with its 32 words, the false-alarm probability per image is at most
:data:`FALSE_ALARM` (union bound, computed in :mod:`artproof.watermark.code`).
With the registry the payloads a copy of a master can carry are known (its
editions): a word too damaged to decode names one of them when it lies within
42 bits of that one's codeword alone; a random word does so with probability
5.8e-15 per edition and hypothesis (9.3e-11 for a thousand editions).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from artproof.core.alignment import align, best_scales, luma_at
from artproof.watermark.code import Expected, decode, false_decode_probability
from artproof.watermark.embed import working_size
from artproof.watermark.pattern import (
    WORK_SHORT,
    P,
    box_mean,
    carriers,
    detector_weights,
    fold,
    folded_spectrum,
    highpass,
)

__all__ = ["FALSE_ALARM", "HYPOTHESES", "MIN_DETECT_SHORT", "Detection", "detect"]

HYPOTHESES = 16  # (scale, offset) pairs tried at most per image
CHASE_BITS = 5  # the least reliable bits whose flips are also tried (Chase-II decoding)
FALSE_ALARM = false_decode_probability(HYPOTHESES * 2**CHASE_BITS)
MIN_DETECT_SHORT = 128  # below this no copy carries enough of the mark to try
DETAIL = 0.45  # the smallest working scale searched for details: down to a fifth of the area
CROP = 0.70  # the smallest working scale searched first: crops keeping half of the area or more


@dataclass(frozen=True, slots=True)
class Detection:
    found: bool
    payload: int | None = None
    errors: int | None = None  # bits the code corrected (at most 16; up to 42 when matched to an expected edition)
    scale: float | None = None  # working-scale factor that decoded (1.0: not rescaled relative to the original)
    offset: tuple[float, float] | None = None  # (dy, dx) of the tile grid, in working pixels
    pilot_z: float | None = None  # strength of the pilot's correlation peak, in standard deviations
    tries: int = 0
    informed: bool = False  # decoded from the difference to a registered master
    angle: float = 0.0  # degrees the copy was turned counter-clockwise (read blind after turning it back)
    mirrored: bool = False  # read from the copy's mirror image (flipped left to right)
    matched: bool = False  # named by comparing with the expected editions' codewords (not decodable alone)

    @property
    def from_detail(self) -> bool:
        """Read blind at a detail's scale: the copy shows part of the marked picture, larger (a fifth to half of it)."""
        return self.found and not self.informed and self.scale is not None and self.scale < CROP


def _decode_soft(soft: NDArray[np.float64]) -> tuple[int, int] | None:
    """Hard decision, then Chase-II: the same with each pattern of flips of the least reliable bits.

    Every pattern is one more word that could decode by chance: the false-alarm bound counts them all.
    """
    bits = (soft > 0).astype(np.uint8)
    weakest = np.argsort(np.abs(soft))[:CHASE_BITS]
    for pattern in range(2**CHASE_BITS):
        trial = bits.copy()
        for j, position in enumerate(weakest):
            if pattern >> j & 1:
                trial[position] ^= 1
        decoded = decode(trial)
        if decoded is not None:
            return decoded[0], decoded[1] + pattern.bit_count()
    return None


Reading = tuple[NDArray[np.float64], tuple[float, float], float | None]  # soft bits, offset, pilot z (None: aligned)


class _Budget:
    """The tries one image gets (at most ``HYPOTHESES``: the false-alarm bound counts them) and what they saw."""

    def __init__(self, expected: Sequence[int] = ()) -> None:
        self.tries, self.best_z, self.expected = 0, 0.0, Expected(expected)

    def first(
        self,
        readings: list[Reading],
        at: float,
        *,
        angle: float = 0.0,
        mirrored: bool = False,
    ) -> Detection | None:
        """The first of ``readings`` (soft bits, offset, pilot z; no z: read aligned) that decodes, within budget."""
        for soft, offset, z in readings:
            if self.tries >= HYPOTHESES:
                return None
            self.tries += 1
            self.best_z = max(self.best_z, z or 0.0)
            decoded, matched = _decode_soft(soft), False
            if decoded is None and self.expected:  # not decodable alone: is it near one of the expected editions?
                decoded, matched = self.expected.match((soft > 0).astype(np.uint8)), True
            if decoded is not None:
                return Detection(
                    True, decoded[0], decoded[1], at, offset, z, self.tries, z is None, angle, mirrored, matched
                )
        return None


def _read(work: NDArray[np.float32], origin: bool = False) -> list[Reading]:
    """Candidate code words from one working image: (bits, offset, pilot z) for the best pilot peaks.

    With ``origin``, also the tile grid where the embedder laid it, at (0, 0), when no peak is there: a
    whole copy (re-encoded, resized, recoloured: what a marketplace makes) keeps its frame, and on a
    picture whose mark a codec thinned the pilot's true peak can fall a pixel off or under the noise's
    (of 9,216 offsets, the highest noise peak stands about 3.9 standard deviations up) while the code
    bits still read there. One reading more, counted in the tries like the others.
    """
    c = carriers()
    spectrum = folded_spectrum(work)
    cross = np.zeros_like(spectrum)
    values = spectrum[c.pilot_y, c.pilot_x] * np.conj(c.pilot_phase)
    cross[c.pilot_y, c.pilot_x] = values / np.maximum(np.abs(values), 1e-9)
    surface = np.fft.irfft2(cross, s=(P, P))
    flat = surface.ravel()
    z = (flat - flat.mean()) / max(float(flat.std()), 1e-12)
    out: list[Reading] = []
    peaks = [int(i) for i in np.argsort(z)[-2:][::-1]]
    if origin and 0 not in peaks:
        peaks.append(0)
    for index in peaks:
        dy, dx = divmod(index, P)
        soft = c.soft_bits(spectrum, (dy, dx))
        out.append((soft, (float(dy), float(dx)), float(z[index])))
    return out


def _scales(work: NDArray[np.float32], count: int = 3, smallest: float = CROP, largest: float = 1.02) -> list[float]:
    """The likeliest working-scale factors (period P/c), from a comb over the whole image's power spectrum.

    Every carrier, pilot or data, puts a peak at its frequency (ky, kx)/period;
    the period that lines the comb of all 740 carriers up with the most
    (whitened) power is the period of the tiling. Crops only shrink the short
    side, so c lies in [0.7, 1.02] (down to ``smallest`` when a master is there to confirm a
    detail: the range is wider, the tries are not more).
    """
    c = carriers()
    height, width = work.shape
    power = np.abs(np.fft.rfft2(highpass(work) * detector_weights(work))) ** 2
    power /= box_mean(power.astype(np.float32), 9, mode="wrap") + 1e-9
    ky = np.concatenate([np.fft.fftfreq(P, d=1.0 / P)[c.data_y], np.fft.fftfreq(P, d=1.0 / P)[c.pilot_y]])
    kx = np.concatenate([c.data_x, c.pilot_x]).astype(np.float64)

    def score(candidates: NDArray[np.float64]) -> NDArray[np.float64]:
        rows = np.rint(ky[None, :] * height * candidates[:, None] / P).astype(np.int64) % height
        cols = np.rint(kx[None, :] * width * candidates[:, None] / P).astype(np.int64)
        cols = np.clip(cols, 0, power.shape[1] - 1)
        return np.asarray(power[rows, cols].sum(axis=1), dtype=np.float64)

    coarse = np.arange(smallest, largest, 0.002)
    top = coarse[np.argsort(score(coarse))[-count:][::-1]]
    out = []
    for guess in top:
        fine = guess + np.arange(-0.002, 0.0021, 0.0002)
        out.append(float(fine[int(np.argmax(score(fine)))]))
    return out


def _turns(work: NDArray[np.float32], count: int = 2) -> list[tuple[float, float]]:
    """The likeliest (angle in degrees, working-scale factor) of a turned copy, from the same comb, turned.

    A copy turned by an angle has its spectrum turned by it: each carrier's frequency vector is
    rotated before it is looked up. Coarse: every 0.5 degrees up to 10.5 either way (0 excluded: the
    plain search did that) and scales 0.70-1.30 every 0.004 (a turned copy's frame grows to hold its
    corners, so its content shrinks in the working image), on the power spectrum max-filtered over
    3x3 bins (a half-degree miss moves the outermost carriers by under a bin); then 0.05 degrees and
    0.0005 of scale around the best, on the power itself.
    """
    from scipy.ndimage import maximum_filter

    c = carriers()
    height, width = work.shape
    power = np.abs(np.fft.rfft2(highpass(work) * detector_weights(work))) ** 2
    power = power / (box_mean(power.astype(np.float32), 9, mode="wrap") + 1e-9)
    spread = maximum_filter(power, size=3, mode="wrap")
    fy = np.concatenate([np.fft.fftfreq(P, d=1.0 / P)[c.data_y], np.fft.fftfreq(P, d=1.0 / P)[c.pilot_y]]) / P
    fx = np.concatenate([c.data_x, c.pilot_x]).astype(np.float64) / P

    def score(surface: NDArray[np.float64], angles: NDArray[np.float64], scales: NDArray[np.float64]):  # type: ignore[no-untyped-def]
        a = np.radians(angles)[:, None, None]
        ry = (np.cos(a) * fy + np.sin(a) * fx) * scales[None, :, None]
        rx = (-np.sin(a) * fy + np.cos(a) * fx) * scales[None, :, None]
        flip = rx < 0  # the other half-plane: the conjugate coefficient
        rows = np.rint(np.where(flip, -ry, ry) * height).astype(np.int64) % height
        cols = np.clip(np.rint(np.abs(rx) * width).astype(np.int64), 0, surface.shape[1] - 1)
        return surface[rows, cols].sum(axis=2)

    angles = np.concatenate([np.arange(-10.5, -0.49, 0.5), np.arange(0.5, 10.51, 0.5)])
    scales = np.arange(0.70, 1.30, 0.004)  # turned with its corners filled, the frame grows: up to 1.25
    coarse = score(spread, angles, scales)
    out: list[tuple[float, float]] = []
    for flat in np.argsort(coarse, axis=None)[::-1]:
        i, j = np.unravel_index(int(flat), coarse.shape)
        if any(abs(angles[i] - a) < 1.0 for a, _ in out):
            continue
        fine_a = angles[i] + np.arange(-0.3, 0.301, 0.05)
        fine_s = scales[j] + np.arange(-0.004, 0.0041, 0.0005)
        fine = score(power, fine_a, fine_s)
        k, m = np.unravel_index(int(np.argmax(fine)), fine.shape)
        out.append((float(fine_a[k]), float(fine_s[m])))
        if len(out) == count:
            break
    return out


def _turned(work: NDArray[np.float32], angle: float, scale: float) -> NDArray[np.float32]:
    """``work`` turned back by ``angle`` degrees about its centre, then brought to the working scale."""
    import cv2

    height, width = work.shape
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
    back = cv2.warpAffine(work, matrix, (width, height), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return np.asarray(cv2.resize(back, size, interpolation=cv2.INTER_AREA), dtype=np.float32)


def _working(luma: Image.Image, short: float) -> NDArray[np.float32]:
    return luma_at(luma, short)


def _informed(
    luma: Image.Image, scale: float, master_luma: Image.Image, master: NDArray[np.float32]
) -> tuple[NDArray[np.float64], tuple[float, float]] | None:
    """Code bits (soft) from the copy minus the registered master, aligned: the picture itself cancels out.

    The alignment is found at the working scale, then the master's matching region
    is resampled onto the copy's own pixels (a pure crop lands on whole pixels, so
    the subtraction is exact there) and the difference brought to the working scale.
    Every pixel of the difference counts the same. Blind reading weighs busy regions down
    because the picture's own texture drowns the mark there; with the picture subtracted, that
    weighting threw away the mark where the embedder put most of it (edges and texture get up to
    3 levels, flat areas 0.8), and on line art, whose flat black and white a JPEG copy rounds
    back to pure, all of it: on the watermark benchmark's 60 pictures, aligned with their masters,
    uniform weights decoded JPEG q50 60 of 60 (the weighted sum 59; the line art's word 60 bits
    wrong, now 2), WebP q50 57 (53), resize 50 % + JPEG q50 57 (55), and lost none read through
    keypoints or outlines (24 of the hardest pictures: a photographed print, screenshot > WebP q50
    12 -> 14, a turn > half size + JPEG q50).
    """
    work = _working(luma, WORK_SHORT * scale)
    where = align(work, master)
    if where is None:
        return None
    ty, tx, fy, fx = where
    per_master = min(master_luma.size) / WORK_SHORT  # master px per working px
    per_copy = min(luma.size) / (WORK_SHORT * scale)  # copy px per working px
    ratio = per_master / per_copy  # master px per copy px
    y0, x0 = max(0.0, (ty + fy) * per_master), max(0.0, (tx + fx) * per_master)
    if abs(ratio - 1.0) < 0.003:  # a crop without resizing: whole pixels
        ratio, y0, x0 = 1.0, float(round(y0)), float(round(x0))
    width = min(luma.width, int((master_luma.width - x0) / ratio))
    height = min(luma.height, int((master_luma.height - y0) / ratio))
    if width < WORK_SHORT // 4 or height < WORK_SHORT // 4:
        return None
    box = (x0, y0, x0 + width * ratio, y0 + height * ratio)
    region = np.asarray(master_luma.convert("F").resize((width, height), Image.Resampling.BILINEAR, box=box))
    copy = np.asarray(luma.convert("F"), dtype=np.float32)[:height, :width]
    centred = region - region.mean()
    level = float(np.sum((copy - copy.mean()) * centred) / max(float(np.sum(centred * centred)), 1e-9))
    difference = Image.fromarray((copy - level * region).astype(np.float32), mode="F")
    size = working_size(width, height, WORK_SHORT * scale * min(width, height) / min(luma.size))
    small = np.asarray(difference.resize(size, Image.Resampling.BOX), dtype=np.float32)
    offset = (-(y0 / per_master) % P, -(x0 / per_master) % P)
    return carriers().soft_bits(np.fft.rfft2(fold(highpass(small))), offset), offset


def detect(
    pixels: NDArray[np.uint8],
    reference: NDArray[np.uint8] | None = None,
    scale: float | None = None,
    expected: Sequence[int] = (),
) -> Detection:
    """Look for a mark in ``pixels`` (HxWx3/4 uint8); never raises for lack of one.

    ``reference`` is the registered master the copy may come from (unmarked; RGB, or
    its luminance at any size from 512 px up): with it, the copy is aligned to the
    master and the master subtracted, which removes
    the picture's own interference and makes crops as readable as whole copies.
    ``scale``, when the caller already aligned the two (the fingerprint registry
    does), is the copy's working scale: it is tried first, and the search only when
    it does not read (a thumbnail's alignment can be off by a fraction of a percent,
    which a tiled mark at 512 px does not forgive on a crop). ``expected``, the payloads
    the copy may carry (the editions of that master), names one of them from a word too
    damaged to decode alone (:func:`artproof.watermark.code.match`: 42 bits wrong, not 16).
    """
    height, width = pixels.shape[:2]
    if min(height, width) < MIN_DETECT_SHORT:
        return Detection(found=False)
    luma = Image.fromarray(np.ascontiguousarray(pixels[..., :3])).convert("L")
    master, master_luma = None, None
    if reference is not None:
        plain = reference if reference.ndim == 2 else reference[..., :3]  # luminance already, or RGB
        master_luma = Image.fromarray(np.ascontiguousarray(plain)).convert("L")
        master = _working(master_luma, WORK_SHORT)
    first = _working(luma, WORK_SHORT)
    budget = _Budget(expected)
    candidates: list[float] = [1.0] if scale is None else list(dict.fromkeys([round(scale, 4), 1.0]))
    searched = False
    while candidates and budget.tries < HYPOTHESES:
        at = candidates.pop(0)
        work = first if at == 1.0 else _working(luma, WORK_SHORT * at)
        readings: list[Reading] = []
        if master is not None and master_luma is not None:
            informed = _informed(luma, at, master_luma, master)
            if informed is not None:
                readings.append((informed[0], informed[1], None))
        if found := budget.first(readings + _read(work, origin=at == 1.0), at):
            return found
        if not candidates and not searched:
            searched = True
            guesses = (
                _scales(first)
                if master_luma is None  # the master's own alignment first: the surer, and tries are counted
                else best_scales(luma, master_luma, WORK_SHORT, smallest=DETAIL) + _scales(first, smallest=DETAIL)
            )
            candidates = list(dict.fromkeys(round(s, 4) for s in guesses if abs(s - 1.0) > 0.001))
    if found := budget.first(_read(np.ascontiguousarray(first[:, ::-1])), 1.0, mirrored=True):  # a flipped post
        return found
    if master is None:  # blind: a copy turned by up to ten degrees (a scan, a photo held askew, an editor)
        for angle, at in _turns(first):
            if found := budget.first(_read(_turned(first, angle, at)), at, angle=-angle):
                return found
        for at in _scales(first, count=1, smallest=DETAIL, largest=CROP):  # a detail, shown larger: the tries left
            if found := budget.first(_read(_working(luma, WORK_SHORT * at)), at):
                return found
    return Detection(found=False, pilot_z=budget.best_z, tries=budget.tries)
