"""Ledger entries: canonical JSON documents signed by their actor.

The log is public and permanent, so personal data (names, e-mail addresses,
prices) never enters it in clear: an entry carries a salted commitment
SHA-256("artproof-commitment-v1" || salt || canonical value), the clear value
and its salt stay in the deletable store, and whoever holds them can prove
the match (:mod:`artproof.core.commitments`).
"""

from __future__ import annotations

from typing import Any, Literal, get_args

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pydantic import ValidationError

from artproof.core.canonical import canonical_json
from artproof.core.commitments import Commitment
from artproof.core.hashing import content_id
from artproof.core.signing import SignedDocument, sign_document, verify_document
from artproof.errors import IntegrityError, InvalidInput, NotFound

__all__ = [
    "ENTRY_PURPOSE",
    "ENTRY_TYPES",
    "Commitment",
    "EntryType",
    "commitment_at",
    "entry_bytes",
    "entry_id",
    "make_entry",
    "parse_entry",
]

EntryType = Literal[
    "work.registered",
    "work.sealed",
    "edition.issued",
    "ownership.transferred",
    "edition.revoked",
    "work.withdrawn",
    "key.rotated",
    "key.revoked",
]
ENTRY_TYPES: tuple[str, ...] = get_args(EntryType)
ENTRY_PURPOSE = "artproof.ledger.entry"


def commitment_at(subject: dict[str, Any], name: str) -> Commitment:
    """The commitment at a dotted field path of an entry's subject (``artist.name``)."""
    node: Any = subject
    for part in name.split("."):
        if not isinstance(node, dict) or part not in node:
            raise NotFound("the entry has no such field", value=name)
        node = node[part]
    try:
        return Commitment.model_validate(node)
    except ValidationError:
        raise InvalidInput("this field is not a commitment", value=name) from None


def make_entry(kind: EntryType, subject: dict[str, Any], key: Ed25519PrivateKey, at: str) -> SignedDocument:
    if kind not in ENTRY_TYPES:
        raise InvalidInput("unknown ledger entry type", value=kind, hint=f"one of {', '.join(ENTRY_TYPES)}")
    payload = {"format": "artproof.entry/1", "type": kind, "at": at, "subject": subject}
    return sign_document(ENTRY_PURPOSE, payload, key)


def entry_bytes(entry: SignedDocument) -> bytes:
    """The leaf data: the signed entry's canonical JSON."""
    return canonical_json(entry.model_dump(mode="json"))


def entry_id(data: bytes) -> str:
    return content_id(data)


def parse_entry(data: bytes | dict[str, Any]) -> SignedDocument:
    """A signed entry from leaf data or its JSON object, its signature checked."""
    try:
        document = (
            SignedDocument.model_validate_json(data) if isinstance(data, bytes) else SignedDocument.model_validate(data)
        )
    except ValidationError as exc:
        raise IntegrityError("the ledger entry is malformed", value=str(exc.errors()[0]["msg"])) from None
    verify_document(document, purpose=ENTRY_PURPOSE)
    if document.payload.get("type") not in ENTRY_TYPES:
        raise IntegrityError("the ledger entry has an unknown type", value=document.payload.get("type"))
    return document
