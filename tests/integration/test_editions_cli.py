"""Limited editions from the command line: issue, identify, certificates, transfers, revocation, bad input."""

from __future__ import annotations

import errno
import json
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

import artproof.editions.service as service_module
from artproof.core.images import pixel_hash
from artproof.core.signing import SignedDocument
from artproof.editions.certificate import certificate_hash, verify_certificate
from artproof.editions.store import EditionStore
from artproof.errors import IntegrityError, StorageError
from artproof.fingerprint import hamming, perceptual_hash
from artproof.interop.c2pa import read_credentials
from artproof.store.blobs import storage_error
from tests.conftest import PASSPHRASE
from tests.integration.inproc import call
from tests.integration.inproc import call as run  # in process: the process boundary is tested elsewhere


@pytest.fixture(scope="module")
def studio(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """A home with a sealed 640x576 work and 3 editions + 1 artist's proof issued."""
    root = tmp_path_factory.mktemp("editions")
    home = root / "home"
    assert run(home, "init", "--name", "Ada Lovelace").code == 0
    work = run(home, "create", "--prompt", "tide pools", "--seed", "7", "--size", "640x576", "--json").json()
    work_id = work["work_id"]
    unsealed = run(home, "edition", "issue", work_id, "--count", "3", "-o", str(root / "early"))
    assert unsealed.code == 2 and "not sealed" in unsealed.stderr
    assert run(home, "seal", work_id, "-o", str(root / "master.png")).code == 0
    folder = root / "editions"
    issued = run(
        home, "edition", "issue", work_id, "--count", "3", "--proofs", "1", "--licence", "commercial",
        "-o", str(folder), "--json",
    )  # fmt: skip
    assert issued.code == 0, issued.stderr
    return {"home": home, "root": root, "work": work_id, "folder": folder, "issued": issued.json()}


def test_folder_holds_one_file_and_one_certificate_per_edition(studio: dict[str, object]) -> None:
    folder = studio["folder"]
    assert isinstance(folder, Path)
    names = sorted(p.name for p in folder.iterdir())
    stems = ["tide-pools-1of3", "tide-pools-2of3", "tide-pools-3of3", "tide-pools-AP1"]
    assert names == sorted([f"{s}.png" for s in stems] + [f"{s}.coa.json" for s in stems])
    issued = studio["issued"]
    assert isinstance(issued, dict)
    labels = sorted(e["label"] for e in issued["editions"])
    assert labels == ["1 of 3", "2 of 3", "3 of 3", "AP 1"]
    assert len({e["edition_id"] for e in issued["editions"]}) == 4


def test_each_file_is_sealed_and_names_its_edition(studio: dict[str, object]) -> None:
    home, folder = studio["home"], studio["folder"]
    assert isinstance(home, Path) and isinstance(folder, Path)
    doc = run(home, "inspect", str(folder / "tide-pools-2of3.png"), "--json").json()
    c2pa = doc["c2pa"]
    assert c2pa["validation_state"] == "Trusted"
    assert [a["action"] for a in c2pa["actions"]][-1] == "c2pa.watermarked"
    edition = next(e for e in studio["issued"]["editions"] if e["label"] == "2 of 3")  # type: ignore[index]
    assert c2pa["actions"][-1]["parameters"]["org.artproof.edition"] == edition["edition_id"]


def test_certificate_is_signed_and_its_proof_checks_offline(studio: dict[str, object]) -> None:
    home, folder = studio["home"], studio["folder"]
    assert isinstance(home, Path) and isinstance(folder, Path)
    document = json.loads((folder / "tide-pools-1of3.coa.json").read_text())
    checked_body = verify_certificate(SignedDocument.model_validate(document["certificate"]))
    body = checked_body.document()
    assert body == document["certificate"]["payload"]  # the typed body reads back exactly what was signed
    assert checked_body.edition.label == "1 of 3" and checked_body.artist.key_id == body["artist"]["key_id"]
    assert body["format"] == "artproof.coa/2"
    assert body["edition"] == {"number": 1, "count": 3, "artist_proof": False, "proofs": 1}
    assert body["licence"]["id"] == "commercial" and body["licence"]["sha256"].startswith("sha256:")
    assert body["watermark"] == {"algorithm": "org.artproof.watermark.1", "id": body["edition_id"]}
    picture = Image.open(folder / "tide-pools-1of3.png")
    assert body["pixels"]["sha256"] == pixel_hash(picture) and body["pixels"]["width"] == picture.width
    assert body["work"]["manifest_sha256"].startswith("sha256:") and body["generation"][0]["seed"] == 7
    report = read_credentials((folder / "tide-pools-1of3.png").read_bytes(), "image/png")
    embedded = report.assertions["org.artproof.certificate"]["certificate"]
    assert json.loads(embedded) == document["certificate"]  # the file carries its own certificate
    root = studio["root"]
    assert isinstance(root, Path)
    run(home, "ledger", "key", "-o", str(root / "log.pub"))
    (root / "proof.json").write_text(json.dumps(document["ledger"]["proof"]))
    checked = run(
        root / "nobody", "ledger", "check", str(root / "proof.json"), "--log-key", str(root / "log.pub"), "--json"
    )
    assert checked.code == 0, checked.stdout
    entry = document["ledger"]["proof"]["entry"]["payload"]
    assert entry["type"] == "edition.issued" and entry["subject"]["edition_id"] == body["edition_id"]
    assert entry["subject"]["certificate_sha256"] == certificate_hash(
        SignedDocument.model_validate(document["certificate"])
    )


def test_identify_reads_the_mark_after_metadata_is_stripped_and_jpeg(studio: dict[str, object]) -> None:
    home, folder, root = studio["home"], studio["folder"], studio["root"]
    assert isinstance(home, Path) and isinstance(folder, Path) and isinstance(root, Path)
    image = Image.open(folder / "tide-pools-3of3.png").convert("RGB")
    copy = root / "copy.jpg"
    image.save(copy, quality=50)  # Pillow drops the manifest: only the watermark is left
    found = run(home, "edition", "identify", str(copy), "--json").json()
    assert {k: found[k] for k in ("found", "number", "count", "artist_proof")} == {
        "found": True, "number": 3, "count": 3, "artist_proof": False,
    }  # fmt: skip
    cropped = root / "cropped.jpg"
    w, h = image.size
    image.crop((0, 0, int(w * 0.8), h)).save(cropped, quality=50)
    found = run(home, "edition", "identify", str(cropped), "--json").json()
    assert found["found"] and found["number"] == 3
    stranger = run(studio["root"] / "stranger", "edition", "identify", str(studio["root"] / "master.png"), "--json")  # type: ignore[operator]
    assert stranger.code == 0 and stranger.json()["found"] is False


def test_transfer_revoke_and_their_refusals(studio: dict[str, object]) -> None:
    home, root = studio["home"], studio["root"]
    assert isinstance(home, Path) and isinstance(root, Path)
    grace_home = root / "grace"
    run(grace_home, "init", "--name", "Grace Collector")
    run(grace_home, "identity", "export-public", "-o", str(root / "grace.pub"))
    edition = next(e for e in studio["issued"]["editions"] if e["label"] == "1 of 3")["edition_id"]  # type: ignore[index]
    bad_price = run(home, "transfer", edition, "--to", "Grace <grace@example.org>", "--price", "12", "--json")
    assert bad_price.code == 2 and "currency" in bad_price.json()["message"]
    sold = run(
        home, "transfer", edition, "--to", "Grace Collector <grace@example.org>", "--key", str(root / "grace.pub"),
        "--price", "1200", "--currency", "EUR", "--json",
    )  # fmt: skip
    assert sold.code == 0, sold.stderr
    assert sold.json()["seq"] == 1 and sold.json()["custodial"] is False
    shown = run(home, "edition", "show", edition, "--json").json()
    assert shown["owner"]["name"] == "Grace Collector" and shown["chain"] == "valid"
    assert shown["transfers"][0]["price"] == "1200" and shown["transfers"][0]["currency"] == "EUR"
    again = run(home, "transfer", edition, "--to", "Someone Else", "--json")
    assert again.code == 2 and "do not own" in again.json()["message"]
    # the ledger holds the transfer, with the buyer and the price only as commitments
    entry = run(home, "ledger", "show", str(sold.json()["ledger_index"]), "--json").json()
    text = json.dumps(entry)
    assert "grace@example.org" not in text and '"1200"' not in text  # hex digests may hold 1200 by chance

    other = next(e for e in studio["issued"]["editions"] if e["label"] == "2 of 3")["edition_id"]  # type: ignore[index]
    revoked = run(home, "edition", "revoke", other, "--reason", "destroyed in transit", "--json")
    assert revoked.code == 0, revoked.stderr
    assert run(home, "edition", "show", other, "--json").json()["status"] == "revoked"
    refused = run(home, "transfer", other, "--to", "Grace", "--json")
    assert refused.code == 2 and "revoked" in refused.json()["message"]
    assert run(home, "edition", "revoke", other, "--reason", "again").code == 2
    assert run(home, "edition", "show", "zzzzz-zzzzz-zzzz").code == 2  # a typo: the check character


def test_issuing_refuses_bad_requests_and_leaves_nothing(studio: dict[str, object], tmp_path: Path) -> None:
    home, work = studio["home"], studio["work"]
    assert isinstance(home, Path) and isinstance(work, str)
    for args, words in [
        (["--count", "0"], "out of range"),
        (["--count", "5000"], "out of range"),
        (["--count", "2", "--licence", "free-for-all"], "unknown licence"),
        (["--count", "2"], "already issued"),
        (["--count", "2", "--mark", "loud"], "no such kind of mark"),
    ]:
        result = run(home, "edition", "issue", work, *args, "-o", str(tmp_path / "out"), "--json")
        assert result.code == 2 and words in result.json()["message"], (args, result.stdout)
    small = run(home, "create", "--prompt", "tiny", "--seed", "1", "--size", "256x256", "--json").json()["work_id"]
    assert run(home, "seal", small, "-o", str(tmp_path / "small.png")).code == 0
    result = run(home, "edition", "issue", small, "--count", "2", "-o", str(tmp_path / "out"), "--json")
    assert result.code == 2 and "512" in result.stdout
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
    assert run(home, "edition", "list", small, "--json").json() == []


def test_unique_renders_differ_and_rerender_from_their_seed(tmp_path: Path) -> None:
    home = tmp_path / "home"
    run(home, "init", "--name", "Ada")
    work = run(home, "create", "--prompt", "series", "--seed", "2", "--size", "576x576", "--json").json()["work_id"]
    run(home, "seal", work, "-o", str(tmp_path / "m.png"))
    issued = run(
        home, "edition", "issue", work, "--count", "2", "--unique-renders", "-o", str(tmp_path / "e"), "--json"
    )
    assert issued.code == 0, issued.stderr
    first, second = (Image.open(tmp_path / "e" / f"series-{k}of2.png").convert("RGB") for k in (1, 2))
    assert hamming(perceptual_hash(first), perceptual_hash(second)) > 10
    first_id = issued.json()["editions"][0]["edition_id"]
    shown = run(home, "edition", "show", first_id, "--json").json()
    assert isinstance(shown["seed"], int)
    again = run(home, "edition", "rerender", first_id, "-o", str(tmp_path / "again.png"), "--json")
    assert again.code == 0 and again.json()["identical"] is True and again.json()["seed"] == shown["seed"]


def _sealed_work(services: Any, tmp_path: Path) -> str:
    manifest = services.studio.create(
        engine="cppn", prompt="fragile", seed=4, size="512x512", title=None, passphrase=PASSPHRASE
    )
    services.sealing.seal(manifest.work_id, tmp_path / "m.png", passphrase=PASSPHRASE)
    return str(manifest.work_id)


def test_full_disk_while_writing_the_files_leaves_no_edition(
    services: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = _sealed_work(services, tmp_path)
    before = services.ledger.status().size
    calls = {"n": 0}
    real = service_module._write

    def fill_up(path: Path, data: bytes) -> None:
        calls["n"] += 1
        if calls["n"] == 3:
            raise storage_error(OSError(errno.ENOSPC, "No space left on device"), path)
        real(path, data)

    monkeypatch.setattr(service_module, "_write", fill_up)
    with pytest.raises(StorageError):
        services.editions.issue(work, tmp_path / "e", count=4, passphrase=PASSPHRASE)
    assert services.editions.list(work) == []
    assert services.ledger.status().size == before
    assert not (tmp_path / "e").exists()  # the folder it made is gone again
    assert not [p for p in tmp_path.iterdir() if ".issuing-" in p.name]


def test_interrupt_during_the_commit_leaves_no_edition_and_no_entry(
    services: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = _sealed_work(services, tmp_path)
    before = services.ledger.status().size

    def crash(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt  # Ctrl-C while the editions are being inserted, inside the ledger's transaction

    monkeypatch.setattr(EditionStore, "insert", crash)
    with pytest.raises(KeyboardInterrupt):
        services.editions.issue(work, tmp_path / "e", count=3, passphrase=PASSPHRASE)
    monkeypatch.undo()
    assert services.editions.list(work) == []
    assert services.ledger.status().size == before
    assert not (tmp_path / "e").exists()  # the folder it made is gone again
    done = services.editions.issue(work, tmp_path / "e", count=3, passphrase=PASSPHRASE)  # and it can be run again
    assert len(done.editions) == 3


def test_a_transfer_signed_by_the_wrong_key_breaks_the_chain(services: Any, tmp_path: Path) -> None:
    """A transfer record re-signed by someone else (here a stranger's key) is caught, and blocks the next one."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from sqlalchemy import update

    from artproof.core.signing import sign_document
    from artproof.editions.parties import Party
    from artproof.store.tables import transfers

    work = _sealed_work(services, tmp_path)
    [first, *_] = services.editions.issue(work, tmp_path / "e", count=2, passphrase=PASSPHRASE).editions
    services.ownership.transfer(first.edition_id, Party(name="Custodian"), passphrase=PASSPHRASE)
    assert services.editions.show(first.edition_id).chain == "valid"
    [document] = services.editions.store.transfers(first.edition_id)
    forged = sign_document(document.purpose, document.payload, Ed25519PrivateKey.generate())
    with services.editions.store.engine.begin() as c:
        c.execute(update(transfers).values(document=forged.model_dump_json()))
    shown = services.editions.show(first.edition_id)
    assert shown.chain.startswith("broken at transfer 1") and "signed by" in shown.chain
    on_screen = call(services.settings.home, "edition", "show", first.edition_id, passphrase=None)
    assert on_screen.code == 4 and "broken at transfer 1" in on_screen.stderr  # never exit 0 on a broken record
    with pytest.raises(IntegrityError):
        services.ownership.transfer(first.edition_id, Party(name="Buyer"), passphrase=PASSPHRASE)


def test_the_buyer_countersigns_a_transfer_with_their_own_key(studio: dict[str, object], tmp_path: Path) -> None:
    home, root = studio["home"], studio["root"]
    assert isinstance(home, Path) and isinstance(root, Path)
    buyer = tmp_path / "buyer"
    run(buyer, "init", "--name", "Hal Buyer")
    run(buyer, "identity", "export-public", "-o", str(tmp_path / "hal.pub"))
    edition = next(e for e in studio["issued"]["editions"] if e["artist_proof"])["edition_id"]  # type: ignore[index]
    receipt = tmp_path / "receipt.json"
    sold = run(
        home, "transfer", edition, "--to", "Hal Buyer", "--key", str(tmp_path / "hal.pub"), "--receipt", str(receipt)
    )
    assert sold.code == 0, sold.stderr
    run(tmp_path / "stranger", "init", "--name", "Not The Buyer")
    stranger = run(tmp_path / "stranger", "edition", "accept", str(receipt), "-o", str(tmp_path / "x.json"), "--json")
    assert stranger.code == 2 and "not to you" in stranger.json()["message"]
    accepted = run(buyer, "edition", "accept", str(receipt), "-o", str(tmp_path / "acceptance.json"), "--yes")
    assert accepted.code == 0, accepted.stderr
    recorded = run(home, "edition", "countersign", edition, str(tmp_path / "acceptance.json"), "--json")
    assert recorded.code == 0, recorded.stdout
    shown = run(home, "edition", "show", edition, "--json").json()
    assert shown["chain"] == "valid" and shown["transfers"][-1]["accepted"] is True
    assert "accepted (countersigned by the buyer)" in " ".join(run(home, "edition", "show", edition).stdout.split())


def test_a_robust_mark_on_a_flat_illustration_is_read_by_a_stranger_from_a_webp_copy(tmp_path: Path) -> None:
    """The artist's own flat illustration issued with ``--mark robust``: a marketplace's WebP q50 copy, checked
    in an empty home with the certificate and the log key, reads its mark blind and is the edition."""
    from tests.factories import flat_illustration

    home, away = tmp_path / "artist", tmp_path / "collector"
    run(home, "init", "--name", "Ada Lovelace")
    Image.fromarray(flat_illustration(2)).save(tmp_path / "discs.png")
    [item] = run(home, "import", str(tmp_path / "discs.png"), "--json").json()
    assert run(home, "seal", item["work_id"], "-o", str(tmp_path / "sealed.png")).code == 0
    issued = run(home, "edition", "issue", item["work_id"], "--count", "1", "--mark", "robust",
                 "-o", str(tmp_path / "ed"), "--json")  # fmt: skip
    assert issued.code == 0, issued.stderr
    coa = next((tmp_path / "ed").glob("*.coa.json"))
    body = verify_certificate(SignedDocument.model_validate(json.loads(coa.read_text())["certificate"]))
    assert body.watermark == {"algorithm": "org.artproof.watermark.1", "id": body.edition_id, "mark": "robust"}
    Image.open(next((tmp_path / "ed").glob("*1of1.png"))).convert("RGB").save(tmp_path / "shared.webp", quality=50)
    assert run(home, "ledger", "key", "-o", str(tmp_path / "log.pub")).code == 0
    result = call(away, "verify", str(tmp_path / "shared.webp"), "--certificate", str(coa),
                  "--log-key", str(tmp_path / "log.pub"), "--json", passphrase=None)  # fmt: skip
    doc = json.loads(result.stdout)
    assert doc["verdict"] == "authentic_edition", (doc["headline"], doc["reasons"])
    assert doc["channels"]["watermark"]["edition_id"] == issued.json()["editions"][0]["edition_id"]
