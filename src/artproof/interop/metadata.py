"""Reading the metadata containers of an image file, without trusting them.

PNG text chunks (tEXt/iTXt/zTXt, before or after the image data), JPEG/WebP
EXIF (including UserComment in its ASCII/UNICODE/JIS encodings) and XMP, and
the "stealth" form some tools hide in the alpha channel's least significant
bits. Every limit is explicit: text chunks over 1 MiB are refused by Pillow
and reported, decompression bombs are refused, a file that lies about its
type is named as such.
"""

from __future__ import annotations

import gzip
import io
import struct
import warnings
import zlib
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from PIL import ExifTags, Image, UnidentifiedImageError

from artproof.core.images import check_pixels
from artproof.errors import ImageError
from artproof.interop.pngchunks import drop_oversized_text

__all__ = ["FileMetadata", "read_metadata", "stealth_payload"]

MAX_STEALTH_BYTES = 1 << 20
_EXIF_ERRORS = (OSError, ValueError, SyntaxError, KeyError, TypeError, IndexError, struct.error)
_MAGIC = {b"\x89PNG": "PNG", b"\xff\xd8\xff": "JPEG", b"RIFF": "WEBP", b"GIF8": "GIF"}


@dataclass
class FileMetadata:
    format: str
    width: int
    height: int
    mode: str
    text: dict[str, str] = field(default_factory=dict)
    exif: dict[str, Any] = field(default_factory=dict)
    user_comment: str | None = None
    xmp: str | None = None
    image: Image.Image | None = None
    warnings: list[str] = field(default_factory=list)


def _decode_user_comment(raw: bytes | str) -> str | None:
    """EXIF UserComment: an 8-byte character code, then the text (A1111 writes UNICODE, big-endian)."""
    if isinstance(raw, str):
        return raw.strip("\x00") or None
    head, body = raw[:8], raw[8:]
    if head.startswith(b"UNICODE"):
        for codec in ("utf-16-be", "utf-16-le"):
            try:
                text = body.decode(codec)
            except UnicodeDecodeError:
                continue
            if text and all(ch.isprintable() or ch in "\n\r\t" for ch in text[:200]):
                return text.strip("\x00")
        return None
    if head.startswith(b"ASCII"):
        return body.decode("ascii", errors="replace").strip("\x00") or None
    if head.startswith(b"JIS"):
        return body.decode("shift_jis", errors="replace").strip("\x00") or None
    return raw.decode("utf-8", errors="replace").strip("\x00") or None


def _exif(image: Image.Image, meta: FileMetadata) -> None:
    try:
        exif = image.getexif()
    except _EXIF_ERRORS as exc:  # a malformed EXIF block is a warning, not a crash
        meta.warnings.append(f"EXIF is malformed and was skipped: {exc}")
        return
    if not exif:
        return
    values: dict[str, Any] = {}
    pointers = {int(ExifTags.IFD.Exif), int(ExifTags.IFD.GPSInfo), int(ExifTags.IFD.Interop)}
    for tag, value in exif.items():
        if tag not in pointers:  # sub-directory offsets, read below
            values[ExifTags.TAGS.get(tag, str(tag))] = value
    for ifd_id in (ExifTags.IFD.Exif, ExifTags.IFD.GPSInfo):
        try:
            ifd = exif.get_ifd(ifd_id)
        except _EXIF_ERRORS:
            meta.warnings.append(f"EXIF sub-directory {ifd_id.name} is malformed and was skipped")
            continue
        names = ExifTags.GPSTAGS if ifd_id == ExifTags.IFD.GPSInfo else ExifTags.TAGS
        target = values.setdefault("GPSInfo", {}) if ifd_id == ExifTags.IFD.GPSInfo else values
        for tag, value in ifd.items():
            target[names.get(tag, str(tag))] = value
    comment = values.pop("UserComment", None)
    if comment is not None:
        meta.user_comment = _decode_user_comment(comment)
    meta.exif = {k: _plain(v) for k, v in values.items() if k != "MakerNote"}


def _plain(value: Any) -> Any:
    """EXIF values as JSON-friendly types."""
    if isinstance(value, bytes):
        return value.hex() if len(value) <= 64 else f"<{len(value)} bytes>"
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "numerator") and hasattr(value, "denominator"):
        return float(value) if value.denominator else None
    if isinstance(value, str):
        return value.strip("\x00")
    return value


def read_metadata(data: bytes, *, name: str = "file", with_pixels: bool = True) -> FileMetadata:
    """Everything a file says about itself; raises :class:`ImageError` for what is not an image."""
    if not data:
        raise ImageError(f"{name} is empty (0 bytes)", hint="it is not an image")
    claimed = next((fmt for magic, fmt in _MAGIC.items() if data.startswith(magic)), None)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            check_pixels(name, image.width, image.height)
            image.load()  # also reads PNG text chunks that sit after the image data
    except ImageError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageError(f"{name} is a decompression bomb", value=str(exc), hint="refused") from exc
    except UnidentifiedImageError:
        raise ImageError(f"{name} is not an image artproof can read", hint="PNG, JPEG or WebP") from None
    except ValueError as exc:  # Pillow's cap on huge text chunks lands here
        slim, dropped = drop_oversized_text(data) if data.startswith(b"\x89PNG") else (data, [])
        if not dropped:
            raise ImageError(
                f"{name} has a metadata chunk too large to read safely",
                value=str(exc)[:80],
                hint="text chunks are capped at 1 MiB",
            ) from exc
        meta = read_metadata(slim, name=name, with_pixels=with_pixels)
        meta.warnings += [
            f"{name}: text chunk {k!r} inflates to more than 1 MiB and was skipped (the rest is read)" for k in dropped
        ]
        return meta
    except (OSError, SyntaxError, EOFError, zlib.error) as exc:
        raise ImageError(f"{name} is corrupt or truncated", value=str(exc)[:80], hint="re-export the file") from exc
    meta = FileMetadata(format=image.format or "unknown", width=image.width, height=image.height, mode=image.mode)
    if claimed is not None and image.format is not None and claimed != image.format:
        meta.warnings.append(f"{name} looks like {claimed} but decodes as {image.format}")
    suffix = name.rsplit(".", 1)[-1].upper() if "." in name else ""
    if suffix in ("PNG", "JPG", "JPEG", "WEBP") and image.format and suffix.replace("JPG", "JPEG") != image.format:
        meta.warnings.append(f"{name} is named .{suffix.lower()} but is {image.format}: the file lies about its type")
    for key, value in image.info.items():
        if isinstance(key, str) and isinstance(value, str) and key not in ("exif", "icc_profile"):
            meta.text[key] = value
        elif isinstance(value, bytes) and key in ("xmp", "XML:com.adobe.xmp"):
            meta.xmp = value.decode("utf-8", errors="replace")
    if "XML:com.adobe.xmp" in meta.text:
        meta.xmp = meta.text.pop("XML:com.adobe.xmp")
    _exif(image, meta)
    if with_pixels:
        meta.image = image
    return meta


def stealth_payload(image: Image.Image) -> tuple[str, str] | None:
    """Data hidden in the alpha channel's low bits ("stealth pnginfo"), as (kind, text).

    The bits are read column by column; a 15-byte signature (``stealth_pnginfo``
    plain, ``stealth_pngcomp`` gzip) is followed by a 32-bit big-endian length in
    bits and the payload.
    """
    if image.mode != "RGBA":
        return None
    alpha = np.asarray(image.getchannel("A"), dtype=np.uint8)
    bits = (alpha.T.reshape(-1) & 1).astype(np.uint8)
    header = 15 * 8 + 32
    if bits.size < header:
        return None
    signature = np.packbits(bits[:120]).tobytes()
    if signature not in (b"stealth_pnginfo", b"stealth_pngcomp"):
        return None
    length = int.from_bytes(np.packbits(bits[120:152]).tobytes(), "big")
    if length <= 0 or length > MAX_STEALTH_BYTES * 8 or 152 + length > bits.size:
        raise ImageError("the alpha-channel metadata has an impossible length", value=length)
    payload = np.packbits(bits[152 : 152 + length]).tobytes()
    if signature == b"stealth_pngcomp":
        try:
            payload = gzip.decompress(payload)
        except (OSError, EOFError) as exc:
            raise ImageError("the alpha-channel metadata is not valid gzip", value=str(exc)) from exc
        if len(payload) > MAX_STEALTH_BYTES:
            raise ImageError("the alpha-channel metadata is larger than 1 MiB")
    return signature.decode("ascii"), payload.decode("utf-8", errors="replace")
