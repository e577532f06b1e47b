"""Long work as jobs: described by data (a kind and its arguments), so any process can run it.

A job is a row of ``jobs`` (what was asked, by whom, how far it got, how it ended) and one
entry in the queue (procrastinate's, :mod:`artproof.deploy.queue`) that a worker takes.
Running a job calls exactly the service function the CLI calls; its result document is kept.

A job may act as a web account (``acting``: its key id): the account's password travels sealed for
the workers (:func:`seal_secret`) and is erased from the row when the job ends.

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
from artproof.store.tables import jobs

if TYPE_CHECKING:
    from artproof.services import Services

__all__ = ["KINDS", "JobStore", "JobView", "check_args", "run_kind", "seal_secret", "unseal_secret"]

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


Kind = Callable[["Services", dict[str, Any], Progress, "str | None"], Document]


def _issue(services: Services, args: dict[str, Any], progress: Progress, passphrase: str | None) -> Document:
    return services.editions.issue(
        args["work"], Path(args["output"]), count=int(args["count"]), proofs=int(args.get("proofs", 0)),
        licence_id=str(args.get("licence", "display-only")), mark_kind=str(args.get("mark", "standard")),
        passphrase=passphrase, progress=progress,
    )  # fmt: skip


def _fraction(progress: Progress) -> Callable[[float], None]:
    steps = 1000
    return lambda fraction: progress(round(max(0.0, min(1.0, fraction)) * steps), steps)


def _verify(services: Services, args: dict[str, Any], progress: Progress, passphrase: str | None) -> Document:
    return services.verifier.verify_path(
        Path(args["path"]), None, recursive=bool(args.get("recursive", False)), progress=_fraction(progress)
    )


class WorkDone(Result):
    """What a studio job leaves: the work and its revision (``artproof work show`` has the rest)."""

    work_id: str
    revision: int


def _work(manifest: Any) -> WorkDone:
    return WorkDone(work_id=manifest.work_id, revision=manifest.revision)


def _create(services: Services, args: dict[str, Any], progress: Progress, passphrase: str | None) -> Document:
    style = args.get("style")
    return _work(services.studio.create(
        engine=str(args["engine"]), prompt=str(args["prompt"]), seed=int(args["seed"]), size=args.get("size"),
        title=args.get("title") or None, passphrase=passphrase, progress=_fraction(progress),
        style=None if style is None else int(style),
    ))  # fmt: skip


def _vary(services: Services, args: dict[str, Any], progress: Progress, passphrase: str | None) -> Document:
    return _work(services.studio.vary(
        str(args["work"]), count=int(args["count"]), seed=int(args["seed"]), strength=None,
        passphrase=passphrase, progress=_fraction(progress),
    ))  # fmt: skip


def _restore(services: Services, args: dict[str, Any], progress: Progress, passphrase: str | None) -> Document:
    return _work(services.studio.restore(
        str(args["work"]), detect=list(args.get("detect") or []), method=str(args.get("method", "auto")),
        sensitivity=float(args.get("sensitivity", 0.5)), passphrase=passphrase, progress=_fraction(progress),
    ).manifest)  # fmt: skip


def _edit(services: Services, args: dict[str, Any], progress: Progress, passphrase: str | None) -> Document:
    """A recorded operation with its parameters (the studio's assists: relight, remove the background)."""
    return _work(services.studio.edit(
        str(args["work"]), str(args["op"]), dict(args.get("params") or {}), passphrase=passphrase,
        progress=_fraction(progress),
    ))  # fmt: skip


def _import(services: Services, args: dict[str, Any], progress: Progress, passphrase: str | None) -> Document:
    """Resumable by design: a file whose bytes were imported before is skipped, so a retry adds nothing twice."""
    return services.importing.import_paths(
        [Path(p) for p in args["paths"]], title=args.get("title"), again=bool(args.get("again", False)),
        passphrase=passphrase, progress=_fraction(progress),
    )  # fmt: skip


class PackDone(Result):
    """A queued pack: what ``pack --json`` prints (the file written, atomically)."""

    work_id: str
    file: str
    document: dict[str, Any]


def _pack(services: Services, args: dict[str, Any], progress: Progress, passphrase: str | None) -> Document:
    from artproof.store.files import atomic_write

    ref, output = str(args["ref"]), Path(args["output"])
    packed, data = (
        services.packs.bundle(ref, passphrase) if args.get("bundle") else services.packs.pack(ref, passphrase)
    )
    atomic_write(output, data)
    progress(1, 1)
    return PackDone(work_id=packed.work_id, file=str(output), document={**packed.to_json(), "file": str(output)})


KINDS: dict[str, Kind] = {
    "editions.issue": _issue,
    "verify.folder": _verify,
    "studio.create": _create,
    "studio.vary": _vary,
    "studio.restore": _restore,
    "studio.edit": _edit,
    "import.paths": _import,
    "pack": _pack,
}
SEALED = "sealed"  # the args key of an account's password sealed for the workers (never shown, erased at the end)


def run_kind(
    services: Services, kind: str, args: dict[str, Any], progress: Progress, passphrase: str | None
) -> Document:
    if kind not in KINDS:
        raise InvalidInput("no such kind of job", value=kind, hint=", ".join(sorted(KINDS)))
    return KINDS[kind](services, args, progress, passphrase)


def check_args(kind: str, args: dict[str, Any]) -> dict[str, Any]:
    """Validate a job's arguments before it is queued, so a bad one fails now, not in a worker."""
    if kind == "editions.issue":
        output = Path(args["output"]).resolve()
        if output.exists() and not output.is_dir():
            raise InvalidInput("the output is a file, not a folder", value=str(output), hint="name a folder")
        return {**args, "output": str(output)}
    if kind == "verify.folder":
        path = Path(args["path"]).resolve()
        if not path.exists():
            raise InvalidInput("no such file or folder", value=str(path), hint="give an image file or a folder")
        return {**args, "path": str(path)}
    if kind == "import.paths":
        paths = [Path(p).resolve() for p in args["paths"]]
        missing = [str(p) for p in paths if not p.exists()]
        if missing:
            raise InvalidInput("no such file or folder", value=missing[0], hint="give image files or folders")
        return {**args, "paths": [str(p) for p in paths]}
    if kind == "pack":
        from artproof.store.files import check_output

        output = check_output(Path(args["output"]).resolve(), suffixes=(".zip",) if args.get("bundle") else (".pdf",))
        if not output.parent.is_dir():
            raise InvalidInput("the output's folder does not exist", value=str(output.parent), hint="create it first")
        return {**args, "output": str(output)}
    if kind in KINDS:
        return args
    raise InvalidInput("no such kind of job", value=kind, hint=", ".join(sorted(KINDS)))


def seal_secret(secret: str, operator_passphrase: str) -> str:
    """An account's password sealed for the workers under the operator's passphrase (which the app and the
    workers hold, ARTPROOF_PASSPHRASE), as private keys are sealed at rest, with a salt of this job's own."""
    from artproof.core.keys import seal_text

    return seal_text(secret, operator_passphrase, b"artproof job")


def unseal_secret(sealed: str, operator_passphrase: str) -> str:
    from artproof.core.keys import unseal_text

    return unseal_text(sealed, operator_passphrase, b"artproof job")


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
        self._set(job_id, state="done", result=json.dumps(result.to_json()), error=None, **self._forget(job_id))

    def failed(self, job_id: str, error: str, final: bool) -> None:
        forget = self._forget(job_id) if final else {}
        self._set(job_id, state="failed" if final else "queued", error=error, **forget)

    def sealed(self, job_id: str) -> str | None:
        """The job's sealed secret, for the worker that runs it."""
        with self.engine.connect() as c:
            args = c.execute(select(jobs.c.args).where(jobs.c.job_id == job_id)).scalar()
        value = json.loads(args).get(SEALED) if args else None
        return None if value is None else str(value)

    def _forget(self, job_id: str) -> dict[str, Any]:
        """A finished job keeps no secret: its arguments without the sealed password."""
        with self.engine.connect() as c:
            args = c.execute(select(jobs.c.args).where(jobs.c.job_id == job_id)).scalar()
        loaded = json.loads(args) if args else {}
        if SEALED not in loaded:
            return {}
        loaded.pop(SEALED)
        return {"args": json.dumps(loaded, sort_keys=True)}

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
            done=m["done"], total=m["total"], attempts=m["attempts"],
            args={k: v for k, v in json.loads(m["args"]).items() if k != SEALED},
            result=json.loads(m["result"]) if m["result"] else None, error=m["error"],
            created_at=m["created_at"], updated_at=m["updated_at"],
        )  # fmt: skip
