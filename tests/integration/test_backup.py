"""backup create / verify / restore: a round trip loses nothing (database rows, pictures, keys, collection,
documents); a wrong passphrase, a truncated, damaged or foreign file is refused and nothing is written."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

from tests.integration.inproc import call


def _files(home: Path) -> dict[str, str]:
    return {
        p.relative_to(home).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in home.rglob("*")
        if p.is_file() and not p.name.startswith("artproof.db")
    }


def _rows(database: Path) -> dict[str, list[tuple[object, ...]]]:
    with sqlite3.connect(database) as db:
        names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        return {n: sorted(db.execute(f'SELECT * FROM "{n}"').fetchall(), key=repr) for n in names}


def test_a_backup_round_trip_loses_nothing(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert call(home, "init", "--name", "Ada Quillfeather").code == 0
    work = call(home, "create", "--prompt", "tide", "--seed", "2", "--size", "640x512", "--json").json()["work_id"]
    assert call(home, "seal", work, "-o", str(tmp_path / "m.png")).code == 0
    assert call(home, "edition", "issue", work, "--count", "2", "-o", str(tmp_path / "ed")).code == 0
    assert call(home, "model", "add", "--sha256", "ab" * 32, "--name", "Mine").code == 0
    edition = next((tmp_path / "ed").glob("*1of2.png"))
    item = call(home, "catalog", "add", str(edition), "--price", "900", "--currency", "EUR", "--json").json()["item"]
    (tmp_path / "invoice.pdf").write_bytes(b"%PDF-1.4\n% the invoice\n")
    assert (
        call(home, "catalog", "attach", item["item_id"], str(tmp_path / "invoice.pdf"), "--kind", "receipt").code == 0
    )
    backup = tmp_path / "home.backup"
    made = call(home, "backup", "create", "-o", str(backup), "--json")
    assert made.code == 0, made.stderr
    assert backup.stat().st_mode & 0o777 == 0o600
    sealed = backup.read_bytes()
    assert b"Quillfeather" not in sealed and work.encode() not in sealed  # encrypted (12 bytes: never by chance)
    checked = call(home, "backup", "verify", str(backup), "--json").json()
    assert checked["files"] == made.json()["files"] and checked["tables"]["works"] == 1
    restored = tmp_path / "restored"
    done = call(restored, "backup", "restore", str(backup), "--json")
    assert done.code == 0, done.stderr
    assert _files(restored) == _files(home)  # every picture, key, certificate and pin
    assert _rows(restored / "artproof.db") == _rows(home / "artproof.db")  # every row
    assert call(restored, "replay", work).code == 0
    assert call(restored, "model", "show", "Mine").code == 0
    events = call(restored, "catalog", "show", item["item_id"], "--json").json()["events"]
    assert [e["kind"] for e in events] == ["acquired", "document"]  # the catalog and its documents
    assert call(restored, "verify", str(edition), "--json").json()["verdict"] == "authentic_edition"
    assert call(restored, "create", "--prompt", "after", "--seed", "1", "--size", "64x64").code == 0  # keys unlock


def test_bad_backups_are_refused_and_nothing_is_written(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert call(home, "init", "--name", "Ada").code == 0
    assert call(home, "create", "--prompt", "tide", "--seed", "2", "--size", "128x96").code == 0
    backup = tmp_path / "home.backup"
    assert call(home, "backup", "create", "-o", str(backup)).code == 0
    data = backup.read_bytes()
    target = tmp_path / "target"
    wrong = call(target, "backup", "restore", str(backup), passphrase="another passphrase")
    assert wrong.code == 5 and "does not open this backup" in wrong.stderr
    (tmp_path / "cut.backup").write_bytes(data[: len(data) - 100])
    damaged = bytearray(data)
    damaged[len(data) // 2] ^= 0x40
    (tmp_path / "damaged.backup").write_bytes(bytes(damaged))
    for name, words in (("cut.backup", "cut short"), ("damaged.backup", "does not authenticate")):
        refused = call(target, "backup", "restore", str(tmp_path / name))
        assert refused.code == 4 and words in refused.stderr, (name, refused.stderr)
        assert call(target, "backup", "verify", str(tmp_path / name)).code == 4
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0 not a backup")
    assert call(target, "backup", "verify", str(tmp_path / "photo.jpg")).code == 2
    assert not target.exists() or not any(target.iterdir())  # no half-restored home
    assert not list(tmp_path.glob(".target.restoring-*"))  # and no leftovers beside it
    busy = call(home, "backup", "restore", str(backup))
    assert busy.code == 2 and "not empty" in busy.stderr
    assert call(home, "backup", "create", "-o", str(backup)).code == 2  # never overwritten without --force
