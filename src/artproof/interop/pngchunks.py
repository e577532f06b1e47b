"""Adding a text chunk to a PNG without decoding or re-compressing its pixels.

Sealing a PNG master needs only one more chunk (the XMP packet); re-encoding a
12 MP image costs seconds of zlib, chunk surgery costs microseconds.
"""

from __future__ import annotations

import struct
import zlib

from artproof.errors import ImageError

__all__ = ["MAX_TEXT", "PNG_SIGNATURE", "drop_oversized_text", "with_itxt"]

MAX_TEXT = 1 << 20  # Pillow's cap on a decompressed text chunk (PngImagePlugin.MAX_TEXT_CHUNK)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    if not data.startswith(PNG_SIGNATURE):
        raise ImageError("not a PNG file")
    chunks, pos = [], len(PNG_SIGNATURE)
    while pos + 8 <= len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        if pos + 12 + length > len(data):
            raise ImageError("the PNG is truncated", value=kind.decode("latin-1"))
        chunks.append((kind, data[pos + 8 : pos + 8 + length]))
        pos += 12 + length
        if kind == b"IEND":
            break
    return chunks


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def with_itxt(data: bytes, keyword: str, text: str) -> bytes:
    """``data`` with an uncompressed iTXt chunk ``keyword`` (replacing any of that name) after IHDR."""
    key = keyword.encode("latin-1")
    out = [PNG_SIGNATURE]
    for kind, body in _chunks(data):
        if kind in (b"iTXt", b"tEXt", b"zTXt") and body.split(b"\x00", 1)[0] == key:
            continue
        out.append(_chunk(kind, body))
        if kind == b"IHDR":
            out.append(_chunk(b"iTXt", key + b"\x00\x00\x00\x00\x00" + text.encode("utf-8")))
    return b"".join(out)


def _inflates_beyond(body: bytes, limit: int) -> bool:
    """Whether zlib data decompresses to more than ``limit`` bytes (checked without inflating it all)."""
    try:
        return len(zlib.decompressobj().decompress(body, limit + 1)) > limit
    except zlib.error:
        return False


def drop_oversized_text(data: bytes, limit: int = MAX_TEXT) -> tuple[bytes, list[str]]:
    """``data`` without the compressed text chunks (zTXt, compressed iTXt) that inflate beyond ``limit``.

    Pillow refuses the whole file over one such chunk; the pixels and the other metadata are still
    good, so the chunk is dropped and its keyword returned for a warning.
    """
    out, dropped = [PNG_SIGNATURE], []
    for kind, body in _chunks(data):
        keyword, _, rest = body.partition(b"\x00")
        compressed: bytes | None = None
        if kind == b"zTXt":
            compressed = rest[1:]
        elif kind == b"iTXt" and rest[:1] == b"\x01":
            parts = rest[2:].split(b"\x00", 2)  # language tag, translated keyword, text
            compressed = parts[2] if len(parts) == 3 else None
        if compressed is not None and _inflates_beyond(compressed, limit):
            dropped.append(keyword.decode("latin-1", errors="replace"))
            continue
        out.append(_chunk(kind, body))
    return b"".join(out), dropped
