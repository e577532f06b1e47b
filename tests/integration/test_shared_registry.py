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
from tests.integration.test_seal_imports import a1111, picture

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

    queue_on_sqlite = call(tmp_path / "home", "doctor", "--json", passphrase=None, env={"ARTPROOF_JOBS": "queue"})
    assert queue_on_sqlite.code == 1
    assert {c["name"]: c for c in queue_on_sqlite.json()["checks"]}["job queue"]["status"] == "fail"
    for command in (["worker"], ["edition", "issue", "w", "--count", "1", "-o", str(tmp_path / "e"), "--queue"]):
        refused = call(tmp_path / "home", *command)
        assert refused.code != 0 and "needs the shared registry's PostgreSQL" in refused.stderr, refused.stderr

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
    queued = call(home, "edition", "issue", work_id, "--count", "4", "--queue", "-o", str(folder), "--json", env=env)
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
    picture(3).save(tmp_path / "render.png")
    imported = call(home, "import", str(tmp_path / "render.png"), "--queue", "--json", env=env).json()
    packed = call(home, "pack", work_id, "-o", str(tmp_path / "pack.pdf"), "--queue", "--json", env=env).json()
    # an app process that died between writing a job's row and queueing it, a minute ago: the row is found
    with create_engine(postgres_url).begin() as c:
        c.execute(text(
            "INSERT INTO jobs VALUES ('job_orphan', 'verify.folder', :args, 'cli', 'orphan', 'queued', 0, 0, 0, "
            "NULL, NULL, '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00')"
        ), {"args": f'{{"path": "{tmp_path / "master.png"}"}}'})  # fmt: skip
    second = _worker(process_env, "--concurrency", "2", "--until-empty")  # takes both jobs, one each
    _out, err = second.communicate(timeout=300)
    assert second.returncode == 0, err[-3000:]
    done = call(home, "job", "show", job_id, "--json", env=env).json()
    assert done["state"] == "done", done
    assert done["attempts"] == 2 and done["done"] == done["total"] == 4
    assert len(done["result"]["editions"]) == 4
    listed = call(home, "edition", "list", work_id, "--json", env=env).json()
    assert sorted(e["number"] for e in listed) == [1, 2, 3, 4]
    with create_engine(postgres_url).connect() as c:  # one entry per edition in the log: nothing twice
        kinds = dict(c.execute(text("SELECT kind, count(*) FROM ledger_entries GROUP BY kind")).all())
        ids = c.execute(text("SELECT count(DISTINCT entry_id) = count(*) FROM ledger_entries")).scalar_one()
    assert kinds["edition.issued"] == 4 and ids, kinds
    verified = call(home, "job", "show", check["job_id"], "--json", env=env).json()
    assert verified["state"] == "done" and verified["attempts"] == 1, verified
    assert [r["verdict"] for r in verified["result"]] == ["registered_work"], verified["result"]
    imported = call(home, "job", "show", imported["job_id"], "--json", env=env).json()
    assert imported["state"] == "done" and imported["result"][0]["work_id"], imported
    packed = call(home, "job", "show", packed["job_id"], "--json", env=env).json()
    assert packed["state"] == "done" and packed["result"]["file"] == str(tmp_path / "pack.pdf"), packed
    assert (tmp_path / "pack.pdf").read_bytes().startswith(b"%PDF")
    orphan = call(home, "job", "show", "job_orphan", "--json", env=env).json()
    assert orphan["state"] == "done" and orphan["result"][0]["verdict"] == "registered_work", orphan
    assert len(list(folder.glob("*.png"))) == 4 and len(list(folder.glob("*.coa.json"))) == 4
    verdict = call(home, "verify", str(next(folder.glob("*-3of4.png"))), "--json", env=env).json()
    assert verdict["verdict"] == "authentic_edition" and verdict["edition"]["number"] == 3


def test_the_web_studio_queues_its_long_work_for_the_workers(
    postgres_url: str, s3: dict[str, str], tmp_path: Path
) -> None:
    """ARTPROOF_JOBS=queue: an artist's generation, variations, an assist and issuance run in a worker process, signed with
    the artist's own key (their password sealed for the workers), and the page follows the job to its end."""
    from tests.integration.test_web_accounts import OPERATOR, _app, post, sign_up, wait

    home = tmp_path / "registry"
    env = {"ARTPROOF_DATABASE_URL": postgres_url, "ARTPROOF_JOBS": "queue", **s3}
    ada = _app(home, **env)
    sign_up(ada, "ada", "artist")
    worker = _worker({**os.environ, "ARTPROOF_HOME": str(home), "ARTPROOF_PASSPHRASE": OPERATOR, **env})
    try:
        made = post(ada, "/studio/create", {"prompt": "tide pools", "seed": 7, "size": "512x512", "engine": "cppn"})
        assert made.headers["location"].startswith("/studio/jobs/job_"), made.headers
        work = wait(ada, made.headers["location"])
        work_id = work.rsplit("/", 1)[1]
        varied = post(ada, f"{work}/vary", {"count": 4, "seed": 3})
        assert wait(ada, varied.headers["location"]).startswith(work)
        assert post(ada, f"{work}/select", {"choice": "c2"}).status_code == 303
        relit = post(ada, f"{work}/assist", {"action": "relight-left"})
        assert wait(ada, relit.headers["location"]) == work
        assert post(ada, f"{work}/seal", {}).status_code == 303
        issued = post(ada, f"{work}/editions", {"count": 2, "proofs": 0, "licence": "display-only"})
        assert wait(ada, issued.headers["location"]) == f"/works/{work_id}#editions"
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=60)
    page = ada.get(f"/works/{work_id}").text
    assert "Ada" in page and page.count(" of 2<") == 2
    with create_engine(postgres_url).connect() as c:
        rows = c.execute(text("SELECT kind, owner, state, args FROM jobs ORDER BY created_at")).all()
        artist = c.execute(text("SELECT artist_key_id FROM works WHERE work_id = :w"), {"w": work_id}).scalar_one()
        ada_key = c.execute(text("SELECT key_id FROM accounts WHERE username = 'ada'")).scalar_one()
    assert [(r.kind, r.owner, r.state) for r in rows] == [
        ("studio.create", "ada", "done"), ("studio.vary", "ada", "done"), ("studio.edit", "ada", "done"),
        ("editions.issue", "ada", "done"),
    ]  # fmt: skip
    assert all('"sealed"' not in r.args for r in rows)  # the password sealed for the workers is gone
    assert artist == ada_key  # signed as the artist, not as the operator
    other = _app(home, **env)
    sign_up(other, "bob", "artist")
    assert other.get(made.headers["location"]).status_code == 404  # another account's job does not exist
