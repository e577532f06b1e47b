"""Long work as jobs: described by data (a kind and its arguments), so any process can run it.

A job is a row of ``jobs`` (what was asked, by whom, how far it got, how it ended) and one
entry in the queue (procrastinate's, :mod:`artproof.deploy.queue`) that a worker takes.
Running a job calls exactly the service function the CLI calls; its result document is kept.

Why a job may run twice and still do its work once: a worker killed after the service
committed but before the row said ``done`` is retried. Every kind here is idempotent by
the service's own rules: issuing editions of a work that already has them completes the
files of that set (``EditionService.issue``) and appends nothing to the ledger; verifying a
folder records nothing. The job id is the idempotency key of the submission: submitting the
same id twice is refused.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import Engine, insert, select, update

from artproof.core.results import Result
from artproof.errors import InvalidInput, NotFound
from artproof.store.files import check_output
from artproof.store.tables import jobs

if TYPE_CHECKING:
    from artproof.services import Services

__all__ = ["KINDS", "JobStore", "JobView", "run_kind"]

Progress = Callable[[int, int], None]


class Document(Protocol):
    """A service's result with its ``--json`` document."""

    def to_json(self) -> Any: ...


class JobView(Result):
    job_id: str
    kind: str
    title: str
    owner: str
    state: str  # queued | running | done | failed
    done: int
    total: int
    attempts: int
    args: dict[str, Any]
    result: dict[str, Any] | list[Any] | None = None  # the service's --json document
    error: str | None = None
    created_at: str
    updated_at: str


def _issue(services: Services, args: dict[str, Any], progress: Progress) -> Document:
    return services.editions.issue(
        args["work"], Path(args["output"]), count=int(args["count"]), proofs=int(args.get("proofs", 0)),
        licence_id=str(args.get("licence", "display-only")), passphrase=services.settings.passphrase,
        progress=progress,
    )  # fmt: skip


def _verify(services: Services, args: dict[str, Any], progress: Progress) -> Document:
    steps = 1000
    return services.verifier.verify_path(
        Path(args["path"]), None, recursive=bool(args.get("recursive", False)),
        progress=lambda fraction: progress(round(fraction * steps), steps),
    )  # fmt: skip


KINDS: dict[str, Callable[[Services, dict[str, Any], Progress], Document]] = {
    "editions.issue": _issue,
    "verify.folder": _verify,
}


def run_kind(services: Services, kind: str, args: dict[str, Any], progress: Progress) -> Document:
    if kind not in KINDS:
        raise InvalidInput("no such kind of job", value=kind, hint=", ".join(sorted(KINDS)))
    return KINDS[kind](services, args, progress)


def check_args(kind: str, args: dict[str, Any]) -> dict[str, Any]:
    """Validate a job's arguments before it is queued, so a bad one fails now, not in a worker."""
    if kind == "editions.issue":
        check_output(Path(args["output"]).resolve(), force=True)
        return {**args, "output": str(Path(args["output"]).resolve())}
    if kind == "verify.folder":
        path = Path(args["path"]).resolve()
        if not path.exists():
            raise InvalidInput("no such file or folder", value=str(path), hint="give an image file or a folder")
        return {**args, "path": str(path)}
    raise InvalidInput("no such kind of job", value=kind, hint=", ".join(sorted(KINDS)))


class JobStore:
    """The ``jobs`` rows: written by the process that submits and the worker that runs."""

    def __init__(self, engine: Engine, clock: Callable[[], datetime]) -> None:
        self.engine = engine
        self.clock = clock

    def create(self, kind: str, args: dict[str, Any], owner: str, title: str, job_id: str | None = None) -> str:
        job_id = job_id or "job_" + secrets.token_urlsafe(12)
        now = self.clock().isoformat()
        with self.engine.begin() as c:
            if c.execute(select(jobs.c.job_id).where(jobs.c.job_id == job_id)).first() is not None:
                raise InvalidInput(
                    "a job with this id was already submitted", value=job_id, hint=f"artproof job show {job_id}"
                )
            c.execute(insert(jobs).values(
                job_id=job_id, kind=kind, args=json.dumps(args, sort_keys=True), owner=owner, title=title[:200],
                state="queued", done=0, total=0, attempts=0, created_at=now, updated_at=now,
            ))  # fmt: skip
        return job_id

    def _set(self, job_id: str, **values: Any) -> None:
        with self.engine.begin() as c:
            c.execute(update(jobs).where(jobs.c.job_id == job_id).values(updated_at=self.clock().isoformat(), **values))

    def started(self, job_id: str) -> None:
        self._set(job_id, state="running", attempts=jobs.c.attempts + 1, error=None)

    def progress(self, job_id: str, done: int, total: int) -> None:
        self._set(job_id, done=done, total=total)

    def finished(self, job_id: str, result: Document) -> None:
        self._set(job_id, state="done", result=json.dumps(result.to_json()), error=None)

    def failed(self, job_id: str, error: str, final: bool) -> None:
        self._set(job_id, state="failed" if final else "queued", error=error)

    def get(self, job_id: str) -> JobView:
        with self.engine.connect() as c:
            row = c.execute(select(jobs).where(jobs.c.job_id == job_id)).first()
        if row is None:
            raise NotFound("no such job", value=job_id, hint="artproof job list")
        return self._view(row)

    def list(self, limit: int = 50) -> list[JobView]:
        with self.engine.connect() as c:
            rows = c.execute(select(jobs).order_by(jobs.c.created_at.desc()).limit(limit)).all()
        return [self._view(r) for r in rows]

    @staticmethod
    def _view(row: Any) -> JobView:
        m = row._mapping
        return JobView(
            job_id=m["job_id"], kind=m["kind"], title=m["title"], owner=m["owner"], state=m["state"],
            done=m["done"], total=m["total"], attempts=m["attempts"], args=json.loads(m["args"]),
            result=json.loads(m["result"]) if m["result"] else None, error=m["error"],
            created_at=m["created_at"], updated_at=m["updated_at"],
        )  # fmt: skip
