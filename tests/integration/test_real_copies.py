"""The copies people really make: turned, mirrored, photographed, screenshotted, detail-cropped.

Issue 16: these read ``authentic_edition`` with the right number when the watermark is read (the
copy is found by its keypoints and laid back onto the master to read it); a copy found only by
its keypoints reads ``registered_work`` with "possible match" and the evidence (agreeing
keypoints, the transform), never ``authentic_edition``; a picture never registered matches nothing.
"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageOps
from sqlalchemy import update

from artproof.fingerprint.features import Features, describe, locate
from artproof.fingerprint.registry import Query
from artproof.fingerprint.shortlist import FLAT_LIMIT, Shortlist
from artproof.ops import OpContext, get_operation
from artproof.verify.likeness import CHANGED
from tests.integration.inproc import call as run

EXIT = {"authentic_edition": 0, "registered_work": 0, "unverified": 3, "tampered": 4}


def verify(home: Path, path: Path, *extra: str) -> dict[str, Any]:
    result = run(home, "verify", str(path), "--json", *extra, passphrase=None)
    doc = json.loads(result.stdout)
    assert result.code == EXIT[doc["verdict"]], (result.code, doc["verdict"], result.stderr)
    return dict(doc)


def _jpeg(picture: Image.Image, path: Path, quality: int = 80) -> Path:
    picture.convert("RGB").save(path, "JPEG", quality=quality)
    return path


def photograph(picture: Image.Image, seed: int) -> Image.Image:
    """A print photographed on a wall: perspective (up to 12 % of a side per corner), blur, noise, a colour cast."""
    rng = np.random.default_rng(seed)
    rgb = np.asarray(picture.convert("RGB"), dtype=np.float32)
    h, w = rgb.shape[:2]
    corners = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    placed = corners + np.float32([0.2 * w, 0.2 * h]) + rng.uniform(-0.12, 0.12, (4, 2)).astype(np.float32) * [w, h]
    matrix = cv2.getPerspectiveTransform(corners, placed.astype(np.float32))
    shot = cv2.warpPerspective(rgb, matrix, (int(w * 1.4), int(h * 1.4)), borderValue=(190, 185, 170))
    shot = cv2.GaussianBlur(shot, (0, 0), 1.0) * np.float32([1.06, 1.0, 0.9]) + rng.normal(0, 4, shot.shape)
    return Image.fromarray(np.clip(shot, 0, 255).astype(np.uint8))


def _registry_of(folder: Path, pictures: dict[str, Image.Image]) -> Any:
    """A fingerprint registry in ``folder`` holding ``pictures`` as works (their refs the keys)."""
    from datetime import UTC, datetime

    from artproof.core.images import encode_png
    from artproof.fingerprint.registry import FingerprintRegistry
    from artproof.store.blobs import BlobStore
    from artproof.store.database import open_engine

    registry = FingerprintRegistry(open_engine(f"sqlite:///{folder / 'fp.db'}"), BlobStore(folder / "blobs"))
    rows = [
        FingerprintRegistry.row(
            "work", ref, ref, "k", picture, registry.blobs.put(encode_png(picture)), datetime.now(UTC)
        )
        for ref, picture in pictures.items()
    ]
    with registry.engine.begin() as c:
        FingerprintRegistry.insert(c, rows)
    return registry


@pytest.fixture(scope="module")
def studio(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("copies")
    home = root / "home"
    run(home, "init", "--name", "Ada Lovelace")
    made = run(home, "create", "--engine", "neural", "--style", "5", "--prompt", "tide pools", "--seed", "3",
               "--size", "768x640", "--json")  # fmt: skip
    work_id = made.json()["work_id"]
    assert run(home, "seal", work_id, "-o", str(root / "master.png")).code == 0
    issued = run(home, "edition", "issue", work_id, "--count", "2", "-o", str(root / "ed"), "--json")
    assert issued.code == 0, issued.stderr
    second = next(e for e in issued.json()["editions"] if e["number"] == 2 and not e["artist_proof"])
    other = run(home, "create", "--engine", "neural", "--style", "11", "--prompt", "salt flats", "--seed", "8",
                "--size", "640x640", "--json").json()["work_id"]  # fmt: skip
    assert run(home, "register", other).code == 0  # registered, never sealed nor issued: no mark
    shown = run(home, "work", "export", other, "-o", str(root / "other.png"))
    assert shown.code == 0, shown.stderr
    return {
        "home": home,
        "root": root,
        "work": work_id,
        "edition": second["edition_id"],
        "file": next((root / "ed").glob("*2of2*.png")),
        "other": other,
    }


def test_turned_mirrored_photographed_and_detail_copies_of_an_edition_are_that_edition(studio: dict[str, Any]) -> None:
    home, root = studio["home"], studio["root"]
    edition = Image.open(studio["file"]).convert("RGB")
    w, h = edition.size
    copies = {
        "turned 3 degrees": edition.rotate(3, Image.Resampling.BICUBIC, expand=True, fillcolor=(255, 255, 255)),
        "turned -7 degrees": edition.rotate(-7, Image.Resampling.BICUBIC, expand=True, fillcolor=(0, 0, 0)),
        "mirrored": ImageOps.mirror(edition),
        "photographed": photograph(edition, 1),
        "a quarter-area detail": edition.crop((w // 4, h // 3, w // 4 + w // 2, h // 3 + h // 2)),
    }
    for name, copy in copies.items():
        doc = verify(home, _jpeg(copy, root / f"{name}.jpg"))
        assert doc["verdict"] == "authentic_edition", (name, doc["headline"], doc["reasons"])
        assert doc["edition"]["edition_id"] == studio["edition"] and doc["edition"]["number"] == 2, name
        assert doc["channels"]["watermark"]["status"] == "found", name
        assert doc["channels"]["fingerprint"]["status"] == "match", name
    turned = verify(home, root / "turned 3 degrees.jpg")["channels"]["fingerprint"]["matches"][0]
    assert turned["found_by"] == "keypoints" and turned["inliers"] >= 12
    assert abs(turned["transform"]["rotation_deg"] - 3) < 0.5, turned["transform"]
    assert verify(home, root / "mirrored.jpg")["channels"]["fingerprint"]["matches"][0]["transform"]["mirrored"]


def test_a_stamped_detail_of_an_edition_is_an_altered_copy(studio: dict[str, Any]) -> None:
    """A seller's stamp on a detail: judged by the share of it showing something else once laid back, as a
    stamp on a whole copy is. Allowed 25 % (for placements a few motifs gave, before they were refined
    against the registered picture), a stamped quarter detail read ``authentic_edition`` in 11 of 12 works."""
    home, root = studio["home"], studio["root"]
    edition = Image.open(studio["file"]).convert("RGB")
    w, h = edition.size
    detail = edition.crop((w // 4, h // 3, w // 4 + w // 2, h // 3 + h // 2))
    faithful = verify(home, _jpeg(detail, root / "detail.jpg", 85))
    assert faithful["verdict"] == "authentic_edition", faithful["headline"]
    ImageDraw.Draw(detail).rectangle((40, 40, 200, 120), fill=(250, 20, 20))  # about a tenth of the detail
    doc = verify(home, _jpeg(detail, root / "stamped-detail.jpg", 85))
    assert doc["verdict"] == "tampered" and "changed in places" in doc["headline"], doc["headline"]


def test_a_stranger_places_a_detail_and_a_photographed_print_by_the_certificates_keypoints(
    studio: dict[str, Any], tmp_path: Path
) -> None:
    """A certificate's hashes describe the whole frame: away from home a quarter detail (24-30 pHash bits from
    it, as far as another picture is) read ``tampered``, and most photographed prints ``unverified`` (their
    mark not read blind: 4 of 12 works). The keypoints the artist signed place both in the certified picture,
    and the copy laid back onto the certified frame is read there (12 of 12 prints). Another edition's
    certificate never makes it that edition. A whole copy with a seller's stamp, laid onto the certificate's
    own small picture, is an altered copy (it read ``authentic_edition`` away from home on every work)."""
    home, root = studio["home"], studio["root"]
    assert run(home, "ledger", "key", "-o", str(root / "log.pub")).code == 0
    away = ("--log-key", str(root / "log.pub"))
    coa = next((root / "ed").glob("*2of2*.coa.json"))
    other = next(p for p in (root / "ed").glob("*.coa.json") if p != coa)
    edition = Image.open(studio["file"]).convert("RGB")
    w, h = edition.size
    copies = {
        "photographed": photograph(edition, 3),
        "quarter": edition.crop((w // 4, h // 3, w // 4 + w // 2, h // 3 + h // 2)),
        "a corner shown larger": edition.crop((0, 0, w // 2, h // 2)).resize((w, h), Image.Resampling.LANCZOS),
    }
    for name, copy in copies.items():
        path = _jpeg(copy, tmp_path / f"{name}.jpg", 85)
        doc = verify(tmp_path / "stranger", path, "--certificate", str(coa), *away)
        assert doc["verdict"] != "tampered", (name, doc["headline"])
        if name == "photographed":  # the whole mark is there: read once laid back (its outline matches the hashes)
            assert doc["verdict"] == "authentic_edition", doc["headline"]
            assert doc["edition"]["edition_id"] == studio["edition"]
            continue
        assert any("of the certificate's own keypoints place the picture" in c for c in doc["checks"]), name
        if doc["verdict"] != "authentic_edition":  # a quarter's mark may be too faint to read blind: not accused
            assert doc["verdict"] == "unverified" and "placed by its keypoints" in doc["headline"]
            assert doc["headline"].startswith("Unverified: no watermark read, and not registered in this home")
        assert verify(tmp_path / "stranger", path, "--certificate", str(other), *away)["verdict"] != (
            "authentic_edition"
        ), name
    # a seller's stamp on the whole picture: laid onto the certificate's own picture, it shows (before: authentic)
    stamped = edition.copy()
    ImageDraw.Draw(stamped).rectangle((w // 20, h * 17 // 20, w * 9 // 20, h * 19 // 20), fill=(255, 255, 255))
    doc = verify(tmp_path / "stranger", _jpeg(stamped, tmp_path / "stamped.jpg", 85), "--certificate", str(coa), *away)
    assert doc["verdict"] == "tampered" and "laid onto the certificate's picture" in doc["headline"], doc["headline"]
    doc = verify(tmp_path / "stranger", _jpeg(edition, tmp_path / "faithful.jpg", 80), "--certificate", str(coa), *away)
    assert doc["verdict"] == "authentic_edition", doc["headline"]
    assert any(c.startswith("compared with the certificate's picture: similarity") for c in doc["checks"])
    payload = json.loads(coa.read_text())["certificate"]["payload"]
    assert len(payload["pixels"]["keypoints"]) < 16_000  # 256 keypoints, base64: 13.7 kB


def test_a_photographed_edition_is_read_by_its_keypoints_where_the_refinement_slides_off(
    studio: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The aligned reading lays the copy back by the match's homography made exact by ECC; where ECC slid
    off (it can, on a sharp outline), the match's own homography is read too, and the edition is named."""
    import artproof.core.alignment as alignment_module

    def slid(copy: Image.Image, homography: np.ndarray, *_: Any) -> np.ndarray:
        turn = cv2.getRotationMatrix2D((0, 0), 1.5, 1.03)  # 1.5 degrees and 3 % off: no longer the picture
        return np.vstack([turn, [0, 0, 1]]) @ homography

    monkeypatch.setattr(alignment_module, "refine", slid)
    home, root = studio["home"], studio["root"]
    copy = _jpeg(photograph(Image.open(studio["file"]).convert("RGB"), 5), root / "photographed-slid.jpg")
    doc = verify(home, copy)
    assert doc["verdict"] == "authentic_edition" and doc["edition"]["edition_id"] == studio["edition"], doc["headline"]
    assert doc["channels"]["watermark"]["aligned_with_master"] is True  # not only the print laid flat, read blind


def test_a_copy_found_only_by_its_keypoints_is_a_possible_match_never_an_edition(studio: dict[str, Any]) -> None:
    home, root = studio["home"], studio["root"]
    other = Image.open(root / "other.png").convert("RGB")
    doc = verify(home, _jpeg(photograph(other, 2), root / "photo-of-other.jpg", quality=70))
    assert doc["verdict"] == "registered_work" and doc["work_id"] == studio["other"], doc["headline"]
    assert doc["headline"].startswith("Possible match:") and "agreeing keypoints" in doc["headline"]
    assert "not shown to be an issued edition" in doc["headline"]
    fingerprint = doc["channels"]["fingerprint"]
    assert fingerprint["summary"].startswith("possible match")
    evidence = fingerprint["matches"][0]
    assert (
        evidence["found_by"] == "keypoints" and evidence["inliers"] >= 12 and evidence["transform"]["perspective"] > 0
    )
    assert doc["edition"] is None and doc["channels"]["watermark"]["status"] == "absent"
    # the same photograph with the edition's picture is the edition: the mark is what makes the difference
    edition = Image.open(studio["file"]).convert("RGB")
    assert verify(home, _jpeg(photograph(edition, 2), root / "photo-of-edition.jpg", 70))["verdict"] == (
        "authentic_edition"
    )


def test_pictures_never_registered_match_nothing_even_turned(studio: dict[str, Any]) -> None:
    home, root = studio["home"], studio["root"]
    neural = get_operation("generate.neural", "1.0.0")
    for seed, style in ((21, 5), (22, 11), (23, 0)):  # the same styles as the registered works: lookalikes
        params = neural.parse_params(
            {"prompt": "tide pools", "seed": seed, "width": 640, "height": 640, "style": style}
        )
        stranger = neural.run(params, [], OpContext()).image.convert("RGB").rotate(4, expand=True)
        doc = verify(home, _jpeg(stranger, root / f"stranger-{seed}.jpg"))
        assert doc["verdict"] == "unverified", (seed, doc["headline"])
        assert doc["channels"]["fingerprint"]["status"] == "none"


def test_an_edition_with_a_band_painted_over_it_is_tampered_even_turned(studio: dict[str, Any]) -> None:
    home, root = studio["home"], studio["root"]
    edition = Image.open(studio["file"]).convert("RGB")
    pixels = np.asarray(edition).copy()
    pixels[: int(pixels.shape[0] * 0.4), :, :] = (200, 30, 30)  # a red band over 40 % of it
    turned = Image.fromarray(pixels).rotate(3, Image.Resampling.BICUBIC, expand=True, fillcolor=(255, 255, 255))
    doc = verify(home, _jpeg(turned, root / "band.jpg", 90))
    if doc["channels"]["watermark"]["status"] == "found":  # the mark survives in the rest: it must not vouch
        assert doc["verdict"] == "tampered" and "changed in places" in doc["headline"], doc["headline"]
    else:
        assert doc["verdict"] != "authentic_edition"


def test_rows_registered_before_keypoints_are_described_once_and_found(studio: dict[str, Any], tmp_path: Path) -> None:
    from artproof.services import build_services
    from artproof.settings import Settings
    from artproof.store.tables import fingerprints

    home = studio["home"]
    services = build_services(Settings.from_env({"ARTPROOF_HOME": str(home)}))
    with services.fingerprints.engine.begin() as c:  # as a home migrated from 0007 has them
        c.execute(update(fingerprints).values(features=None))
    edition = Image.open(studio["file"]).convert("RGB")
    found = services.fingerprints.search_local(edition.rotate(5, expand=True))
    assert found and found[0].confirmed and found[0].entry.work_id == studio["work"]
    with services.fingerprints.engine.connect() as c:
        assert all(row.features is not None for row in c.execute(fingerprints.select()).all())


def test_features_round_trip_and_locate_a_known_homography() -> None:
    neural = get_operation("generate.neural", "1.0.0")
    params = neural.parse_params({"prompt": "reef", "seed": 4, "width": 640, "height": 480, "style": 3})
    picture = neural.run(params, [], OpContext()).image.convert("RGB")
    stored = describe(picture)
    assert len(stored) == 512 and Features.from_bytes(stored.to_bytes()).to_bytes() == stored.to_bytes()
    truth = np.array([[0.9, -0.08, 40.0], [0.07, 0.92, 25.0], [2e-5, -1e-5, 1.0]])  # registered px -> copy px
    copy = cv2.warpPerspective(np.asarray(picture), truth, (700, 560), borderValue=(255, 255, 255))
    buffer = io.BytesIO()
    Image.fromarray(copy).save(buffer, "JPEG", quality=75)
    found = locate(describe(Image.open(buffer), 1000), stored)
    assert found is not None and found.inliers >= 50
    back = found.homography @ truth  # copy px -> registered px after registered px -> copy px: the identity
    corners = np.float32([[0, 0, 1], [640, 0, 1], [640, 480, 1], [0, 480, 1]]).T
    moved = back @ corners
    assert np.abs(moved[:2] / moved[2] - corners[:2]).max() < 3.0  # within 3 px at the corners


def test_the_shortlist_names_the_picture_that_shares_keypoints() -> None:
    rng = np.random.default_rng(5)
    for pictures_count in (300, FLAT_LIMIT // 256 + 300):  # exact, then the inverted file
        index = Shortlist()
        pictures = [rng.integers(0, 256, (256, 32), dtype=np.uint8) for _ in range(pictures_count)]
        index.add(pictures[:150])
        index.add(pictures[150:])
        noisy = pictures[123].copy()
        flips = rng.random((*noisy.shape, 8)) < 0.12  # ~30 of 256 bits differ: the same corners seen again
        noisy ^= np.packbits(flips, axis=-1).reshape(noisy.shape)
        found = index.search(noisy[:200], k=3)
        assert found[0][0] == 123 and found[0][1] > 20 * max([1.0] + [s for _, s in found[1:]]), found
        assert index.search(rng.integers(0, 256, (0, 32), dtype=np.uint8)) == []
        strangers = index.search(rng.integers(0, 256, (200, 32), dtype=np.uint8), k=3)
        assert all(score < 5 for _, score in strangers)  # random descriptors are ~128 bits from everything


def test_a_quarter_detail_is_located_by_the_registered_pictures_finer_keypoints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A quarter-area detail of a painting its stored keypoints (512, at 512 px) do not locate: the
    picture is described again from its blob, finer, and the detail is found (a case from the
    copies benchmark); without the finer description, as a detail of the whole picture, and without
    that, by the copy's keypoints at half size matched to the stored ones."""

    import artproof.fingerprint.registry as registry_module
    from artproof.fingerprint.registry import FingerprintRegistry

    neural = get_operation("generate.neural", "1.0.0")
    params = neural.parse_params({"prompt": "series 95", "seed": 578, "width": 936, "height": 702, "style": 22})
    picture = neural.run(params, [], OpContext()).image.convert("RGB")
    registry = _registry_of(tmp_path, {"w1": picture})
    detail = picture.crop((108, 150, 576, 501))  # a quarter of the area
    assert locate(describe(detail, 1000), describe(picture)) is None  # the stored keypoints alone: not located

    found = registry.search(detail)
    assert found and found[0].confirmed and found[0].entry.ref == "w1" and found[0].alignment is not None
    assert abs(found[0].alignment.transform()["scale"] - 1.0) < 0.05 and found[0].region <= 0.25  # a crop, 1:1

    monkeypatch.setattr(registry_module, "FINE_WORKS", 0)  # without it: found as a detail of the whole picture
    [first, *_] = FingerprintRegistry(registry.engine, registry.blobs).search(detail)
    assert first.confirmed and first.variant == "detail" and first.alignment is None and abs(first.scale - 0.5) < 0.03
    monkeypatch.setattr(registry_module, "DETAIL_WORKS", 0)  # and without that, by its keypoints at half size
    [first, *_] = FingerprintRegistry(registry.engine, registry.blobs).search(detail)
    assert first.confirmed and first.variant == "features" and first.alignment is not None
    assert abs(first.alignment.transform()["scale"] - 1.0) < 0.05


def test_a_quarter_detail_ranked_below_other_works_is_matched_again_at_half_size(tmp_path: Path) -> None:
    """A quarter detail of a soft pattern whose work three other patterns outrank on the keypoint shortlist.

    The first pass matches the third and later works without their finer description; the last
    pass, which looks the copy up by its half-size keypoints, ranks the work first and must match it
    again (it used to skip every work the first pass had matched, so the detail was not found). A
    case from the copies benchmark (2,000 registered; three of its five missed quarter details).
    """

    cppn = get_operation("generate.cppn", "1.0.0")
    pictures = {}
    for ref, prompt, seed, width, height in (
        ("w306", "series 95", 612, 864, 864),
        ("w122", "series 122", 244, 1015, 1015),
        ("w70", "series 70", 140, 624, 833),
        ("w910", "series 66", 1820, 838, 838),
    ):
        params = cppn.parse_params({"prompt": prompt, "seed": seed, "width": width, "height": height})
        pictures[ref] = cppn.run(params, [], OpContext()).image.convert("RGB")
    registry = _registry_of(tmp_path, pictures)
    detail = pictures["w910"].crop((271, 196, 690, 615))  # a quarter of the area

    found = [m for m in registry.search(detail) if m.confirmed]
    assert found and found[0].entry.ref == "w910"
    assert {m.entry.ref for m in found} == {"w910"}


def test_a_detail_whose_work_the_shortlist_ranks_last_is_searched_in_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A quarter detail that keypoints do not place is searched as a detail of the shortlisted works that
    hold it best at a coarse size, not of the shortlist's first three: two of the copies benchmark's
    missed quarter details were confirmed at 0.99 by their own work, ranked 4th and 7th by keypoints."""
    from artproof.fingerprint import registry as registry_module

    cppn = get_operation("generate.cppn", "1.0.0")
    pictures = {}
    for n in range(6):
        params = cppn.parse_params({"prompt": f"series {n * 37}", "seed": n * 11, "width": 640, "height": 640})
        pictures[f"w{n}"] = cppn.run(params, [], OpContext()).image.convert("RGB")
    registry = _registry_of(tmp_path, pictures)
    detail = pictures["w5"].crop((200, 120, 520, 440))  # a quarter of the area
    monkeypatch.setattr(registry_module.FingerprintRegistry, "_located", lambda *_a, **_k: [])  # keypoints: nothing
    assert registry._current_shortlist().count == 6  # pictures numbered as registered: w5 last
    monkeypatch.setattr(Shortlist, "search", lambda *_a, **_k: [(n, 1.0) for n in range(6)])

    searched: list[str] = []
    detail_search = registry_module.FingerprintRegistry._detail

    def spied(self: Any, query: Any, group: list[Any]) -> Any:
        searched.append(group[0].ref)
        return detail_search(self, query, group)

    monkeypatch.setattr(registry_module.FingerprintRegistry, "_detail", spied)
    found = [m for m in registry.search(detail) if m.confirmed]
    assert found and found[0].entry.ref == "w5" and found[0].variant == "detail", found
    assert {m.entry.ref for m in found} == {"w5"}
    assert searched[0] == "w5", searched
    # a picture nobody registered is screened and searched in full in none of them: what holds it worse
    # than DETAIL_FLOOR at the screen is not searched (each full search costs 30-60 ms; it was three a pass)
    searched.clear()
    params = cppn.parse_params({"prompt": "nobody's", "seed": 404, "width": 640, "height": 640})
    stranger = cppn.run(params, [], OpContext()).image.convert("RGB").crop((100, 100, 420, 420))
    assert not [m for m in registry.search(stranger) if m.confirmed]
    assert searched == [], searched


def test_a_greyscale_copy_is_found_and_compared_in_grey(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A black-and-white repost of a colourful pattern: its hashes (luminance) name the work, but compared
    channel by channel with the colour picture it correlated under 0.85 and was found by nothing (the
    copies benchmark: 12 of 50 greyscale copies found). Compared in grey it is found, whole or turned;
    a greyscale picture nobody registered still matches nothing, and nothing greyscale is taken for a
    detail of a colour picture."""
    cppn = get_operation("generate.cppn", "1.0.0")
    pictures = {}
    for n in range(4):
        params = cppn.parse_params({"prompt": f"series {n * 29}", "seed": n * 7 + 1, "width": 640, "height": 512})
        pictures[f"w{n}"] = cppn.run(params, [], OpContext()).image.convert("RGB")
    registry = _registry_of(tmp_path, pictures)
    grey = pictures["w2"].convert("L").convert("RGB")
    found = [m for m in registry.search(grey) if m.confirmed]
    assert found and found[0].entry.ref == "w2" and found[0].alignment is None, found
    turned = grey.rotate(5, Image.Resampling.BICUBIC, expand=True, fillcolor=(255, 255, 255))
    found = [m for m in registry.search(turned) if m.confirmed]
    assert found and found[0].entry.ref == "w2", found
    params = cppn.parse_params({"prompt": "held 5", "seed": 99, "width": 640, "height": 512})
    stranger = cppn.run(params, [], OpContext()).image.convert("L").convert("RGB")
    assert not [m for m in registry.search(stranger) if m.confirmed]
    # a detail is placed at any scale and place, its correlation all that judges it: in grey, without the colour
    # channels' agreement, smooth pictures nobody registered were confirmed as details of colour patterns (0.88-0.90)
    from artproof.fingerprint import registry as registry_module

    monkeypatch.setattr(registry_module.FingerprintRegistry, "_located", lambda *_a, **_k: [])  # keypoints: nothing
    detail = grey.crop((160, 128, 480, 384))
    assert not [m for m in registry.search(detail) if m.confirmed]
    colour = pictures["w2"].crop((160, 128, 480, 384))  # in colour, the same detail is found as one
    assert [m.entry.ref for m in registry.search(colour) if m.confirmed and m.variant == "detail"] == ["w2"]


def _gradient(width: int, height: int) -> Image.Image:
    """A smooth picture (a two-colour sweep under a soft glow): too few corners for keypoints to place it."""
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    t = (x / width + y / height) / 2
    glow = np.exp(-(((x - 0.65 * width) / (0.3 * width)) ** 2 + ((y - 0.4 * height) / (0.3 * height)) ** 2))
    rgb = (1 - t)[..., None] * np.float32([40, 70, 160]) + t[..., None] * np.float32([235, 150, 90])
    return Image.fromarray(np.clip(rgb + 60 * glow[..., None], 0, 255).astype(np.uint8))


def screenshot(picture: Image.Image, scale: float = 0.6) -> Image.Image:
    """The picture shown at ``scale`` in a marketplace page: a dark header bar, a white side panel."""
    shown = picture.convert("RGB").resize((int(picture.width * scale), int(picture.height * scale)))
    page = Image.new("RGB", (shown.width + 320, shown.height + 180), (246, 246, 246))
    page.paste((32, 33, 36), (0, 0, page.width, 56))
    page.paste((255, 255, 255), (page.width - 260, 80, page.width - 20, page.height - 40))
    page.paste(shown, (20, 80))
    return page


@pytest.fixture(scope="module")
def smooth(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The artist's own smooth render imported, sealed and issued (2 editions); its picture exported unmarked."""
    root = tmp_path_factory.mktemp("smooth")
    home = root / "home"
    run(home, "init", "--name", "Ada Lovelace")
    _gradient(768, 576).save(root / "dusk.png")
    [item] = run(home, "import", str(root / "dusk.png"), "--json").json()
    assert run(home, "seal", item["work_id"], "-o", str(root / "sealed.png")).code == 0
    issued = run(home, "edition", "issue", item["work_id"], "--count", "2", "-o", str(root / "ed"), "--json")
    assert issued.code == 0, issued.stderr
    second = next(e for e in issued.json()["editions"] if e["number"] == 2 and not e["artist_proof"])
    return {"home": home, "root": root, "work": item["work_id"], "edition": second["edition_id"],
            "file": next((root / "ed").glob("*2of2*.png"))}  # fmt: skip


def test_a_smooth_edition_photographed_or_screenshotted_is_found_by_its_outline(
    smooth: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    home, root = smooth["home"], smooth["root"]
    edition = Image.open(smooth["file"]).convert("RGB")
    assert locate(describe(photograph(edition, 3), 1000), describe(edition)) is None  # keypoints cannot place it
    for name, copy in {"photographed": photograph(edition, 3), "screenshotted": screenshot(edition)}.items():
        doc = verify(home, _jpeg(copy, root / f"smooth-{name}.jpg", 85))
        assert doc["verdict"] == "authentic_edition", (name, doc["headline"], doc["reasons"])
        assert doc["edition"]["edition_id"] == smooth["edition"] and doc["edition"]["number"] == 2, name
        match = doc["channels"]["fingerprint"]["matches"][0]
        assert match["found_by"] == "outline" and "inliers" not in match, (name, match)
    # quarter-area details, of both editions: few keypoints place them; confirmed as details of the whole
    # picture (it was "a mark copied into another image" when the hashes' nearest row was the work and the
    # edition's own check failed; and "tampered" or "registered_work" when a hash crop correlated 0.853 at
    # the wrong scale and the detail's own scale was never tried for the mark or the comparison)
    w, h = edition.size
    for number in (2, 1):
        marked = Image.open(next((root / "ed").glob(f"*{number}of2.png"))).convert("RGB")
        for n, (x, y) in enumerate(((w // 5, h // 4), (w // 2, h // 2), (0, 0))):
            doc = verify(home, _jpeg(marked.crop((x, y, x + w // 2, y + h // 2)), root / f"q{number}{n}.jpg", 85))
            assert doc["verdict"] == "authentic_edition", (number, n, doc["headline"])
            assert doc["edition"]["number"] == number and doc["channels"]["fingerprint"]["status"] == "match"
    # the registered picture itself (no mark), photographed: a possible match by its outline, never an edition
    picture = Image.open(root / "dusk.png").convert("RGB")
    doc = verify(home, _jpeg(photograph(picture, 4), root / "smooth-picture.jpg", 85))
    assert doc["verdict"] == "registered_work" and doc["work_id"] == smooth["work"], doc["headline"]
    assert doc["headline"].startswith("Possible match:") and "found by its outline" in doc["headline"]
    assert doc["channels"]["fingerprint"]["matches"][0]["transform"]["perspective"] > 0
    # the collector, in an empty home, with the certificate: the page's picture laid flat reads its mark blind;
    # the photograph (not read blind) is the certificate's picture laid flat, never "a certificate moved"
    assert run(home, "ledger", "key", "-o", str(root / "log.pub")).code == 0
    coa = next((root / "ed").glob("*2of2.coa.json"))
    away = ("--certificate", str(coa), "--log-key", str(root / "log.pub"))
    doc = verify(root / "collector", root / "smooth-screenshotted.jpg", *away)
    assert doc["verdict"] == "authentic_edition" and doc["edition"]["number"] == 2, doc["headline"]
    doc = verify(root / "collector", root / "smooth-photographed.jpg", *away)
    assert doc["verdict"] != "tampered", doc["headline"]
    # a corner quarter of it: away from the registry, its hashes are another picture's, but its mark, read blind
    # at a detail's scale, is the certificate's edition: not confirmed, and not accused of carrying a copied mark
    doc = verify(root / "collector", root / "q22.jpg", *away)
    assert doc["verdict"] == "unverified" and "this detail carries" in doc["headline"], doc["headline"]
    assert doc["channels"]["watermark"]["edition_id"] == smooth["edition"], doc["channels"]["watermark"]
    assert abs(doc["channels"]["watermark"]["detail_scale"] - 0.5) < 0.02
    # at home, given with its own certificate: the registry found it as a detail, which the certificate's hashes
    # of the whole picture cannot confirm; the edition, as without the certificate (not "a mark copied"), also
    # where the mark is read only through the registered master (a busy picture's detail: blind details read 73 %)
    doc = verify(home, root / "q22.jpg", "--certificate", str(coa))
    assert doc["verdict"] == "authentic_edition" and doc["edition"]["number"] == 2, doc["headline"]
    detector = sys.modules["artproof.watermark.detect"]
    monkeypatch.setattr(detector, "CROP", detector.DETAIL)  # no blind detail search
    doc = verify(home, root / "q22.jpg", "--certificate", str(coa))
    # read through the registry's placement (the copy minus the master, or the copy laid back on it, whichever
    # decodes first: the second in about 1 of 10 runs), not blind as a detail: the registry says it is one
    assert "detail_scale" not in doc["channels"]["watermark"], doc["channels"]["watermark"]
    assert doc["verdict"] == "authentic_edition" and doc["edition"]["number"] == 2, doc["headline"]
    monkeypatch.undo()
    # given with a certificate of its own picture but another one's marked detail: tampered, as before
    other = next((root / "ed").glob("*1of2.coa.json"))
    doc = verify(root / "collector", root / "q22.jpg", "--certificate", str(other), "--log-key", str(root / "log.pub"))
    assert doc["verdict"] == "tampered" and "the watermark says edition" in doc["headline"], doc["headline"]
    # a page of another smooth picture never registered: its outline is found, and matches nothing
    stranger = np.asarray(_gradient(768, 576))[:, ::-1, ::-1]  # the sweep the other way, other colours
    doc = verify(home, _jpeg(screenshot(Image.fromarray(np.ascontiguousarray(stranger))), root / "stranger.jpg"))
    assert doc["verdict"] == "unverified" and doc["channels"]["fingerprint"]["status"] == "none", doc["headline"]


def test_a_quarter_detail_confirmed_by_a_hash_crop_at_the_wrong_scale_is_judged_at_its_own(
    smooth: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The hashes' 80 % crops confirmed a smooth quarter detail at their scale in some editions (0.853-0.855,
    by the marks' texture); compared there, 4-6 % of it "changed", and a faithful copy read ``tampered``
    (5 of 34 editions). Here the search answers that match every time: the detail is judged at its own
    scale, and a stamp on it is still found."""
    from artproof.fingerprint.registry import FingerprintRegistry, Match
    from artproof.services import build_services
    from artproof.settings import Settings

    home, root = smooth["home"], smooth["root"]
    registry = build_services(Settings.from_env({"ARTPROOF_HOME": str(home)})).fingerprints
    [entry] = registry.entries(smooth["edition"])
    edition = Image.open(smooth["file"]).convert("RGB")
    w, h = edition.size
    detail = edition.crop((w // 5, h // 4, w // 5 + w // 2, h // 4 + h // 2))
    wrong = Match(entry, "centre", 12, 0.855, 0.8)  # as the hashes confirmed it where it failed
    assert (registry.with_changes(Query.of(detail), wrong).changed or 0.0) >= 0.02  # compared there, it "changed"
    monkeypatch.setattr(FingerprintRegistry, "search", lambda self, query, limit=8: [wrong])
    doc = verify(home, _jpeg(detail, root / "wrong-scale.jpg", 85))
    assert doc["verdict"] == "authentic_edition" and doc["edition"]["number"] == 2, (doc["headline"], doc["reasons"])
    stamped = detail.copy()
    stamped.paste((255, 255, 255), (40, 40, 40 + detail.width // 4, 40 + detail.height // 5))
    doc = verify(home, _jpeg(stamped, root / "wrong-scale-stamped.jpg", 85))
    assert doc["verdict"] == "tampered", (doc["headline"], doc["reasons"])


def test_a_mirror_image_of_a_smooth_edition_is_that_edition_at_home_and_away(smooth: dict[str, Any]) -> None:
    """A flipped post of a picture with too few corners for keypoints: its mark is read flipped back,
    and the picture is compared with the edition the right way round (here and by a collector)."""
    home, root = smooth["home"], smooth["root"]
    flipped = _jpeg(ImageOps.mirror(Image.open(smooth["file"]).convert("RGB")), root / "smooth-mirror.jpg", 85)
    doc = verify(home, flipped)
    assert doc["verdict"] == "authentic_edition", (doc["headline"], doc["reasons"])
    assert doc["edition"]["edition_id"] == smooth["edition"] and doc["channels"]["watermark"]["mirrored"] is True
    assert run(home, "ledger", "key", "-o", str(root / "mirror-log.pub")).code == 0
    coa = next((root / "ed").glob("*2of2.coa.json"))
    doc = verify(root / "away", flipped, "--certificate", str(coa), "--log-key", str(root / "mirror-log.pub"))
    assert doc["verdict"] == "authentic_edition" and doc["edition"]["number"] == 2, (doc["headline"], doc["reasons"])
    identified = run(home, "edition", "identify", str(flipped), "--json", passphrase=None).json()
    assert identified["edition_id"] == smooth["edition"] and identified["detection"]["mirrored"] is True


def test_a_linear_ramp_re_encoded_or_turned_is_that_edition_away_from_home(tmp_path: Path) -> None:
    """A linear colour ramp's pHash is unstable: re-encoded (WebP q50, halved and JPEG q50, in greyscale) or
    turned three degrees it moves 22-26 bits, past the certificate's resemblance radius, and it has no keypoints
    to place it. Away from home such copies read ``tampered`` ("a mark copied into another image": 7 of 57
    pictures of the watermark benchmark, the ramps). Compared with the certificate's own picture as the
    registry compares, they are that picture."""
    home = tmp_path / "home"
    run(home, "init", "--name", "Ada Lovelace")
    y, x = np.mgrid[0:576, 0:768].astype(np.float64)
    ramp = np.stack([x / 768 * 255, y / 576 * 255, (x + y) / (768 + 576) * 255], axis=-1) * 0.8 + 30
    Image.fromarray(np.clip(ramp, 0, 255).astype(np.uint8)).save(tmp_path / "ramp.png")
    [item] = run(home, "import", str(tmp_path / "ramp.png"), "--json").json()
    assert run(home, "seal", item["work_id"], "-o", str(tmp_path / "sealed.png")).code == 0
    issued = run(home, "edition", "issue", item["work_id"], "--count", "1", "-o", str(tmp_path / "ed"), "--json")
    assert issued.code == 0, issued.stderr
    assert run(home, "ledger", "key", "-o", str(tmp_path / "log.pub")).code == 0
    coa = next((tmp_path / "ed").glob("*.coa.json"))
    edition = Image.open(next((tmp_path / "ed").glob("*.png"))).convert("RGB")
    copies = {
        "webp50.webp": edition,
        "half.jpg": edition.resize((edition.width // 2, edition.height // 2), Image.Resampling.BILINEAR),
        "grey.jpg": edition.convert("L").convert("RGB"),
        "turned.jpg": edition.rotate(3, Image.Resampling.BICUBIC, expand=True, fillcolor=(255, 255, 255)),
    }
    accused = []
    for name, copy in copies.items():
        copy.save(tmp_path / name, quality=50)
        doc = verify(
            tmp_path / "away", tmp_path / name, "--certificate", str(coa), "--log-key", str(tmp_path / "log.pub")
        )
        accused += [name] if doc["verdict"] == "tampered" else []
        assert doc["verdict"] in ("authentic_edition", "unverified"), (name, doc["headline"])
        if doc["verdict"] == "authentic_edition":
            assert doc["edition"]["edition_id"] == issued.json()["editions"][0]["edition_id"]
    assert not accused


def test_a_page_outline_is_judged_by_the_better_of_its_own_and_the_refined_geometry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The outline stage lays a page's picture back by the outline's corners, refined by ECC, and keeps the
    better: a refinement that slides off (ECC on a sharp photographed print: 0.95 to 0.72) does not lose the
    picture the outline placed."""

    import artproof.core.alignment as alignment_module
    from artproof.fingerprint.registry import FingerprintRegistry

    picture = _gradient(768, 576)
    registry = _registry_of(tmp_path, {"w1": picture})
    page = screenshot(picture)
    [found] = registry.search_outline(page)
    assert found.confirmed and found.entry.ref == "w1" and found.similarity > 0.95, found.similarity

    def slid(copy: Image.Image, homography: np.ndarray, *_: Any) -> np.ndarray:
        return np.array([[1, 0, 30], [0, 1, 20], [0, 0, 1]]) @ homography  # 4 % of the picture off

    monkeypatch.setattr(alignment_module, "refine", slid)
    [kept] = FingerprintRegistry(registry.engine, registry.blobs).search_outline(page)
    assert kept.confirmed and kept.similarity > 0.9, kept.similarity


def test_a_picture_in_a_wide_banner_is_searched_without_its_bars(tmp_path: Path, monkeypatch: Any) -> None:
    """A tall painting, stamped, in the middle of a 3:1 banner of black bars: shrunk to the working size
    with its bars it keeps too few keypoints to be placed (a case from the copies benchmark, in a 16:9
    card, held it under 0.85). Its outline laid flat is placed by keypoints, and searched without the
    bars it is found too; either way the homography is the banner's own (the flat's or the bars' offset
    composed in), so the mark is read where the picture is."""

    from PIL import ImageDraw

    from artproof.fingerprint.registry import FingerprintRegistry

    neural = get_operation("generate.neural", "1.0.0")
    params = neural.parse_params({"prompt": "series 15", "seed": 2746, "width": 650, "height": 867, "style": 6})
    picture = neural.run(params, [], OpContext()).image.convert("RGB")
    registry = _registry_of(tmp_path, {"w1": picture})
    stamped = picture.copy()
    ImageDraw.Draw(stamped).rectangle((32, 737, 292, 824), fill=(255, 255, 255))
    banner = Image.new("RGB", (2400, 867))
    banner.paste(stamped, (875, 0))

    found = [m for m in registry.search(banner) if m.confirmed]
    assert found and found[0].entry.ref == "w1" and found[0].alignment is not None
    shift = found[0].alignment.homography @ np.array([875.0 + 100, 200.0, 1.0])  # a point of the picture
    assert np.allclose(shift[:2] / shift[2], [100, 200], atol=3)  # lands where it is in the registered picture

    # its edges against the bars are an outline, laid flat and placed by keypoints; without that, the bare
    # picture is searched alone; without both, nothing finds it
    monkeypatch.setattr(FingerprintRegistry, "_placed_flat", lambda *_: [])
    [bare] = [m for m in FingerprintRegistry(registry.engine, registry.blobs).search(banner) if m.confirmed]
    assert bare.entry.ref == "w1" and bare.alignment is not None and bare.alignment.method == "keypoints"
    shift = bare.alignment.homography @ np.array([875.0 + 100, 200.0, 1.0])
    assert np.allclose(shift[:2] / shift[2], [100, 200], atol=3)
    monkeypatch.setattr(FingerprintRegistry, "_without_bars", lambda self, query, box, limit: [])
    assert not any(m.confirmed for m in FingerprintRegistry(registry.engine, registry.blobs).search(banner))


def _shapes(seed: int, width: int = 800, height: int = 600) -> Image.Image:
    """A flat graphic with film grain: shapes and strokes on a plain ground, as a procedural artist draws."""
    from PIL import ImageDraw

    rng = np.random.default_rng(seed)
    out = Image.new("RGB", (width, height), tuple(int(v) for v in rng.integers(0, 255, 3)))
    draw = ImageDraw.Draw(out)
    for _ in range(14):
        (x0, x1), (y0, y1) = sorted(rng.integers(0, width, 2).tolist()), sorted(rng.integers(0, height, 2).tolist())
        colour = tuple(int(v) for v in rng.integers(0, 255, 3))
        shape = int(rng.integers(3))
        if shape == 2:
            draw.line((x0, y0, x1, y1), fill=colour, width=int(rng.integers(2, 20)))
        else:
            (draw.ellipse if shape == 0 else draw.rectangle)((x0, y0, x1, y1), fill=colour)
    grain = rng.normal(0, 6, (height, width, 1))
    return Image.fromarray(np.clip(np.asarray(out, np.float32) + grain, 0, 255).astype(np.uint8))


def test_part_of_a_print_photographed_is_placed_by_keypoints_on_its_outline_laid_flat(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A collector photographs part of a print: its outline is the print's edge on two sides, the
    photograph's on the others. In perspective its keypoints may place nothing, or agree over a corner
    of it only, too little to read the mark through; laid flat by that outline they place it (the
    copies benchmark's photo>detail50 missed such a graphic). The match is judged, and the mark read,
    on the copy itself: the homography is the copy's own."""
    from dataclasses import replace

    from artproof.fingerprint.registry import FingerprintRegistry

    home = tmp_path / "home"
    run(home, "init", "--name", "Ada Lovelace")
    pictures = {f"w{seed}": _shapes(seed) for seed in range(3)}
    pictures["w0"].save(tmp_path / "shapes.png")
    [item] = run(home, "import", str(tmp_path / "shapes.png"), "--json").json()
    assert run(home, "seal", item["work_id"], "-o", str(tmp_path / "sealed.png")).code == 0
    issued = run(home, "edition", "issue", item["work_id"], "--count", "2", "-o", str(tmp_path / "ed"), "--json")
    assert issued.code == 0, issued.stderr
    second = next(e for e in issued.json()["editions"] if e["number"] == 2 and not e["artist_proof"])
    shot = photograph(Image.open(next((tmp_path / "ed").glob("*2of2*.png"))).convert("RGB"), 1)
    part = shot.crop((shot.width // 3, shot.height // 4, shot.width, shot.height))
    doc = verify(home, _jpeg(part, tmp_path / "part.jpg", 90))
    assert doc["verdict"] == "authentic_edition", (doc["headline"], doc["reasons"])
    assert doc["edition"]["edition_id"] == second["edition_id"] and doc["edition"]["number"] == 2
    assert doc["channels"]["watermark"]["aligned_with_master"] is True
    match = doc["channels"]["fingerprint"]["matches"][0]  # which of the two placed it varies with the mark
    assert match["found_by"] in ("keypoints", "outline+keypoints") and match["inliers"] >= 12, match

    # keypoints agreeing over one part of it extrapolate the perspective over the rest: every placement bent
    # so (the print's far corner 12 % of its side off), it is laid back against the registered picture, and
    # is still that edition, none of it changed (it read "registered_work" or "tampered" in 2 of 20 runs)
    from artproof.fingerprint import registry as registry_module

    w, h = Image.open(tmp_path / "shapes.png").size
    corners = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    bend = cv2.getPerspectiveTransform(corners, corners + np.float32([[0.12 * w, 0.08 * h], [0, 0], [0, 0], [0, 0]]))
    locate_as_is = registry_module.locate
    monkeypatch.setattr(
        registry_module,
        "locate",
        lambda *a, **kw: (found := locate_as_is(*a, **kw)) and replace(found, homography=bend @ found.homography),
    )
    bent = verify(home, tmp_path / "part.jpg")
    assert bent["verdict"] == "authentic_edition" and bent["edition"]["number"] == 2, (
        bent["headline"],
        bent["reasons"],
    )
    assert bent["channels"]["fingerprint"]["matches"][0]["changed_share"] < CHANGED  # refined: measured 0-2 %
    monkeypatch.undo()

    # the registry alone, the unmarked picture's part: in perspective its keypoints place nothing
    (tmp_path / "registry").mkdir()
    registry = _registry_of(tmp_path / "registry", pictures)
    shot = photograph(pictures["w0"], 1)
    part = Query.of(shot.crop((shot.width // 3, shot.height // 4, shot.width, shot.height)))
    assert not any(m.confirmed for m in registry.search_local(part))
    [found] = registry.search(part)
    # the similarity is the copy itself warped back by the homography: it is the copy's own
    assert found.entry.ref == "w0" and found.alignment is not None and found.similarity > 0.95, found
    assert found.alignment.method == "outline+keypoints" and found.alignment.inliers >= 12
    fresh = FingerprintRegistry(registry.engine, registry.blobs)
    monkeypatch.setattr(FingerprintRegistry, "_placed_flat", lambda *_: [])
    assert not any(m.confirmed for m in fresh.search(part))

    # keypoints that agree over a corner of it only: the outline laid flat is tried too, and wins
    monkeypatch.undo()
    placed = registry.search_outline(part)[0]
    corner_only = replace(placed, alignment=replace(placed.alignment, method="keypoints"), region=0.05)
    keypoints = FingerprintRegistry.search_local  # the copy's own keypoints agree over 5 % (the flat's as they are)
    monkeypatch.setattr(
        FingerprintRegistry,
        "search_local",
        lambda self, q, **kw: [corner_only] if q is part else keypoints(self, q, **kw),
    )
    [chosen] = fresh.search(part)
    assert chosen.alignment is not None and chosen.alignment.method == "outline+keypoints", chosen


def test_a_detail_shortlisted_only_by_its_softened_keypoints_is_searched_in_its_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The last look-up is by the copy's keypoints softened: a grainy quarter detail (the copies benchmark's
    w263) shortlisted its work by nothing else. The shortlist here answers only that look-up: the work
    it names is screened and searched as a detail, and found."""
    pictures = {f"w{seed}": _shapes(seed) for seed in range(3)}
    registry = _registry_of(tmp_path, pictures)
    query = Query.of(pictures["w1"].crop((0, 0, 400, 300)))
    shortlisted = Shortlist.search
    asked: list[str] = []

    def softened_only(self: Shortlist, descriptors: np.ndarray, k: int = 8) -> list[tuple[int, float]]:
        softened = np.shares_memory(descriptors, query.softened.descriptors)
        asked.append("softened" if softened else "other")
        return shortlisted(self, descriptors, k) if softened else []

    monkeypatch.setattr(Shortlist, "search", softened_only)
    found = [m for m in registry.search_local(query) if m.confirmed]
    assert asked == ["other", "other", "other", "softened"], asked
    assert found and found[0].entry.ref == "w1" and found[0].similarity > 0.95, found


def test_a_photographed_linear_ramp_whose_mark_is_read_is_its_edition_not_a_copied_mark(tmp_path: Path) -> None:
    """A linear ramp has no keypoints, and photographed and laid flat its pHash moves past the outline search's
    reach (28 bits): its mark, read blind, named the edition, compared with nothing, and 3 of 6 photographs read
    "a mark copied into another image". The picture its outline holds, laid flat, is compared with the edition
    the mark names."""
    home = tmp_path / "home"
    run(home, "init", "--name", "Ada Lovelace")
    y, x = np.mgrid[0:600, 0:800].astype(np.float64)
    ramp = np.stack([x / 800 * 255, y / 600 * 255, (x + y) / 1400 * 255], axis=-1) * 0.8 + 20
    Image.fromarray(ramp.astype(np.uint8)).save(tmp_path / "ramp.png")
    [item] = run(home, "import", str(tmp_path / "ramp.png"), "--json").json()
    assert run(home, "seal", item["work_id"], "-o", str(tmp_path / "sealed.png")).code == 0
    assert run(home, "edition", "issue", item["work_id"], "--count", "1", "-o", str(tmp_path / "ed")).code == 0
    edition = Image.open(next((tmp_path / "ed").glob("*1of1.png"))).convert("RGB")
    verdicts = {}
    for seed in (0, 1, 2, 4):
        doc = verify(home, _jpeg(photograph(edition, seed), tmp_path / f"photo{seed}.jpg", 85))
        verdicts[seed] = doc["verdict"]
        assert doc["verdict"] != "tampered", (seed, doc["headline"])
        if doc["channels"]["watermark"]["status"] == "found":
            assert doc["verdict"] == "authentic_edition", (seed, doc["headline"])
            assert "found by its outline" in doc["channels"]["fingerprint"]["summary"], doc["channels"]["fingerprint"]
    assert list(verdicts.values()).count("authentic_edition") >= 2, verdicts
