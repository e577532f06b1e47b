"""Content Credentials through the CLI: the reference files' states, sealing, tampering, import chains, disclosure."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from artproof.interop.c2pa import read_credentials
from artproof.interop.c2pa_manifest import recipe_manifest
from artproof.provenance.manifest import check_manifest
from tests.integration.inproc import call as run

EXPECTED = {  # file: (state without anchors, state with the test anchors, failure codes, informational codes)
    "C.jpg": ("Valid", "Trusted", [], []),
    "CA.jpg": ("Valid", "Trusted", [], []),
    "XCA.jpg": ("Invalid", "Invalid", ["assertion.dataHash.mismatch"], []),
    "E-sig-CA.jpg": ("Invalid", "Invalid", ["claimSignature.mismatch"], ["timeStamp.mismatch"]),
}


def inspect(home: Path, path: Path) -> dict[str, Any]:
    result = run(home, "inspect", str(path), "--json")
    assert result.code == 0, result.stderr
    return dict(result.json())


def test_reference_files_give_their_expected_state(external: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    folder = external / "c2pa" / "c2pa-rs"
    for name, (plain, _, failures, info) in EXPECTED.items():
        c = inspect(home, folder / name)["c2pa"]
        assert (c["present"], c["validation_state"], c["failures"]) == (True, plain, failures), name
        assert set(info) <= set(c["informational"]), name
        if plain == "Valid":
            assert "signingCredential.untrusted" in c["informational"]
            assert c["explanations"]["signingCredential.untrusted"].startswith("the signer is not on a trust list")
        assert c["signer"]["issuer"] == "C2PA Test Signing Cert"
    xca = inspect(home, folder / "XCA.jpg")["c2pa"]
    assert xca["explanations"]["assertion.dataHash.mismatch"] == "the pixels were changed after signing"
    ca = inspect(home, folder / "CA.jpg")["c2pa"]
    assert [(i["title"], i["relationship"]) for i in ca["ingredients"]] == [("A.jpg", "parentOf")]
    assert "ingredient.unknownProvenance" in ca["ingredients"][0]["informational"]
    for name in ("no_manifest.jpg", "libpng-test.png"):
        c = inspect(home, folder / name)["c2pa"]
        assert c["present"] is False and "validation_state" not in c, name
    cloud = inspect(home, folder / "cloud.jpg")["c2pa"]
    assert cloud["present"] is True and "validation_state" not in cloud
    assert cloud["note"] == "remote manifest, not fetched (offline)"
    assert cloud["remote_url"].startswith("https://cai-manifests.adobe.com/manifests/")

    added = run(home, "trust", "add", str(external / "c2pa" / "trust" / "test_cert_root_bundle.pem"), "--json")
    assert added.code == 0 and added.json()["added"]
    for name, (_, trusted, failures, _) in EXPECTED.items():
        c = inspect(home, folder / name)["c2pa"]
        assert (c["validation_state"], c["failures"]) == (trusted, failures), name
        assert "signingCredential.untrusted" not in c["informational"], name


@pytest.fixture(scope="module")
def sealed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, Path]:
    root = tmp_path_factory.mktemp("seal")
    home = root / "home"
    run(home, "init", "--name", "Ada Studio")
    work = run(
        home, "create", "--prompt", "tidal dusk, copper and ink", "--seed", "42", "--size", "256x256", "--json"
    ).json()["work_id"]
    run(home, "vary", work, "--count", "2", "--seed", "1")
    run(home, "select", work, "c2")
    run(home, "edit", work, "crop", "--box", "0,0,200,200")
    return home, work, root


@pytest.mark.parametrize("suffix", ["png", "jpg", "webp"])
def test_seal_round_trip(sealed: tuple[Path, str, Path], suffix: str) -> None:
    home, work, root = sealed
    target = root / f"tide.{suffix}"
    result = run(home, "seal", work, "-o", str(target), "--json")
    assert result.code == 0, result.stderr
    doc = result.json()
    assert doc["validation_state"] == "Trusted" and doc["ledger_index"] == 0
    assert Image.open(target).size == (200, 200)
    mine = inspect(home, target)["c2pa"]
    assert mine["validation_state"] == "Trusted" and mine["signer"]["common_name"] == "Ada Studio"
    stranger = inspect(root / "stranger", target)["c2pa"]  # no trust anchors: Valid, never Trusted
    assert stranger["validation_state"] == "Valid" and stranger["failures"] == []
    actions = [a["action"] for a in mine["actions"]]
    assert actions[0] == "c2pa.created" and "c2pa.cropped" in actions and "org.artproof.select" in actions
    assert mine["digital_source_type"] == "algorithmicMedia"
    report = read_credentials(
        target.read_bytes(), {"png": "image/png", "jpg": "image/jpeg", "webp": "image/webp"}[suffix]
    )
    recipe = report.assertions["org.artproof.recipe"]
    document = recipe_manifest(recipe)  # canonical JSON text: c2pa keeps it exactly, and its signature checks
    assert recipe["disclosure"] == "full" and document is not None and check_manifest(document).work_id == work
    assert report.assertions["cawg.training-mining"]["entries"]["cawg.ai_generative_training"]["use"] == "notAllowed"
    assert report.assertions["stds.schema-org.CreativeWork"]["author"][0]["name"] == "Ada Studio"
    xmp = Image.open(target).info.get("xmp") or Image.open(target).info.get("XML:com.adobe.xmp")
    xmp_text = xmp.decode() if isinstance(xmp, bytes) else str(xmp)
    assert "digitalsourcetype/algorithmicMedia" in xmp_text and "DMI-PROHIBITED" in xmp_text


def test_pixels_changed_after_sealing_read_as_invalid(sealed: tuple[Path, str, Path]) -> None:
    home, work, root = sealed
    target = root / "tamper.jpg"
    run(home, "seal", work, "-o", str(target))
    data = bytearray(target.read_bytes())
    data[-200] ^= 0x55  # inside the entropy-coded image data, before the end marker
    tampered = root / "tampered.jpg"
    tampered.write_bytes(bytes(data))
    c = inspect(home, tampered)["c2pa"]
    assert c["validation_state"] == "Invalid"
    assert "assertion.dataHash.mismatch" in c["failures"]
    resaved = root / "resaved.png"
    Image.open(target).save(resaved)  # re-saving strips the manifest: that is what the watermark is for
    assert inspect(home, resaved)["c2pa"]["present"] is False


def test_disclosure_levels(sealed: tuple[Path, str, Path]) -> None:
    home, work, root = sealed
    for level in ("redacted", "minimal"):
        target = root / f"{level}.png"
        assert run(home, "seal", work, "-o", str(target), "--disclosure", level).code == 0
        assert b"tidal dusk" not in target.read_bytes(), level
        recipe = read_credentials(target.read_bytes(), "image/png").assertions["org.artproof.recipe"]
        assert recipe["disclosure"] == level and "manifest" not in recipe
        assert recipe["classification"]["digital_source_type"] == "algorithmicMedia"
    assert list((home / "disclosures").glob("*.json"))  # the artist keeps the openings of redacted fields
    bad = run(home, "seal", work, "-o", str(root / "x.png"), "--disclosure", "everything")
    assert bad.code == 2 and "unknown disclosure" in bad.stderr


def test_import_keeps_the_credentials_chain_when_sealed(external: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    run(home, "init", "--name", "Ada Studio")
    run(home, "trust", "add", str(external / "c2pa" / "trust" / "test_cert_root_bundle.pem"))
    imported = run(home, "import", str(external / "c2pa" / "c2pa-rs" / "C.jpg"), "--json")
    assert imported.code == 0, imported.stderr
    [item] = imported.json()
    assert item["source_tool"].startswith("make_test_images")
    target = tmp_path / "resealed.jpg"
    assert run(home, "seal", item["work_id"], "-o", str(target)).code == 0
    c = inspect(home, target)["c2pa"]
    assert c["validation_state"] == "Trusted"
    assert c["actions"][0]["action"] == "c2pa.opened"
    [parent] = c["ingredients"]
    assert (parent["title"], parent["relationship"]) == ("C.jpg", "parentOf")
    assert parent["active_manifest"] == "contentauth:urn:uuid:b2b1f7fa-b119-4de1-9c0d-c97fbea3f2c3"


def test_import_says_when_credentials_fail_and_takes_nothing_from_them(external: Path, tmp_path: Path) -> None:
    """E-sig-CA's claim was altered after signing (its generator now reads 'make_test_xxxxxx'), XCA's pixels were
    changed after signing: imported, each says so, and neither's tool or source type is taken from its manifest
    (kept in the record as found). The import said nothing and named the altered claim's generator as the tool."""
    home = tmp_path / "home"
    run(home, "init", "--name", "Ada")
    folder = external / "c2pa" / "c2pa-rs"
    for name, code in (("E-sig-CA.jpg", "claimSignature.mismatch"), ("XCA.jpg", "assertion.dataHash.mismatch")):
        [item] = run(home, "import", str(folder / name), "--json").json()
        [said] = [w for w in item["warnings"] if "Content Credentials fail validation" in w]
        assert code in said and "not used as its provenance" in said, said
        assert item["source_tool"] == "unknown" and item["classification"] is None, item
        step = run(home, "work", "show", item["work_id"], "--json").json()["steps"][0]
        assert step["params"]["c2pa"]["failures"] == [code]  # the manifest's state, kept as found
    plain = run(home, "import", str(folder / "CA.jpg"))
    assert plain.code == 0 and "fail validation" not in plain.stderr


def test_import_json_contract_and_batch(external: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    run(home, "init", "--name", "Ada")
    files = [
        external / "a1111" / "automatic1111_cropped.png",
        external / "comfyui" / "unclip_2pass_cropped.png",
        external / "negative" / "empty_file.png",
        external / "exif" / "Canon_40D.jpg",
    ]
    result = run(home, "import", *map(str, files), "--json")
    assert result.code == 2  # one file failed; the batch went on
    a1111, comfy, empty, camera = result.json()
    for item in (a1111, comfy, camera):
        assert set(item) >= {"file", "work_id", "source_tool", "generations", "warnings"}
    assert a1111["generations"][0]["seed"] == 235284042 and a1111["classification"] == "trainedAlgorithmicMedia"
    assert [g["seed"] for g in comfy["generations"]] == [1106257833005336, 119080905858220]
    assert empty["work_id"] is None and "empty" in empty["error"]
    assert camera["classification"] == "digitalCapture"
    shown = run(home, "work", "show", a1111["work_id"], "--json").json()
    assert shown["title"] == "Photo Of A Duck"
    assert shown["steps"][0]["op"] == "import.file" and shown["steps"][0]["agency"] == "import"
    replayed = run(home, "replay", a1111["work_id"], "--json").json()
    assert replayed["steps"][0]["status"] == "recorded"


def test_a_file_without_metadata_imports_as_unknown(tmp_path: Path) -> None:
    home = tmp_path / "home"
    run(home, "init", "--name", "Ada")
    plain = tmp_path / "plain.png"
    buffer = io.BytesIO()
    Image.new("RGB", (32, 32), (9, 9, 9)).save(buffer, format="PNG")
    plain.write_bytes(buffer.getvalue())
    [item] = run(home, "import", str(plain), "--json").json()
    assert (item["source_tool"], item["generations"], item["classification"]) == ("unknown", [], None)
    shown = run(home, "work", "show", item["work_id"], "--json").json()
    assert "unknown" in shown["classification"]["explanation"]


def test_work_show_prov_is_w3c_prov_json(sealed: tuple[Path, str, Path]) -> None:
    from prov.model import ProvDocument

    home, work, _ = sealed
    result = run(home, "work", "show", work, "--prov")
    assert result.code == 0, result.stderr
    doc = ProvDocument.deserialize(content=result.stdout, format="json")  # parses as PROV
    records = result.json()
    assert len(records["activity"]) == 4 and len(records["agent"]) == 2
    assert any(a["ap:op"] == "human.select" for a in records["activity"].values())
    assert len(records["wasAttributedTo"]) == 1 and doc.get_records()
