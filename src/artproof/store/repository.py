"""Repositories over the SQL schema: identities and works.

Interfaces are ``Protocol`` classes so another engine (PostgreSQL, or an
in-memory fake in tests) can stand in; :class:`SqlStore` implements both with
SQLAlchemy Core. A work is saved in one transaction (its new steps, assets and
signed manifest together), guarded by its revision number, so two commands
changing one work at once cannot interleave: the second is refused, not merged.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import Connection, Engine, insert, select, update
from sqlalchemy.exc import IntegrityError as SqlIntegrityError
from sqlalchemy.exc import OperationalError

from artproof.core.keys import EncryptedKey
from artproof.core.signing import SignedDocument
from artproof.errors import IntegrityError, InvalidInput, StorageError
from artproof.provenance.model import AssetInfo, Step
from artproof.store.database import busy_error
from artproof.store.tables import assets, identities, steps, works

__all__ = ["IdentityRecord", "IdentityRepository", "SqlStore", "WorkRecord", "WorkRepository"]


@dataclass(frozen=True, slots=True)
class IdentityRecord:
    key_id: str
    name: str
    public_key: str
    is_self: bool
    created_at: str
    secret: EncryptedKey | None = None


@dataclass(frozen=True, slots=True)
class WorkRecord:
    work_id: str
    title: str
    artist_key_id: str
    created_at: str
    updated_at: str
    revision: int
    master: str
    manifest: SignedDocument


class IdentityRepository(Protocol):
    def self_identity(self) -> IdentityRecord | None: ...
    def add_identity(self, record: IdentityRecord) -> None: ...
    def identity(self, key_id: str) -> IdentityRecord | None: ...
    def list_identities(self) -> list[IdentityRecord]: ...


class WorkRepository(Protocol):
    def save_work(self, record: WorkRecord, new_steps: list[Step], new_assets: list[AssetInfo]) -> None: ...
    def get_work(self, work_id: str) -> WorkRecord | None: ...
    def list_works(self) -> list[WorkRecord]: ...
    def get_asset(self, asset_id: str) -> AssetInfo | None: ...
    def imported_as(self, asset_id: str) -> str | None: ...


class SqlStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # identities -----------------------------------------------------------

    @staticmethod
    def _identity(row: object) -> IdentityRecord:
        m = row._mapping  # type: ignore[attr-defined]
        try:
            secret = EncryptedKey.model_validate_json(m["secret"]) if m["secret"] else None
        except ValueError:
            raise IntegrityError(
                "the sealed private key of identity " + str(m["key_id"]) + " in the database is damaged",
                hint="restore the database (ARTPROOF_HOME/artproof.db) from a backup",
            ) from None
        return IdentityRecord(
            key_id=m["key_id"],
            name=m["name"],
            public_key=m["public_key"],
            is_self=bool(m["is_self"]),
            created_at=m["created_at"],
            secret=secret,
        )

    def self_identity(self) -> IdentityRecord | None:
        with self.engine.connect() as c:
            row = c.execute(select(identities).where(identities.c.is_self.is_(True))).first()
        return None if row is None else self._identity(row)

    @staticmethod
    def identity_values(record: IdentityRecord) -> dict[str, Any]:
        """The row of ``identities`` for a record (also written inside other transactions: rotation, sign-up)."""
        return {
            "key_id": record.key_id,
            "name": record.name,
            "public_key": record.public_key,
            "is_self": record.is_self,
            "created_at": record.created_at,
            "secret": None if record.secret is None else record.secret.model_dump_json(),
        }

    def add_identity(self, record: IdentityRecord) -> None:
        try:
            with self.engine.begin() as c:
                c.execute(insert(identities).values(**self.identity_values(record)))
        except SqlIntegrityError:
            raise InvalidInput(
                "this key is already known", value=record.key_id, hint="'artproof identity list' shows it"
            ) from None
        except OperationalError as exc:
            raise busy_error(exc) from exc

    @staticmethod
    def rotate_self_on(c: Connection, old_key_id: str, new: IdentityRecord) -> None:
        """Make ``new`` this home's identity and keep the old one as a known, retired key, inside a
        transaction the caller holds (the ledger's, so the rotation and its entries commit as one)."""
        c.execute(update(identities).where(identities.c.key_id == old_key_id).values(is_self=False))
        c.execute(insert(identities).values(**SqlStore.identity_values(new) | {"is_self": True}))

    def identity(self, key_id: str) -> IdentityRecord | None:
        with self.engine.connect() as c:
            row = c.execute(select(identities).where(identities.c.key_id == key_id)).first()
        return None if row is None else self._identity(row)

    def list_identities(self) -> list[IdentityRecord]:
        with self.engine.connect() as c:
            rows = c.execute(select(identities).order_by(identities.c.created_at)).all()
        return [self._identity(r) for r in rows]

    # works ----------------------------------------------------------------

    @staticmethod
    def _work(row: object) -> WorkRecord:
        m = row._mapping  # type: ignore[attr-defined]
        return WorkRecord(
            work_id=m["work_id"],
            title=m["title"],
            artist_key_id=m["artist_key_id"],
            created_at=m["created_at"],
            updated_at=m["updated_at"],
            revision=m["revision"],
            master=m["master"],
            manifest=SignedDocument.model_validate_json(m["manifest"]),
        )

    def save_work(self, record: WorkRecord, new_steps: list[Step], new_assets: list[AssetInfo]) -> None:
        """Insert or advance a work by one revision, with its new steps and assets, atomically."""
        values = {
            "title": record.title,
            "artist_key_id": record.artist_key_id,
            "created_at": record.created_at,
            "updated_at": record.updated_at,
            "revision": record.revision,
            "master": record.master,
            "manifest": record.manifest.model_dump_json(),
        }
        try:
            with self.engine.begin() as c:
                if record.revision == 1:
                    c.execute(insert(works).values(work_id=record.work_id, **values))
                    first_seq = 0
                else:
                    done = c.execute(
                        update(works)
                        .where(works.c.work_id == record.work_id, works.c.revision == record.revision - 1)
                        .values(**values)
                    )
                    if done.rowcount != 1:
                        raise StorageError(
                            "the work was changed by another command while this one ran",
                            value=record.work_id,
                            hint="run the command again; nothing was recorded",
                        )
                    first_seq = len(record.manifest.payload["steps"]) - len(new_steps)
                for offset, step in enumerate(new_steps):
                    c.execute(
                        insert(steps).values(
                            work_id=record.work_id,
                            seq=first_seq + offset,
                            step_id=step.step_id,
                            body=step.model_dump_json(),
                        )
                    )
                known = set(
                    c.execute(
                        select(assets.c.asset_id).where(assets.c.asset_id.in_([a.id for a in new_assets]))
                    ).scalars()
                )
                for info in new_assets:
                    if info.id not in known:
                        c.execute(insert(assets).values(asset_id=info.id, info=info.model_dump_json()))
                        known.add(info.id)
        except SqlIntegrityError as exc:
            raise StorageError(
                "the work was recorded twice at once",
                value=record.work_id,
                hint="run the command again; nothing was recorded",
            ) from exc
        except OperationalError as exc:
            raise busy_error(exc) from exc

    def get_work(self, work_id: str) -> WorkRecord | None:
        with self.engine.connect() as c:
            row = c.execute(select(works).where(works.c.work_id == work_id)).first()
        return None if row is None else self._work(row)

    def list_works(self) -> list[WorkRecord]:
        with self.engine.connect() as c:
            rows = c.execute(select(works).order_by(works.c.created_at, works.c.work_id)).all()
        return [self._work(r) for r in rows]

    def imported_as(self, asset_id: str) -> str | None:
        """The work whose first step imported exactly these bytes (``asset_id``), if any."""
        with self.engine.connect() as c:
            rows = c.execute(
                select(steps.c.work_id, steps.c.body).where(steps.c.seq == 0, steps.c.body.contains(asset_id))
            ).all()
        for row in rows:
            body = json.loads(row.body)
            if body.get("op") == "import.file" and body.get("output") == asset_id:
                return str(row.work_id)
        return None

    def get_asset(self, asset_id: str) -> AssetInfo | None:
        with self.engine.connect() as c:
            info = c.execute(select(assets.c.info).where(assets.c.asset_id == asset_id)).scalar()
        return None if info is None else AssetInfo.model_validate(json.loads(info))
