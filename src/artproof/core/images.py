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
import warnings

from PIL import Image, ImageOps, UnidentifiedImageError

from artproof.errors import ImageError

__all__ = ["MAX_PIXELS", "decode_image", "encode_png", "pixel_hash"]

# The largest image artproof accepts: 8192 x 8192 (the largest size it generates).
MAX_PIXELS = 8192 * 8192


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
                if width * height > MAX_PIXELS:
                    raise ImageError(
                        f"{name} is too large to decode safely: {width}x{height} pixels",
                        hint=f"the limit is {MAX_PIXELS:,} pixels (a decompression bomb guard)",
                    )
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
    except (OSError, SyntaxError, ValueError) as exc:
        raise ImageError(f"{name} is corrupt or truncated", value=str(exc), hint="re-export the file") from exc
    return image


def encode_png(image: Image.Image) -> bytes:
    """PNG bytes with no metadata: same pixels, same bytes (for a given zlib)."""
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=6)
    return buffer.getvalue()


def pixel_hash(image: Image.Image) -> str:
    """``sha256:<hex>`` of the decoded pixels, their mode and size (not of file bytes)."""
    header = f"artproof-pixels-v1\n{image.mode}\n{image.width}x{image.height}\n".encode("ascii")
    return "sha256:" + hashlib.sha256(header + image.tobytes()).hexdigest()
