"""Named looks for variations: palette schemes, lighting presets and classical painting filters.

Each is a pure function of the picture (and of nothing else, so replay gives the same pixels):

- a **palette** maps the picture's luminance through a scheme's colour ramp, then restores each
  pixel's own luminance, so the structure (light and dark) stays and only the colours change;
- a **lighting** preset sets exposure, white balance, a directional light and a vignette (dawn is
  warm, low and from the east; dusk orange-violet from the west; night blue and dark; noon neutral
  and from above; studio a neutral key light with a strong vignette);
- a **classical** filter paints without a trained model: ``oil`` (a Kuwahara filter: each pixel
  takes the mean of its calmest quadrant), ``watercolor`` (flattened washes, darkened edges, paper
  grain), ``ink`` (edge lines over the picture), ``halftone`` (a 45-degree dot screen), ``posterize``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageFilter

__all__ = ["CLASSICAL", "LIGHTINGS", "PALETTES", "apply_classical", "apply_lighting", "apply_palette", "palette_of"]

F32 = NDArray[np.float32]

# dark -> light stops of each scheme (sRGB)
PALETTES: dict[str, tuple[tuple[int, int, int], ...]] = {
    "autumn": ((40, 18, 10), (122, 38, 20), (196, 92, 30), (232, 160, 60), (250, 226, 170)),
    "ocean": ((6, 18, 40), (12, 60, 110), (22, 120, 160), (90, 190, 200), (220, 245, 245)),
    "mono": ((8, 8, 8), (70, 70, 70), (130, 130, 130), (195, 195, 195), (250, 250, 250)),
    "sepia": ((30, 20, 12), (92, 64, 40), (150, 112, 76), (204, 170, 126), (246, 230, 200)),
    "forest": ((10, 24, 14), (30, 66, 34), (70, 112, 52), (150, 168, 90), (228, 232, 190)),
    "sunset": ((30, 10, 50), (110, 30, 90), (210, 70, 80), (250, 150, 70), (255, 230, 150)),
    "neon": ((10, 0, 30), (90, 0, 160), (0, 170, 220), (240, 40, 200), (250, 250, 120)),
    "pastel": ((90, 90, 120), (150, 160, 200), (200, 180, 220), (240, 200, 210), (252, 245, 235)),
    "ice": ((10, 20, 40), (50, 80, 130), (120, 160, 200), (190, 220, 240), (250, 252, 255)),
    "ember": ((12, 4, 2), (80, 10, 4), (170, 40, 8), (240, 120, 20), (255, 220, 140)),
}

# exposure (stops), warmth (-1 cool .. 1 warm), light direction (degrees, 0 = from the east, 90 = from
# below, 270 = from above) and its strength, vignette strength
LIGHTINGS: dict[str, tuple[float, float, float, float, float]] = {
    "dawn": (-0.2, 0.6, 0.0, 0.35, 0.2),
    "noon": (0.15, 0.0, 270.0, 0.15, 0.0),
    "dusk": (-0.35, 0.8, 180.0, 0.4, 0.3),
    "night": (-0.9, -0.8, 270.0, 0.25, 0.45),
    "studio": (0.0, 0.1, 225.0, 0.45, 0.4),
}

CLASSICAL = ("oil", "watercolor", "ink", "halftone", "posterize")

_LUMA = np.array([0.299, 0.587, 0.114], np.float32)


def _rgb(image: Image.Image) -> F32:
    return np.asarray(image.convert("RGB"), dtype=np.float32) / np.float32(255.0)


def _image(rgb: F32) -> Image.Image:
    return Image.fromarray((np.clip(rgb, 0, 1) * np.float32(255.0) + np.float32(0.5)).astype(np.uint8), mode="RGB")


def palette_of(picture: Image.Image, count: int = 5) -> tuple[tuple[int, int, int], ...]:
    """Another picture's palette: its ``count`` main colours (median cut), dark to light."""
    small = picture.convert("RGB")
    small.thumbnail((128, 128))
    quantized = small.quantize(colors=count, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    flat = quantized.getpalette() or []
    colours = [(int(flat[3 * i]), int(flat[3 * i + 1]), int(flat[3 * i + 2])) for i in range(count)]
    return tuple(sorted(colours, key=lambda c: 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2]))


def apply_palette(
    image: Image.Image, name: str, stops_given: Sequence[tuple[int, int, int]] | None = None
) -> Image.Image:
    """The picture recoloured through scheme ``name`` (or the colour stops given), its own luminance kept."""
    stops = np.asarray(stops_given if stops_given is not None else PALETTES[name], dtype=np.float32) / np.float32(255.0)
    rgb = _rgb(image)
    luma = rgb @ _LUMA
    position = luma * np.float32(len(stops) - 1)
    low = np.clip(np.floor(position).astype(np.int32), 0, len(stops) - 2)
    t = (position - low)[..., None]
    ramp = stops[low] * (1 - t) + stops[low + 1] * t
    ramp_luma = np.maximum(ramp @ _LUMA, np.float32(1e-3))
    return _image((ramp * (luma / ramp_luma)[..., None]).astype(np.float32))


def apply_lighting(image: Image.Image, name: str) -> Image.Image:
    """The picture lit by preset ``name``: exposure, white balance, directional light, vignette."""
    exposure, warmth, angle, directional, vignette = LIGHTINGS[name]
    rgb = _rgb(image)
    h, w = rgb.shape[:2]
    ys = np.linspace(-1, 1, h, dtype=np.float32)[:, None]
    xs = np.linspace(-1, 1, w, dtype=np.float32)[None, :]
    theta = math.radians(angle)
    light = 1.0 + np.float32(directional) * (np.float32(math.cos(theta)) * xs + np.float32(math.sin(theta)) * ys)
    radius = np.sqrt(xs * xs + ys * ys) / np.float32(math.sqrt(2.0))
    falloff = 1.0 - np.float32(vignette) * radius**2
    balance = np.array([1 + 0.18 * warmth, 1.0 + 0.03 * warmth, 1 - 0.22 * warmth], np.float32)
    gain = np.float32(2.0**exposure)
    return _image((rgb * (light * falloff * gain)[..., None] * balance).astype(np.float32))


def _kuwahara(rgb: F32, radius: int) -> F32:
    """Each pixel takes the mean colour of the least varied of its four (radius+1)^2 quadrants."""
    luma = rgb @ _LUMA
    size = radius + 1

    def box(a: F32) -> F32:
        padded = np.pad(a, [(size, size), (size, size)] + [(0, 0)] * (a.ndim - 2), mode="reflect")
        c = padded.cumsum(0).cumsum(1)
        c = np.pad(c, [(1, 0), (1, 0)] + [(0, 0)] * (a.ndim - 2))
        sums: F32 = c[size:, size:] - c[:-size, size:] - c[size:, :-size] + c[:-size, :-size]
        return sums / np.float32(size * size)

    mean_l, mean_l2, mean_rgb = box(luma), box(luma * luma), box(rgb)
    h, w = luma.shape
    best_var = np.full((h, w), np.inf, np.float32)
    out = np.zeros_like(rgb)
    for dy in (0, radius):
        for dx in (0, radius):
            # the quadrant whose top-left is (y - dy, x - dx): windows start at offset size - d in the padded sums
            sl = (slice(size - dy, size - dy + h), slice(size - dx, size - dx + w))
            var = mean_l2[sl] - mean_l[sl] ** 2
            better = var < best_var
            best_var = np.where(better, var, best_var)
            out = np.where(better[..., None], mean_rgb[sl], out)
    return out


def apply_classical(image: Image.Image, name: str, seed: int) -> Image.Image:
    """The picture through a classical painting filter (no trained model)."""
    if name == "posterize":
        return (
            image.convert("RGB")
            .quantize(colors=8, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
            .convert("RGB")
        )
    if name == "ink":
        edges = image.convert("L").filter(ImageFilter.FIND_EDGES).point(lambda v: 255 - min(255, v * 3))
        return Image.composite(image.convert("RGB"), Image.new("RGB", image.size, (18, 16, 24)), edges)
    radius = max(2, round(min(image.size) / 256))
    if name == "oil":
        return _image(_kuwahara(_rgb(image), radius + 1))
    if name == "watercolor":
        washes = _kuwahara(_rgb(image.filter(ImageFilter.MedianFilter(5))), radius)
        soft = _image(washes).filter(ImageFilter.GaussianBlur(radius / 2))
        rims: F32 = np.asarray(soft.convert("L").filter(ImageFilter.FIND_EDGES), dtype=np.float32) / np.float32(255.0)
        rng = np.random.default_rng(seed)
        grain = rng.normal(0, 0.025, rims.shape).astype(np.float32)
        paper = (
            np.asarray(
                Image.fromarray(((grain + 0.5) * 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(1)), np.float32
            )
            / 255.0
            - 0.5
        )
        rgb = _rgb(soft) * (1 - np.float32(0.6) * rims)[..., None] + paper[..., None] * np.float32(0.5)
        return _image(np.float32(0.92) * rgb + np.float32(0.08))  # lighter, like pigment on white paper
    if name == "halftone":
        luma = np.asarray(image.convert("L"), dtype=np.float32) / 255.0
        h, w = luma.shape
        cell = max(4, round(min(h, w) / 160))
        ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
        u, v = (xs + ys) / math.sqrt(2), (xs - ys) / math.sqrt(2)  # a 45-degree screen
        du = (u / cell) % 1 - 0.5
        dv = (v / cell) % 1 - 0.5
        dot = np.sqrt(du * du + dv * dv) / 0.7071  # 0 at a dot's centre, 1 at the cell's corner
        ink = (dot < np.sqrt((1 - luma) * (2 / math.pi))).astype(np.float32)  # dot area = the darkness
        colour = _rgb(image.filter(ImageFilter.GaussianBlur(cell / 2)))
        return _image(colour * (1 - ink[..., None]) + colour * ink[..., None] * 0.25)
    raise ValueError(f"unknown classical filter {name}")
