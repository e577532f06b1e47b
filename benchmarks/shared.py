"""A shared registry's throughput (issue 17): edition issuance and folder verification run by 1, 2 and 4
``artproof worker`` processes on PostgreSQL, beside one process on SQLite, in one run; and ledger appends
from 4 concurrent processes through the one sequencer, checked for lost, doubled and forked entries.

Run: .venv/bin/python benchmarks/shared.py --postgres URL [--works 8] [--count 5] [--write]
(``make bench`` starts a private PostgreSQL and passes it). Each configuration starts from an empty home
and an empty database; its works are created and sealed before the clock starts. With workers, the
workers are started and ready before the jobs are queued, and the time runs from the first job queued to
the last job done (what a user waiting on a batch sees). With --write the tables replace the shared
section of benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import itertools
import multiprocessing
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
PASSPHRASE = "shared benchmark passphrase"


def fresh_database(base: str) -> str:
    import psycopg

    name = "bench_" + uuid.uuid4().hex[:12]
    with psycopg.connect(base.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return base.rsplit("/", 1)[0] + "/" + name


def prepare(env: dict[str, str], works: int) -> tuple[Any, list[str]]:
    """A home with ``works`` sealed works (640x576 renders)."""
    from artproof.services import build_services
    from artproof.settings import Settings

    svc = build_services(Settings.from_env(env))
    svc.identities.init("Shared Studio", PASSPHRASE)
    ids = []
    for n in range(works):
        made = svc.studio.create(
            engine="cppn", prompt=f"shared {n}", seed=n, size="640x576", title=None, passphrase=PASSPHRASE
        )
        svc.sealing.seal(made.work_id, Path(env["ARTPROOF_HOME"]) / f"sealed-{n}.png", passphrase=PASSPHRASE)
        ids.append(made.work_id)
    return svc, ids


def in_process(env: dict[str, str], works: int, count: int) -> dict[str, float]:
    svc, ids = prepare(env, works)
    home = Path(env["ARTPROOF_HOME"])
    t = time.perf_counter()
    for work in ids:
        svc.editions.issue(work, home / "editions" / work, count=count, passphrase=PASSPHRASE)
    issue_s = time.perf_counter() - t
    t = time.perf_counter()
    files = sum(len(svc.verifier.verify_path(home / "editions" / w).reports) for w in ids)
    verify_s = time.perf_counter() - t
    return {"issue_s": issue_s, "editions": works * count, "verify_s": verify_s, "files": files}


def _wait_for(query: str, want: int, url: str, timeout: float) -> None:
    import psycopg

    from artproof.deploy.queue import conninfo

    deadline = time.monotonic() + timeout
    with psycopg.connect(conninfo(url), autocommit=True) as conn:
        while time.monotonic() < deadline:
            row = conn.execute(query).fetchone()
            if row is not None and int(row[0]) >= want:
                return
            time.sleep(0.1)
    raise TimeoutError(f"waited {timeout} s for {query}")


def with_workers(env: dict[str, str], works: int, count: int, workers: int) -> dict[str, float]:
    svc, ids = prepare(env, works)
    home = Path(env["ARTPROOF_HOME"])
    url = env["ARTPROOF_DATABASE_URL"]
    from artproof.deploy.queue import ensure_schema

    ensure_schema(svc.settings)
    process = subprocess.Popen(
        [sys.executable, "-m", "artproof.cli.app", "worker", "--concurrency", str(workers)],
        env={**os.environ, **env, "ARTPROOF_PASSPHRASE": PASSPHRASE}, stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip
    try:
        _wait_for("SELECT count(*) FROM procrastinate_workers", workers, url, 120)
        t = time.perf_counter()
        for work in ids:
            svc.queue.submit("editions.issue", {"work": work, "output": str(home / "editions" / work), "count": count},
                             owner="bench", title=work)  # fmt: skip
        _wait_for("SELECT count(*) FROM jobs WHERE state IN ('done', 'failed')", works, url, 1800)
        issue_s = time.perf_counter() - t
        t = time.perf_counter()
        for work in ids:
            svc.queue.submit("verify.folder", {"path": str(home / "editions" / work)}, owner="bench", title=work)
        _wait_for("SELECT count(*) FROM jobs WHERE state IN ('done', 'failed')", 2 * works, url, 1800)
        verify_s = time.perf_counter() - t
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=60)
    done = [svc.jobs.get(j.job_id) for j in svc.jobs.list(limit=2 * works)]
    failed = [j for j in done if j.state != "done"]
    if failed:
        raise RuntimeError(f"{len(failed)} jobs failed: {failed[0].error}")
    files = sum(len(j.result or []) for j in done if j.kind == "verify.folder")
    issued = sum(len(j.result["editions"]) for j in done if j.kind == "editions.issue" and isinstance(j.result, dict))
    return {"issue_s": issue_s, "editions": issued, "verify_s": verify_s, "files": files}


# ledger appends from several processes ------------------------------------------------------------


def items_for(label: str, start: int, count: int) -> list[Any]:
    """Entries of ~700 bytes (a signed registration's size), distinct per appender."""
    from artproof.ledger.entries import entry_id
    from artproof.ledger.log import AppendItem

    out = []
    for n in range(start, start + count):
        data = f'{{"by":"{label}","n":{n},"type":"work.registered","pad":"{"x" * 600}"}}'.encode()
        out.append(AppendItem(data=data, entry_id=entry_id(data), kind="work.registered", subject=f"{label}-{n}"))
    return out


def _appender(url: str, label: str, batches: int, size: int, queue: Any, ready: Any, go: Any) -> None:
    from ledger import signer as log_signer

    from artproof.ledger.log import Ledger

    ledger = Ledger(_engine(url), lambda: datetime.now(UTC))
    signer = log_signer()
    prepared = [items_for(label, b * size, size) for b in range(batches)]  # the actors' work, before the clock
    ready.release()
    go.wait()
    acked: list[str] = []
    for batch in prepared:
        ledger.append(batch, signer)
        acked += [i.entry_id for i in batch]
    queue.put((label, acked, time.perf_counter()))


def _engine(url: str) -> Any:
    from artproof.store.database import open_engine

    return open_engine(url)


def ledger_run(url: str, processes: int, batches: int, size: int) -> dict[str, Any]:
    """``processes`` appenders at once; then every entry, checkpoint and root is checked."""
    from ledger import signer as log_signer

    from artproof.ledger.checkpoint import verify_checkpoint
    from artproof.ledger.log import Ledger
    from artproof.ledger.merkle import leaf_hash, mth, verify_consistency

    _engine(url)  # migrate once, before the race
    context = multiprocessing.get_context("spawn")
    queue, ready, go = context.Queue(), context.Semaphore(0), context.Event()
    workers = [
        context.Process(target=_appender, args=(url, f"p{n}", batches, size, queue, ready, go))
        for n in range(processes)
    ]
    for w in workers:
        w.start()
    for _ in workers:  # every appender started, imported and holding its entries: then the clock starts
        ready.acquire(timeout=600)
    t = time.perf_counter()
    go.set()
    results = [queue.get(timeout=3600) for _ in workers]
    for w in workers:
        w.join()
    wall = max(r[2] for r in results) - t  # perf_counter is the machine's monotonic clock, shared by processes
    ledger = Ledger(_engine(url), lambda: datetime.now(UTC))
    size_now, root = ledger.head()
    acked = [i for _, ids, _ in results for i in ids]
    data = ledger.entries(0, size_now)
    from artproof.ledger.entries import entry_id

    stored = [entry_id(d) for d in data]
    signer = log_signer()
    notes = [verify_checkpoint(note, signer.verifier) for _, note in ledger.checkpoints()]
    forks = 0
    for old, new in itertools.pairwise(notes):
        try:
            verify_consistency(old.size, new.size, old.root, new.root, ledger.consistency(old.size, new.size))
        except Exception:
            forks += 1
    return {
        "processes": processes,
        "entries": size_now,
        "wall_s": wall,
        "rate": size_now / wall,
        "lost": len(set(acked) - set(stored)),
        "doubled": len(stored) - len(set(stored)),
        "checkpoints": len(notes),
        "forks": forks,
        "root_ok": mth([leaf_hash(d) for d in data]) == root == notes[-1].root,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", default=os.environ.get("ARTPROOF_TEST_POSTGRES_URL"))
    parser.add_argument("--works", type=int, default=8)
    parser.add_argument("--count", type=int, default=5)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--ledger-batches", type=int, default=20)
    parser.add_argument("--ledger-batch", type=int, default=500)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    if not args.postgres:
        sys.exit("give --postgres URL (make bench starts one)")
    rows: list[tuple[str, dict[str, float]]] = []
    with tempfile.TemporaryDirectory() as tmp:
        env = {"ARTPROOF_HOME": f"{tmp}/sqlite"}
        print("SQLite, one process", file=sys.stderr, flush=True)
        rows.append(("SQLite, one process (anchor)", in_process(env, args.works, args.count)))
        for workers in [int(w) for w in args.workers.split(",")]:
            print(f"PostgreSQL, {workers} worker(s)", file=sys.stderr, flush=True)
            env = {"ARTPROOF_HOME": f"{tmp}/pg{workers}", "ARTPROOF_DATABASE_URL": fresh_database(args.postgres)}
            rows.append(
                (f"PostgreSQL, {workers} worker process(es)", with_workers(env, args.works, args.count, workers))
            )
        ledgers = []
        for name, url in (("SQLite", f"sqlite:///{tmp}/ledger.db"), ("PostgreSQL", fresh_database(args.postgres))):
            print(f"ledger: 4 appenders on {name}", file=sys.stderr, flush=True)
            ledgers.append((name, ledger_run(url, 4, args.ledger_batches, args.ledger_batch)))
    lines = [
        "## Shared registry: workers, queue, concurrent appenders",
        "",
        f"- machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        f"- date: {datetime.now(UTC).date().isoformat()}",
        f"- command: `.venv/bin/python benchmarks/shared.py --works {args.works} --count {args.count} --write` "
        "(`make bench` starts PostgreSQL and passes `--postgres`)",
        f"- {args.works} sealed 640x576 works, an edition of {args.count} issued of each, then each edition folder "
        "verified; with workers: jobs queued once the workers are ready, timed from the first queued to the last "
        "done; blobs in the home's folder (shared by the processes on this machine)",
        "",
        "| configuration | issuance s | editions/s | verification s | files/s |",
        "|---|---|---|---|---|",
    ]
    for name, r in rows:
        lines.append(
            f"| {name} | {r['issue_s']:.1f} | {r['editions'] / r['issue_s']:.2f} | {r['verify_s']:.1f} | "
            f"{r['files'] / r['verify_s']:.2f} |"
        )
    lines += [
        "",
        f"Ledger appends from 4 processes at once ({args.ledger_batches} batches of {args.ledger_batch} each, "
        "timed from a common start once every process holds its entries to the last append), every entry and "
        "checkpoint checked after:",
        "",
        "| engine | entries | wall s | appends/s | lost | doubled | checkpoints | forks | root = last checkpoint |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, r in ledgers:
        lines.append(
            f"| {name} | {r['entries']:,} | {r['wall_s']:.1f} | {r['rate']:,.0f} | {r['lost']} | {r['doubled']} | "
            f"{r['checkpoints']} | {r['forks']} | {'yes' if r['root_ok'] else 'NO'} |"
        )
    one = next(r for name, r in rows if name.startswith("PostgreSQL, 1 "))
    per_core = one["editions"] / one["issue_s"]
    pg_rate = next(r["rate"] for name, r in ledgers if name == "PostgreSQL")
    lines += [
        "",
        "The scaling model that follows (on paper, for more cores): issuing an edition is CPU work in the worker "
        "(the watermark, the Content Credentials signature, PNG encoding) plus one ledger entry and a few rows; "
        "verifying a file is CPU work alone. So throughput grows with worker processes up to the cores "
        f"(here 2: 2 workers {rows[2][1]['editions'] / rows[2][1]['issue_s']:.2f} editions/s against "
        f"{per_core:.2f} with 1; 4 workers on 2 cores only add switching), at about {per_core:.1f} editions/s and "
        f"{one['files'] / one['verify_s']:.1f} verified files/s per core, until a shared part saturates: the one "
        f"sequencer takes {pg_rate:,.0f} appends/s from 4 processes on this PostgreSQL, about "
        f"{pg_rate / per_core:,.0f} cores' worth of issuance; before that, the blob store's write bandwidth "
        "(an edition writes ~1 MB) and PostgreSQL's connections (one pool per process) are the limits to watch.",
    ]
    print("\n".join(lines))
    if args.write:
        from results import write_section

        write_section("shared", lines)


if __name__ == "__main__":
    main()
