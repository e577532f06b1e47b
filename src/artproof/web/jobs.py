"""Background jobs of the studio: a generation or a set of variations runs off the request.

One worker thread (the services share one database and caches; the app's lock serialises them
anyway); a job records its progress (0-1 and the current step's name) for the page to poll, and
its outcome: where to go next, or the error's message. Jobs live in memory: a restart forgets
the ones in flight, never a recorded step (a step is committed whole or not at all).
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from artproof.errors import ArtproofError

__all__ = ["RESULT_URLS", "Job", "JobRunner", "from_queue"]

MAX_KEPT = 200


@dataclass
class Job:
    job_id: str
    owner: str
    title: str
    state: str = "queued"  # queued | running | done | failed
    progress: float = 0.0
    result_url: str | None = None
    error: str | None = None
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def tick(self, fraction: float) -> None:
        """The studio's progress callback (0 to 1)."""
        self.progress = max(0.0, min(1.0, float(fraction)))


class JobRunner:
    def __init__(self) -> None:
        self.jobs: dict[str, Job] = {}
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="artproof-job")

    def start(self, owner: str, title: str, work: Callable[[Job], str]) -> Job:
        """Run ``work(job)`` in the background; it returns the URL to show when it is done."""
        job = Job(job_id=secrets.token_urlsafe(12), owner=owner, title=title)
        if len(self.jobs) >= MAX_KEPT:
            for old in [j for j in self.jobs.values() if j.state in ("done", "failed")][: MAX_KEPT // 2]:
                self.jobs.pop(old.job_id, None)
        self.jobs[job.job_id] = job

        def run() -> None:
            job.state = "running"
            try:
                job.result_url = work(job)
                job.progress, job.state = 1.0, "done"
            except ArtproofError as exc:
                job.error, job.state = exc.diagnostics(), "failed"
            except Exception as exc:
                job.error, job.state = f"the job failed unexpectedly: {type(exc).__name__}: {exc}", "failed"

        self.pool.submit(run)
        return job

    def get(self, job_id: str, owner: str) -> Job | None:
        job = self.jobs.get(job_id)
        return job if job is not None and job.owner == owner else None


# Where the browser goes when a job of each kind is done (its arguments and its result document).
RESULT_URLS: dict[str, Callable[[dict[str, Any], Any], str]] = {
    "studio.create": lambda args, result: f"/studio/works/{result['work_id']}",
    "studio.vary": lambda args, result: f"/studio/works/{args['work']}#candidates",
    "editions.issue": lambda args, result: f"/works/{args['work']}#editions",
    "studio.restore": lambda args, result: f"/studio/works/{args['work']}",
    "studio.edit": lambda args, result: f"/studio/works/{args['work']}",
}


def from_queue(view: Any) -> Job:
    """A queued job's row (``artproof.deploy.jobs.JobView``) as the pages show a job."""
    job = Job(job_id=view.job_id, owner=view.owner, title=view.title, state=view.state, error=view.error)
    job.progress = view.done / view.total if view.total else 0.0
    if view.state == "done" and view.kind in RESULT_URLS:
        job.result_url = RESULT_URLS[view.kind](view.args, view.result)
    return job
