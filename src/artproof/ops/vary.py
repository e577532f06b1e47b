"""vary.candidates: N seeded variations of an image's palette, lighting and style.

Each candidate draws its own settings from the seed and its number (with
platform-stable random numbers), so the same seed gives the same candidates.
The primary output is the contact sheet a person chooses from (itself part of
the record: it shows what was on offer); the candidates are the extra outputs.
Version 1.1.0 draws the same candidates on a legible sheet: the original first,
then each candidate with its name, style and settings, in a bitmap font scaled
2x with nearest-neighbour (the same pixels on every platform, so replay still
compares the sheet bit for bit); 1.0.0 stays registered for older records.
The operation recolours and relights existing pixels, so the candidates keep
their input's origin.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageDraw, ImageFilter, ImageFont
from pydantic import BaseModel, ConfigDict, Field

from artproof.core.prng import stable_uniform
from artproof.errors import InvalidInput
from artproof.ops.registry import OpContext, Operation, OpOutput, operation

__all__ = [
    "FittedVariations",
    "LabelledVariations",
    "VariationParams",
    "Variations",
    "contact_sheet",
    "describe",
    "labelled_sheet",
]

Kind = Literal["palette", "lighting", "style"]
STYLES = ("none", "posterize", "soft", "ink", "relief")
THUMB = 256

# RGB <-> YIQ: hue rotation in YIQ keeps luminance, so a palette shift does not
# flatten the image.
_TO_YIQ = np.array([[0.299, 0.587, 0.114], [0.596, -0.274, -0.322], [0.211, -0.523, 0.312]], np.float32)
_FROM_YIQ = np.linalg.inv(_TO_YIQ.astype(np.float64)).astype(np.float32)


class VariationParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    count: int = Field(ge=1, le=64, description="number of candidates")
    seed: int = Field(ge=0, lt=2**53, description="draws each candidate's settings")
    strength: float = Field(default=0.6, ge=0.0, le=1.0, description="how far candidates move")
    kinds: tuple[Kind, ...] = Field(default=("palette", "lighting", "style"), min_length=1)
    order: tuple[int, ...] | None = Field(default=None, description="the candidates' order on the sheet, if ranked")
    ordered_by: str | None = Field(default=None, description="what ordered them: taste (an algorithmic influence)")


def _palette(rgb: NDArray[np.float32], u: NDArray[np.float64], strength: float) -> NDArray[np.float32]:
    angle = (u[0] - 0.5) * 2 * math.pi * strength
    saturation = 1.0 + (u[1] - 0.4) * 1.2 * strength
    c, s = math.cos(angle), math.sin(angle)
    rotate = np.array(
        [[1, 0, 0], [0, c * saturation, -s * saturation], [0, s * saturation, c * saturation]], np.float32
    )
    matrix = (_FROM_YIQ @ rotate @ _TO_YIQ).astype(np.float32)
    result: NDArray[np.float32] = rgb @ matrix.T
    return result


def _lighting(rgb: NDArray[np.float32], u: NDArray[np.float64], strength: float) -> NDArray[np.float32]:
    h, w = rgb.shape[:2]
    theta = u[2] * 2 * math.pi
    ys = np.linspace(-1, 1, h, dtype=np.float32)[:, None]
    xs = np.linspace(-1, 1, w, dtype=np.float32)[None, :]
    light = 1.0 + np.float32(0.35 * strength) * (np.float32(math.cos(theta)) * xs + np.float32(math.sin(theta)) * ys)
    warmth = np.float32((u[3] - 0.5) * 0.25 * strength)
    balance = np.array([1 + warmth, 1.0, 1 - warmth], np.float32)
    gamma = np.float32(1.0 + (u[4] - 0.5) * 0.8 * strength)
    lit = np.clip(rgb * light[..., None] * balance, 0, 1)
    result: NDArray[np.float32] = np.power(lit, gamma, dtype=np.float32)
    return result


def _style(image: Image.Image, u: NDArray[np.float64]) -> Image.Image:
    style = STYLES[int(u[5] * len(STYLES)) % len(STYLES)]
    if style == "posterize":
        return image.quantize(
            colors=6 + int(u[6] * 10), method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
        ).convert("RGB")
    if style == "soft":
        return Image.blend(image, image.filter(ImageFilter.GaussianBlur(max(1.0, image.width / 300))), 0.6)
    if style == "ink":
        edges = image.convert("L").filter(ImageFilter.FIND_EDGES).point(lambda v: 255 - min(255, v * 3))
        return Image.composite(image, Image.new("RGB", image.size, (18, 16, 24)), edges)
    if style == "relief":
        relief = image.convert("L").filter(ImageFilter.EMBOSS).convert("RGB")
        return Image.blend(image, relief, 0.35)
    return image


_DIRECTIONS = ("E", "SE", "S", "SW", "W", "NW", "N", "NE")  # where the light comes from, y pointing down


def arranged(
    original: Image.Image,
    candidates: Sequence[Image.Image],
    labels: Sequence[list[str]],
    order: Sequence[int] | None,
    fit: bool = False,
) -> OpOutput:
    """The contact sheet and candidates in ``order`` (best first when taste ranked them), renumbered c1..cN."""
    positions = list(order) if order is not None else list(range(len(candidates)))
    if sorted(positions) != list(range(len(candidates))):
        raise InvalidInput("the recorded order is not a permutation of the candidates", value=positions)
    chosen = [candidates[i] for i in positions]
    lines = [
        [f"c{k + 1}" + labels[i][0][len(labels[i][0].split()[0]) :], *labels[i][1:]] for k, i in enumerate(positions)
    ]
    return OpOutput(labelled_sheet(original, chosen, lines, fit), extra=chosen)


def describe(params: VariationParams, index: int) -> list[str]:
    """Candidate ``index``'s settings in words for its label: style, then palette, then lighting."""
    u = stable_uniform(f"vary/1/{params.seed}/{index}", 8)
    lines = [f"c{index + 1}"]
    if "style" in params.kinds:
        style = STYLES[int(u[5] * len(STYLES)) % len(STYLES)]
        lines[0] += f"  {'plain' if style == 'none' else style}"
    if "palette" in params.kinds:
        angle = (u[0] - 0.5) * 360 * params.strength
        lines.append(f"hue {angle:+.0f}  sat {1.0 + (u[1] - 0.4) * 1.2 * params.strength:.2f}")
    if "lighting" in params.kinds:
        direction = _DIRECTIONS[round(u[2] * 8) % 8]
        warmth = (u[3] - 0.5) * 0.25 * params.strength
        tone = "warm" if warmth > 0.01 else "cool" if warmth < -0.01 else "neutral"
        lines.append(f"light {direction}  {tone}  g{1.0 + (u[4] - 0.5) * 0.8 * params.strength:.2f}")
    return lines


def vary_image(image: Image.Image, params: VariationParams, index: int) -> Image.Image:
    """Candidate ``index`` (0-based) of ``params``: deterministic for the seed."""
    u = stable_uniform(f"vary/1/{params.seed}/{index}", 8)
    rgb = np.asarray(image.convert("RGB"), dtype=np.float32) / np.float32(255.0)
    if "palette" in params.kinds:
        rgb = np.clip(_palette(rgb, u, params.strength), 0, 1)
    if "lighting" in params.kinds:
        rgb = _lighting(rgb, u, params.strength)
    out = Image.fromarray((rgb * np.float32(255.0) + np.float32(0.5)).astype(np.uint8), mode="RGB")
    if "style" in params.kinds:
        out = _style(out, u)
    return out


def contact_sheet(images: Sequence[Image.Image], labels: Sequence[str]) -> Image.Image:
    """A grid of thumbnails with their labels: what a person chooses from."""
    cols = math.ceil(math.sqrt(len(images)))
    rows = math.ceil(len(images) / cols)
    pad, label_h = 12, 18
    sheet = Image.new("RGB", (cols * (THUMB + pad) + pad, rows * (THUMB + pad + label_h) + pad), (24, 24, 28))
    draw = ImageDraw.Draw(sheet)
    font = ImageFont.load_default_imagefont()  # a bitmap font: the same pixels everywhere
    for i, (image, label) in enumerate(zip(images, labels, strict=True)):
        thumb = image.copy()
        thumb.thumbnail((THUMB, THUMB), Image.Resampling.LANCZOS)
        x = pad + (i % cols) * (THUMB + pad)
        y = pad + (i // cols) * (THUMB + pad + label_h)
        sheet.paste(thumb, (x + (THUMB - thumb.width) // 2, y + (THUMB - thumb.height) // 2))
        draw.text((x, y + THUMB + 3), label, fill=(230, 230, 230), font=font)
    return sheet


def _text_2x(lines: Sequence[str], width: int, colours: Sequence[tuple[int, int, int]]) -> Image.Image:
    """Lines of text drawn in the bitmap font and scaled 2x (nearest): legible and the same everywhere."""
    font = ImageFont.load_default_imagefont()
    small = Image.new("RGB", (width // 2, 12 * len(lines) + 2), _BACKGROUND)
    draw = ImageDraw.Draw(small)
    for n, line in enumerate(lines):
        draw.text((0, 1 + 12 * n), line, fill=colours[min(n, len(colours) - 1)], font=font)
    return small.resize((small.width * 2, small.height * 2), Image.Resampling.NEAREST)


_BACKGROUND = (24, 24, 28)
SHEET_THUMB = 320


def labelled_sheet(
    original: Image.Image, candidates: Sequence[Image.Image], labels: Sequence[list[str]], fit: bool = False
) -> Image.Image:
    """The original, then every candidate, each with its name and settings under it (3 lines, 2x font).

    Each picture fits a 320 px square. ``fit`` (vary.candidates 1.2.0, vary.grid 1.1.0): the cells are as tall as
    the tallest picture, not square, so a landscape picture's caption sits under it (in a square cell a 3:2
    picture left 53 px of empty ground above and below it, its caption far from it).
    """
    tiles = [original, *candidates]
    texts = [["original", "what was varied"], *labels]
    cols = math.ceil(math.sqrt(len(tiles)))
    rows = math.ceil(len(tiles) / cols)
    pad, label_h = 16, 3 * 24 + 8
    thumbs = []
    for image in tiles:
        thumb = image.convert("RGB")
        thumb.thumbnail((SHEET_THUMB, SHEET_THUMB), Image.Resampling.LANCZOS)
        thumbs.append(thumb)
    cell = max(t.height for t in thumbs) if fit else SHEET_THUMB
    sheet = Image.new("RGB", (cols * (SHEET_THUMB + pad) + pad, rows * (cell + pad + label_h) + pad), _BACKGROUND)
    for i, (thumb, text) in enumerate(zip(thumbs, texts, strict=True)):
        x = pad + (i % cols) * (SHEET_THUMB + pad)
        y = pad + (i // cols) * (cell + pad + label_h)
        sheet.paste(thumb, (x + (SHEET_THUMB - thumb.width) // 2, y + (cell - thumb.height) // 2))
        colours = [(250, 214, 120) if i else (170, 200, 250), (215, 215, 220)]
        sheet.paste(_text_2x(text, SHEET_THUMB, colours), (x, y + cell + 6))
    return sheet


@operation("vary.candidates", version="1.0.0", agency="algorithmic")
class Variations(Operation):
    """Seeded palette, lighting and style variations to choose from."""

    Params = VariationParams
    keeps_origin = True
    sets_master = False
    summary = "N seeded variations (palette, lighting, style) and their contact sheet"

    def candidates(self, params: VariationParams, picture: Image.Image, ctx: OpContext) -> list[Image.Image]:
        made = []
        for i in range(params.count):
            made.append(vary_image(picture, params, i))
            ctx.progress((i + 1) / params.count)
        return made

    def run(self, params: VariationParams, inputs: Sequence[Image.Image], ctx: OpContext) -> OpOutput:
        candidates = self.candidates(params, inputs[0], ctx)
        return OpOutput(contact_sheet(candidates, [f"c{i + 1}" for i in range(params.count)]), extra=candidates)


@operation("vary.candidates", version="1.1.0", agency="algorithmic")
class LabelledVariations(Variations):
    """The same candidates as 1.0.0, on a sheet that shows the original and labels each candidate."""

    summary = "N seeded variations (palette, lighting, style) on a labelled contact sheet with the original"
    fit: bool = False  # the sheet's cells: square (see labelled_sheet)

    def run(self, params: VariationParams, inputs: Sequence[Image.Image], ctx: OpContext) -> OpOutput:
        return self.arrange(params, inputs, self.candidates(params, inputs[0], ctx))

    def arrange(
        self, params: VariationParams, inputs: Sequence[Image.Image], candidates: Sequence[Image.Image]
    ) -> OpOutput:
        labels = [describe(params, i) for i in range(params.count)]
        return arranged(inputs[0], candidates, labels, params.order, self.fit)


@operation("vary.candidates", version="1.2.0", agency="algorithmic")
class FittedVariations(LabelledVariations):
    """The same candidates as 1.1.0, on a sheet whose cells are as tall as the pictures (captions under them)."""

    summary = "N seeded variations (palette, lighting, style) on a labelled contact sheet fitted to the picture"
    fit = True
