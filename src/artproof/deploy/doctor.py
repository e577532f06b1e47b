"""``artproof doctor``: is this deployment able to work, and if not, what to fix.

Each check reaches one part (the database and its schema, the ledger's head against its
last signed checkpoint, the blob store, the job queue, the versions of what runs) and says
``ok``, ``warn`` (works, but not as a shared registry should) or ``fail`` (a command would
fail). A check never writes a record; the blob store check writes and removes a temporary
file in a folder store, and only asks an object store whether the bucket is there.
"""

from __future__ import annotations

import platform
import sqlite3
from collections.abc import Callable
from importlib import metadata
from typing import TYPE_CHECKING, Literal

from artproof import __version__
from artproof.core.results import Result
from artproof.errors import ArtproofError
from artproof.settings import Settings

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from artproof.services import Services

__all__ = ["DoctorCheck", "DoctorReport", "diagnose"]

Status = Literal["ok", "warn", "fail"]
POSTGRES_MIN = 130000  # PostgreSQL 13: the oldest release still given fixes by its project in 2025
SQLITE_MIN = (3, 35)  # RETURNING and the WITHOUT ROWID tables the ledger uses
REQUIRED = ("sqlalchemy", "alembic", "c2pa-python", "numpy", "faiss-cpu", "opencv-contrib-python-headless", "fastapi")
OPTIONAL = ("psycopg", "procrastinate", "boto3", "torch", "diffusers")


class DoctorCheck(Result):
    name: str
    status: Status
    detail: str
    hint: str | None = None


class DoctorReport(Result):
    healthy: bool  # no check failed (warnings allowed)
    version: str
    checks: list[DoctorCheck]


def _version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def diagnose(settings: Settings) -> DoctorReport:
    """Run every check against the deployment ``settings`` describes; never raises for a failed part."""
    from artproof.services import build_services

    checks: list[DoctorCheck] = []

    def run(name: str, check: Callable[[], tuple[Status, str, str | None]]) -> None:
        try:
            status, detail, hint = check()
        except ArtproofError as exc:
            status, detail, hint = "fail", exc.what + (f": {exc.value}" if exc.value else ""), exc.hint
        except Exception as exc:  # a part that cannot be reached at all is this command's finding, not its crash
            status, detail, hint = "fail", f"{type(exc).__name__}: {exc}", None
        checks.append(DoctorCheck(name=name, status=status, detail=detail, hint=hint))

    run("versions", _versions)
    opened: list[Services] = []

    def database() -> tuple[Status, str, str | None]:
        opened.append(build_services(settings))  # opens (and migrates) the database: the first thing that fails
        return _database(opened[0].engine)

    run("database", database)
    if opened and checks[-1].status != "fail":
        run("ledger", lambda: _ledger(opened[0]))
        run("job queue", lambda: _queue(settings))
    run("blob store", lambda: _blobs(settings))
    return DoctorReport(healthy=all(c.status != "fail" for c in checks), version=__version__, checks=checks)


def _versions() -> tuple[Status, str, str | None]:
    missing = [name for name in REQUIRED if _version(name) is None]
    have = [f"{name} {_version(name)}" for name in (*REQUIRED, *OPTIONAL) if _version(name)]
    detail = f"artproof {__version__}, Python {platform.python_version()}; " + ", ".join(have)
    if missing:
        return "fail", detail, f"install artproof again: {', '.join(missing)} missing"
    return "ok", detail, None


def _database(engine: Engine) -> tuple[Status, str, str | None]:
    from sqlalchemy import text

    from artproof.store.database import SCHEMA_HEAD

    with engine.connect() as c:
        revision = c.execute(text("SELECT version_num FROM alembic_version")).scalar()
        if engine.dialect.name == "postgresql":
            number = int(c.execute(text("SELECT current_setting('server_version_num')")).scalar_one())
            server = f"PostgreSQL {number // 10000}.{number % 10000}"
            old = number < POSTGRES_MIN
        else:
            server = f"SQLite {sqlite3.sqlite_version}"
            old = sqlite3.sqlite_version_info[:2] < SQLITE_MIN
    where = engine.url.render_as_string(hide_password=True)
    detail = f"{server} at {where}, schema {revision}"
    if revision != SCHEMA_HEAD:
        return "fail", detail, f"this artproof expects schema {SCHEMA_HEAD}: run a newer artproof, or any command once"
    if old:
        return "fail", detail, "upgrade the database server (PostgreSQL 13 or newer, SQLite 3.35 or newer)"
    return "ok", detail, None


def _ledger(services: Services) -> tuple[Status, str, str | None]:
    from artproof.ledger.checkpoint import verify_checkpoint

    status = services.ledger.status()
    if status.checkpoint is None:
        if status.size:
            return "fail", f"{status.size} entries but no signed checkpoint", "restore the database from a backup"
        return "ok", "empty (no work registered yet)", None
    checkpoint = verify_checkpoint(status.checkpoint, services.ledger.verifier())
    if checkpoint.size != status.size or checkpoint.root.hex() != status.root:
        return (
            "fail",
            f"the head ({status.size} entries) is not the last signed checkpoint ({checkpoint.size})",
            "the database was changed outside artproof: restore it from a backup",
        )
    return "ok", f"{status.size} entries, head signed by {status.origin}", None


def _queue(settings: Settings) -> tuple[Status, str, str | None]:
    from artproof.deploy.queue import queue_state

    status, detail, hint = queue_state(settings)
    return status, detail, hint  # type: ignore[return-value]


def _blobs(settings: Settings) -> tuple[Status, str, str | None]:
    from artproof.store.blobs import open_blobs

    reached = open_blobs(settings.blob_url, settings.blob_dir).check()
    if settings.database_url.startswith("postgresql") and not settings.blob_url:
        return (
            "warn",
            reached,
            "app processes on other machines cannot see this folder: set ARTPROOF_BLOB_URL=s3://bucket/prefix",
        )
    return "ok", reached, None
