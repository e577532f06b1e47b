"""Image decoding refuses bad input; the blob store writes atomically and detects corruption."""

from __future__ import annotations

import errno
import io
import os
import warnings
from pathlib import Path

import pytest
from PIL import Image

from artproof.core.images import decode_image, encode_png, pixel_hash
from artproof.errors import ConfigError, ImageError, IntegrityError, StorageError
from artproof.store.blobs import BlobStore


def png(size: tuple[int, int] = (32, 32), mode: str = "RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, 128 if mode in ("L", "1") else (10, 20, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_round_trip_keeps_pixels() -> None:
    image = decode_image(png())
    assert pixel_hash(decode_image(encode_png(image))) == pixel_hash(image)


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"", "empty"),
        (b"not an image at all", "not an image format"),
        (png()[:60], r"corrupt or truncated"),
    ],
)
def test_bad_images_get_one_clear_error(data: bytes, fragment: str) -> None:
    with pytest.raises(ImageError, match=fragment):
        decode_image(data, name="upload.png")


def test_decompression_bomb_is_refused() -> None:
    bomb = png((20_000, 20_000), mode="1")  # 400 Mpx, a few kB on disk
    assert len(bomb) < 200_000
    with pytest.raises(ImageError, match=r"over the limit of 67.1 megapixels") as refused:
        decode_image(bomb)
    assert "ARTPROOF_MAX_PIXELS=400000000" in refused.value.diagnostics()  # says how to raise it


def test_the_pixel_limit_is_a_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    wide = png((12_000, 9_000), mode="1")  # 108 MP, like a big camera file
    with pytest.raises(ImageError, match="over the limit"):
        decode_image(wide)
    monkeypatch.setenv("ARTPROOF_MAX_PIXELS", "120000000")
    assert decode_image(wide).size == (12_000, 9_000)
    monkeypatch.setenv("ARTPROOF_MAX_PIXELS", "lots")
    with pytest.raises(ConfigError, match="ARTPROOF_MAX_PIXELS"):
        decode_image(wide)


def test_blob_store_round_trip_and_corruption(tmp_path: Path) -> None:
    store = BlobStore(tmp_path)
    blob_id = store.put(b"hello")
    assert store.get(blob_id) == b"hello"
    store.path_of(blob_id).write_bytes(b"hellO")
    with pytest.raises(IntegrityError, match="corrupt"):
        store.get(blob_id)


def test_full_disk_leaves_no_partial_blob(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = BlobStore(tmp_path)

    def no_space(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", no_space)
    with pytest.raises(StorageError, match="disk is full"):
        store.put(b"x" * 1000)
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_unwritable_store_says_so(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_bytes(b"")
    with pytest.raises(StorageError, match="cannot be written"):
        BlobStore(blocker / "blobs").put(b"data")  # a path under a file: fails even as root


def test_png_chunk_surgery_keeps_pixels_and_replaces_xmp() -> None:
    from artproof.interop.pngchunks import with_itxt

    original = png((40, 30))
    once = with_itxt(original, "XML:com.adobe.xmp", "<x>one</x>")
    twice = with_itxt(once, "XML:com.adobe.xmp", "<x>two ü</x>")
    image = Image.open(io.BytesIO(twice))
    image.load()
    assert image.info["XML:com.adobe.xmp"] == "<x>two ü</x>"
    assert pixel_hash(decode_image(twice)) == pixel_hash(decode_image(original))
    assert twice.count(b"XML:com.adobe.xmp") == 1
    with pytest.raises(ImageError, match="not a PNG"):
        with_itxt(b"GIF89a", "k", "v")


def test_the_output_suffixes_are_the_formats_written() -> None:
    from artproof.core.images import FORMATS
    from artproof.store.files import IMAGE_SUFFIXES

    assert tuple(FORMATS) == IMAGE_SUFFIXES  # store.files keeps its own tuple so the CLI starts without Pillow


def test_greyscale_is_told_by_the_pixels_not_the_mode() -> None:
    """A black-and-white picture saved as RGB (and re-encoded) is grey; a colour picture, even a muted one
    or one coloured in a small part, is not."""
    import numpy as np

    from artproof.core.images import is_greyscale

    rng = np.random.default_rng(5)
    colour = Image.fromarray(rng.integers(0, 256, (200, 300, 3), dtype=np.uint8))
    grey = colour.convert("L")
    assert is_greyscale(grey)
    buffer = io.BytesIO()
    grey.convert("RGB").save(buffer, format="JPEG", quality=70)
    assert is_greyscale(Image.open(buffer))
    assert not is_greyscale(colour)
    muted = np.asarray(grey.convert("RGB"), np.int16) + np.array([12, 0, -12], np.int16)  # a faint colour cast
    assert not is_greyscale(Image.fromarray(np.clip(muted, 0, 255).astype(np.uint8)))
    patch = grey.convert("RGB")
    patch.paste((220, 30, 30), (0, 0, 60, 40))  # 4 % of it red
    assert not is_greyscale(patch)
    palette = patch.convert("P", palette=Image.Palette.ADAPTIVE)
    palette.info["transparency"] = bytes([0]) * 256  # a GIF-like palette with transparency: judged, no warning
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert not is_greyscale(palette)
        assert is_greyscale(grey.convert("P"))
