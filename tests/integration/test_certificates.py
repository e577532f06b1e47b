"""Signing with your own certificate, its validity, and an unreachable timestamp authority."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from artproof.core.x509 import issue_ca, issue_signing_certificate
from artproof.interop.pngchunks import with_itxt
from tests.integration.cli import run
from tests.integration.inproc import call

NOW = dt.datetime.now(dt.UTC)


def write_pki(folder: Path, *, expired: bool = False) -> tuple[Path, Path, Path]:
    ca = issue_ca("Example Trust Services", NOW - dt.timedelta(days=800 if expired else 1))
    leaf = issue_signing_certificate(ca, "Ada Studio (verified)", NOW - dt.timedelta(days=800 if expired else 1))
    chain, key, anchor = folder / "chain.pem", folder / "key.pem", folder / "ca.pem"
    chain.write_text(leaf.certificate_pem + ca.certificate_pem)
    key.write_bytes(
        leaf.key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(b"key secret"),
        )
    )
    anchor.write_text(ca.certificate_pem)
    return chain, key, anchor


def test_import_own_certificate_and_seal_with_it(tmp_path: Path) -> None:
    home = tmp_path / "home"
    call(home, "init", "--name", "Ada Studio")
    chain, key, anchor = write_pki(tmp_path)
    env = {"KEY_SECRET": "key secret"}
    imported = call(
        home,
        "identity",
        "certificate",
        "import",
        str(chain),
        str(key),
        "--key-passphrase-env",
        "KEY_SECRET",
        "--json",
        env=env,
    )
    assert imported.code == 0, imported.stderr
    assert imported.json()["source"] == "imported" and imported.json()["days_left"] >= 390
    work = call(home, "create", "--prompt", "ink", "--seed", "1", "--size", "64x64", "--json").json()["work_id"]
    target = tmp_path / "sealed.png"
    assert call(home, "seal", work, "-o", str(target)).code == 0
    reader = tmp_path / "collector"
    call(reader, "trust", "add", str(anchor))
    c = call(reader, "inspect", str(target), "--json").json()["c2pa"]
    assert c["validation_state"] == "Trusted" and c["signer"]["common_name"] == "Ada Studio (verified)"


def test_bad_certificates_are_refused(tmp_path: Path) -> None:
    home = tmp_path / "home"
    call(home, "init", "--name", "Ada")
    chain, key, _ = write_pki(tmp_path)
    other = tmp_path / "other.pem"
    other.write_bytes(
        ec.generate_private_key(ec.SECP256R1()).private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    mismatch = call(home, "identity", "certificate", "import", str(chain), str(other))
    assert mismatch.code == 2 and "does not belong to the certificate" in mismatch.stderr
    wrong = call(home, "identity", "certificate", "import", str(chain), str(key))  # no key passphrase given
    assert wrong.code == 2 and "cannot be read" in wrong.stderr
    old_folder = tmp_path / "old"
    old_folder.mkdir()
    old_chain, old_key, _ = write_pki(old_folder, expired=True)
    expired = call(
        home,
        "identity",
        "certificate",
        "import",
        str(old_chain),
        str(old_key),
        "--key-passphrase-env",
        "K",
        env={"K": "key secret"},
    )
    assert expired.code == 2 and "expired" in expired.stderr


def test_local_certificate_status_and_unreachable_tsa(tmp_path: Path) -> None:
    home = tmp_path / "home"
    call(home, "init", "--name", "Ada")
    assert call(home, "identity", "certificate", "show", "--json").json() is None
    work = call(home, "create", "--prompt", "ink", "--seed", "1", "--size", "64x64", "--json").json()["work_id"]
    assert call(home, "seal", work, "-o", str(tmp_path / "a.png")).code == 0
    status = call(home, "identity", "certificate", "show", "--json").json()
    assert status["source"] == "local registry CA" and status["expired"] is False and status["days_left"] >= 390
    offline = call(
        home, "seal", work, "-o", str(tmp_path / "b.png"), env={"ARTPROOF_TSA_URL": "http://127.0.0.1:9/tsa"}
    )
    assert offline.code == 2 and "timestamp authority could not be reached" in offline.stderr
    assert not (tmp_path / "b.png").exists()


@pytest.fixture
def faketime() -> None:
    """libfaketime (Debian's ``faketime``), which ``make test`` installs; required under CI."""
    if shutil.which("faketime") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("faketime is required under CI: make test installs it (scripts/system-deps.sh)")
        pytest.skip("faketime is not installed (apt-get install faketime)")


@pytest.mark.usefixtures("faketime")
def test_expired_certificate_is_judged_at_the_ledger_time(tmp_path: Path) -> None:
    """Sealed in January 2024 with a 397-day certificate, read today: valid by the ledger's proof, not before."""
    home, then = tmp_path / "home", "2024-01-10 09:00:00"
    assert run(home, "init", "--name", "Ada", at=then).code == 0
    work = run(home, "create", "--prompt", "ink", "--seed", "3", "--size", "64x64", "--json", at=then).json()
    target = tmp_path / "old.png"
    sealed = run(home, "seal", work["work_id"], "-o", str(target), at=then)
    assert sealed.code == 0, sealed.stderr

    now = call(home, "inspect", str(target), "--json").json()["c2pa"]
    assert now["validation_state"] == "Trusted", now
    assert now["failures"] == []
    assert "signingCredential.expired" in now["informational"]
    assert "org.artproof.ledgerTime.insideValidity" in now["informational"]
    assert "2024-01-10" in now["explanations"]["org.artproof.ledgerTime.insideValidity"]
    assert now["ledger_seal"]["logged_at"].startswith("2024-01-10")

    # A reader without this ledger cannot know when it was signed: the expiry stands, and says so.
    stranger = call(tmp_path / "stranger", "inspect", str(target), "--json").json()["c2pa"]
    assert stranger["validation_state"] == "Invalid"
    assert stranger["failures"] == ["signingCredential.expired"]

    # A file changed after signing gets no help from the ledger's record of the original claim.
    changed = tmp_path / "changed.png"  # one more chunk: the claim is unchanged but its data hash is not
    changed.write_bytes(with_itxt(target.read_bytes(), "Comment", "changed after signing"))
    c = call(home, "inspect", str(changed), "--json").json()["c2pa"]
    assert c["validation_state"] == "Invalid"
    assert "assertion.dataHash.mismatch" in c["failures"]
