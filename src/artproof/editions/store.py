"""Editions and transfers in the SQL store (SQLAlchemy Core)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, insert, select, update

from artproof.core.signing import SignedDocument
from artproof.editions.ids import edition_id, edition_label, parse_edition_id
from artproof.editions.parties import Party
from artproof.errors import NotFound
from artproof.store.tables import editions, transfers

__all__ = ["EditionRecord", "EditionStore", "find_edition"]


@dataclass(frozen=True, slots=True)
class EditionRecord:
    edition_id: str
    work_id: str
    revision: int
    number: int
    count: int
    artist_proof: bool
    file_blob: str
    base_blob: str
    reference_blob: str
    phash: str
    seed: int | None
    licence: str
    certificate: SignedDocument
    ledger_index: int
    issued_at: str
    owner: Party
    revoked_at: str | None = None
    revoked_reason: str | None = None

    @property
    def label(self) -> str:
        return edition_label(self.number, self.count, self.artist_proof)

    def row(self) -> dict[str, object]:
        return {
            "edition_id": self.edition_id,
            "work_id": self.work_id,
            "revision": self.revision,
            "number": self.number,
            "count": self.count,
            "artist_proof": self.artist_proof,
            "file_blob": self.file_blob,
            "base_blob": self.base_blob,
            "reference_blob": self.reference_blob,
            "phash": self.phash,
            "seed": self.seed,
            "licence": self.licence,
            "certificate": self.certificate.model_dump_json(),
            "ledger_index": self.ledger_index,
            "issued_at": self.issued_at,
            "owner": self.owner.model_dump_json(),
            "revoked_at": self.revoked_at,
            "revoked_reason": self.revoked_reason,
        }

    def to_json(self) -> dict[str, Any]:
        """An edition's ``--json`` document (``edition issue``, ``edition list``, a job's result)."""
        return {
            "edition_id": self.edition_id,
            "work_id": self.work_id,
            "number": self.number,
            "count": self.count,
            "artist_proof": self.artist_proof,
            "label": self.label,
            "licence": self.licence,
            "owner": self.owner.label(),
            "status": "revoked" if self.revoked_at else "issued",
            "ledger_index": self.ledger_index,
        }


def _record(row: object) -> EditionRecord:
    m = row._mapping  # type: ignore[attr-defined]
    return EditionRecord(
        edition_id=m["edition_id"],
        work_id=m["work_id"],
        revision=int(m["revision"]),
        number=int(m["number"]),
        count=int(m["count"]),
        artist_proof=bool(m["artist_proof"]),
        file_blob=m["file_blob"],
        base_blob=m["base_blob"],
        reference_blob=m["reference_blob"],
        phash=m["phash"],
        seed=None if m["seed"] is None else int(m["seed"]),
        licence=m["licence"],
        certificate=SignedDocument.model_validate_json(m["certificate"]),
        ledger_index=int(m["ledger_index"]),
        issued_at=m["issued_at"],
        owner=Party.model_validate_json(m["owner"]),
        revoked_at=m["revoked_at"],
        revoked_reason=m["revoked_reason"],
    )


class EditionStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @staticmethod
    def insert(c: Connection, records: list[EditionRecord]) -> None:
        c.execute(insert(editions), [r.row() for r in records])

    def get(self, edition_id: str) -> EditionRecord | None:
        with self.engine.connect() as c:
            row = c.execute(select(editions).where(editions.c.edition_id == edition_id)).first()
        return None if row is None else _record(row)

    def by_work(self, work_id: str) -> list[EditionRecord]:
        with self.engine.connect() as c:
            rows = c.execute(
                select(editions)
                .where(editions.c.work_id == work_id)
                .order_by(editions.c.artist_proof, editions.c.number)
            ).all()
        return [_record(r) for r in rows]

    def all(self) -> list[EditionRecord]:
        with self.engine.connect() as c:
            return [_record(r) for r in c.execute(select(editions)).all()]

    def transfers(self, edition_id: str) -> list[SignedDocument]:
        return [document for document, _ in self.transfers_with_acceptance(edition_id)]

    def transfers_with_acceptance(self, edition_id: str) -> list[tuple[SignedDocument, SignedDocument | None]]:
        return [(document, acceptance) for document, acceptance, _ in self.transfer_records(edition_id)]

    def transfer_records(self, edition_id: str) -> list[tuple[SignedDocument, SignedDocument | None, int]]:
        """(transfer, the buyer's acceptance or None, its ledger index) in order."""
        with self.engine.connect() as c:
            rows = c.execute(
                select(transfers.c.document, transfers.c.acceptance, transfers.c.ledger_index)
                .where(transfers.c.edition_id == edition_id)
                .order_by(transfers.c.seq)
            ).all()
        return [
            (
                SignedDocument.model_validate_json(r.document),
                None if r.acceptance is None else SignedDocument.model_validate_json(r.acceptance),
                int(r.ledger_index),
            )
            for r in rows
        ]

    def accept(self, edition_id: str, seq: int, acceptance: SignedDocument) -> None:
        with self.engine.begin() as c:
            c.execute(
                update(transfers)
                .where(transfers.c.edition_id == edition_id, transfers.c.seq == seq)
                .values(acceptance=acceptance.model_dump_json())
            )

    @staticmethod
    def add_transfer(c: Connection, edition_id: str, seq: int, document: SignedDocument, index: int, at: str) -> None:
        c.execute(
            insert(transfers).values(
                edition_id=edition_id, seq=seq, document=document.model_dump_json(), ledger_index=index, at=at
            )
        )

    @staticmethod
    def set_owner(c: Connection, edition_id: str, owner: Party) -> None:
        c.execute(update(editions).where(editions.c.edition_id == edition_id).values(owner=owner.model_dump_json()))

    @staticmethod
    def revoke(c: Connection, edition_id: str, at: str, reason: str) -> None:
        c.execute(
            update(editions).where(editions.c.edition_id == edition_id).values(revoked_at=at, revoked_reason=reason)
        )


def find_edition(store: EditionStore, ref: str) -> EditionRecord:
    """An edition by its id as a person types it (checked), or :class:`NotFound` saying where to look."""
    wanted = edition_id(parse_edition_id(ref))
    found = store.get(wanted)
    if found is None:
        raise NotFound("no such edition in this registry", value=wanted, hint="see: artproof edition list WORK")
    return found
