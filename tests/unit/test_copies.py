"""The real-world copy generator of benchmarks/copies.py: every transform and chain makes a plausible,
reproducible copy (the same seed, the same pixels; another seed, another copy where it is random)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
from PIL import Image

SPEC = importlib.util.spec_from_file_location("copies", Path(__file__).parents[2] / "benchmarks" / "copies.py")
assert SPEC is not None and SPEC.loader is not None
copies = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(copies)


def _picture() -> Image.Image:
    y, x = np.mgrid[0:300, 0:400]
    rgb = np.stack([x * 255 // 400, y * 255 // 300, (x + y) % 256], axis=-1).astype(np.uint8)
    return Image.fromarray(rgb)


def test_every_copy_is_reproducible_and_plausible() -> None:
    picture = _picture()
    names = [*copies.TRANSFORMS, *(f"{a}>{b}" for a, b in copies.CHAINS)]
    assert len(names) >= 24
    for name in names:
        one, again = copies.copy_of(picture, name, 1), copies.copy_of(picture, name, 1)
        assert one.mode == "RGB" and min(one.size) >= 50, name
        assert np.array_equal(np.asarray(one), np.asarray(again)), name
    assert copies.copy_of(picture, "rotate+10", 0).size[0] > 400  # expanded: corners filled, nothing cut
    assert copies.copy_of(picture, "detail25", 0).size == (200, 150)
    assert copies.copy_of(picture, "letterbox", 0).size == (533, 300)
    photo = [np.asarray(copies.copy_of(picture, "photo", seed)) for seed in (1, 2)]
    assert photo[0].shape != photo[1].shape or not np.array_equal(photo[0], photo[1])
    grey = np.asarray(copies.copy_of(picture, "greyscale", 0), np.int16)
    assert int(np.abs(grey[..., 0] - grey[..., 2]).max()) <= 8 and grey.std() > 20  # grey, the picture kept
    mirrored = np.asarray(copies.copy_of(picture, "mirror", 0))
    assert np.array_equal(mirrored[:, ::-1], np.asarray(picture))
