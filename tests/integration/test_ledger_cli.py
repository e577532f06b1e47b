"""The ledger from the command line: register, status, proofs checked offline, refusals, tiles and witnesses."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.integration.cli import Result
from tests.integration.inproc import call as run  # in process: the process boundary is tested elsewhere


def setup_log(home: Path, works: int = 3) -> list[str]:
    assert run(home, "init", "--name", "Ada Studio").code == 0
    ids = []
    for seed in range(works):
        created = run(home, "create", "--prompt", "ink and ash", "--seed", str(seed), "--size", "64x64", "--json")
        work = created.json()["work_id"]
        registered = run(home, "register", work, "--json")
        assert registered.code == 0, registered.stderr
        assert registered.json()["leaf_index"] == seed
        ids.append(work)
    return ids


@pytest.fixture(scope="module")
def log(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str], Path]:
    root = tmp_path_factory.mktemp("ledger")
    home = root / "home"
    works = setup_log(home)
    key = root / "log.pub"
    assert run(home, "ledger", "key", "-o", str(key)).code == 0
    return home, works, key


def test_status_show_and_register_refuses_a_duplicate(log: tuple[Path, list[str], Path]) -> None:
    home, works, _ = log
    status = run(home, "ledger", "status", "--json").json()
    assert status["size"] == 3 and len(status["root"]) == 64
    assert status["checkpoint"].startswith(status["origin"] + "\n3\n")
    shown = run(home, "ledger", "show", works[1], "--json").json()
    assert shown["leaf_index"] == 1 and shown["type"] == "work.registered"
    assert shown["entry"]["payload"]["subject"]["work_id"] == works[1]
    assert "Ada" not in json.dumps(shown["entry"])  # the artist's name is only a commitment
    again = run(home, "register", works[0])
    assert again.code == 2 and "already registered" in again.stderr


def write_proof(home: Path, ref: str, path: Path) -> dict[str, Any]:
    assert run(home, "ledger", "proof", ref, "-o", str(path)).code == 0
    return dict(json.loads(path.read_text()))


def test_proof_checks_offline_with_only_the_log_key(log: tuple[Path, list[str], Path], tmp_path: Path) -> None:
    home, works, key = log
    proof = write_proof(home, works[2], tmp_path / "proof.json")
    assert set(proof) >= {"leaf_index", "tree_size", "leaf_hash", "hashes", "entry", "checkpoint"}
    stranger = tmp_path / "stranger"  # another machine: no data at all, only the key (and none is created)
    checked = run(stranger, "ledger", "check", str(tmp_path / "proof.json"), "--log-key", str(key), "--json")
    assert checked.code == 0, checked.stderr
    assert checked.json()["valid"] is True and checked.json()["leaf_index"] == 2
    assert not stranger.exists()


def refused(home: Path, key: Path, tmp_path: Path, doc: dict[str, Any]) -> Result:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc))
    return run(home, "ledger", "check", str(path), "--log-key", str(key))


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.update(hashes=d["hashes"][:-1]), "truncated"),
        (lambda d: d.update(tree_size=d["tree_size"] + 1), "tree_size does not match"),
        (lambda d: d.update(leaf_index=0), "does not lead to the root"),
        (lambda d: d.update(leaf_hash="0" * 64), "does not hash to leaf_hash"),
        (lambda d: d["entry"]["payload"]["subject"].update(title="Forged"), "does not hash to leaf_hash"),
        (lambda d: d.update(hashes=["ab" * 32, *d["hashes"][1:]]), "does not lead to the root"),
        (lambda d: d.update(checkpoint=d["checkpoint"].replace("\n3\n", "\n4\n")), "forged"),
    ],
)
def test_inconsistent_proofs_are_refused_saying_which(
    log: tuple[Path, list[str], Path], tmp_path: Path, mutate: Any, message: str
) -> None:
    home, works, key = log
    doc = write_proof(home, works[1], tmp_path / "p.json")
    mutate(doc)
    result = refused(home, key, tmp_path, doc)
    assert result.code == 4, result.stdout
    assert message in result.stderr


def test_a_proof_from_another_log_is_refused(log: tuple[Path, list[str], Path], tmp_path: Path) -> None:
    home, _, key = log
    other = tmp_path / "other"
    [work] = setup_log(other, works=1)
    doc = write_proof(other, work, tmp_path / "other.json")
    result = refused(home, key, tmp_path, doc)
    assert result.code == 4 and "not signed by this log" in result.stderr


def test_consistency_between_sizes(log: tuple[Path, list[str], Path]) -> None:
    home, _, _ = log
    doc = run(home, "ledger", "consistency", "1", "3", "--json").json()
    assert doc["verified"] is True and len(doc["hashes"]) == 2
    bad = run(home, "ledger", "consistency", "3", "9")
    assert bad.code == 2 and "the log has 3 entries" in bad.stderr


def test_tiles_witness_cosign_and_rollback(tmp_path: Path) -> None:
    log_home, witness_home = tmp_path / "log", tmp_path / "witness"
    works = setup_log(log_home, works=2)
    key = tmp_path / "log.pub"
    run(log_home, "ledger", "key", "-o", str(key))
    old_tiles, new_tiles = tmp_path / "tiles-old", tmp_path / "tiles-new"
    assert run(log_home, "ledger", "export-tiles", str(old_tiles)).code == 0
    assert (old_tiles / "checkpoint").exists() and (old_tiles / "tile/0/000.p/2").stat().st_size == 64

    run(witness_home, "init", "--name", "Witness W1")
    first_try = run(witness_home, "ledger", "witness", str(old_tiles))
    assert first_try.code == 2 and "--log-key" in first_try.stderr
    first = run(witness_home, "ledger", "witness", str(old_tiles), "--log-key", str(key), "--json")
    assert first.code == 0, first.stderr
    assert first.json()["size"] == 2

    for seed in (10, 11, 12):
        created = run(log_home, "create", "--prompt", "rust", "--seed", str(seed), "--size", "64x64", "--json")
        run(log_home, "register", created.json()["work_id"])
    run(log_home, "edit", works[0], "crop", "--box", "0,0,32,32")
    run(log_home, "register", works[0])
    run(log_home, "ledger", "export-tiles", str(new_tiles))
    cosigned = tmp_path / "cosigned.txt"
    second = run(witness_home, "ledger", "witness", str(new_tiles), "-o", str(cosigned), "--json")
    assert second.code == 0, second.stderr
    assert (second.json()["previous_size"], second.json()["size"]) == (2, 6)

    # the log keeps the cosignature once it knows the witness's key
    unknown = run(log_home, "ledger", "cosign-add", str(cosigned))
    assert unknown.code == 4 and "known witness" in unknown.stderr
    pub = tmp_path / "w1.pub"
    run(witness_home, "identity", "export-public", "-o", str(pub))
    run(log_home, "identity", "add", "Witness W1", str(pub))
    kept = run(log_home, "ledger", "cosign-add", str(cosigned), "--json")
    assert kept.code == 0, kept.stderr
    assert kept.json()["accepted"] == [second.json()["witness"]]

    # a log that shows the witness an older, smaller tree is caught
    rollback = run(witness_home, "ledger", "witness", str(old_tiles))
    assert rollback.code == 4 and "rolls back" in rollback.stderr


def test_reveal_check_and_forget_a_commitment(tmp_path: Path) -> None:
    home = tmp_path / "home"
    [work] = setup_log(home, works=1)
    opening, proof, key = tmp_path / "opening.json", tmp_path / "proof.json", tmp_path / "log.pub"
    revealed = run(home, "ledger", "reveal", work, "artist.name", "-o", str(opening), "--json")
    assert revealed.code == 0, revealed.stderr
    assert revealed.json()["value"] == "Ada Studio"
    run(home, "ledger", "proof", work, "-o", str(proof))
    run(home, "ledger", "key", "-o", str(key))
    checked = run(
        tmp_path / "other", "ledger", "check", str(proof), "--log-key", str(key), "--opening", str(opening), "--json"
    )
    assert checked.code == 0, checked.stderr
    assert checked.json()["opened"] == {"field": "artist.name", "value": "Ada Studio"}
    lie = json.loads(opening.read_text()) | {"value": "Someone Else"}
    opening.write_text(json.dumps(lie))
    refused_lie = run(
        tmp_path / "other", "ledger", "check", str(proof), "--log-key", str(key), "--opening", str(opening)
    )
    assert refused_lie.code == 4 and "does not match the commitment" in refused_lie.stderr
    assert run(home, "ledger", "forget", work, "artist.name", "--json").json() == {"forgotten": True}
    gone = run(home, "ledger", "reveal", work, "artist.name")
    assert gone.code == 2 and "not kept here" in gone.stderr
    assert run(home, "ledger", "check", str(proof)).code == 0  # the log itself is untouched
