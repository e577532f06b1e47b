"""Bad input: a clear one-line message, a non-zero exit, nothing half-written."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.integration.inproc import call as run


@pytest.fixture
def home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    assert run(home, "init", "--name", "Ada").code == 0
    return home


def make_work(home: Path) -> str:
    result = run(home, "create", "--prompt", "ember and ash", "--seed", "3", "--size", "96x96", "--json")
    assert result.code == 0, result.stderr
    return str(result.json()["work_id"])


def steps_in_db(home: Path) -> int:
    with sqlite3.connect(home / "artproof.db") as db:
        return int(db.execute("SELECT count(*) FROM steps").fetchone()[0])


def single_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    assert len(lines) == 1, text
    return lines[0]


def test_unknown_work(home: Path) -> None:
    result = run(home, "work", "show", "nosuchwork")
    assert result.code == 2
    assert "no such work" in single_line(result.stderr) and "nosuchwork" in result.stderr


@pytest.mark.parametrize("size", ["9000x100", "10x10", "big"])
def test_out_of_range_or_malformed_size(home: Path, size: str) -> None:
    result = run(home, "create", "--prompt", "x", "--seed", "1", "--size", size)
    assert result.code == 2
    assert (size in single_line(result.stderr) and "64 to 8192" in result.stderr) or "WIDTHxHEIGHT" in result.stderr
    assert steps_in_db(home) == 0


def test_negative_count_and_bad_choice(home: Path) -> None:
    work = make_work(home)
    result = run(home, "vary", work, "--count", "-3", "--seed", "1")
    assert result.code == 2 and "count" in single_line(result.stderr) and "-3" in result.stderr
    no_candidates = run(home, "select", work, "c1")
    assert no_candidates.code == 2 and "no candidates" in no_candidates.stderr
    run(home, "vary", work, "--count", "2", "--seed", "1")
    wrong = run(home, "select", work, "c7")
    assert wrong.code == 2 and "c1..c2" in single_line(wrong.stderr)
    assert steps_in_db(home) == 2


def test_crop_outside_image(home: Path) -> None:
    work = make_work(home)
    result = run(home, "edit", work, "crop", "--box", "0,0,500,50")
    assert result.code == 2 and "outside the 96x96 image" in single_line(result.stderr)
    assert steps_in_db(home) == 1


def test_wrong_passphrase(home: Path) -> None:
    work = make_work(home)
    result = run(home, "edit", work, "crop", "--box", "0,0,50,50", passphrase="not it")
    assert result.code == 5
    assert "passphrase is wrong" in single_line(result.stderr)
    assert steps_in_db(home) == 1


def test_missing_passphrase_without_a_terminal(home: Path) -> None:
    result = run(home, "create", "--prompt", "x", "--seed", "1", passphrase=None)
    assert result.code == 6 and "ARTPROOF_PASSPHRASE" in single_line(result.stderr)


def test_missing_init(tmp_path: Path) -> None:
    result = run(tmp_path / "empty", "create", "--prompt", "x", "--seed", "1", "--size", "64x64")
    assert result.code == 6
    assert "artproof init" in single_line(result.stderr)


def test_init_twice_is_refused(home: Path) -> None:
    result = run(home, "init", "--name", "Again")
    assert result.code == 6 and "already exists" in single_line(result.stderr)


def test_unwritable_data_directory(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    result = run(blocker / "home", "init", "--name", "Ada")  # fails even for root
    assert result.code == 7
    assert "cannot be written" in single_line(result.stderr) and "ARTPROOF_HOME" in result.stderr


def test_json_errors_are_one_document(home: Path) -> None:
    result = run(home, "work", "show", "nope", "--json")
    assert result.code == 2
    assert result.json()["error"] == "NotFound"


def test_corrupted_blob_is_reported(home: Path) -> None:
    work = make_work(home)
    blobs = [p for p in (home / "blobs").rglob("*") if p.is_file()]
    assert len(blobs) == 1
    blobs[0].write_bytes(blobs[0].read_bytes()[:100])  # truncated on disk
    edit = run(home, "edit", work, "crop", "--box", "0,0,50,50")
    assert edit.code == 4 and "corrupt" in single_line(edit.stderr)
    replay = run(home, "replay", work, "--json")
    assert replay.code == 4
    [step] = replay.json()["steps"]
    assert step["status"] == "error" and "corrupt" in step["detail"]
    assert steps_in_db(home) == 1


def test_tampered_manifest_is_refused(home: Path) -> None:
    work = make_work(home)
    with sqlite3.connect(home / "artproof.db") as db:
        manifest = db.execute("SELECT manifest FROM works").fetchone()[0]
        db.execute("UPDATE works SET manifest = ?", (manifest.replace('"seed":3', '"seed":4'),))
    result = run(home, "work", "show", work)
    assert result.code == 4
    assert "changed after signing" in single_line(result.stderr)


def test_unknown_operation_version_in_a_record(home: Path) -> None:
    """A record from a newer artproof: replay says which operation it lacks."""
    import json

    from artproof.core.keys import decrypt_private_key
    from artproof.provenance.manifest import build_manifest, sign_manifest
    from artproof.provenance.model import Step, WorkManifest
    from artproof.services import build_services
    from artproof.settings import Settings

    work = make_work(home)
    svc = build_services(Settings.from_env({"ARTPROOF_HOME": str(home)}))
    manifest = svc.studio.manifest(work)
    me = svc.identities.me()
    assert me.secret is not None
    key = decrypt_private_key(me.secret, "pw-for-tests")
    body = manifest.steps[0].model_dump(mode="json") | {"version": "9.0.0"}
    forged_step = Step.create(**{k: v for k, v in body.items() if k != "step_id"})
    forged = build_manifest(
        **{
            **{
                k: getattr(manifest, k)
                for k in ("work_id", "title", "artist", "created_at", "revision", "assets", "master")
            },
            "steps": [forged_step],
        }
    )
    signed = sign_manifest(forged, key)
    with sqlite3.connect(home / "artproof.db") as db:
        db.execute("UPDATE works SET manifest = ?", (signed.model_dump_json(),))
    result = run(home, "replay", work, "--json")
    assert result.code == 4
    [step] = result.json()["steps"]
    assert step["status"] == "error" and "no version 9.0.0" in step["detail"]
    assert isinstance(WorkManifest.model_validate(json.loads(signed.model_dump_json())["payload"]), WorkManifest)


def test_a_database_it_cannot_read_gives_a_message_not_a_traceback(home: Path) -> None:
    """A database from another version (here: the editions table dropped behind artproof's back)."""
    with sqlite3.connect(home / "artproof.db") as db:
        db.execute("DROP TABLE transfers")
        db.execute("DROP TABLE editions")
    result = run(home, "edition", "list", "anything-at-all", "--json")
    assert result.code in (2, 7)  # the work lookup may fail first (2); a database error is 7, never a crash
    result = run(home, "verify", str(home / "artproof.db"), "--json")
    assert result.code == 2
    work = run(home, "create", "--prompt", "p", "--seed", "1", "--size", "64x64", "--json").json()["work_id"]
    listed = run(home, "edition", "list", work, "--json")
    assert listed.code == 7 and "Traceback" not in listed.stderr
    assert "database cannot be read" in listed.json()["message"]
