"""artproof verify: the verdicts for outside files, for editions and their copies, and for forgeries."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from artproof.ops import OpContext, get_operation
from tests.integration.inproc import call as run  # in process: the process boundary is tested elsewhere

EXIT = {
    "authentic_edition": 0,
    "registered_work": 0,
    "external_credentials": 0,
    "unverified": 3,
    "tampered": 4,
    "revoked": 4,
}


def verify(home: Path, path: Path, *extra: str) -> dict[str, Any]:
    result = run(home, "verify", str(path), "--json", *extra)
    doc = result.json()
    assert result.code == EXIT[doc["verdict"]], (result.code, doc["verdict"], result.stderr)
    return dict(doc)


def test_outside_files_get_the_verdict_their_credentials_imply(external: Path, tmp_path: Path) -> None:
    home, folder = tmp_path / "home", external / "c2pa" / "c2pa-rs"
    expected = {
        "C.jpg": "external_credentials",
        "CA.jpg": "external_credentials",
        "XCA.jpg": "tampered",
        "E-sig-CA.jpg": "tampered",
        "cloud.jpg": "unverified",
        "no_manifest.jpg": "unverified",
        "libpng-test.png": "unverified",
    }
    for name, verdict in expected.items():
        doc = verify(home, folder / name)
        assert doc["verdict"] == verdict, (name, doc["headline"])
    xca = verify(home, folder / "XCA.jpg")
    assert "pixels were changed after signing" in xca["headline"]
    cloud = verify(home, folder / "cloud.jpg")
    assert cloud["channels"]["c2pa"]["status"] == "remote" and "not fetched" in cloud["headline"]
    assert "does not mean it is fake" in verify(home, folder / "no_manifest.jpg")["headline"]
    c = verify(home, folder / "C.jpg")
    assert "not on a trust list" in c["channels"]["c2pa"]["summary"]
    run(home, "trust", "add", str(external / "c2pa" / "trust" / "test_cert_root_bundle.pem"))
    assert "(on a trust list)" in verify(home, folder / "C.jpg")["channels"]["c2pa"]["summary"]


def test_an_unsigned_render_says_what_its_own_settings_claim(external: Path, tmp_path: Path) -> None:
    """Nothing vouches for an A1111, ComfyUI or NovelAI render, or a camera's JPEG: the verdict stays unverified, and
    the headline says what the file claims of itself (tool, model, seed, prompt; the camera), as unsigned words."""
    home = tmp_path / "home"
    comfy = verify(home, external / "comfyui" / "img2img_cropped.png")
    assert comfy["verdict"] == "unverified"
    assert comfy["claimed"] == {"source_tool": "ComfyUI", "model": "v1-5-pruned-emaonly.ckpt", "seed": 280823642470253,
                                "prompt": "photograph of victorian woman with wings, sky clouds, meadow grass"}  # fmt: skip
    assert (
        "Its own settings say ComfyUI made it (model v1-5-pruned-emaonly.ckpt, seed 280823642470253"
        in (comfy["headline"])
    )
    assert "unsigned, anyone can write or strip them" in comfy["headline"]
    camera = verify(home, external / "exif" / "Canon_40D.jpg")
    assert camera["claimed"] == {"source_tool": "camera", "camera": "Canon EOS 40D"}, camera["claimed"]
    assert "Its own EXIF says a Canon EOS 40D took it" in camera["headline"]
    plain = verify(home, external / "c2pa" / "c2pa-rs" / "no_manifest.jpg")
    assert "claimed" not in plain and "Its own" not in plain["headline"]


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("verify")
    home = root / "home"
    run(home, "init", "--name", "Ada Lovelace")
    work = run(home, "create", "--prompt", "harbour lights", "--seed", "11", "--size", "768x576", "--json").json()
    work_id = work["work_id"]
    assert run(home, "seal", work_id, "-o", str(root / "master.png")).code == 0
    issued = run(home, "edition", "issue", work_id, "--count", "3", "-o", str(root / "ed"), "--json")
    assert issued.code == 0, issued.stderr
    return {"home": home, "root": root, "work": work_id, "editions": issued.json()["editions"]}


def _edition(registry: dict[str, Any], number: int) -> tuple[Path, str]:
    record = next(e for e in registry["editions"] if e["number"] == number and not e["artist_proof"])
    return registry["root"] / "ed" / f"harbour-lights-{number}of3.png", record["edition_id"]


def _save(pixels: Image.Image, path: Path, **options: Any) -> Path:
    pixels.save(path, **options)
    return path


def test_an_edition_and_its_copies_are_authentic_with_the_right_number(registry: dict[str, Any]) -> None:
    home, root = registry["home"], registry["root"]
    path, edition_id = _edition(registry, 2)
    doc = verify(home, path)
    assert doc["verdict"] == "authentic_edition"
    assert doc["edition"] == {"number": 2, "count": 3, "artist_proof": False, "edition_id": edition_id}
    assert doc["owner"] == "Ada Lovelace" and doc["classification"]["category"]
    assert {k: v["status"] for k, v in doc["channels"].items()} == {
        "c2pa": "valid", "watermark": "found", "fingerprint": "match", "ledger": "valid",
    }  # fmt: skip
    image = Image.open(path).convert("RGB")
    w, h = image.size
    copies = {
        "stripped": _save(image, root / "stripped.png"),
        "jpeg50": _save(image, root / "q50.jpg", quality=50),
        "half": _save(image.resize((w // 2, h // 2)), root / "half.png"),
        "crop80": _save(image.crop((0, 0, int(w * 0.8), h)), root / "crop.png"),
        "crop80+jpeg50": _save(image.crop((0, int(h * 0.2), w, h)), root / "crop-q50.jpg", quality=50),
        "half+jpeg50": _save(image.resize((w // 2, h // 2)), root / "half-q50.jpg", quality=50),
    }
    for name, copy in copies.items():
        doc = verify(home, copy)
        assert doc["verdict"] == "authentic_edition", (name, doc["headline"])
        assert doc["edition"]["number"] == 2, name
        assert doc["channels"]["c2pa"]["status"] == "absent", name
        assert doc["channels"]["watermark"]["status"] == "found", name
        assert doc["channels"]["fingerprint"]["status"] == "match", name


def test_the_sealed_master_is_a_registered_work_not_an_edition(registry: dict[str, Any]) -> None:
    doc = verify(registry["home"], registry["root"] / "master.png")
    assert doc["verdict"] == "registered_work" and doc["work_id"] == registry["work"]
    assert doc["edition"] is None


def test_forgeries_get_the_right_non_authentic_verdict(registry: dict[str, Any]) -> None:
    home, root = registry["home"], registry["root"]
    cppn = get_operation("generate.cppn", "1.0.0")
    params = cppn.parse_params({"prompt": "harbour lights", "seed": 12, "width": 768, "height": 576})
    sibling = cppn.run(params, [], OpContext()).image.convert("RGB")  # same series, another seed: never issued
    other = _save(sibling, root / "sibling.png")
    assert verify(home, other)["verdict"] == "unverified"

    # the watermark of edition 2 lifted from its file and added to the sibling picture
    edition_path, edition_id = _edition(registry, 2)
    marked = np.asarray(Image.open(edition_path).convert("RGB"), dtype=np.int16)
    plain = np.asarray(Image.open(root / "master.png").convert("RGB"), dtype=np.int16)
    forged = np.clip(np.asarray(sibling, dtype=np.int16) + (marked - plain), 0, 255).astype(np.uint8)
    doc = verify(home, _save(Image.fromarray(forged), root / "forged.png"))
    assert doc["verdict"] == "tampered" and doc["channels"]["watermark"]["edition_id"] == edition_id
    assert "copied into another image" in doc["headline"]

    # a genuine certificate presented with another picture
    certificate = root / "ed" / "harbour-lights-1of3.coa.json"
    doc = verify(home, other, "--certificate", str(certificate))
    assert doc["verdict"] == "tampered" and "moved to this file" in doc["headline"]
    doc = verify(home, _edition(registry, 1)[0], "--certificate", str(certificate))
    assert doc["verdict"] == "authentic_edition"

    # Content Credentials of edition 1 carried over onto edition 3's pixels (a certificate moved to another file)
    one, three = (_edition(registry, n)[0].read_bytes() for n in (1, 3))
    swapped = root / "swapped.png"
    swapped.write_bytes(_transplant(one, three))
    assert verify(home, swapped)["verdict"] == "tampered"


def _transplant(donor: bytes, pixels: bytes) -> bytes:
    """``pixels``'s PNG chunks with the donor's C2PA (caBX) chunk put in place of its own."""
    import struct

    def chunks(data: bytes) -> list[tuple[bytes, bytes]]:
        out, pos = [], 8
        while pos < len(data):
            (length,) = struct.unpack(">I", data[pos : pos + 4])
            out.append((data[pos + 4 : pos + 8], data[pos : pos + 12 + length]))
            pos += 12 + length
        return out

    manifest = next(raw for kind, raw in chunks(donor) if kind == b"caBX")
    body = [manifest if kind == b"caBX" else raw for kind, raw in chunks(pixels)]
    return pixels[:8] + b"".join(body)


def test_revoked_edition_and_a_folder_exit_with_the_worst(registry: dict[str, Any], tmp_path: Path) -> None:
    home, root = registry["home"], registry["root"]
    path, edition_id = _edition(registry, 3)
    folder = tmp_path / "downloads"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "three.png").write_bytes(path.read_bytes())
    (folder / "master.png").write_bytes((root / "master.png").read_bytes())
    (folder / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    flat = run(home, "verify", str(folder), "--json")
    assert flat.code == 2 and len(flat.json()) == 2  # not recursive: master and the unreadable file
    assert run(home, "edition", "revoke", edition_id, "--reason", "destroyed").code == 0
    doc = verify(home, path)
    assert doc["verdict"] == "revoked" and "destroyed" in doc["headline"]
    everything = run(home, "verify", str(folder), "--recursive", "--json")
    verdicts = {Path(d["file"]).name: d["verdict"] for d in everything.json()}
    assert verdicts == {"three.png": "revoked", "master.png": "registered_work", "broken.jpg": "unreadable"}
    assert everything.code == 4
    table = run(home, "verify", str(folder), "--recursive")
    assert table.code == 4 and "revoked" in table.stdout and "unreadable" in table.stderr
    json.loads(everything.stdout)  # exactly one JSON document


def test_registering_or_importing_a_copy_warns_naming_the_work(registry: dict[str, Any], tmp_path: Path) -> None:
    home, root = registry["home"], registry["root"]
    copy = _save(Image.open(root / "master.png").convert("RGB"), tmp_path / "copy.jpg", quality=80)
    imported = run(home, "import", str(copy), "--json")
    assert imported.code == 0, imported.stderr
    warnings = imported.json()[0]["warnings"]
    assert any(registry["work"] in w and "Ada Lovelace" in w for w in warnings), warnings
    new_work = imported.json()[0]["work_id"]
    registered = run(home, "register", new_work, "--json")
    assert registered.code == 0 and any(registry["work"] in w for w in registered.json()["warnings"])


def test_letterboxed_and_framed_copies_are_the_edition_not_a_copied_mark(registry: dict[str, Any]) -> None:
    """Black bars (a video frame, a social card) or a plain white frame around an edition change no pixel
    of it: the artist's registry and a stranger with the certificate both read the edition, never tampered."""
    home, root = registry["home"], registry["root"]
    path, edition_id = _edition(registry, 2)
    image = Image.open(path).convert("RGB")
    w, h = image.size
    boxed = Image.new("RGB", (w * 16 // 9 if w * 9 < h * 16 else w, h), (0, 0, 0))
    boxed = Image.new("RGB", (int(h * 16 / 9), h), (0, 0, 0)) if boxed.size == (w, h) else boxed
    boxed.paste(image, ((boxed.width - w) // 2, 0))
    framed = Image.new("RGB", (w + 120, h + 160), (255, 255, 255))
    framed.paste(image, (60, 40))
    key = root / "log.pub"
    run(home, "ledger", "key", "-o", str(key))
    for name, copy in {"letterbox": _save(boxed, root / "boxed.jpg", quality=85),
                       "frame": _save(framed, root / "framed.png")}.items():  # fmt: skip
        doc = verify(home, copy)
        assert doc["verdict"] == "authentic_edition" and doc["edition"]["edition_id"] == edition_id, (name, doc)
        stranger = run(root / f"stranger-{name}", "verify", str(copy), "--certificate",
                       str(path.with_suffix(".coa.json")), "--log-key", str(key), "--json")  # fmt: skip
        assert stranger.json()["verdict"] != "tampered", (name, stranger.json()["reasons"])
        assert "copied into another image" not in " ".join(stranger.json()["reasons"]), name


def test_a_stamped_edition_is_an_altered_copy_not_a_copied_mark(registry: dict[str, Any]) -> None:
    """A seller's stamp over an edition changes it (tampered), and the reason says so: the edition altered
    in places, not a mark lifted into another picture."""
    from PIL import ImageDraw

    path, edition_id = _edition(registry, 2)
    image = Image.open(path).convert("RGB")
    w, h = image.size
    draw = ImageDraw.Draw(image)
    draw.rectangle((int(w * 0.05), int(h * 0.85), int(w * 0.45), int(h * 0.95)), fill=(255, 255, 255))
    draw.text((int(w * 0.07), int(h * 0.88)), "(c) resale.example", fill=(200, 0, 0))
    draw.ellipse((int(w * 0.7), int(h * 0.1), int(w * 0.8), int(h * 0.1) + w // 10), outline=(255, 255, 255), width=4)
    doc = verify(registry["home"], _save(image, registry["root"] / "stamped.png"))
    assert doc["verdict"] == "tampered" and doc["channels"]["watermark"]["edition_id"] == edition_id
    assert "changed in places after it was issued" in doc["headline"], doc["headline"]
    assert "copied into another image" not in doc["headline"]


def test_a_sticker_that_leaves_the_edition_confirmed_as_a_whole_is_still_found(registry: dict[str, Any]) -> None:
    """A small "sold" sticker in a corner keeps the whole picture's correlation with the edition above 0.85,
    which alone judged a copy in the edition's own frame (it read authentic_edition); the share of the picture
    it changes says tampered. The same edition re-encoded at JPEG q30 is still the edition."""
    from PIL import ImageDraw

    path, edition_id = _edition(registry, 1)  # not 3, which another test revokes
    image = Image.open(path).convert("RGB")
    w, h = image.size
    ImageDraw.Draw(image).rectangle((int(w * 0.72), int(h * 0.80), int(w * 0.95), int(h * 0.95)), fill=(200, 20, 30))
    doc = verify(registry["home"], _save(image, registry["root"] / "sticker.jpg", quality=85))
    assert doc["verdict"] == "tampered" and doc["channels"]["watermark"]["edition_id"] == edition_id, doc["headline"]
    assert "of it shows something else" in doc["headline"], doc["headline"]
    plain = verify(registry["home"], _save(Image.open(path).convert("RGB"), registry["root"] / "q30.jpg", quality=30))
    assert plain["verdict"] == "authentic_edition" and plain["edition"]["edition_id"] == edition_id


def test_a_greyscale_copy_is_the_edition_and_a_stamp_on_it_is_still_found(registry: dict[str, Any]) -> None:
    """A collector's greyscale print or a black-and-white repost keeps the mark; compared channel by channel
    with the colour edition, 2-16 % of it "showed something else" and it read tampered. It is compared with
    the edition in grey, and says so; a stamp on the greyscale copy is still an altered copy."""
    from PIL import ImageDraw

    path, edition_id = _edition(registry, 1)
    grey = Image.open(path).convert("L")
    doc = verify(registry["home"], _save(grey.convert("RGB"), registry["root"] / "grey.jpg", quality=85))
    assert doc["verdict"] == "authentic_edition" and doc["edition"]["edition_id"] == edition_id, doc["headline"]
    assert "greyscale" in doc["headline"], doc["headline"]
    stamped = grey.convert("RGB")
    w, h = stamped.size
    ImageDraw.Draw(stamped).rectangle((int(w * 0.72), int(h * 0.80), int(w * 0.95), int(h * 0.95)), fill=(30, 30, 30))
    doc = verify(registry["home"], _save(stamped, registry["root"] / "grey-stamped.png"))
    assert doc["verdict"] == "tampered" and doc["channels"]["watermark"]["edition_id"] == edition_id, doc["headline"]


def test_a_letterboxed_edition_found_only_without_its_bars_is_compared_without_them(
    registry: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A picture in a wide banner whose keypoints and outline place nothing (as a soft picture's) is found by
    the hashes of the picture without its bars; it must then be compared without them too (compared with its
    bars at the bare picture's scale, 41-82 % of it "showed something else" and it read tampered)."""
    from artproof.fingerprint.registry import FingerprintRegistry

    monkeypatch.setattr(FingerprintRegistry, "search_local", lambda *_a, **_k: [])
    monkeypatch.setattr(FingerprintRegistry, "search_outline", lambda *_a, **_k: [])
    path, edition_id = _edition(registry, 1)
    picture = Image.open(path).convert("RGB")
    card = Image.new("RGB", (picture.height * 3, picture.height))  # a 3:1 banner: no hash near the picture
    card.paste(picture, ((card.width - picture.width) // 2, 0))
    doc = verify(registry["home"], _save(card, registry["root"] / "card.png"))
    assert doc["verdict"] == "authentic_edition" and doc["edition"]["edition_id"] == edition_id, doc["headline"]


def test_a_turned_copy_of_a_soft_pattern_edition_is_that_edition(registry: dict[str, Any]) -> None:
    """A pattern-engine picture has few corners: the keypoints may not find it, the mark is read blind turned
    back, and the picture is compared with the edition upright (it read tampered, 'changed in places')."""
    home, root = registry["home"], registry["root"]
    path, edition_id = _edition(registry, 1)
    turned = (
        Image.open(path).convert("RGB").rotate(-4, Image.Resampling.BICUBIC, expand=True, fillcolor=(250, 250, 250))
    )
    doc = verify(home, _save(turned, root / "turned-soft.jpg", quality=80))
    assert doc["verdict"] == "authentic_edition", doc["headline"]
    assert doc["edition"]["edition_id"] == edition_id and doc["edition"]["number"] == 1


def test_a_copy_too_degraded_to_compare_names_its_edition_without_accusing_it(
    registry: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The mark is read, the copy is laid back by its keypoints, but the comparison falls short of confirming
    it with no part of it differing (as a resampling fault once held the demo's turned edition at 0.79):
    ``unverified``, naming the edition, never ``tampered``; with the comparison intact, the edition."""
    import dataclasses

    import cv2

    from artproof.verify.service import VerifyService

    home, root = registry["home"], registry["root"]
    path, edition_id = _edition(registry, 1)  # not 3, which another test revokes
    picture = np.asarray(Image.open(path).convert("RGB"))
    h, w = picture.shape[:2]
    seen = np.float32([[30, 20], [w + 10, 45], [w - 15, h + 30], [10, h - 5]])  # a print seen from the side
    matrix = cv2.getPerspectiveTransform(np.float32([[0, 0], [w, 0], [w, h], [0, h]]), seen)
    shot = Image.fromarray(cv2.warpPerspective(picture, matrix, (w + 60, h + 60), borderValue=(240, 236, 228)))
    copy = _save(shot, root / "seen.jpg", quality=90)
    intact = verify(home, copy)
    assert intact["verdict"] == "authentic_edition" and intact["edition"]["edition_id"] == edition_id
    assert intact["channels"]["fingerprint"]["matches"][0]["found_by"] in ("keypoints", "outline")

    compare = VerifyService._own

    def degraded(self: VerifyService, *args: Any) -> Any:
        own = compare(self, *args)
        return None if own is None else dataclasses.replace(own, similarity=min(own.similarity, 0.79))

    from artproof.fingerprint.registry import FingerprintRegistry

    outlined = FingerprintRegistry.outlined_as

    def degraded_flat(self: FingerprintRegistry, *args: Any) -> Any:  # its outline laid flat, compared the same
        own = outlined(self, *args)
        return None if own is None else dataclasses.replace(own, similarity=min(own.similarity, 0.79))

    monkeypatch.setattr(VerifyService, "_own", degraded)
    monkeypatch.setattr(FingerprintRegistry, "outlined_as", degraded_flat)
    doc = verify(home, copy)
    # the registry's own search still confirms the work (only the edition's comparison was degraded here)
    assert doc["verdict"] in ("unverified", "registered_work") and doc["edition"] is None, doc["headline"]
    assert doc["channels"]["watermark"]["edition_id"] == edition_id and not doc["reasons"]
    assert f"its watermark names edition {edition_id}" in doc["headline"], doc["headline"]
