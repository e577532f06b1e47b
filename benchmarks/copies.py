"""The copies people really make of a picture, as a reusable generator (issue 16).

Each transform takes a picture and a seeded ``random.Random`` and returns the copy, so a benchmark
draws the same copies on every run. Covered: rotations of 1 to 10 degrees either way, a mirror, a
photograph of a print or a screen (a homography of up to 15 % corner displacement onto a wall, lens
blur, sensor noise, white-balance and exposure shift, JPEG q70), a screenshot (resized inside a page
with UI chrome around it), detail crops down to a quarter of the area, a text and logo overlay, a
letterbox, WebP q50, resize to 50 % + JPEG q50, a greyscale repost, and chains of two of these.

Use: ``from copies import TRANSFORMS, chain, copy_of``; ``copy_of(picture, "rotate+3", seed)``.
"""

from __future__ import annotations

import io
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageOps

__all__ = ["CHAINS", "TRANSFORMS", "chain", "copy_of"]

Transform = Callable[[Image.Image, random.Random], Image.Image]


def _encode(picture: Image.Image, fmt: str, quality: int) -> Image.Image:
    buffer = io.BytesIO()
    picture.convert("RGB").save(buffer, fmt, quality=quality)
    buffer.seek(0)
    return Image.open(buffer).convert("RGB")


def rotate(degrees: float) -> Transform:
    """Rotated about the centre, the corners filled as a scanner or an editor fills them (white)."""

    def apply(picture: Image.Image, rng: random.Random) -> Image.Image:
        return picture.convert("RGB").rotate(
            degrees, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=(255, 255, 255)
        )

    return apply


def mirror(picture: Image.Image, rng: random.Random) -> Image.Image:
    return ImageOps.mirror(picture.convert("RGB"))


def photo(picture: Image.Image, rng: random.Random) -> Image.Image:
    """A photograph of a print on a wall (or of a screen): perspective, blur, noise, colour and exposure."""
    rgb = np.asarray(picture.convert("RGB"), dtype=np.float32)
    h, w = rgb.shape[:2]
    margin = 0.2
    out_w, out_h = int(w * (1 + 2 * margin)), int(h * (1 + 2 * margin))
    corners = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    placed = corners + np.float32([margin * w, margin * h])
    jitter = np.float32([[rng.uniform(-0.15, 0.15) * w, rng.uniform(-0.15, 0.15) * h] for _ in range(4)])
    matrix = cv2.getPerspectiveTransform(corners, placed + jitter)
    wall = tuple(rng.uniform(150, 230) for _ in range(3))
    warped = cv2.warpPerspective(rgb, matrix, (out_w, out_h), flags=cv2.INTER_LINEAR, borderValue=wall)
    warped = cv2.GaussianBlur(warped, (0, 0), rng.uniform(0.6, 1.4))
    gains = np.float32([rng.uniform(0.9, 1.1) for _ in range(3)]) * rng.uniform(0.85, 1.15)
    noisy = warped * gains + np.random.default_rng(rng.randrange(2**32)).normal(0, 4.0, warped.shape)
    return _encode(Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8)), "JPEG", 70)


def screenshot(picture: Image.Image, rng: random.Random) -> Image.Image:
    """The picture shown at about 60 % in a marketplace page: a header bar, a sidebar, a caption."""
    shown = picture.convert("RGB")
    scale = rng.uniform(0.5, 0.7)
    shown = shown.resize(
        (max(1, int(shown.width * scale)), max(1, int(shown.height * scale))), Image.Resampling.BILINEAR
    )
    page = Image.new("RGB", (shown.width + 320, shown.height + 180), (246, 246, 246))
    draw = ImageDraw.Draw(page)
    draw.rectangle((0, 0, page.width, 56), fill=(32, 33, 36))
    draw.text((20, 20), "marketplace - lot 1042", fill=(255, 255, 255))
    draw.rectangle((page.width - 260, 80, page.width - 20, page.height - 40), fill=(255, 255, 255))
    draw.text((page.width - 250, 100), "Current bid: 1.2 ETH", fill=(0, 0, 0))
    page.paste(shown, (20, 80))
    draw.text((20, 90 + shown.height), "Untitled (study), 2026", fill=(60, 60, 60))
    return page


def detail(area: float) -> Transform:
    """A detail: a crop of ``area`` of the picture (0.25 = a quarter), anywhere in it."""

    def apply(picture: Image.Image, rng: random.Random) -> Image.Image:
        side = area**0.5
        w, h = picture.size
        cw, ch = int(w * side), int(h * side)
        x, y = rng.randint(0, w - cw), rng.randint(0, h - ch)
        return picture.convert("RGB").crop((x, y, x + cw, y + ch))

    return apply


def overlay(picture: Image.Image, rng: random.Random) -> Image.Image:
    """A seller's text and logo stamped on the picture."""
    out = picture.convert("RGB").copy()
    draw = ImageDraw.Draw(out)
    w, h = out.size
    draw.rectangle((int(w * 0.05), int(h * 0.85), int(w * 0.45), int(h * 0.95)), fill=(255, 255, 255))
    draw.text((int(w * 0.07), int(h * 0.88)), "(c) resale.example", fill=(200, 0, 0))
    x, y = int(w * rng.uniform(0.6, 0.8)), int(h * rng.uniform(0.05, 0.2))
    draw.ellipse((x, y, x + w // 10, y + w // 10), outline=(255, 255, 255), width=max(2, w // 200))
    return out


def letterbox(picture: Image.Image, rng: random.Random) -> Image.Image:
    """Padded to 16:9 with black bars, as a video frame or a social-media card."""
    rgb = picture.convert("RGB")
    w, h = rgb.size
    target_w = max(w, int(h * 16 / 9))
    target_h = max(h, int(target_w * 9 / 16))
    page = Image.new("RGB", (target_w, target_h), (0, 0, 0))
    page.paste(rgb, ((target_w - w) // 2, (target_h - h) // 2))
    return page


def webp50(picture: Image.Image, rng: random.Random) -> Image.Image:
    return _encode(picture, "WEBP", 50)


def half_jpeg50(picture: Image.Image, rng: random.Random) -> Image.Image:
    small = picture.convert("RGB").resize((picture.width // 2, picture.height // 2), Image.Resampling.BILINEAR)
    return _encode(small, "JPEG", 50)


def greyscale(picture: Image.Image, rng: random.Random) -> Image.Image:
    """A black-and-white print or repost: the luminance, saved as an RGB JPEG (q80) as such reposts are."""
    return _encode(picture.convert("L").convert("RGB"), "JPEG", 80)


def blur(picture: Image.Image, rng: random.Random) -> Image.Image:
    return picture.convert("RGB").filter(ImageFilter.GaussianBlur(1.0))


TRANSFORMS: dict[str, Transform] = {
    **{f"rotate{sign}{d}": rotate(float(d) if sign == "+" else -float(d)) for d in (1, 2, 3, 5, 10) for sign in "+-"},
    "mirror": mirror,
    "photo": photo,
    "screenshot": screenshot,
    "detail50": detail(0.5),
    "detail25": detail(0.25),
    "overlay": overlay,
    "letterbox": letterbox,
    "webp50": webp50,
    "half+jpeg50": half_jpeg50,
    "greyscale": greyscale,
}

CHAINS: tuple[tuple[str, str], ...] = (
    ("rotate+3", "half+jpeg50"),
    ("screenshot", "webp50"),
    ("detail50", "rotate-2"),
    ("photo", "detail50"),
    ("overlay", "letterbox"),
)


def chain(first: str, second: str) -> Transform:
    def apply(picture: Image.Image, rng: random.Random) -> Image.Image:
        return TRANSFORMS[second](TRANSFORMS[first](picture, rng), rng)

    return apply


def copy_of(picture: Image.Image, name: str, seed: int) -> Image.Image:
    """The copy ``name`` (a transform, or ``a>b`` for a chain of two) of ``picture``, drawn with ``seed``."""
    rng = random.Random(f"{name}/{seed}")
    if ">" in name:
        first, second = name.split(">", 1)
        return chain(first, second)(picture, rng)
    return TRANSFORMS[name](picture, rng)


def issue_editions(
    svc: Any, root: Path, count: int, size: str, passphrase: str, *, label: str, seed: int, step: int
) -> list[tuple[str, str, Image.Image, Path]]:
    """``count`` works made (half by the neural painting network, style ``n * step``, half by the pattern network),
    sealed and issued as editions of 1 under ``root``: (work id, edition id, the edition file's picture, its folder)."""
    editions = []
    for n in range(count):
        neural = n % 2 == 0
        made = svc.studio.create(
            engine="neural" if neural else "cppn", prompt=f"{label} {n}", seed=seed + n, size=size, title=None,
            passphrase=passphrase, style=(n * step) % 26 if neural else None,
        )  # fmt: skip
        svc.sealing.seal(made.work_id, root / f"sealed-{n}.png", passphrase=passphrase)
        [edition] = svc.editions.issue(made.work_id, root / f"ed-{n}", count=1, passphrase=passphrase).editions
        picture = Image.open(next((root / f"ed-{n}").glob("*.png"))).convert("RGB")
        editions.append((made.work_id, edition.edition_id, picture, root / f"ed-{n}"))
    return editions
