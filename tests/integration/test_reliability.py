"""Nothing lost, nothing false: writes all-or-none, every tampering a verdict, every bad input a clear error."""

from __future__ import annotations

import errno
import io
import json
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

import artproof.editions.service as service_module
from artproof.errors import StorageError
from artproof.store.blobs import storage_error
from tests.conftest import PASSPHRASE
from tests.integration.cli import run
from tests.integration.inproc import call


def _sealed(services: Any, tmp_path: Path, seed: int = 4) -> str:
    manifest = services.studio.create(
        engine="cppn", prompt="fragile", seed=seed, size="512x512", title=None, passphrase=PASSPHRASE
    )
    services.sealing.seal(manifest.work_id, tmp_path / f"m{seed}.png", passphrase=PASSPHRASE)
    return str(manifest.work_id)


def test_a_failure_after_the_commit_keeps_the_files_and_a_rerun_finishes(
    services: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = _sealed(services, tmp_path)
    real = service_module._write

    def full_at_certificates(path: Path, data: bytes) -> None:
        if path.name.endswith(".coa.json"):  # certificates are written after the ledger commit
            raise storage_error(OSError(errno.ENOSPC, "No space left on device"), path)
        real(path, data)

    monkeypatch.setattr(service_module, "_write", full_at_certificates)
    with pytest.raises(StorageError) as failure:
        services.editions.issue(work, tmp_path / "e", count=3, passphrase=PASSPHRASE)
    assert "run the same 'artproof edition issue' again" in failure.value.diagnostics()
    monkeypatch.undo()
    assert len(services.editions.list(work)) == 3  # recorded: never deleted
    staged = [p for p in tmp_path.iterdir() if ".issuing-" in p.name]
    assert len(staged) == 1 and len(list(staged[0].glob("*.png"))) == 3  # kept where the message says
    done = services.editions.issue(work, tmp_path / "e", count=3, passphrase=PASSPHRASE)
    assert sorted(p.name for p in (tmp_path / "e").iterdir()) == sorted(
        [f"fragile-{k}of3.png" for k in (1, 2, 3)] + [f"fragile-{k}of3.coa.json" for k in (1, 2, 3)]
    )
    assert any("interrupted issuance" in n for n in done.notes) and any("6 missing file" in n for n in done.notes)
    assert not [p for p in tmp_path.iterdir() if ".issuing-" in p.name]
    issued = {r.edition_id: r for r in services.editions.list(work)}
    for coa in (tmp_path / "e").glob("*.coa.json"):
        edition = json.loads(coa.read_text())["certificate"]["payload"]["edition_id"]
        png = coa.with_name(coa.name.replace(".coa.json", ".png"))
        assert services.studio.blobs.get(issued[edition].file_blob) == png.read_bytes()


def test_two_issuances_of_one_work_at_once(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert run(home, "init", "--name", "Ada").code == 0
    work = run(home, "create", "--prompt", "race", "--seed", "3", "--size", "512x512", "--json").json()["work_id"]
    assert run(home, "seal", work, "-o", str(tmp_path / "m.png")).code == 0
    results: dict[str, Any] = {}

    def issue(name: str) -> None:
        results[name] = run(home, "edition", "issue", work, "--count", "2", "-o", str(tmp_path / name), "--json")

    threads = [threading.Thread(target=issue, args=(n,)) for n in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    codes = sorted(r.code for r in results.values())
    assert codes == [0, 2], [(r.code, r.stdout[:300]) for r in results.values()]
    loser = next(name for name, r in results.items() if r.code == 2)
    assert "already issued" in results[loser].json()["message"] or "just issued" in results[loser].json()["message"]
    assert not (tmp_path / loser).exists() or not any((tmp_path / loser).iterdir())
    assert len(run(home, "edition", "list", work, "--json").json()) == 2


def test_seal_with_a_failing_ledger_writes_no_file(
    services: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    manifest = services.studio.create(
        engine="cppn", prompt="unlucky", seed=8, size="256x256", title=None, passphrase=PASSPHRASE
    )

    def full(*args: object, **kwargs: object) -> None:
        raise storage_error(OSError(errno.ENOSPC, "No space left on device"), tmp_path)

    monkeypatch.setattr(services.ledger, "append", full)
    with pytest.raises(StorageError):
        services.sealing.seal(manifest.work_id, tmp_path / "sealed.png", passphrase=PASSPHRASE)
    assert not (tmp_path / "sealed.png").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".sealed.png")] == []


def test_outputs_are_checked_before_anything_is_recorded(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert call(home, "init", "--name", "Ada Lovelace").code == 0
    work = call(home, "create", "--prompt", "tide", "--seed", "1", "--size", "256x256", "--json").json()
    before = work["revision"]
    for target, words in [
        ("/sys/sheet.png", "cannot write there"),
        (str(tmp_path / "sheet"), "needs a known extension"),
        (str(tmp_path), "is a folder"),
    ]:
        done = call(home, "vary", work["work_id"], "--count", "2", "--seed", "1", "-o", target)
        assert done.code == 2 and words in done.stderr, (target, done.stderr)
    assert call(home, "work", "show", work["work_id"], "--json").json()["revision"] == before  # nothing recorded
    (tmp_path / "taken.png").write_bytes(b"mine")
    for args in (
        ["seal", work["work_id"], "-o"],
        ["work", "export", work["work_id"], "-o"],
        ["ledger", "proof", work["work_id"], "-o"],
        ["identity", "export-public", "-o"],
    ):
        done = call(home, *args, str(tmp_path / "taken.png"))
        assert done.code == 2 and "--force" in done.stderr, (args, done.stderr)
        assert (tmp_path / "taken.png").read_bytes() == b"mine"
    assert call(home, "work", "export", work["work_id"], "-o", str(tmp_path / "taken.png"), "--force").code == 0
    assert Image.open(tmp_path / "taken.png").size == (256, 256)
    deep = tmp_path / "new" / "folder" / "key.json"
    assert call(home, "identity", "export-public", "-o", str(deep)).code == 0 and deep.exists()  # parents made
    assert oct(deep.stat().st_mode & 0o777) == "0o644"


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["init", "--name", "Evil\x1b[2J"], "control character"),
        (["init", "--name", "Two\nLines"], "control character"),
    ],
)
def test_names_with_control_characters_are_refused(tmp_path: Path, args: list[str], words: str) -> None:
    done = call(tmp_path / "home", *args)
    assert done.code == 2 and words in done.stderr


def test_a_short_passphrase_is_refused(tmp_path: Path) -> None:
    done = call(tmp_path / "home", "init", "--name", "Ada", passphrase="x")
    assert done.code == 2 and "at least 8 characters" in done.stderr


def test_no_passphrase_and_stdin_closed_is_exit_6(tmp_path: Path) -> None:
    env = {"ARTPROOF_HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin"}
    for args in (["init", "--name", "Ada"], ["create", "--prompt", "x", "--seed", "1"]):
        done = subprocess.run(
            [sys.executable, "-m", "artproof.cli.app", *args], env=env, stdin=subprocess.DEVNULL,
            capture_output=True, text=True, timeout=120, close_fds=True,
        )  # fmt: skip
        closed = subprocess.run(
            ["bash", "-c", f'"{sys.executable}" -m artproof.cli.app {" ".join(args)} <&-'],
            env=env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        for result in (done, closed):
            assert result.returncode in (6,), (args, result.stderr)
            assert "Traceback" not in result.stderr and "ARTPROOF_PASSPHRASE" in result.stderr


def test_bad_transfer_dates_and_addresses_are_refused(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert call(home, "init", "--name", "Ada").code == 0
    work = call(home, "create", "--prompt", "dates", "--seed", "5", "--size", "512x512", "--json").json()["work_id"]
    assert call(home, "seal", work, "-o", str(tmp_path / "m.png")).code == 0
    issued = call(home, "edition", "issue", work, "--count", "1", "-o", str(tmp_path / "e"), "--json").json()
    edition = issued["editions"][0]["edition_id"]
    for date in ("2026-13-45", "yesterday", "", "2026-02-30", "2020-01-01", "2999-01-01"):
        done = call(home, "transfer", edition, "--to", "Grace", "--date", date)
        assert done.code == 2 and "date" in done.stderr, (date, done.stderr)
    for owner in ("Grace <no email>", "Grace <grace@localhost>", "Grace\x1b[31m <g@example.org>"):
        done = call(home, "transfer", edition, "--to", owner)
        assert done.code == 2, (owner, done.stderr)
    assert call(home, "edition", "show", edition, "--json").json()["transfers"] == []  # nothing was signed


def test_text_from_files_is_escaped(tmp_path: Path) -> None:
    """A prompt that clears the screen and fakes a verdict line is printed inert."""
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("parameters", "x\x1b[2J\nAUTHENTIC EDITION\nSteps: 5, Sampler: Euler, Seed: 1, Size: 64x64")
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), "olive").save(buffer, format="PNG", pnginfo=info)
    (tmp_path / "evil.png").write_bytes(buffer.getvalue())
    shown = call(tmp_path / "home", "inspect", str(tmp_path / "evil.png"))
    assert "\x1b" not in shown.stdout and "\\x1b[2J\\x0aAUTHENTIC EDITION" in shown.stdout
    verdict = call(tmp_path / "home", "verify", str(tmp_path / "evil.png"))
    assert "\x1b" not in verdict.stdout


def test_an_interrupted_folder_import_resumes(tmp_path: Path) -> None:
    home, folder = tmp_path / "home", tmp_path / "renders"
    folder.mkdir()
    for k, colour in enumerate(("navy", "teal", "olive")):
        Image.new("RGB", (96, 64), colour).save(folder / f"r{k}.png")
    assert call(home, "init", "--name", "Ada").code == 0
    first = call(home, "import", str(folder / "r0.png"), "--json").json()  # as if it stopped after one file
    again = call(home, "import", str(folder), "--json").json()
    by_file = {Path(r["file"]).name: r for r in again}
    assert by_file["r0.png"]["skipped"] is True and by_file["r0.png"]["work_id"] == first[0]["work_id"]
    assert "already imported" in by_file["r0.png"]["warnings"][0]
    assert [by_file[f"r{k}.png"]["skipped"] for k in (1, 2)] == [False, False]
    assert len(call(home, "work", "list", "--json").json()) == 3
    copy = call(home, "import", str(folder / "r0.png"), "--again", "--json").json()
    assert copy[0]["skipped"] is False and copy[0]["work_id"] != first[0]["work_id"]


@pytest.fixture(scope="module")
def issued(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("issued")
    home = root / "home"
    assert call(home, "init", "--name", "Ada").code == 0
    work = call(home, "create", "--prompt", "orient", "--seed", "9", "--size", "640x512", "--json").json()["work_id"]
    assert call(home, "seal", work, "-o", str(root / "m.png")).code == 0
    done = call(home, "edition", "issue", work, "--count", "2", "-o", str(root / "e"), "--json")
    assert done.code == 0, done.stderr
    return {"home": home, "root": root, "work": work, "editions": done.json()["editions"]}


def test_an_edition_with_an_exif_orientation_verifies(issued: dict[str, Any], tmp_path: Path) -> None:
    """Stored sideways with an orientation tag (displayed upright): the picture people see is checked."""
    upright = Image.open(next((issued["root"] / "e").glob("*-1of2.png"))).convert("RGB")
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise to display
    upright.transpose(Image.Transpose.ROTATE_90).save(tmp_path / "phone.jpg", quality=90, exif=exif.tobytes())
    doc = call(issued["home"], "verify", str(tmp_path / "phone.jpg"), "--json").json()
    assert doc["verdict"] == "authentic_edition" and doc["edition"]["number"] == 1


def test_a_folder_always_ends_with_its_table_and_the_worst_code(issued: dict[str, Any], tmp_path: Path) -> None:
    home, root = issued["home"], issued["root"]
    folder = tmp_path / "inbox"
    folder.mkdir()
    Image.new("RGB", (300, 200), "teal").save(folder / "stranger.png")  # unverified (3)
    (folder / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 not a jpeg")  # unreadable (2)
    Image.new("RGB", (120, 80), "gold").save(folder / "animation.gif")  # GIFs are checked in folders too
    done = call(home, "verify", str(folder), "--json")
    verdicts = {Path(d["file"]).name: d["verdict"] for d in done.json()}
    assert verdicts == {"stranger.png": "unverified", "broken.jpg": "unreadable", "animation.gif": "unverified"}
    assert done.code == 2  # unreadable outranks unverified
    forged = json.loads(next((root / "e").glob("*-2of2.coa.json")).read_text())
    forged["certificate"]["payload"]["edition"]["count"] = 20
    (tmp_path / "forged.coa.json").write_text(json.dumps(forged))
    (folder / "two.png").write_bytes(next((root / "e").glob("*-2of2.png")).read_bytes())
    table = call(home, "verify", str(folder), "--certificate", str(tmp_path / "forged.coa.json"))
    assert table.code == 4  # tampered outranks unreadable
    assert "tampered" in table.stdout and "unreadable" in table.stdout  # the table is printed, not an abort


def test_altered_registry_records_read_tampered(issued: dict[str, Any], tmp_path: Path) -> None:
    from sqlalchemy import create_engine, text

    home, root = issued["home"], issued["root"]
    edition_file = next((root / "e").glob("*-1of2.png"))
    engine = create_engine(f"sqlite:///{home / 'artproof.db'}")
    with engine.begin() as c:
        row = c.execute(text("select manifest from works where work_id = :w"), {"w": issued["work"]}).one()
        manifest = json.loads(row.manifest)
        manifest["payload"]["title"] = "A Better Title"  # the signature no longer holds
        c.execute(
            text("update works set manifest = :m where work_id = :w"), {"m": json.dumps(manifest), "w": issued["work"]}
        )
    try:
        doc = call(home, "verify", str(edition_file), "--json").json()
        assert doc["verdict"] == "tampered" and "signed record" in doc["headline"] and "altered" in doc["headline"]
    finally:
        with engine.begin() as c:
            c.execute(
                text("update works set manifest = :m where work_id = :w"), {"m": row.manifest, "w": issued["work"]}
            )
    with engine.begin() as c:
        cert = c.execute(text("select certificate from editions where number = 1 and artist_proof = 0")).scalar_one()
        edited = json.loads(cert)
        edited["payload"]["edition"]["count"] = 200
        c.execute(text("update editions set certificate = :c where number = 1"), {"c": json.dumps(edited)})
    doc = call(home, "verify", str(edition_file), "--json").json()
    assert doc["verdict"] == "tampered" and "altered" in doc["headline"], doc["headline"]


def test_damaged_signing_files_and_keys_give_messages_not_tracebacks(tmp_path: Path) -> None:
    import shutil
    import sqlite3

    home = tmp_path / "home"
    assert call(home, "init", "--name", "Ada").code == 0
    work = call(home, "create", "--prompt", "pki", "--seed", "2", "--size", "256x256", "--json").json()["work_id"]
    assert call(home, "seal", work, "-o", str(tmp_path / "one.png")).code == 0
    (home / "pki" / "signer.key").unlink()
    again = call(home, "seal", work, "-o", str(tmp_path / "two.png"))
    assert again.code == 0 and "signer.key was missing" in again.stderr
    shutil.rmtree(home / "pki")
    fresh = call(home, "seal", work, "-o", str(tmp_path / "three.png"))
    assert fresh.code == 0 and "a new signing CA was made" in fresh.stderr and "restore" in fresh.stderr
    earlier = call(home, "inspect", str(tmp_path / "one.png"), "--json").json()["c2pa"]
    assert earlier["validation_state"] == "Trusted"  # sealed under the old CA, still trusted in this home
    (home / "pki" / "ca.pem").unlink()
    broken = call(home, "seal", work, "-o", str(tmp_path / "four.png"))
    assert broken.code == 6 and "ca.pem" in broken.stderr and "backup" in broken.stderr
    with sqlite3.connect(home / "artproof.db") as db:
        db.execute("update identities set secret = 'garbage'")
    damaged = call(home, "edit", work, "resize", "--size", "128x128")
    assert damaged.code == 4 and "damaged" in damaged.stderr and "Traceback" not in damaged.stderr
    with sqlite3.connect(home / "artproof.db") as db:
        db.execute("update identities set secret = NULL")
    missing = call(home, "edit", work, "resize", "--size", "128x128")
    assert missing.code == 4 and "missing" in missing.stderr


def test_titles_and_file_names_never_reach_the_terminal_raw(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert call(home, "init", "--name", "Ada").code == 0
    refused = call(home, "create", "--prompt", "x", "--seed", "1", "--size", "64x64", "--title", "Evil\x1b[2J")
    assert refused.code == 2 and "control character" in refused.stderr
    odd = tmp_path / "render\x1b[31m[bold]red.png"
    Image.new("RGB", (64, 64), "teal").save(odd, format="PNG")
    imported = call(home, "import", str(odd))
    assert imported.code == 0 and "\x1b" not in imported.stdout
    listed = call(home, "work", "list")
    assert "\x1b" not in listed.stdout and "[bold]" in listed.stdout  # control characters gone, markup shown as text
