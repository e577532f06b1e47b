"""Restoration: find holes and fading, take a mask a person painted, fill what is missing.

A restoration is several steps, so the record shows how it was done and replay can re-run it:

- ``restore.detect`` (algorithmic) makes a mask of the damage it can find (white = damaged): holes
  are flat areas of extreme value (paper showing through, a blown-out patch, dropped pixels) of at
  least 40 pixels and at most 2 % of the picture (a larger field is the picture's own: a night sky,
  a logo's ground), or fully transparent ones, with their rims (1.2.0: within 3 px, so a hole touching a
  white ground does not take the ground), widened by 2 px for their edges;
  cracks (1.1.0) are thin, long, nearly colourless lines darker or lighter than their surroundings,
  found as in the restoration literature (Giakoumis, Nikolaidis and Pitas 2006): a morphological
  top-hat (black for dark cracks, white for light ones) thresholded with hysteresis, kept where the
  pixels are grey (craquelure shows ground or grime, not pigment: brush strokes are coloured), then
  each connected line kept only when it is long (skeleton >= 20 px) and thin (area <= 6 px per px of
  skeleton), widened by 1 px; ``sensitivity`` (0-1) lowers the contrast it needs (70 levels at 0.5);
  a picture under 200 px a side is refused (its texture is as thin as a crack: the Canon test
  photograph, 100x68, read 35 % cracked, 7 % at 2x, 1.2 % at 4x);
- ``input.mask`` (human) records a mask a person painted (an 8-bit PNG at the picture's size,
  255 = damage) as an image of the work, so the fill that uses it can be replayed;
- ``restore.fill`` (algorithmic) fills the masked pixels from the rest: ``exemplar`` is OpenCV's
  frequency-selective reconstruction (xphoto FSR, which continues texture: +3 to +4 dB inside the
  damage over Telea on the same mask, measured on photographs), ``telea`` and ``ns`` OpenCV's
  fast-marching and Navier-Stokes inpainting for thin cracks, ``biharmonic`` (1.1.0) scikit-image's
  smooth biharmonic fill; the filled share of the pixels becomes algorithmic in the picture's origin;
- ``restore.inpaint`` (trained, in ``ops/generate/inpaint.py``) fills them with a local diffusion model;
- ``restore.fade`` (algorithmic) corrects faded or discoloured pigment over the whole picture: grey-
  world white balance and a per-channel stretch of the 0.5-99.5 percentiles, blended by strength;
  1.1.0 adds ``retinex``: multi-scale Retinex (Jobson, Rahman and Woodell 1997; Gaussian surrounds of
  1.5 %, 8 % and 25 % of the short side) on the luminance only, so hues are kept, for light that is
  uneven across the picture (a varnish darkened at the edges, a photograph lit from one side), which
  one global stretch cannot undo.

What the detector finds is a proposal: ``restore --dry-run --mask-out`` shows it, and a mask painted
from it (``--mask``) is recorded as the person's.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
from PIL import Image
from pydantic import BaseModel, ConfigDict, Field

from artproof.errors import IntegrityError, InvalidInput
from artproof.ops.registry import OpContext, Operation, OpOutput, Origin, blend_origin, operation

__all__ = [
    "detect_cracks", "detect_damage", "detect_holes", "fade_correct", "fill", "mask_image", "mask_of", "recorded_mask",
    "retinex",
]  # fmt: skip

MIN_HOLE = 40  # pixels: smaller flat patches are the picture's own (a highlight, a pupil)
MAX_HOLE = 0.02  # of the picture: a larger flat black or white field is a night sky or a logo's ground


def mask_of(image: Image.Image) -> np.ndarray:
    """A mask image (any mode) as booleans: True where damaged (above half grey)."""
    return np.asarray(image.convert("L")) > 127


def recorded_mask(picture: Image.Image, mask: Image.Image, filled_share: float) -> np.ndarray:
    """The damage a fill step was given, checked: the mask at the picture's size, and the very mask the
    step records (its share of the picture), so a replay never fills with another mask."""
    if mask.size != picture.size:
        raise InvalidInput(
            f"the mask is {mask.width}x{mask.height}, the picture {picture.width}x{picture.height}",
            hint="paint the mask at the picture's size",
        )
    damaged = mask_of(mask)
    share = round(float(damaged.mean()), 6)
    if abs(share - filled_share) > 1e-6:
        raise IntegrityError("the mask is not the one this step records", value=f"{share} vs {filled_share}")
    return damaged


RIM_REACH = 3  # px: how far from a hole's flat core its rim of the same extreme value is taken (1.2.0)


def detect_holes(picture: Image.Image, reach: int | None = RIM_REACH) -> np.ndarray:
    """Flat areas of extreme value, or fully transparent, of at least ``MIN_HOLE`` px, widened by 2 px.

    A hole's rim (anti-aliased, missed by the flatness window) is the extreme pixels within ``reach`` px of its
    core. ``None`` (restore.detect 1.0.0 and 1.1.0, for their records) takes every extreme pixel joined to it: a
    hole touching a white ground took the whole ground (a product shot on white with one hole at the object's
    edge: 83 % of the picture marked, now the hole).
    """
    import cv2

    luma = np.asarray(picture.convert("L"))
    values = luma.astype(np.float32)
    spread = np.sqrt(np.maximum(cv2.blur(values * values, (5, 5)) - cv2.blur(values, (5, 5)) ** 2, 0))
    flat = (spread < 1.5) & ((luma > 238) | (luma < 12))
    if picture.mode == "RGBA":
        flat |= np.asarray(picture.getchannel("A")) == 0
    count, labels, stats, _ = cv2.connectedComponentsWithStats(flat.astype(np.uint8), connectivity=8)
    keep = np.zeros(count, bool)
    areas = stats[1:, cv2.CC_STAT_AREA]
    keep[1:] = (areas >= MIN_HOLE) & (areas <= MAX_HOLE * luma.size)  # a larger field is the picture's own
    cores = keep[labels]
    # the flatness window misses a hole's rim: take the pixels of the same extreme value joined to a core
    extreme = (luma > 238) | (luma < 12)
    if reach is not None:
        near = cv2.dilate(cores.astype(np.uint8), cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * reach + 1,) * 2))
        extreme &= near > 0
    extreme |= cores
    count, labels = cv2.connectedComponents(extreme.astype(np.uint8), connectivity=8)
    touched = np.zeros(count, bool)
    touched[np.unique(labels[cores])] = True
    touched[0] = False
    found = touched[labels].astype(np.uint8)
    widened = cv2.dilate(found, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (5, 5)))  # anti-aliased edges
    return np.asarray(widened > 0)


CRACK_GREY = 30  # levels between a pixel's strongest and weakest channel: above it, the line is pigment
CRACK_LENGTH = 20  # px of skeleton: shorter lines are texture
CRACK_WIDTH = 6.0  # px of area per px of skeleton: wider is a stroke or an edge
CRACK_MIN_SIDE = 200  # px: below it a 1-3 px crack cannot be told from texture by an 11 px element


def detect_cracks(picture: Image.Image, sensitivity: float = 0.5) -> np.ndarray:
    """Thin, long, grey lines darker or lighter than their surroundings (see the module's docstring)."""
    import cv2
    from skimage.filters import apply_hysteresis_threshold
    from skimage.morphology import skeletonize

    if min(picture.size) < CRACK_MIN_SIDE:
        raise InvalidInput(
            f"the picture is too small to find cracks in ({picture.width}x{picture.height})",
            hint=f"at least {CRACK_MIN_SIDE} px a side; paint them white on black and give --mask",
        )
    rgb = np.asarray(picture.convert("RGB")).astype(np.int16)
    luma = np.asarray(picture.convert("L"), dtype=np.float32)
    grey = (rgb.max(axis=2) - rgb.min(axis=2)) <= CRACK_GREY
    high = 120.0 - 100.0 * sensitivity  # top-hat contrast, grey levels, that starts a line
    element = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (11, 11))  # wider than a crack
    found = np.zeros(luma.shape, bool)
    for kind in (cv2.MORPH_BLACKHAT, cv2.MORPH_TOPHAT):
        response = np.where(grey, cv2.morphologyEx(luma, kind, element), 0)
        lines = apply_hysteresis_threshold(response, 0.4 * high, high)  # type: ignore[no-untyped-call]
        count, labels, stats, _ = cv2.connectedComponentsWithStats(lines.astype(np.uint8), connectivity=8)
        lengths = np.bincount(labels[skeletonize(lines)], minlength=count)  # type: ignore[no-untyped-call]
        keep = (lengths >= CRACK_LENGTH) & (stats[:, cv2.CC_STAT_AREA] <= CRACK_WIDTH * np.maximum(lengths, 1))
        keep[0] = False
        found |= keep[labels]
    widened = cv2.dilate(found.astype(np.uint8), cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (3, 3)))
    return np.asarray(widened > 0)


def detect_damage(
    picture: Image.Image, kinds: Sequence[str], sensitivity: float = 0.5, reach: int | None = RIM_REACH
) -> np.ndarray:
    """The union of the masks of each kind asked for (``holes``, ``cracks``)."""
    found = np.zeros((picture.height, picture.width), bool)
    if "holes" in kinds:
        found |= detect_holes(picture, reach)
    if "cracks" in kinds:
        found |= detect_cracks(picture, sensitivity)
    return found


def fill(picture: Image.Image, damaged: np.ndarray, method: str, radius: int = 3) -> Image.Image:
    """The picture with ``damaged`` pixels filled from the rest (OpenCV)."""
    import cv2

    rgb = np.ascontiguousarray(np.asarray(picture.convert("RGB")))
    if not damaged.any():
        return picture.convert("RGB")
    if method == "biharmonic":
        from skimage.restoration import inpaint_biharmonic

        smooth = inpaint_biharmonic(rgb, damaged, channel_axis=-1)
        return Image.fromarray(np.clip(smooth * 255.0 + 0.5, 0, 255).astype(np.uint8), mode="RGB")
    if method == "exemplar":
        out = np.zeros_like(rgb)
        known = np.ascontiguousarray((~damaged).astype(np.uint8) * 255)  # xphoto: 0 marks what is missing
        cv2.xphoto.inpaint(rgb, known, out, cv2.xphoto.INPAINT_FSR_FAST)
    else:
        flag = cv2.INPAINT_TELEA if method == "telea" else cv2.INPAINT_NS
        out = cv2.inpaint(rgb, damaged.astype(np.uint8) * 255, radius, flag)
    return Image.fromarray(np.asarray(out, dtype=np.uint8), mode="RGB")


def fade_correct(picture: Image.Image, strength: float) -> Image.Image:
    """Grey-world white balance, then each channel's 0.5-99.5 percentiles stretched to 0-255."""
    rgb = np.asarray(picture.convert("RGB"), dtype=np.float32)
    means = rgb.reshape(-1, 3).mean(axis=0)
    balanced = rgb * (means.mean() / np.maximum(means, 1.0))
    low = np.percentile(balanced, 0.5, axis=(0, 1))
    high = np.percentile(balanced, 99.5, axis=(0, 1))
    stretched = (balanced - low) * (255.0 / np.maximum(high - low, 1.0))
    out = rgb * (1 - strength) + np.clip(stretched, 0, 255) * strength
    return Image.fromarray((out + 0.5).astype(np.uint8), mode="RGB")


def retinex(picture: Image.Image, strength: float) -> Image.Image:
    """Multi-scale Retinex on the luminance, stretched to its 1-99 percentiles; colours scaled with it."""
    import cv2

    rgb = np.asarray(picture.convert("RGB"), dtype=np.float32)
    luma = rgb @ np.array([0.299, 0.587, 0.114], np.float32) + 1.0
    short = min(luma.shape)
    logs = np.log(luma)
    detail = np.zeros_like(luma)
    for share in (0.015, 0.08, 0.25):
        surround = cv2.GaussianBlur(luma, (0, 0), sigmaX=max(1.0, share * short))
        detail += (logs - np.log(surround)) / 3.0
    low, high = np.percentile(detail, (1, 99))
    target = np.clip((detail - low) / max(float(high - low), 1e-6), 0, 1) * 254.0 + 1.0
    out = np.clip(rgb * (target / luma)[..., None], 0, 255)
    mixed = rgb * (1 - strength) + out * strength
    return Image.fromarray((mixed + 0.5).astype(np.uint8), mode="RGB")


def mask_image(damaged: np.ndarray) -> Image.Image:
    """Booleans as a mask image: white (255) where damaged."""
    return Image.fromarray(damaged.astype(np.uint8) * 255, mode="L")


class DetectParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    kinds: tuple[Literal["holes"], ...] = Field(default=("holes",), min_length=1)


@operation("restore.detect", version="1.0.0", agency="algorithmic")
class DetectDamage(Operation):
    """A mask of the damage found: holes (flat extreme or transparent areas)."""

    Params = DetectParams
    sets_master = False
    summary = "find damage (holes: flat extreme or transparent areas), as a mask the fill uses"

    def run(self, params: DetectParams, inputs: Sequence[Image.Image], ctx: OpContext) -> OpOutput:
        return OpOutput(mask_image(detect_holes(inputs[0], None)))

    def origin(self, params: DetectParams, input_origins: Sequence[Origin]) -> Origin:
        return {"algorithmic": 1.0}


class CrackParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    kinds: tuple[Literal["holes", "cracks"], ...] = Field(default=("holes",), min_length=1)
    sensitivity: float = Field(default=0.5, ge=0.0, le=1.0, description="cracks: 1 finds fainter lines")


@operation("restore.detect", version="1.1.0", agency="algorithmic")
class DetectDamageAndCracks(DetectDamage):
    """A mask of the damage found: holes, and dark or light cracks."""

    Params = CrackParams  # type: ignore[assignment]
    summary = "find damage (holes; dark and light cracks by top-hat and line shape), as a mask the fill uses"
    reach: int | None = None  # a hole's rim: every extreme pixel joined to it (see detect_holes)

    def run(self, params: CrackParams, inputs: Sequence[Image.Image], ctx: OpContext) -> OpOutput:  # type: ignore[override]
        return OpOutput(mask_image(detect_damage(inputs[0], params.kinds, params.sensitivity, self.reach)))


@operation("restore.detect", version="1.2.0", agency="algorithmic")
class DetectDamageBounded(DetectDamageAndCracks):
    """As 1.1.0, a hole's rim taken within 3 px of it: a hole touching a white ground no longer takes the ground."""

    summary = "find damage (holes, their rims within 3 px; dark and light cracks), as a mask the fill uses"
    reach = RIM_REACH


class MaskParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    file: str = Field(max_length=1000, description="the mask file's name")
    share: float = Field(ge=0.0, le=1.0, description="share of the picture marked as damaged")


@operation("input.mask", version="1.0.0", agency="human")
class PaintedMask(Operation):
    """A mask a person painted (255 = damage), recorded as an image of the work."""

    Params = MaskParams
    inputs = (0, 0)
    reexecutable = False
    sets_master = False
    summary = "a mask a person painted (8-bit PNG at the picture's size, 255 = damage)"

    def run(self, params: MaskParams, inputs: Sequence[Image.Image], ctx: OpContext) -> OpOutput:
        raise InvalidInput("a painted mask cannot be re-executed", hint="its stored file is its record")

    def origin(self, params: MaskParams, input_origins: Sequence[Origin]) -> Origin:
        return {"human": 1.0}


class FillParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    method: Literal["exemplar", "telea", "ns"] = "exemplar"
    radius: int = Field(default=3, ge=1, le=32, description="telea and ns: the neighbourhood, pixels")
    filled_share: float = Field(ge=0.0, le=1.0, description="share of the picture's pixels filled")


@operation("restore.fill", version="1.0.0", agency="algorithmic")
class FillDamage(Operation):
    """Fill the masked pixels from the rest of the picture (the mask is the second input)."""

    Params = FillParams
    inputs = (2, 2)
    summary = "fill masked damage: exemplar (OpenCV FSR), telea or ns (OpenCV inpainting)"

    def run(self, params: FillParams, inputs: Sequence[Image.Image], ctx: OpContext) -> OpOutput:
        picture, mask = inputs
        return OpOutput(fill(picture, recorded_mask(picture, mask, params.filled_share), params.method, params.radius))

    def origin(self, params: FillParams, input_origins: Sequence[Origin]) -> Origin:
        return blend_origin(input_origins[0], "algorithmic", params.filled_share)


class BiharmonicFillParams(FillParams):
    method: Literal["exemplar", "telea", "ns", "biharmonic"] = "exemplar"  # type: ignore[assignment]


@operation("restore.fill", version="1.1.0", agency="algorithmic")
class FillDamageBiharmonic(FillDamage):
    """Fill the masked pixels: 1.0.0's methods and scikit-image's biharmonic fill."""

    Params = BiharmonicFillParams
    summary = "fill masked damage: exemplar (OpenCV FSR), telea, ns (OpenCV) or biharmonic (scikit-image)"


class FadeParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    strength: float = Field(default=1.0, ge=0.0, le=1.0)


@operation("restore.fade", version="1.0.0", agency="algorithmic")
class CorrectFading(Operation):
    """Faded or discoloured pigment corrected: white balance and a per-channel stretch."""

    Params = FadeParams
    keeps_origin = True
    summary = "correct fading: grey-world white balance and per-channel 0.5-99.5 percentile stretch"

    def run(self, params: FadeParams, inputs: Sequence[Image.Image], ctx: OpContext) -> OpOutput:
        return OpOutput(fade_correct(inputs[0], params.strength))


class RetinexFadeParams(FadeParams):
    method: Literal["stretch", "retinex"] = "stretch"


@operation("restore.fade", version="1.1.0", agency="algorithmic")
class CorrectFadingRetinex(CorrectFading):
    """Fading corrected by the global stretch of 1.0.0, or by multi-scale Retinex where it is uneven."""

    Params = RetinexFadeParams
    summary = "correct fading: white balance and percentile stretch, or multi-scale Retinex on the luminance"

    def run(self, params: RetinexFadeParams, inputs: Sequence[Image.Image], ctx: OpContext) -> OpOutput:  # type: ignore[override]
        if params.method == "retinex":
            return OpOutput(retinex(inputs[0], params.strength))
        return OpOutput(fade_correct(inputs[0], params.strength))
