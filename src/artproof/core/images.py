"""Decoding and encoding images safely and reproducibly.

Every image that enters the program goes through :func:`decode_image`, which
refuses decompression bombs, truncated and unreadable files with one clear
error. Every image the program writes goes through :func:`encode_png`, which
writes no metadata and no timestamps, so the same pixels give the same bytes
with the same Pillow/zlib. Pixel identity across platforms is
:func:`pixel_hash`, computed on decoded pixels, not on file bytes.
"""

from __future__ import annotations

import hashlib
import io
import os
import warnings

import numpy as np
from PIL import Image, ImageOps, PngImagePlugin, UnidentifiedImageError

from artproof.errors import ConfigError, ImageError

__all__ = [
    "FORMATS",
    "MAX_PIXELS",
    "check_pixels",
    "decode_image",
    "encode_as",
    "encode_png",
    "is_greyscale",
    "pixel_hash",
    "pixel_limit",
]

# The largest image artproof decodes by default: 8192 x 8192 (the largest size it generates). A
# decompression bomb guard, not a judgement: ARTPROOF_MAX_PIXELS raises it for genuine large pictures.
MAX_PIXELS = 8192 * 8192
Image.MAX_IMAGE_PIXELS = None  # Pillow's own guard is replaced by pixel_limit(), which says how to raise it


def pixel_limit() -> int:
    """The pixel limit in force: ``ARTPROOF_MAX_PIXELS`` if set (a positive integer), else :data:`MAX_PIXELS`."""
    text = os.environ.get("ARTPROOF_MAX_PIXELS", "").replace("_", "").strip()
    if not text:
        return MAX_PIXELS
    if not text.isdigit() or int(text) <= 0:
        raise ConfigError("ARTPROOF_MAX_PIXELS is not a positive whole number", value=text, hint="e.g. 150000000")
    return int(text)


def check_pixels(name: str, width: int, height: int) -> None:
    """Refuse a picture over the limit before decoding it, naming the limit and how to raise it."""
    limit = pixel_limit()
    if width * height > limit:
        raise ImageError(
            f"{name} is {width}x{height} = {width * height / 1e6:.1f} megapixels, over the limit of "
            f"{limit / 1e6:.1f} megapixels",
            hint=f"if the picture is genuine, raise the limit: ARTPROOF_MAX_PIXELS={width * height} (or more); "
            "the limit guards against decompression bombs",
        )


def decode_image(
    data: bytes, *, name: str = "image", min_short: int | None = None, upright: bool = False
) -> Image.Image:
    """Decode bytes into a fully loaded RGB or RGBA image, or raise :class:`ImageError`.

    ``min_short`` lets a JPEG decode at a reduced scale (1/2, 1/4, 1/8, in the DCT domain, several
    times faster) as long as its short side stays at least that: for readers that look at a
    downscaled picture anyway (verify). ``upright`` applies the EXIF orientation, as viewers do (verify
    looks at the picture people see; the record keeps the pixels as stored).
    """
    if not data:
        raise ImageError(f"{name} is empty (0 bytes)", hint="the file was not written completely")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                width, height = probe.size
                check_pixels(name, width, height)
                if min_short is not None and min(width, height) >= 2 * min_short:
                    factor = min_short / min(width, height)
                    probe.draft(probe.mode, (int(width * factor) + 1, int(height * factor) + 1))
                probe.load()
                shown: Image.Image = ImageOps.exif_transpose(probe) if upright else probe
                alpha = "A" in shown.getbands() or (shown.mode == "P" and "transparency" in shown.info)
                image = shown.convert("RGBA" if alpha else "RGB")
    except ImageError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageError(
            f"{name} is a decompression bomb", value=str(exc), hint="refused; use a smaller image"
        ) from exc
    except UnidentifiedImageError as exc:
        raise ImageError(f"{name} is not an image format artproof can read", hint="use PNG, JPEG or WebP") from exc
    except ValueError as exc:
        if "MAX_TEXT_CHUNK" in str(exc) and data.startswith(b"\x89PNG"):
            # one metadata chunk too large to inflate safely: the pixels are fine without it
            from artproof.interop.pngchunks import drop_oversized_text

            slim, dropped = drop_oversized_text(data)
            if dropped:
                return decode_image(slim, name=name, min_short=min_short, upright=upright)
        raise ImageError(f"{name} is corrupt or truncated", value=str(exc), hint="re-export the file") from exc
    except (OSError, SyntaxError) as exc:
        raise ImageError(f"{name} is corrupt or truncated", value=str(exc), hint="re-export the file") from exc
    return image


# The formats artproof writes, by file suffix: Pillow's name and the media type.
FORMATS = {
    ".png": ("PNG", "image/png"),
    ".jpg": ("JPEG", "image/jpeg"),
    ".jpeg": ("JPEG", "image/jpeg"),
    ".webp": ("WEBP", "image/webp"),
}


def encode_as(image: Image.Image, fmt: str, xmp: str | None = None) -> bytes:
    """``image`` as PNG, JPEG (RGB, quality 95) or WebP (quality 95), with an XMP packet when given."""
    buffer = io.BytesIO()
    if fmt == "PNG":
        info = PngImagePlugin.PngInfo()
        if xmp is not None:
            info.add_itxt("XML:com.adobe.xmp", xmp)
        image.save(buffer, format="PNG", pnginfo=info)
    else:
        extra = {"xmp": xmp.encode("utf-8")} if xmp is not None else {}
        (image.convert("RGB") if fmt == "JPEG" else image).save(buffer, format=fmt, quality=95, **extra)
    return buffer.getvalue()


def encode_png(image: Image.Image) -> bytes:
    """PNG bytes with no metadata: same pixels, same bytes (for a given zlib)."""
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=6)
    return buffer.getvalue()


def pixel_hash(image: Image.Image) -> str:
    """``sha256:<hex>`` of the decoded pixels, their mode and size (not of file bytes)."""
    header = f"artproof-pixels-v1\n{image.mode}\n{image.width}x{image.height}\n".encode("ascii")
    return "sha256:" + hashlib.sha256(header + image.tobytes()).hexdigest()


GREY_SPREAD = 6  # levels between a pixel's channels under which it is grey (JPEG and WebP leave 1-4)


def is_greyscale(image: Image.Image) -> bool:
    """Whether ``image`` holds no colour: a greyscale mode, or RGB whose channels agree in nearly every pixel.

    A black-and-white print or repost is usually saved as RGB; its channels then carry one picture
    three times, and comparing them one by one with a colour original measures the colour it lost.
    Judged on pixels sampled 128 to the short side (at most 1 % of them with channels more than
    :data:`GREY_SPREAD` apart), so a few coloured pixels of noise do not make a grey picture
    colour, and a coloured area over 1 % of it does. Sampled, not averaged: a 12 MP copy is judged
    in 3-11 ms (beside two busy processes), where reducing it whole cost 47 ms more.
    """
    if image.mode in ("1", "L", "LA", "I", "I;16", "F"):
        return True
    scale = min(1.0, 128 / min(image.size))
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    # sampled in its own mode (a palette too), then RGBA: converting a palette with transparency to RGB warns
    pixels = np.asarray(image.resize(size, Image.Resampling.NEAREST).convert("RGBA"), dtype=np.int16)[..., :3]
    spread = pixels.max(axis=2) - pixels.min(axis=2)
    return float(np.mean(spread > GREY_SPREAD)) <= 0.01
