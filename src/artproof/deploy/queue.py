"""The shared registry's job queue: procrastinate, in the registry's own PostgreSQL.

Why procrastinate: the queue lives in the database the registry already runs (no Redis or
broker to deploy and back up), jobs are taken with ``SELECT ... FOR UPDATE SKIP LOCKED``, and
workers send heartbeats, so a job whose worker died is found and given to another.

``artproof worker --concurrency N`` starts N worker processes (each runs one job at a time:
the services are not shared between threads) and a watcher in the parent that hands stalled
jobs back to the queue. A job is retried up to ``ATTEMPTS`` times when it failed for a reason
that may pass (a crash, a lost connection); a refusal by a service (an invalid input, a work
not sealed) fails it at once with the service's message.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import signal
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from artproof.errors import ArtproofError, ConfigError
from artproof.settings import Settings

if TYPE_CHECKING:
    import procrastinate

    from artproof.deploy.jobs import JobView

__all__ = ["ATTEMPTS", "QUEUE", "JobQueue", "queue_state", "run_workers"]

QUEUE = "artproof"
TASK = "artproof.run_job"
ATTEMPTS = 3
HEARTBEAT_S = 2.0  # a worker's heartbeat; one silent for STALLED_S is taken for dead
STALLED_S = 10.0
SWEEP_S = 5.0  # how often the parent looks for stalled jobs and orphaned rows
ORPHAN_S = 30.0  # a job row this old with no queue entry lost its app process between the two writes
_SCHEMA_LOCK = 0x61727470  # "artp": one process applies procrastinate's schema at a time


def conninfo(database_url: str) -> str:
    """SQLAlchemy's ``postgresql+psycopg://`` as libpq takes it."""
    for prefix in ("postgresql+psycopg://", "postgresql+psycopg2://", "postgres://"):
        if database_url.startswith(prefix):
            return "postgresql://" + database_url[len(prefix) :]
    return database_url


def _require_postgres(settings: Settings) -> None:
    if not settings.database_url.startswith(("postgresql", "postgres://")):
        raise ConfigError(
            "the job queue needs the shared registry's PostgreSQL",
            value=settings.database_url.split("@")[-1],
            hint="set ARTPROOF_DATABASE_URL=postgresql+psycopg://...; on a SQLite home long work runs in place",
        )


def _connect(settings: Settings) -> Any:
    """A plain autocommit connection to the registry's PostgreSQL (the queue's own bookkeeping)."""
    _require_postgres(settings)
    try:
        import psycopg
    except ImportError as exc:
        raise ConfigError("the job queue needs psycopg", hint="pip install 'artproof[shared]'") from exc
    return psycopg.connect(conninfo(settings.database_url), autocommit=True)


def make_app(settings: Settings) -> procrastinate.App:
    """The procrastinate app with artproof's one task (a job is data; the task runs any kind)."""
    _require_postgres(settings)
    try:
        import procrastinate
    except ImportError as exc:
        raise ConfigError("the job queue needs procrastinate", hint="pip install 'artproof[shared]'") from exc
    app = procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=conninfo(settings.database_url)))

    retry = procrastinate.RetryStrategy(max_attempts=ATTEMPTS - 1, wait=1)

    @app.task(name=TASK, queue=QUEUE, pass_context=True, retry=retry)
    def run_job(context: Any, job_id: str) -> None:
        _run(settings, job_id, attempt=int(context.job.attempts or 0))

    return app


def ensure_schema(settings: Settings) -> None:
    """Apply procrastinate's tables once (under an advisory lock: app processes start together)."""
    with _connect(settings) as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", (_SCHEMA_LOCK,))
        try:
            if conn.execute("SELECT to_regclass('procrastinate_jobs')").fetchone() == (None,):
                app = make_app(settings)
                with app.open():
                    app.schema_manager.apply_schema()
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (_SCHEMA_LOCK,))


_SERVICES: dict[Settings, Any] = {}


def _run(settings: Settings, job_id: str, attempt: int) -> None:
    """Run one job in this worker: its row says how far it got and how it ended."""
    from artproof.deploy.jobs import run_kind
    from artproof.services import build_services

    if settings not in _SERVICES:  # one set per worker process, kept across its jobs (indexes, models, caches)
        _SERVICES[settings] = build_services(settings)
        _SERVICES[settings].identities.operator_passphrase = settings.passphrase  # as the app: signs for accounts
    services = _SERVICES[settings]
    store = services.jobs
    job = store.get(job_id)
    if job.state == "done":  # finished by an earlier attempt that died before the queue heard of it
        return
    store.started(job_id)
    try:
        with _acting(services, job.args.get("acting"), store.sealed(job_id)) as passphrase:
            progress = lambda done, total: store.progress(job_id, done, total)  # noqa: E731
            result = run_kind(services, job.kind, job.args, progress, passphrase)
    except ArtproofError as exc:  # the service refused: retrying would refuse again
        store.failed(job_id, exc.diagnostics(), final=True)
        return
    except Exception as exc:
        store.failed(job_id, f"{type(exc).__name__}: {exc}", final=attempt + 1 >= ATTEMPTS)
        raise  # procrastinate records the failure and retries while attempts remain
    store.finished(job_id, result)


@contextlib.contextmanager
def _acting(services: Any, key_id: str | None, sealed: str | None) -> Iterator[str | None]:
    """Run as the web account that asked (its password unsealed), or as the home identity."""
    from artproof.deploy.jobs import unseal_secret

    if key_id is None:
        yield services.settings.passphrase
        return
    if sealed is None or services.settings.passphrase is None:
        raise ConfigError("this job acts for an account but cannot unlock its key", hint="set ARTPROOF_PASSPHRASE")
    password = unseal_secret(sealed, services.settings.passphrase)
    with services.identities.acting_as(services.identities.get(key_id)):
        yield password


class JobQueue:
    """Submitting jobs and reading them back (the CLI's ``--queue`` and the web)."""

    def __init__(self, settings: Settings, store: Any) -> None:
        self.settings = settings
        self.store = store
        self._schema_checked = False  # once per process: not a lock and a connection on every submit

    def submit(self, kind: str, args: dict[str, Any], owner: str, title: str, job_id: str | None = None) -> JobView:
        from artproof.deploy.jobs import check_args

        _require_postgres(self.settings)
        args = check_args(kind, args)
        if not self._schema_checked:
            ensure_schema(self.settings)
            self._schema_checked = True
        job_id = self.store.create(kind, args, owner, title, job_id)
        try:
            app = make_app(self.settings)
            with app.open():
                app.tasks[TASK].configure(queueing_lock=job_id).defer(job_id=job_id)
        except Exception as exc:
            self.store.failed(job_id, f"it could not be queued: {exc}", final=True)
            raise
        view: JobView = self.store.get(job_id)
        return view


def _worker_process(settings: Settings) -> None:
    logging.basicConfig(level=logging.WARNING)
    app = make_app(settings)
    with app.open():
        app.run_worker(
            queues=[QUEUE], concurrency=1, wait=True, delete_jobs="successful",
            update_heartbeat_interval=HEARTBEAT_S, stalled_worker_timeout=STALLED_S,
        )  # fmt: skip


def _hand_back_stalled(app: procrastinate.App) -> int:
    """Jobs whose worker stopped sending heartbeats go back to the queue (or fail, out of attempts)."""
    import asyncio

    async def sweep() -> int:
        async with app.open_async():
            stalled = list(await app.job_manager.get_stalled_jobs(queue=QUEUE, seconds_since_heartbeat=STALLED_S))
            for job in stalled:
                await app.job_manager.retry_job(job)
        return len(stalled)

    return asyncio.run(sweep())


def _requeue_orphans(settings: Settings, app: procrastinate.App) -> int:
    """A job row with no queue entry: its app process died between writing the row and queueing it.

    Rows still ``queued`` or ``running`` ORPHAN_S after their last change, with no waiting or running entry
    of their own (the queueing lock is the job id), are queued again; the lock makes it at most once.
    """
    from procrastinate.exceptions import AlreadyEnqueued

    cutoff = (datetime.now(UTC) - timedelta(seconds=ORPHAN_S)).replace(microsecond=0).isoformat()
    with _connect(settings) as conn:
        rows = conn.execute(
            "SELECT j.job_id FROM jobs j WHERE j.state IN ('queued', 'running') AND j.updated_at < %s "
            "AND NOT EXISTS (SELECT 1 FROM procrastinate_jobs p WHERE p.queueing_lock = j.job_id "
            "AND p.status IN ('todo', 'doing'))",
            (cutoff,),
        ).fetchall()
    if rows:
        with app.open():
            for (job_id,) in rows:
                with contextlib.suppress(AlreadyEnqueued):
                    app.tasks[TASK].configure(queueing_lock=job_id).defer(job_id=job_id)
    return len(rows)


def run_workers(settings: Settings, concurrency: int, *, until_empty: bool = False) -> None:
    """``artproof worker``: N worker processes and the stalled-job watcher, until SIGTERM or SIGINT."""
    if not 1 <= concurrency <= 64:
        raise ConfigError("the concurrency is a number of worker processes", value=concurrency, hint="1 to 64")
    ensure_schema(settings)
    app = make_app(settings)
    context = multiprocessing.get_context("spawn")
    processes = [context.Process(target=_worker_process, args=(settings,), daemon=True) for _ in range(concurrency)]
    for p in processes:
        p.start()
    stop = False

    def request_stop(*_: object) -> None:
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    try:
        swept = 0.0
        while not stop:
            if time.monotonic() - swept >= SWEEP_S:
                _hand_back_stalled(app)
                _requeue_orphans(settings, app)
                swept = time.monotonic()
            for n, p in enumerate(processes):  # a worker that died is replaced
                if not p.is_alive():
                    processes[n] = context.Process(target=_worker_process, args=(settings,), daemon=True)
                    processes[n].start()
            if until_empty and _pending(settings) == 0:
                break
            time.sleep(1.0)
    finally:
        for p in processes:
            if p.is_alive() and p.pid is not None:
                os.kill(p.pid, signal.SIGTERM)
        for p in processes:
            p.join(timeout=30)


def _pending(settings: Settings) -> int:
    with _connect(settings) as conn:
        row = conn.execute(
            "SELECT count(*) FROM procrastinate_jobs WHERE queue_name = %s AND status IN ('todo', 'doing')", (QUEUE,)
        ).fetchone()
    return int(row[0]) if row else 0


def queue_state(settings: Settings) -> tuple[str, str, str | None]:
    """``artproof doctor``'s line for the queue: none on SQLite; on PostgreSQL its tables and backlog."""
    if not settings.database_url.startswith(("postgresql", "postgres://")):
        if settings.jobs == "queue":
            return "fail", "ARTPROOF_JOBS=queue on a SQLite home", "the queue needs PostgreSQL: ARTPROOF_DATABASE_URL"
        return "ok", "none: long work runs in the process that asked for it (SQLite home)", None
    try:
        import procrastinate  # noqa: F401
    except ImportError:
        status = "fail" if settings.jobs == "queue" else "warn"
        return status, "procrastinate is not installed: no workers", "pip install 'artproof[shared]'"
    with _connect(settings) as conn:
        if conn.execute("SELECT to_regclass('procrastinate_jobs')").fetchone() == (None,):
            return "ok", "not set up yet (the first worker or job creates it)", None
        counts: dict[str, int] = dict(
            conn.execute(
                "SELECT status::text, count(*) FROM procrastinate_jobs WHERE queue_name = %s GROUP BY status", (QUEUE,)
            ).fetchall()
        )
        workers = conn.execute("SELECT count(*) FROM procrastinate_workers").fetchone()
    live = int(workers[0]) if workers else 0
    detail = (
        f"procrastinate {_version()}: {counts.get('todo', 0)} waiting, {counts.get('doing', 0)} running, "
        f"{counts.get('failed', 0)} failed; {live} worker(s) alive"
    )
    if counts.get("todo", 0) and not live:
        return "warn", detail, "jobs are waiting and no worker runs: start one with artproof worker"
    return "ok", detail, None


def _version() -> str:
    from importlib import metadata

    return metadata.version("procrastinate")
