"""pack --bundle and verify --bundle: everything a collector needs, checked offline in an empty home; every
tampering of the bundle is a failure with its reason; unsafe zips are refused before anything is read."""

from __future__ import annotations

import json
import stat
import zipfile
from pathlib import Path

import pytest

from tests.integration.inproc import call


@pytest.fixture(scope="module")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("bundle")
    home = root / "home"
    assert call(home, "init", "--name", "Ada Lovelace").code == 0
    work_id = call(home, "create", "--prompt", "tide pools", "--seed", "7", "--size", "640x512", "--json").json()[
        "work_id"
    ]
    assert call(home, "seal", work_id, "-o", str(root / "master.png")).code == 0
    issued = call(home, "edition", "issue", work_id, "--count", "2", "-o", str(root / "ed"), "--json").json()
    edition = issued["editions"][0]["edition_id"]
    made = call(home, "pack", edition, "--bundle", "-o", str(root / "edition.zip"), "--json")
    assert made.code == 0, made.stderr
    other = call(home, "create", "--prompt", "salt marsh", "--seed", "8", "--size", "320x256", "--json").json()[
        "work_id"
    ]
    assert call(home, "pack", other, "--bundle", "-o", str(root / "work.zip")).code == 0
    return {"root": root, "home": home, "edition_zip": root / "edition.zip", "work_zip": root / "work.zip",
            "edition_file": next((root / "ed").glob("*1of2.png"))}  # fmt: skip


def _rewrite(
    source: Path, target: Path, change: dict[str, bytes | None], extra: dict[str, bytes] | None = None
) -> Path:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            if info.filename in change:
                if change[info.filename] is not None:
                    new.writestr(info.filename, change[info.filename])  # type: ignore[arg-type]
            else:
                new.writestr(info, old.read(info.filename))
        for name, data in (extra or {}).items():
            new.writestr(name, data)
    return target


def test_a_bundle_checks_in_an_empty_home_without_a_database(bundled: dict[str, Path], tmp_path: Path) -> None:
    stranger = tmp_path / "stranger"
    checked = call(stranger, "verify", "--bundle", str(bundled["edition_zip"]), "--json")
    assert checked.code == 0, checked.stdout
    report = checked.json()
    assert report["ok"] and report["failures"] == [] and report["subject"]["edition_id"]
    text = " ".join(report["checks"])
    for words in ("index signed by the artist key", "each the SHA-256 the artist signed", "certificate of edition",
                  "proved against the signed checkpoint", "exactly the pixels the certificate names",
                  "on no trust list of this home (not a failure"):  # fmt: skip
        assert words in text, words
    assert not (stranger / "artproof.db").exists()  # no database for the bundle itself
    work = call(stranger, "verify", "--bundle", str(bundled["work_zip"]), "--json")
    said = " ".join(work.json()["checks"])
    assert work.code == 0 and "registration of this record is ledger entry" in said
    assert "master.png's Content Credentials are intact, signed by Ada Lovelace" in said  # sealed for the bundle
    assert "edition.png's Content Credentials are intact" in text
    with_file = call(
        stranger, "verify", "--bundle", str(bundled["edition_zip"]), str(bundled["edition_file"]), "--json"
    )
    assert with_file.code == 0 and with_file.json()["file"]["verdict"] == "authentic_edition"


def test_every_tampering_of_a_bundle_is_a_failure_with_its_reason(bundled: dict[str, Path], tmp_path: Path) -> None:
    source = bundled["edition_zip"]
    with zipfile.ZipFile(source) as archive:
        coa = json.loads(archive.read("certificate.coa.json"))
        pdf = archive.read("pack.pdf")
    coa["certificate"]["payload"]["edition"]["count"] = 200
    cases = {
        "pdf": ({"pack.pdf": pdf + b"%an edit\n"}, None, "pack.pdf is not the file the artist signed"),
        "removed": ({"log.pub": None}, None, "log.pub is listed in the index but missing"),
        "added": ({}, {"notes.txt": b"hello"}, "notes.txt is in the bundle but not in the signed index"),
        "coa": ({"certificate.coa.json": json.dumps(coa).encode()}, None, "certificate.coa.json is not the file"),
    }
    for label, (change, extra, words) in cases.items():
        target = _rewrite(source, tmp_path / f"{label}.zip", change, extra)
        result = call(tmp_path / "stranger", "verify", "--bundle", str(target), "--json")
        assert result.code == 4, (label, result.stdout)
        assert any(words in f for f in result.json()["failures"]), (label, result.json()["failures"])


def test_unsafe_zips_are_refused_before_anything_is_read(bundled: dict[str, Path], tmp_path: Path) -> None:
    traversal = tmp_path / "traversal.zip"
    with zipfile.ZipFile(traversal, "w") as archive:
        archive.writestr("../evil.txt", b"x")
    link = tmp_path / "link.zip"
    with zipfile.ZipFile(link, "w") as archive:
        info = zipfile.ZipInfo("index.json")
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(info, b"/etc/passwd")
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("pack.pdf", b"\0" * 50_000_000)
    for path, words in ((traversal, "unsafe name"), (link, "link"), (bomb, "compression bomb")):
        result = call(tmp_path / "stranger", "verify", "--bundle", str(path), "--json")
        assert result.code == 4 and words in " ".join(result.json()["failures"]), (path.name, result.stdout)
    assert not (tmp_path / "evil.txt").exists()
    (tmp_path / "not.zip").write_bytes(b"%PDF-1.4 not a zip")
    refused = call(tmp_path / "stranger", "verify", "--bundle", str(tmp_path / "not.zip"))
    assert refused.code == 2 and "not a zip file" in refused.stderr


def test_a_bundle_with_another_log_key_than_the_one_pinned_fails(bundled: dict[str, Path], tmp_path: Path) -> None:
    stranger = tmp_path / "stranger"
    assert call(stranger, "verify", "--bundle", str(bundled["edition_zip"])).code == 0  # pins the log's key
    with zipfile.ZipFile(bundled["edition_zip"]) as archive:
        vkey = archive.read("log.pub").decode().strip()
    name, _, rest = vkey.partition("+")
    keyhash, _, key = rest.partition("+")
    import base64

    raw = bytearray(base64.b64decode(key))
    raw[-1] ^= 1
    forged = f"{name}+{keyhash}+{base64.b64encode(bytes(raw)).decode()}\n".encode()
    target = _rewrite(bundled["edition_zip"], tmp_path / "forged-log.zip", {"log.pub": forged})
    result = call(stranger, "verify", "--bundle", str(target), "--json")
    assert result.code == 4 and result.json()["failures"]
