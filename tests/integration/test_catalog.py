"""The collector's catalog: items from files (verified first) and editions, one timeline per item, values kept
apart by kind and currency, condition checks that catch a swapped or rotten file, documents, reports."""

from __future__ import annotations

import csv
import subprocess
from pathlib import Path

import pytest

from tests.integration.inproc import call


@pytest.fixture(scope="module")
def bought(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path | str]:
    root = tmp_path_factory.mktemp("catalog")
    artist = root / "artist"
    assert call(artist, "init", "--name", "Ada Lovelace").code == 0
    work = call(artist, "create", "--prompt", "tide pools", "--seed", "7", "--size", "640x512", "--json").json()
    assert call(artist, "work", "set", work["work_id"], "--series", "Tides").code == 0
    assert call(artist, "seal", work["work_id"], "-o", str(root / "master.png")).code == 0
    issued = call(artist, "edition", "issue", work["work_id"], "--count", "3", "-o", str(root / "ed"), "--json")
    assert call(artist, "ledger", "key", "-o", str(root / "log.pub")).code == 0
    return {"root": root, "artist": artist, "file": next((root / "ed").glob("*1of3.png")),
            "coa": next((root / "ed").glob("*1of3.coa.json")), "edition": issued.json()["editions"][1]["edition_id"]}  # fmt: skip


def test_a_collector_catalogs_a_bought_edition_and_its_whole_timeline(bought: dict, tmp_path: Path) -> None:
    home = tmp_path / "collector"
    gallery = call(home, "catalog", "contact", "add", "Gallery X", "--role", "gallery", "--email", "x@gallery.example",
                   "--json")  # fmt: skip
    assert gallery.code == 0, gallery.stderr
    assert call(home, "catalog", "contact", "add", "gallery x", "--role", "gallery").code == 2  # once
    assert call(home, "catalog", "contact", "add", "Y", "--role", "friend").code == 2
    added = call(
        home, "catalog", "add", str(bought["file"]), "--certificate", str(bought["coa"]), "--log-key",
        str(bought["root"] / "log.pub"), "--acquired", "2026-11-01", "--price", "1200.50", "--currency", "eur",
        "--seller", "Gallery X", "--json",
    )  # fmt: skip
    assert added.code == 0, added.stderr
    item = added.json()["item"]
    assert item["verdict"] == "authentic_edition" and item["title"] == "Tide Pools" and item["artist"] == "Ada Lovelace"
    assert item["edition"] == "1/3" and item["series"] == "Tides"
    assert len(call(home, "catalog", "list", "--series", "tides", "--json").json()) == 1
    assert call(home, "catalog", "list", "--series", "Other", "--json").json() == []
    i = item["item_id"]
    assert call(home, "catalog", "value", i, "--fmv", "1500", "--currency", "EUR", "--date", "2026-11-10").code == 0
    valued = call(
        home,
        "catalog",
        "value",
        i,
        "--insurance",
        "2000",
        "--currency",
        "EUR",
        "--source",
        "appraisal by Jane Roe",
        "--json",
    )
    view = valued.json()
    assert view["fair_market_value"]["amount"] == "1500" and view["insurance_value"]["amount"] == "2000"
    assert call(home, "catalog", "locate", i, "--location", "Living room, north wall", "--display", "6500K").code == 0
    loan = call(home, "catalog", "loan", i, "--to", "Museum Y", "--start", "2027-01-10", "--end", "2027-04-01")
    assert loan.code == 0, loan.stderr
    shown = call(home, "catalog", "exhibited", i, "--title", "Tides", "--venue", "Kunsthalle", "--start", "2027-03-01",
                 "--end", "2027-05-01")  # fmt: skip
    assert shown.code == 0, shown.stderr
    assert call(home, "catalog", "published", i, "--title", "Tides (catalogue)", "--page", "p. 42").code == 0
    assert call(home, "catalog", "exhibited", i, "--title", "T", "--venue", "V", "--start", "2027-05-02",
                "--end", "2027-05-01").code == 2  # fmt: skip
    checked = call(home, "catalog", "condition", i, "--check", "--note", "on receipt", "--json").json()
    assert checked["events"][-1]["data"]["check"]["result"] == "intact"
    (tmp_path / "invoice.pdf").write_bytes(b"%PDF-1.4\n% an invoice\n")
    attached = call(home, "catalog", "attach", i, str(tmp_path / "invoice.pdf"), "--kind", "receipt", "--json").json()
    assert attached["events"][-1]["data"]["media_type"] == "application/pdf"
    kinds = [e["kind"] for e in attached["events"]]
    assert kinds == [
        "acquired", "valuation", "valuation", "location", "loan", "exhibition", "publication", "condition", "document",
    ]  # fmt: skip
    assert attached["events"][0]["data"] == {
        "seller": "Gallery X", "seller_contact": gallery.json()["contact_id"], "price": "1200.50", "currency": "EUR",
    }  # fmt: skip
    # the file rots in the store: the next check says so
    blob = next(p for p in (home / "blobs").rglob("*") if p.is_file() and p.read_bytes()[:4] == b"\x89PNG")
    data = bytearray(blob.read_bytes())
    data[-100] ^= 0xFF
    blob.write_bytes(bytes(data))
    rotten = call(home, "catalog", "condition", i, "--check", "--json").json()
    assert rotten["events"][-1]["data"]["check"]["result"] == "changed"
    # exports and reports come from the timeline
    assert call(home, "catalog", "export", "--csv", str(tmp_path / "items.csv")).code == 0
    [row] = list(csv.DictReader((tmp_path / "items.csv").open()))
    assert (row["price"], row["fair_market_value"], row["insurance_value"], row["location"]) == (
        "1200.50", "1500", "2000", "Living room, north wall")  # fmt: skip
    report = call(home, "catalog", "report", "insurance", "-o", str(tmp_path / "insurance.pdf"), "--json")
    assert report.code == 0 and report.json()["totals"] == {"EUR": "2000"}
    text = subprocess.run(["pdftotext", str(tmp_path / "insurance.pdf"), "-"], capture_output=True, text=True).stdout
    assert "Insurance schedule" in text and "Tide Pools" in text and "2000 EUR" in text
    from tests.integration.pdfs import decode_qr

    for kind, words in (("tearsheet", "authentic_edition"), ("labels", "Ada Lovelace"), ("condition", "changed")):
        pdf = tmp_path / f"{kind}.pdf"
        assert call(home, "catalog", "report", kind, i, "-o", str(pdf)).code == 0
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
        assert "Tide Pools" in text and words in text, (kind, text)
        if kind != "condition":
            subprocess.run(["pdftoppm", "-r", "150", "-f", "1", "-l", "1", "-png", str(pdf), str(tmp_path / kind)])
            assert decode_qr(next(tmp_path.glob(f"{kind}-*1.png"))) == item["edition_id"]


def test_bad_catalog_input_is_refused_and_nothing_is_recorded(bought: dict, tmp_path: Path) -> None:
    home = tmp_path / "collector"
    i = call(home, "catalog", "add", str(bought["file"]), "--json").json()["item"]["item_id"]
    for args, words in [
        (("value", i, "--fmv", "-5"), "cannot be negative"),
        (("value", i, "--fmv", "5", "--currency", "XYZ"), "unknown currency"),
        (("value", i), "give a value"),
        (("value", i, "--fmv", "5", "--date", "2099-01-01"), "future"),
        (("loan", i, "--to", "M", "--start", "2027-02-01", "--end", "2027-01-01"), "ends before it starts"),
        (("add", str(bought["file"]), "--acquired", "2099-01-01"), "in the future"),
        (("add", str(bought["file"]), "--price", "10"), "needs its currency"),
        (("condition", i), "say what the condition is"),
        (("attach", i, str(bought["root"] / "log.pub"), "--kind", "receipt"), "not kept"),
        (("attach", i, str(bought["coa"]), "--kind", "deed"), "unknown kind"),
        (("show", "nothing"), "no such catalog item"),
        (("add", str(bought["file"])), f"already in your catalog as item {i}"),  # counted twice in the reports
    ]:
        refused = call(home, "catalog", *args)
        assert refused.code in (2, 3) and words in refused.stderr, (args, refused.stderr)
    assert [e["kind"] for e in call(home, "catalog", "show", i, "--json").json()["events"]] == ["acquired"]
    # edition 1's file sold with edition 2's certificate reads tampered: refused, or added marked with --force
    other = next(p for p in (bought["root"] / "ed").glob("*2of3.coa.json"))
    where = ("--certificate", str(other), "--log-key", str(bought["root"] / "log.pub"))
    refused = call(home, "catalog", "add", str(bought["file"]), *where)
    assert refused.code == 2 and "verifies as tampered" in refused.stderr
    marked = call(home, "catalog", "add", str(bought["file"]), *where, "--force", "--json")
    assert marked.code == 0 and marked.json()["item"]["marked"].startswith("tampered")
    assert len(call(home, "catalog", "list", "--json").json()) == 2  # the one refused as a duplicate is not there


def test_an_edition_item_is_rechecked_and_shows_a_revocation(bought: dict) -> None:
    artist = bought["artist"]
    assert isinstance(artist, Path)
    added = call(artist, "catalog", "add", str(bought["edition"]), "--json")
    assert added.code == 0, added.stderr
    item = added.json()["item"]
    assert item["kind"] == "edition" and item["edition"] == "2 of 3"
    assert call(artist, "edition", "revoke", str(bought["edition"]), "--reason", "damaged in transit").code == 0
    assert call(artist, "catalog", "show", item["item_id"], "--json").json()["status"] == "revoked"


def test_charts_and_the_market_view(bought: dict, tmp_path: Path) -> None:
    from PIL import Image

    artist = bought["artist"]
    assert isinstance(artist, Path)
    work_id = call(artist, "work", "list", "--json").json()[0]["work_id"]
    editions = call(artist, "edition", "list", work_id, "--json").json()
    third = next(e for e in editions if e["label"] == "3 of 3")["edition_id"]
    sold = call(artist, "transfer", third, "--to", "Grace <grace@example.org>", "--price", "800", "--currency", "EUR")
    assert sold.code == 0, sold.stderr
    view = call(artist, "market", "Ada Lovelace", "--chart", str(tmp_path / "sales.png"), "--json").json()
    assert [(s["edition"], s["price"], s["currency"]) for s in view["sales"]] == [("3 of 3", "800", "EUR")]
    assert view["summary"]["EUR"] == {"count": 1, "min": "800", "median": "800", "max": "800"}
    assert "grace" not in str(view).lower()  # the buyer is not named
    assert Image.open(tmp_path / "sales.png").size == (960, 504)
    assert call(artist, "market", "Nobody", "--json").json()["sales"] == []
    home = tmp_path / "collector"
    i = call(home, "catalog", "add", str(bought["file"]), "--price", "700", "--currency", "EUR", "--acquired",
             "2026-10-01", "--json").json()["item"]["item_id"]  # fmt: skip
    assert (
        call(home, "catalog", "value", i, "--insurance", "1000", "--currency", "EUR", "--date", "2026-11-01").code == 0
    )
    assert (
        call(home, "catalog", "value", i, "--insurance", "1300", "--currency", "EUR", "--date", "2026-11-20").code == 0
    )
    assert call(home, "catalog", "chart", i, "-o", str(tmp_path / "item.png")).code == 0
    assert call(home, "catalog", "chart", "-o", str(tmp_path / "all.png")).code == 0
    for png in ("item.png", "all.png"):
        picture = Image.open(tmp_path / png).convert("RGB")
        assert picture.size == (960, 504) and len(picture.getcolors(1 << 16) or []) > 20  # a drawn chart, not a blank
    assert call(home, "catalog", "chart", "-o", str(tmp_path / "x.jpg")).code == 2


def test_a_physical_pieces_condition_photos_are_aligned_and_a_new_scratch_shows(tmp_path: Path) -> None:
    import numpy as np
    from PIL import Image, ImageDraw, ImageFilter

    rng = np.random.default_rng(3)
    texture = Image.fromarray((rng.random((90, 120, 3)) * 255).astype(np.uint8)).resize(
        (1200, 900), Image.Resampling.BICUBIC
    )
    piece = texture.filter(ImageFilter.GaussianBlur(1.5))
    canvas = Image.new("RGB", (1400, 1100), (235, 235, 230))
    canvas.paste(piece, (100, 100))
    canvas.save(tmp_path / "intake.jpg", quality=92)
    # months later: photographed a little askew and brighter, with a new scratch across a corner
    later = canvas.copy()
    ImageDraw.Draw(later).line([(250, 250), (520, 330)], fill=(250, 250, 250), width=6)
    coeffs = [1.02, 0.03, -25.0, -0.02, 1.01, 18.0, 0.00002, 0.0]
    later = later.transform(later.size, Image.Transform.PERSPECTIVE, coeffs, Image.Resampling.BICUBIC,
                            fillcolor=(235, 235, 230)).point(lambda v: min(255, int(v * 1.08)))  # fmt: skip
    later.save(tmp_path / "after-loan.jpg", quality=90)
    same = later.point(lambda v: min(255, int(v * 0.95)))  # the same state, photographed again darker
    same.save(tmp_path / "again.jpg", quality=85)
    home = tmp_path / "gallery"
    i = call(home, "catalog", "add", "Tidal Study No. 4", "--physical", "--artist", "Ada Lovelace", "--json").json()
    item = i["item"]["item_id"]
    assert i["item"]["kind"] == "physical"
    assert (
        call(home, "catalog", "condition", item, "--note", "intake", "--photo", str(tmp_path / "intake.jpg")).code == 0
    )
    after = call(home, "catalog", "condition", item, "--note", "after the loan", "--photo", str(tmp_path / "after-loan.jpg"),
                 "--json").json()  # fmt: skip
    [photo] = after["events"][-1]["data"]["photos"]
    compared = photo["compared"]
    assert compared["aligned"] and compared["inliers"] >= 12 and compared["regions"] >= 1
    assert 0.0005 < compared["changed_share"] < 0.05, compared
    assert photo["difference_map"].startswith("sha256:")
    unchanged = call(home, "catalog", "condition", item, "--photo", str(tmp_path / "again.jpg"), "--json").json()
    facts = unchanged["events"][-1]["data"]["photos"][0]["compared"]
    assert facts["aligned"] and facts["changed_share"] < compared["changed_share"] / 3, (facts, compared)
    report = call(home, "catalog", "report", "condition", item, "-o", str(tmp_path / "condition.pdf"))
    assert report.code == 0
    text = subprocess.run(["pdftotext", str(tmp_path / "condition.pdf"), "-"], capture_output=True, text=True).stdout
    assert "after the loan" in text and "region(s)" in text
