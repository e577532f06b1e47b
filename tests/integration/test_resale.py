"""A collector resells from their own home: the edition's log lives in the artist's registry, three homes apart.

Ada issues and sells edition 1 to Grace (her key named); Grace accepts it in her own home. Grace then sells it
to Bo: she signs the transfer and its log entry in her home (the registry is not there), Bo accepts the same
file in his, and Ada's registry enters it after checking it follows the chain it holds and is Grace's. Anyone
with the published mirror then reads Bo's key as the owner's; Grace's home reads it transferred away. What
does not follow, or is not the owner's, is refused with nothing entered.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.integration.inproc import call

GRACE, BO = "grace's passphrase", "bo's passphrase"


def test_a_collector_resells_from_their_own_home_and_the_registry_enters_it(tmp_path: Path) -> None:
    ada, grace, bo = tmp_path / "ada", tmp_path / "grace", tmp_path / "bo"
    assert call(ada, "init", "--name", "Ada Lovelace").code == 0
    assert call(grace, "init", "--name", "Grace Hopper", passphrase=GRACE).code == 0
    assert call(bo, "init", "--name", "Bo Carter", passphrase=BO).code == 0
    assert call(grace, "identity", "export-public", "-o", str(tmp_path / "grace.pub"), passphrase=GRACE).code == 0
    assert call(bo, "identity", "export-public", "-o", str(tmp_path / "bo.pub"), passphrase=BO).code == 0
    work = call(ada, "create", "--prompt", "tide pools", "--seed", "3", "--size", "512x512", "--json").json()
    assert call(ada, "seal", work["work_id"], "-o", str(tmp_path / "master.png")).code == 0
    issued = call(ada, "edition", "issue", work["work_id"], "--count", "2", "-o", str(tmp_path / "ed"), "--json")
    assert issued.code == 0, issued.stderr
    edition = next(e["edition_id"] for e in issued.json()["editions"] if e["number"] == 1)
    coa = next((tmp_path / "ed").glob("*1of2.coa.json"))
    sold = call(ada, "transfer", edition, "--to", "Grace Hopper <grace@example.org>", "--key",
                str(tmp_path / "grace.pub"), "--price", "900", "--currency", "EUR", "--receipt", str(tmp_path / "r1.json"))  # fmt: skip
    assert sold.code == 0, sold.stderr
    accepted = call(grace, "edition", "accept", str(tmp_path / "r1.json"), "--certificate", str(coa), "-o",
                    str(tmp_path / "a1.json"), "--yes", passphrase=GRACE)  # fmt: skip
    assert accepted.code == 0, accepted.stderr
    assert call(ada, "edition", "countersign", edition, str(tmp_path / "a1.json")).code == 0

    # Grace resells in her own home: signed there, not entered
    resold = call(grace, "transfer", edition, "--to", "Bo Carter <bo@example.org>", "--key", str(tmp_path / "bo.pub"),
                  "--price", "1500", "--currency", "EUR", "--receipt", str(tmp_path / "r2.json"), "--json",
                  passphrase=GRACE)  # fmt: skip
    assert resold.code == 0, resold.stderr
    doc = resold.json()
    assert (doc["seq"], doc["entered"], doc["ledger_index"], doc["from"]) == (
        2,
        False,
        None,
        "Grace Hopper <grace@example.org>",
    )
    again = call(
        grace, "transfer", edition, "--to", "Someone Else", "--receipt", str(tmp_path / "r2b.json"), passphrase=GRACE
    )
    assert again.code == 2 and "already signed transfer 2" in again.stderr  # one resale signed per receipt held

    # Bo accepts the same file; Ada's registry enters it
    bought = call(bo, "edition", "accept", str(tmp_path / "r2.json"), "--certificate", str(coa), "-o",
                  str(tmp_path / "a2.json"), "--yes", "--json", passphrase=BO)  # fmt: skip
    assert bought.code == 0 and "from Grace Hopper <grace@example.org>, 1500 EUR" in bought.stderr, bought.stderr
    entered = call(ada, "edition", "record-transfer", str(tmp_path / "r2.json"), "--json")
    assert entered.code == 0, entered.stderr
    assert entered.json()["ledger_index"] is not None and entered.json()["to"] == "Bo Carter <bo@example.org>"
    assert call(ada, "edition", "countersign", edition, str(tmp_path / "a2.json")).code == 0
    shown = call(ada, "edition", "show", edition, "--json").json()
    assert [t["to"] for t in shown["transfers"]] == ["Grace Hopper", "Bo Carter"], shown["transfers"]
    assert all(t["accepted"] for t in shown["transfers"]) and shown["chain"] == "valid", shown["chain"]

    # refused, nothing entered: the same transfer again, one altered after signing, one not the owner's
    twice = call(ada, "edition", "record-transfer", str(tmp_path / "r2.json"))
    assert twice.code == 2 and "entered already: transfer 2" in twice.stderr
    bundle = json.loads((tmp_path / "r2.json").read_text())
    bundle["transfer"]["payload"]["price"] = "15"
    (tmp_path / "altered.json").write_text(json.dumps(bundle))
    altered = call(ada, "edition", "record-transfer", str(tmp_path / "altered.json"))
    assert altered.code != 0 and "signature" in altered.stderr.lower()
    # Grace sells it a second time (her signed copy of transfer 2 removed): Bo owns it now, so it is refused
    next((grace / "collection" / edition).glob("onward-2.json")).unlink()
    twice_sold = call(
        grace, "transfer", edition, "--to", "Mallory", "--receipt", str(tmp_path / "r3.json"), passphrase=GRACE
    )
    assert twice_sold.code == 0, twice_sold.stderr
    refused = call(ada, "edition", "record-transfer", str(tmp_path / "r3.json"))
    assert refused.code == 2 and "not signed by the edition's owner" in refused.stderr and "Bo Carter" in refused.stderr
    assert len(call(ada, "edition", "show", edition, "--json").json()["transfers"]) == 2

    # anyone with the mirror reads Bo as the owner; Grace's home reads it transferred away
    assert call(ada, "ledger", "publish", str(tmp_path / "mirror")).code == 0
    picture = next((tmp_path / "ed").glob("*1of2.png"))
    verified = call(tmp_path / "stranger", "verify", str(picture), "--mirror", str(tmp_path / "mirror"), "--json",
                    passphrase=None)  # fmt: skip
    report = verified.json()
    assert report["verdict"] == "authentic_edition", report["headline"]
    bo_key = call(bo, "identity", "show", "--json", passphrase=None).json()["key_id"]
    assert bo_key in (report["owner"] or ""), report["owner"]
    owned = call(grace, "edition", "list", "--owned", "--mirror", str(tmp_path / "mirror"), "--json", passphrase=None)
    assert [i["status"] for i in owned.json()] == ["transferred away"]
    mine = call(bo, "edition", "list", "--owned", "--mirror", str(tmp_path / "mirror"), "--json", passphrase=None)
    assert [i["status"] for i in mine.json()] == ["current owner"]
