"""A registry beyond one machine: blobs in an S3-compatible object store, jobs queued in PostgreSQL and
run by ``artproof worker`` (killed mid-job and retried without duplicates), and ``artproof doctor``."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import boto3
from PIL import Image
from sqlalchemy import create_engine, text

from artproof.store.objectstore import S3BlobStore
from tests.integration.inproc import call
from tests.integration.test_seal_imports import a1111

ROOT = Path(__file__).parents[2]


def _objects(bucket_url: str) -> list[str]:
    bucket, prefix = bucket_url.removeprefix("s3://").split("/", 1)
    listed = boto3.client("s3").list_objects_v2(Bucket=bucket, Prefix=prefix)
    return [o["Key"] for o in listed.get("Contents", [])]


def test_an_imported_render_lives_in_the_object_store_and_its_editions_verify(
    external: Path, s3: dict[str, str], tmp_path: Path
) -> None:
    home = tmp_path / "artist"
    name, data = a1111(external)
    source = tmp_path / name
    source.write_bytes(data)
    assert call(home, "init", "--name", "Ada Lovelace", env=s3).code == 0
    imported = call(home, "import", str(source), "--json", env=s3)
    assert imported.code == 0, imported.stderr
    work = imported.json()[0]["work_id"]
    assert call(home, "seal", work, "-o", str(tmp_path / "master.png"), env=s3).code == 0
    issued = call(home, "edition", "issue", work, "--count", "2", "-o", str(tmp_path / "editions"), "--json", env=s3)
    assert issued.code == 0, issued.stderr
    keys = _objects(s3["ARTPROOF_BLOB_URL"])
    assert len(keys) == 5, keys  # the imported picture, the set's base and reading reference, two edition files
    assert all(k.startswith("registry/sha256/") for k in keys)
    assert not (home / "blobs").exists() or not any((home / "blobs").rglob("*"))  # nothing went to the folder
    copy = tmp_path / "copy.jpg"
    edition = next((tmp_path / "editions").glob("*-2of2.png"))
    Image.open(edition).convert("RGB").save(copy, quality=80)
    verdict = call(home, "verify", str(copy), "--json", env=s3)
    assert verdict.json()["verdict"] == "authentic_edition", verdict.json()["headline"]
    assert verdict.json()["edition"]["number"] == 2

    # an object changed in the bucket is reported, never served
    store = S3BlobStore(s3["ARTPROOF_BLOB_URL"])
    master = store.key_of(call(home, "work", "show", work, "--json", env=s3).json()["master"])
    assert master in keys
    boto3.client("s3").put_object(Bucket=store.bucket, Key=master, Body=b"not the picture")
    exported = call(home, "work", "export", work, "-o", str(tmp_path / "again.png"), env=s3)
    assert exported.code != 0 and "corrupt" in exported.stderr, exported.stderr
    assert not (tmp_path / "again.png").exists()


def test_doctor_on_a_default_home_and_on_broken_deployments(s3: dict[str, str], tmp_path: Path) -> None:
    healthy = call(tmp_path / "home", "doctor", "--json", passphrase=None)
    assert healthy.code == 0, healthy.stdout
    checks = {c["name"]: c for c in healthy.json()["checks"]}
    assert set(checks) == {"versions", "database", "ledger", "job queue", "blob store"}
    assert all(c["status"] == "ok" for c in checks.values()), checks
    assert "schema" in checks["database"]["detail"] and "writable" in checks["blob store"]["detail"]

    on_s3 = call(tmp_path / "home", "doctor", "--json", passphrase=None, env=s3)
    assert on_s3.code == 0 and "reachable" in {c["name"]: c for c in on_s3.json()["checks"]}["blob store"]["detail"]

    no_bucket = call(
        tmp_path / "home", "doctor", "--json", passphrase=None, env={"ARTPROOF_BLOB_URL": "s3://no-such-bucket/x"}
    )
    assert no_bucket.code == 1
    blob = {c["name"]: c for c in no_bucket.json()["checks"]}["blob store"]
    assert blob["status"] == "fail" and "no such bucket" in blob["detail"], blob
    assert no_bucket.json()["healthy"] is False

    no_database = call(
        tmp_path / "home", "doctor", passphrase=None,
        env={"ARTPROOF_DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:9/none"},
    )  # fmt: skip
    assert no_database.code == 1 and "fail" in no_database.stdout and "database" in no_database.stdout
    assert "Traceback" not in no_database.stdout + no_database.stderr


def _worker(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "artproof.cli.app", "worker", *args],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip


def test_a_queued_issuance_survives_its_worker_being_killed(
    postgres_url: str, s3: dict[str, str], tmp_path: Path
) -> None:
    """Several processes on one PostgreSQL and one bucket: the CLI queues, a worker is killed mid-job,
    another takes the job over; one edition set, one ledger entry per edition, every file there."""
    home = tmp_path / "registry"
    env = {"ARTPROOF_DATABASE_URL": postgres_url, **s3}
    assert call(home, "init", "--name", "Ada Lovelace", env=env).code == 0
    work = call(home, "create", "--prompt", "tide pools", "--seed", "7", "--size", "640x576", "--json", env=env).json()
    work_id = work["work_id"]
    assert call(home, "seal", work_id, "-o", str(tmp_path / "master.png"), env=env).code == 0
    folder = tmp_path / "editions"
    queued = call(home, "edition", "issue", work_id, "--count", "6", "--queue", "-o", str(folder), "--json", env=env)
    assert queued.code == 0, queued.stderr
    job_id = queued.json()["job_id"]
    assert queued.json()["state"] == "queued" and not folder.exists()

    process_env = {**os.environ, "ARTPROOF_HOME": str(home), "ARTPROOF_PASSPHRASE": "pw-for-tests", **env}
    first = _worker(process_env)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:  # kill it once the job is under way
        shown = call(home, "job", "show", job_id, "--json", env=env).json()
        if shown["state"] == "running" and shown["done"] >= 1:
            break
        assert first.poll() is None, first.communicate()
        time.sleep(0.2)
    else:
        raise AssertionError(f"the job never started: {shown}")
    os.killpg(first.pid, signal.SIGKILL)
    first.wait(timeout=30)
    assert call(home, "job", "show", job_id, "--json", env=env).json()["state"] == "running"  # orphaned

    check = call(home, "verify", str(tmp_path / "master.png"), "--queue", "--json", env=env).json()
    second = _worker(process_env, "--concurrency", "2", "--until-empty")  # takes both jobs, one each
    _out, err = second.communicate(timeout=300)
    assert second.returncode == 0, err[-3000:]
    done = call(home, "job", "show", job_id, "--json", env=env).json()
    assert done["state"] == "done", done
    assert done["attempts"] == 2 and done["done"] == done["total"] == 6
    assert len(done["result"]["editions"]) == 6
    listed = call(home, "edition", "list", work_id, "--json", env=env).json()
    assert sorted(e["number"] for e in listed) == [1, 2, 3, 4, 5, 6]
    with create_engine(postgres_url).connect() as c:  # one entry per edition in the log: nothing twice
        kinds = dict(c.execute(text("SELECT kind, count(*) FROM ledger_entries GROUP BY kind")).all())
        ids = c.execute(text("SELECT count(DISTINCT entry_id) = count(*) FROM ledger_entries")).scalar_one()
    assert kinds["edition.issued"] == 6 and ids, kinds
    verified = call(home, "job", "show", check["job_id"], "--json", env=env).json()
    assert verified["state"] == "done" and verified["attempts"] == 1, verified
    assert [r["verdict"] for r in verified["result"]] == ["registered_work"], verified["result"]
    assert len(list(folder.glob("*.png"))) == 6 and len(list(folder.glob("*.coa.json"))) == 6
    verdict = call(home, "verify", str(next(folder.glob("*-3of6.png"))), "--json", env=env).json()
    assert verdict["verdict"] == "authentic_edition" and verdict["edition"]["number"] == 3
