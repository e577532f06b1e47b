"""Factories for tests: step records built directly, and tiny images."""

from __future__ import annotations

import hashlib
from typing import Any

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageFilter

from artproof.provenance.model import AssetInfo, Runtime, Step

RUNTIME = Runtime(machine="x86_64", system="Linux", numpy="2", pillow="11")


def asset(label: str) -> str:
    return "sha256:" + hashlib.sha256(label.encode()).hexdigest()


def info(label: str) -> AssetInfo:
    return AssetInfo(id=asset(label), pixels=asset("px" + label), phash="0" * 16, width=64, height=64, bytes=1)


def step(
    op: str,
    agency: str,
    inputs: list[str],
    output: str,
    origin: dict[str, float],
    *,
    extra: list[str] | None = None,
    params: dict[str, Any] | None = None,
    reexecutable: bool = True,
) -> Step:
    return Step.create(
        op=op,
        version="1.0.0",
        agency=agency,
        params=params or {},
        inputs=[asset(i) for i in inputs],
        output=asset(output),
        extra_outputs=[asset(e) for e in extra or []],
        origin=origin,
        reexecutable=reexecutable,
        replay_tolerance=6,
        actor="a" * 16,
        at="2026-01-01T00:00:00+00:00",
        runtime=RUNTIME,
    )


def line_art(seed: int = 5, size: tuple[int, int] = (768, 640)) -> NDArray[np.uint8]:
    """Pure black shapes on pure white, their edges anti-aliased (RGB): a mark cannot go above white or below
    black, so no watermark strength survives a marketplace copy of it."""
    rng = np.random.default_rng(seed)
    width, height = size
    pixels = np.full((height, width, 3), 255, dtype=np.uint8)
    y, x = np.mgrid[0:height, 0:width]
    for _ in range(7):
        cx, cy, r = rng.uniform(80, width - 78), rng.uniform(80, height - 80), rng.uniform(30, 140)
        pixels[(x - cx) ** 2 + (y - cy) ** 2 < r * r] = 0 if rng.uniform() < 0.6 else 255
    return np.asarray(Image.fromarray(pixels).filter(ImageFilter.GaussianBlur(1)))


def flat_illustration(seed: int = 1, size: tuple[int, int] = (864, 632)) -> NDArray[np.uint8]:
    """Filled discs of plain colours on a plain ground (RGB): a marketplace's WebP q50 copy keeps little of a
    mark on its flat areas."""
    rng = np.random.default_rng(seed)
    width, height = size
    y, x = np.mgrid[0:height, 0:width]
    pixels = np.zeros((height, width, 3)) + rng.integers(30, 230, 3)
    for _ in range(8):
        cx, cy, r = rng.integers(0, width), rng.integers(0, height), rng.integers(40, min(width, height) // 3)
        pixels[(x - cx) ** 2 + (y - cy) ** 2 < r * r] = rng.integers(0, 255, 3)
    return pixels.astype(np.uint8)
