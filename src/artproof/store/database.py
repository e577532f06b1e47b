"""Opening the database: engine, SQLite pragmas, and migrations to the newest schema."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import OperationalError, ProgrammingError

from artproof.errors import StorageError

__all__ = ["busy_error", "open_engine"]

MIGRATIONS = Path(__file__).parent / "migrations"
# The newest migration. Checked against Alembic's own view by a test, and used
# so that an up-to-date database opens without importing Alembic (start-up time).
SCHEMA_HEAD = "0011"


def busy_error(exc: OperationalError, what: str = "the database") -> StorageError:
    """A write that failed because another process holds the lock, or the disk refused it."""
    return StorageError(
        f"{what} is busy or cannot be written",
        value=str(exc.orig),
        hint="another artproof process may be writing, or the disk is full; run again. Nothing was recorded",
    )


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")  # readers never block the writer
    cursor.execute("PRAGMA synchronous=FULL")  # a committed record survives power loss
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")  # two writers at once: the second waits
    cursor.execute("PRAGMA cache_size=-65536")  # 64 MiB: the ledger's indexes stay in memory at 1M entries
    cursor.close()


def _current_revision(engine: Engine) -> str | None:
    try:
        with engine.connect() as connection:
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except (OperationalError, ProgrammingError):
        return None  # no schema yet


def alembic_config() -> object:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def _migrate(engine: Engine) -> None:
    if engine.dialect.name == "sqlite" and _current_revision(engine) == SCHEMA_HEAD:
        return
    from alembic import command

    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection  # type: ignore[attr-defined]
        command.upgrade(config, "head")  # type: ignore[arg-type]


def open_engine(url: str) -> Engine:
    """An engine on ``url`` with the schema at the newest migration."""
    engine = create_engine(url, future=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    try:
        _migrate(engine)
    except OperationalError as exc:
        raise StorageError(
            "the database cannot be opened or written",
            value=url.split("@")[-1],
            hint="check that ARTPROOF_HOME is writable and the disk is not full",
        ) from exc
    return engine
