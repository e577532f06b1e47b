"""Keys that can be rotated and revoked: the log's order decides what a revoked key could still sign."""

from __future__ import annotations

from pathlib import Path

import pytest

from artproof.core.keys import decrypt_private_key
from artproof.editions.parties import Party
from artproof.services import build_services
from artproof.settings import Settings
from tests.integration.inproc import call


def test_rotation_keeps_old_signatures_and_revocation_refuses_later_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "artist"
    assert call(home, "init", "--name", "Ada").code == 0
    first_key = call(home, "identity", "show", "--json").json()["key_id"]
    work = call(home, "create", "--prompt", "keys", "--seed", "6", "--size", "512x512", "--json").json()["work_id"]
    assert call(home, "seal", work, "-o", str(tmp_path / "m.png")).code == 0
    issued = call(home, "edition", "issue", work, "--count", "3", "-o", str(tmp_path / "e"), "--json").json()
    one, two, three = (e["edition_id"] for e in sorted(issued["editions"], key=lambda e: e["number"]))

    rotated = call(home, "init", "--rotate", "--json")
    assert rotated.code == 0, rotated.stderr
    second_key = rotated.json()["new_key_id"]
    assert rotated.json()["old_key_id"] == first_key and second_key != first_key
    # the successor signs for editions issued under the old key
    sold = call(home, "transfer", one, "--to", "Grace <grace@example.org>", "--json")
    assert sold.code == 0, sold.stderr
    assert call(home, "edition", "show", one, "--json").json()["chain"] == "valid"

    revoked = call(home, "init", "--rotate", "--revoke", "--reason", "laptop stolen", "--json")
    assert revoked.code == 0 and revoked.json()["revoked_index"] is not None
    # signed by the second key before its revocation: still valid, and it says so
    doc = call(home, "verify", str(next((tmp_path / "e").glob("*-1of3.png"))), "--json").json()
    assert doc["verdict"] == "authentic_edition", doc["headline"]
    assert call(home, "transfer", two, "--to", "Hal", "--json").code == 0  # the third key works

    # a thief with the second key signs a transfer after its revocation: the record reads broken
    svc = build_services(Settings.from_env({"ARTPROOF_HOME": str(home)}))
    stolen = next(r for r in svc.identities.list() if r.key_id == second_key)
    assert stolen.secret is not None
    key = decrypt_private_key(stolen.secret, "pw-for-tests")
    monkeypatch.setattr(svc.identities, "unlock", lambda _passphrase: (stolen, key))
    svc.ownership.transfer(three, Party(name="Thief"), passphrase="pw-for-tests")
    monkeypatch.undo()
    shown = call(home, "edition", "show", three, "--json")
    assert shown.code == 4 and "after that key was revoked" in shown.json()["chain"]
    doc = call(home, "verify", str(next((tmp_path / "e").glob("*-3of3.png"))), "--json").json()
    assert doc["verdict"] == "tampered" and "revoked" in doc["headline"]

    # and a collector reading the published mirror reaches the same verdicts
    assert call(home, "ledger", "publish", str(tmp_path / "mirror")).code == 0
    mirror = ["--mirror", str(tmp_path / "mirror")]
    stranger = tmp_path / "stranger"
    three_file, three_coa = next((tmp_path / "e").glob("*-3of3.png")), next((tmp_path / "e").glob("*-3of3.coa.json"))
    doc = call(stranger, "verify", str(three_file), "--certificate", str(three_coa), *mirror, "--json").json()
    assert doc["verdict"] == "tampered" and "after that key was revoked" in doc["headline"]
    one_file, one_coa = next((tmp_path / "e").glob("*-1of3.png")), next((tmp_path / "e").glob("*-1of3.coa.json"))
    doc = call(stranger, "verify", str(one_file), "--certificate", str(one_coa), *mirror, "--json").json()
    assert doc["verdict"] == "authentic_edition", doc["headline"]


def test_revoke_needs_rotate(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert call(home, "init", "--name", "Ada").code == 0
    done = call(home, "init", "--revoke")
    assert done.code == 2 and "--rotate" in done.stderr
    assert call(home, "init").code == 2  # a new identity needs a name
