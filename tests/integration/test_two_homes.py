"""The artist and the collector in two homes: provenance that travels with the file, its certificate and a mirror.

The artist imports a render, seals it, issues an edition and publishes the log as a static
mirror; a loopback HTTP server started here serves it. The collector, in their own home (and a
stranger in an empty one), verifies copies with nothing of the artist's database.
"""

from __future__ import annotations

import functools
import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageDraw

from artproof.core.keys import generate_private_key, public_key_bytes
from artproof.ledger.checkpoint import NoteVerifier
from tests.integration.inproc import call
from tests.integration.test_seal_imports import a1111


def _copy(path: Path, out: Path) -> Path:
    """A marketplace copy: cropped to 85% of the width, JPEG q70, metadata gone."""
    image = Image.open(path).convert("RGB")
    image.crop((0, 0, int(image.width * 0.85), image.height)).save(out, quality=70)
    return out


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, external: Path) -> Iterator[dict[str, Any]]:
    root = tmp_path_factory.mktemp("two-homes")
    artist, collector = root / "artist", root / "collector"
    name, data = a1111(external)
    (root / name).write_bytes(data)
    assert call(artist, "init", "--name", "Ada Lovelace").code == 0
    [imported] = call(artist, "import", str(root / name), "--json").json()
    work = imported["work_id"]
    assert call(artist, "seal", work, "-o", str(root / "master.png")).code == 0
    issued = call(artist, "edition", "issue", work, "--count", "3", "-o", str(root / "ed"), "--json")
    assert issued.code == 0, issued.stderr
    ids = {e["number"]: e["edition_id"] for e in issued.json()["editions"]}
    assert call(artist, "ledger", "key", "-o", str(root / "log.pub")).code == 0
    assert call(artist, "identity", "certificate", "export-ca", "-o", str(root / "ca.pem")).code == 0
    assert call(collector, "init", "--name", "Grace Hopper", passphrase="grace's passphrase").code == 0
    assert call(collector, "identity", "export-public", "-o", str(root / "grace.pub")).code == 0
    sold = call(
        artist, "transfer", ids[2], "--to", "Grace Hopper <grace@example.org>", "--key", str(root / "grace.pub"),
        "--price", "1200", "--currency", "EUR", "--receipt", str(root / "receipt.json"),
    )  # fmt: skip
    assert sold.code == 0, sold.stderr
    first = call(artist, "ledger", "publish", str(root / "mirror"), "--json")
    assert first.code == 0, first.stderr
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root / "mirror"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield {
            "root": root,
            "artist": artist,
            "collector": collector,
            "work": work,
            "ids": ids,
            "url": f"http://127.0.0.1:{server.server_address[1]}/",
            "published": first.json(),
        }
    finally:
        server.shutdown()
        server.server_close()


def _edition(world: dict[str, Any], n: int) -> tuple[Path, Path]:
    folder = world["root"] / "ed"
    return next(folder.glob(f"*-{n}of3.png")), next(folder.glob(f"*-{n}of3.coa.json"))


def verify(home: Path, *args: str, passphrase: str | None = None) -> tuple[int, dict[str, Any]]:
    done = call(home, "verify", *args, "--json", passphrase=passphrase)
    return done.code, done.json()


def test_mirror_holds_no_personal_data_and_publishes_incrementally(world: dict[str, Any]) -> None:
    mirror = world["root"] / "mirror"
    blob = b"".join(p.read_bytes() for p in mirror.rglob("*") if p.is_file())
    assert b"grace@example.org" not in blob and b"Grace Hopper" not in blob
    assert b'"1200"' not in blob and b'"EUR"' not in blob  # as JSON values (hex and base64 may hold "1200" by chance)
    assert (mirror / "log.pub").read_text().strip() == (world["root"] / "log.pub").read_text().strip()
    assert (mirror / "ca.pem").read_text() == (world["root"] / "ca.pem").read_text()
    again = call(world["artist"], "ledger", "publish", str(mirror), "--json").json()
    assert again["previous_size"] == again["size"] == world["published"]["size"]
    assert again["bundles_written"] <= 1  # only the partial right edge, never the whole log again


def test_collector_verifies_an_attacked_copy_offline_and_online(world: dict[str, Any]) -> None:
    root, collector = world["root"], world["collector"]
    picture, coa = _edition(world, 2)
    copy = _copy(picture, root / "copy2.jpg")
    code, doc = verify(collector, str(copy), "--certificate", str(coa), "--mirror", str(root / "mirror"))
    assert (code, doc["verdict"]) == (0, "authentic_edition"), doc["headline"]
    assert doc["edition"]["number"] == 2 and doc["edition"]["edition_id"] == world["ids"][2]
    grace = json.loads((root / "grace.pub").read_text())["key_id"]
    assert grace in doc["owner"]  # the owner's key from the log's transfer entry, never a clear name
    assert any("re-hashed" in line for line in doc["checks"])
    code, online = verify(collector, str(copy), "--certificate", str(coa), "--mirror", world["url"])
    assert (code, online["verdict"], online["edition"]) == (0, "authentic_edition", doc["edition"])


def test_a_stranger_reads_a_turned_copy_blind(world: dict[str, Any], tmp_path: Path) -> None:
    """Turned 4 degrees by an editor (corners filled), as JPEG: the mark is read blind after turning it back,
    and the certificate's picture is compared with the copy upright."""
    root = world["root"]
    picture, coa = _edition(world, 3)
    turned = (
        Image.open(picture).convert("RGB").rotate(4, Image.Resampling.BICUBIC, expand=True, fillcolor=(255, 255, 255))
    )
    turned.save(tmp_path / "turned.jpg", quality=85)
    code, doc = verify(tmp_path / "stranger", str(tmp_path / "turned.jpg"), "--certificate", str(coa), "--log-key",
                       str(root / "log.pub"))  # fmt: skip
    assert (code, doc["verdict"]) == (0, "authentic_edition"), doc["headline"]
    assert doc["edition"]["edition_id"] == world["ids"][3]
    assert abs(doc["channels"]["watermark"]["turned_deg"] - 4) < 0.5


def test_a_stranger_names_a_badly_compressed_copy_by_the_certificate_given_with_it(
    world: dict[str, Any], tmp_path: Path
) -> None:
    """Saved at JPEG q12 or WebP q10, each edition's mark is most often too damaged to decode alone (15-35 of
    188 bits wrong over ten payloads); told by the certificate which edition to look for, the reader names it
    (42 bits allowed). A certificate of another edition names another mark: never this edition."""
    root = world["root"]
    away = ("--log-key", str(root / "log.pub"))
    matched = 0
    for number in (1, 2, 3):
        picture, coa = _edition(world, number)
        _, other = _edition(world, 1 + number % 3)
        image = Image.open(picture).convert("RGB")
        image.save(tmp_path / f"{number}.jpg", "JPEG", quality=12)
        image.save(tmp_path / f"{number}.webp", "WEBP", quality=10)
        for copy in (tmp_path / f"{number}.jpg", tmp_path / f"{number}.webp"):
            code, doc = verify(tmp_path / "stranger", str(copy), "--certificate", str(coa), *away)
            assert (code, doc["verdict"]) == (0, "authentic_edition"), (copy.name, doc["headline"])
            assert doc["edition"]["edition_id"] == world["ids"][number]
            if doc["channels"]["watermark"].get("matched_to_editions"):
                matched += 1
                assert "not decoded alone" in doc["channels"]["watermark"]["summary"]  # said, not only flagged
            code, doc = verify(tmp_path / "stranger", str(copy), "--certificate", str(other), *away)
            assert doc["verdict"] != "authentic_edition", (copy.name, doc["headline"])
    assert matched >= 1  # not decodable alone, named by the certificate's edition (each copy: about 3 in 4)


def test_a_stranger_sees_a_stamp_on_an_imported_render(
    world: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An A1111 render's edition, a seller's stamp over a twentieth of it, where the certificate's keypoints
    place nothing (on a grainy render they often do not: then a stranger read the stamped copy
    ``authentic_edition``): it is compared with the certificate's own picture in its own frame, as the
    registry compares a copy found by its hashes. The faithful copy stays authentic."""
    from artproof.fingerprint.registry import Query

    monkeypatch.setattr(Query, "placed_in", lambda *_args: None)
    root = world["root"]
    picture, coa = _edition(world, 3)
    edition = Image.open(picture).convert("RGB")
    w, h = edition.size
    stamped = edition.copy()
    ImageDraw.Draw(stamped).rectangle((w // 20, h * 17 // 20, w * 9 // 20, h * 19 // 20), fill=(255, 255, 255))
    away = ("--certificate", str(coa), "--log-key", str(root / "log.pub"))
    stamped.save(tmp_path / "stamped.jpg", quality=85)
    code, doc = verify(tmp_path / "stranger", str(tmp_path / "stamped.jpg"), *away)
    assert (code, doc["verdict"]) == (4, "tampered"), doc["headline"]
    assert "once laid onto the certificate's picture" in doc["headline"]
    edition.save(tmp_path / "faithful.jpg", quality=85)
    code, doc = verify(tmp_path / "stranger", str(tmp_path / "faithful.jpg"), *away)
    assert (code, doc["verdict"]) == (0, "authentic_edition"), doc["headline"]
    assert any(line.startswith("compared with the certificate's picture") for line in doc["checks"])


def test_a_stranger_with_an_empty_home(world: dict[str, Any], tmp_path: Path) -> None:
    """No init, no database: the certificate and the log key are enough; what was not checked is said."""
    root = world["root"]
    picture, coa = _edition(world, 1)
    copy = _copy(picture, tmp_path / "copy1.jpg")
    stranger = tmp_path / "stranger"
    code, doc = verify(stranger, str(copy), "--certificate", str(coa), "--log-key", str(root / "log.pub"))
    assert (code, doc["verdict"]) == (0, "authentic_edition"), doc["headline"]
    assert any("status not checked: no mirror given" in line for line in doc["checks"])
    # the edition's own file carries its certificate: the mirror alone completes the check
    code, doc = verify(tmp_path / "another", str(picture), "--mirror", world["url"])
    assert (code, doc["verdict"]) == (0, "authentic_edition"), doc["headline"]
    assert "the picture is exactly the certified pixels" in doc["checks"]
    assert doc["channels"]["c2pa"]["validation_state"] == "Valid"  # genuine, but the artist's CA is not trusted here
    assert call(tmp_path / "another", "trust", "add", str(root / "ca.pem")).code == 0
    code, doc = verify(tmp_path / "another", str(picture), "--mirror", world["url"])
    assert doc["channels"]["c2pa"]["validation_state"] == "Trusted"
    checked = call(stranger, "ledger", "check", str(coa), "--log-key", str(root / "log.pub"), "--json")
    assert checked.code == 0 and checked.json()["certificate"]["edition_id"] == world["ids"][1]


def test_the_edition_file_alone_says_what_its_certificate_says_and_the_catalog_keeps_it(
    world: dict[str, Any], tmp_path: Path
) -> None:
    """The edition's own file, nothing given with it (no certificate file, no log key, no mirror): its certificate
    travels in it, signed by the artist, its log entry not checked. The verdict stays ``external_credentials``; the
    headline and the report name the title and artist it claims, and a collector's catalog keeps them (it showed
    the file's name and no artist)."""
    picture, _ = _edition(world, 2)
    _, doc = verify(tmp_path / "empty", str(picture))
    assert doc["verdict"] == "external_credentials", doc["headline"]
    title = call(world["artist"], "work", "show", world["work"], "--json").json()["title"]
    assert (doc["title"], doc["artist"], doc["edition"]) == (title, "Ada Lovelace", None)
    assert (
        f'Its certificate, for edition 2 of 3 of "{title}" by Ada Lovelace: certificate signed by the artist'
        in (doc["headline"])
    )
    added = call(world["collector"], "catalog", "add", str(picture), "--json", passphrase="grace's passphrase")
    assert added.code == 0, added.stderr
    item = added.json()["item"]
    assert (item["title"], item["artist"], item["verdict"]) == (title, "Ada Lovelace", "external_credentials")
    # a picture the certificate is not for keeps none of its words
    other = tmp_path / "other.png"
    Image.new("RGB", Image.open(picture).size, (40, 90, 160)).save(other)
    _, doc = verify(tmp_path / "empty", str(other))
    assert doc["title"] is None and doc["artist"] is None


def test_forgeries_read_tampered(world: dict[str, Any], tmp_path: Path) -> None:
    root, collector = world["root"], world["collector"]
    picture, coa = _edition(world, 2)
    copy = _copy(picture, tmp_path / "copy.jpg")
    mirror = ["--mirror", str(root / "mirror")]
    document = json.loads(coa.read_text())
    forged = json.loads(coa.read_text())
    forged["certificate"]["payload"]["edition"]["count"] = 30  # a bigger edition than was issued
    (tmp_path / "forged.coa.json").write_text(json.dumps(forged))
    code, doc = verify(collector, str(copy), "--certificate", str(tmp_path / "forged.coa.json"), *mirror)
    assert (code, doc["verdict"]) == (4, "tampered") and "does not verify" in doc["headline"]
    _, other = _edition(world, 1)
    code, doc = verify(collector, str(copy), "--certificate", str(other), *mirror)
    assert (code, doc["verdict"]) == (4, "tampered") and "the certificate is for edition" in doc["headline"]
    edited = json.loads(coa.read_text())
    first = edited["ledger"]["proof"]["hashes"][0]
    edited["ledger"]["proof"]["hashes"][0] = ("0" if first[0] != "0" else "1") + first[1:]
    (tmp_path / "edited.coa.json").write_text(json.dumps(edited))
    code, doc = verify(collector, str(copy), "--certificate", str(tmp_path / "edited.coa.json"))
    assert (code, doc["verdict"]) == (4, "tampered") and "ledger proof does not check" in doc["headline"]
    assert document["certificate"]["payload"]["format"] == "artproof.coa/2"


def test_a_changed_log_key_is_refused(world: dict[str, Any], tmp_path: Path) -> None:
    root = world["root"]
    picture, coa = _edition(world, 1)
    home = tmp_path / "pinned"
    code, _ = verify(home, str(picture), "--certificate", str(coa), "--log-key", str(root / "log.pub"))
    assert code == 0
    genuine = NoteVerifier.from_vkey((root / "log.pub").read_text())
    impostor = NoteVerifier(name=genuine.name, public_raw=public_key_bytes(generate_private_key().public_key()))
    (tmp_path / "other.pub").write_text(impostor.vkey() + "\n")
    refused = call(home, "verify", str(picture), "--certificate", str(coa), "--log-key", str(tmp_path / "other.pub"))
    assert refused.code == 4 and "differs from the one pinned" in refused.stderr


def test_witness_cosignatures_travel_with_the_mirror(world: dict[str, Any], tmp_path: Path) -> None:
    root, artist, collector = world["root"], world["artist"], world["collector"]
    grace = "grace's passphrase"
    witnessed = call(
        collector, "ledger", "witness", str(root / "mirror"), "--log-key", str(root / "log.pub"),
        "-o", str(tmp_path / "cosigned.txt"), passphrase=grace,
    )  # fmt: skip
    assert witnessed.code == 0, witnessed.stderr
    assert call(artist, "identity", "add", "Grace", str(root / "grace.pub")).code == 0
    assert call(artist, "ledger", "cosign-add", str(tmp_path / "cosigned.txt")).code == 0
    assert call(artist, "ledger", "publish", str(root / "mirror")).code == 0
    picture, coa = _edition(world, 1)
    _, doc = verify(collector, str(picture), "--certificate", str(coa), "--mirror", world["url"], passphrase=grace)
    assert doc["verdict"] == "authentic_edition"
    assert doc["channels"]["ledger"]["witnesses"]["verified"] == doc["channels"]["ledger"]["witnesses"]["named"]
    assert len(doc["channels"]["ledger"]["witnesses"]["named"]) == 1
    _, stranger = verify(tmp_path / "stranger", str(picture), "--mirror", world["url"])
    assert stranger["channels"]["ledger"]["witnesses"]["verified"] == []  # no witness key known there
    assert any("add a witness's key" in line for line in stranger["checks"])


def test_revocation_reaches_the_collector_through_the_mirror(world: dict[str, Any], tmp_path: Path) -> None:
    root = world["root"]
    picture, coa = _edition(world, 3)
    copy = _copy(picture, tmp_path / "copy3.jpg")
    code, doc = verify(tmp_path / "before", str(copy), "--certificate", str(coa), "--mirror", world["url"])
    assert doc["verdict"] == "authentic_edition"
    assert call(world["artist"], "edition", "revoke", world["ids"][3], "--reason", "destroyed in a fire").code == 0
    assert call(world["artist"], "ledger", "publish", str(root / "mirror")).code == 0
    code, doc = verify(tmp_path / "after", str(copy), "--certificate", str(coa), "--mirror", world["url"])
    assert (code, doc["verdict"]) == (4, "revoked") and "destroyed in a fire" in doc["headline"]


def test_the_buyer_keeps_what_they_accepted(world: dict[str, Any], tmp_path: Path) -> None:
    root, collector = world["root"], world["collector"]
    _, coa = _edition(world, 2)
    args = ["edition", "accept", str(root / "receipt.json"), "--certificate", str(coa), "-o"]
    unasked = call(collector, *args, str(tmp_path / "a.json"), passphrase="grace's passphrase")
    assert unasked.code == 2 and "--yes" in unasked.stderr and not (tmp_path / "a.json").exists()
    assert "1200 EUR" in unasked.stderr and "from Ada Lovelace" in unasked.stderr  # shown before asking
    accepted = call(collector, *args, str(tmp_path / "a.json"), "--yes", "--json", passphrase="grace's passphrase")
    assert accepted.code == 0, accepted.stderr
    assert json.loads(accepted.stdout)["edition_id"] == world["ids"][2]
    shown = call(collector, "edition", "show", world["ids"][2], "--json", passphrase=None).json()
    assert (shown["title"], shown["artist"], shown["label"]) == ("Photo Of A Duck", "Ada Lovelace", "2 of 3")
    assert shown["licence"]["id"] == "display-only" and shown["transfers"][0]["price"] == "1200"
    owned = call(collector, "edition", "list", "--owned", "--mirror", world["url"], "--json", passphrase=None)
    [item] = owned.json()
    assert (item["edition_id"], item["status"]) == (world["ids"][2], "current owner")
    neither = call(collector, "edition", "list", passphrase=None)
    assert neither.code == 2 and "--owned" in neither.stderr


def test_genuine_pixels_resigned_by_someone_else_name_that_signer(world: dict[str, Any], tmp_path: Path) -> None:
    """Mallory imports an edition file and seals it as hers: the pixels are genuine, the credentials are not Ada's."""
    root = world["root"]
    picture, coa = _edition(world, 1)
    mallory = tmp_path / "mallory"
    assert call(mallory, "init", "--name", "Mallory").code == 0
    [imported] = call(mallory, "import", str(picture), "--json").json()
    assert call(mallory, "seal", imported["work_id"], "-o", str(tmp_path / "resealed.png")).code == 0
    code, doc = verify(tmp_path / "buyer", str(tmp_path / "resealed.png"), "--certificate", str(coa),
                       "--log-key", str(root / "log.pub"))  # fmt: skip
    assert (code, doc["verdict"]) == (0, "authentic_edition")
    assert "signed by Mallory, not by the artist Ada Lovelace" in doc["headline"]
    assert doc["channels"]["c2pa"]["signer_is_artist"] is False
