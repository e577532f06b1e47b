"""A certificate's keypoints: recorded from the picture before its mark, read back only when well formed."""

from __future__ import annotations

import base64
import io

import numpy as np
from PIL import Image

from artproof.editions.certificate import (
    CERTIFIED_KEYPOINTS,
    CERTIFIED_THUMB,
    certified_features,
    certified_thumbnail,
    picture_binding,
)
from artproof.editions.coa import COA_FORMAT, CertArtist, CertEdition, CertificateBody, CertWork
from artproof.fingerprint.features import describe, locate


def _picture(seed: int) -> Image.Image:
    rng = np.random.default_rng(seed)
    small = rng.integers(0, 256, (24, 32, 3), dtype=np.uint8)  # blocks of colour: corners everywhere
    return Image.fromarray(small).resize((640, 480), Image.Resampling.NEAREST)


def _body(pixels: dict[str, object] | None, fmt: str = COA_FORMAT) -> CertificateBody:
    return CertificateBody(
        format=fmt,
        edition_id="e1",
        work=CertWork(work_id="w1", title="t", revision=1),
        artist=CertArtist(name="a", key_id="k", public_key="p"),
        edition=CertEdition(number=1, count=1, artist_proof=False),
        issued_at="2026-12-04T00:00:00+00:00",
        pixels=pixels,
    )


def test_the_keypoints_are_the_unmarked_pictures_and_place_a_detail_of_it() -> None:
    unmarked = _picture(1)
    marked = Image.fromarray(np.clip(np.asarray(unmarked, np.int16) + 1, 0, 255).astype(np.uint8))
    binding = picture_binding(marked, unmarked)
    features = certified_features(_body(binding))
    assert features is not None and len(features) == CERTIFIED_KEYPOINTS and features.size == (640, 480)
    assert np.array_equal(features.descriptors, describe(unmarked, CERTIFIED_KEYPOINTS).descriptors)
    detail = unmarked.crop((160, 120, 480, 360))
    placed = locate(describe(detail, 1000), features)
    assert placed is not None and placed.inliers >= 16
    corner = placed.homography @ np.array([0.0, 0.0, 1.0])
    assert np.allclose(corner[:2] / corner[2], (160, 120), atol=2.0)  # the detail's corner, in the picture
    assert locate(describe(_picture(2), 1000), features) is None  # another picture is not placed


def test_a_certificate_without_well_formed_keypoints_places_nothing() -> None:
    good = picture_binding(_picture(1), _picture(1))
    assert certified_features(_body({k: v for k, v in good.items() if k != "keypoints"})) is None  # issued before
    assert certified_features(_body(None, "artproof.coa/1")) is None
    for bad in ("not base64!", base64.b64encode(b"APF1 short").decode(), base64.b64encode(b"XXXX" * 8).decode(), 7):
        assert certified_features(_body({**good, "keypoints": bad})) is None


def test_the_thumbnail_is_the_marked_picture_small_and_read_back_only_when_small() -> None:
    marked = _picture(3)
    binding = picture_binding(marked, _picture(4))
    thumb = certified_thumbnail(_body(binding))
    assert thumb is not None and max(thumb.size) == CERTIFIED_THUMB
    expected = np.asarray(marked.resize(thumb.size, Image.Resampling.BOX), np.float32)
    ours = np.asarray(thumb.convert("L"), np.float32).ravel()
    theirs = np.asarray(Image.fromarray(expected.astype(np.uint8)).convert("L"), np.float32).ravel()
    assert np.corrcoef(ours, theirs)[0, 1] > 0.97  # JPEG q85 of the same picture (random colour blocks: the worst)
    assert len(binding["thumbnail"]) < 30_000  # random colour blocks, the worst; a render: 9-12 kB
    big = io.BytesIO()
    marked.save(big, "JPEG")
    png = io.BytesIO()
    marked.resize((CERTIFIED_THUMB, 144)).save(png, "PNG")
    for bad in (base64.b64encode(big.getvalue()).decode(), base64.b64encode(png.getvalue()).decode(), "@@", None):
        assert certified_thumbnail(_body({**binding, "thumbnail": bad})) is None
