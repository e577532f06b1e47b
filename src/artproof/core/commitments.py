"""Salted commitments: a value proved later without being published now.

The ledger is public and permanent, and a certificate or a redacted recipe may be shown to
anyone, so a name, an address, a price or a prompt goes in as SHA-256("artproof-commitment-v1"
|| salt || canonical value); the clear value and its salt (the opening) stay with whoever may
reveal them, and :func:`open_commitment` proves the match.
"""

from __future__ import annotations

import os
from typing import Any

from pydantic import BaseModel, ConfigDict

from artproof.core.canonical import canonical_json
from artproof.core.hashing import content_id
from artproof.core.keys import b64decode, b64encode
from artproof.errors import IntegrityError

__all__ = ["Commitment", "Opening", "commit", "open_commitment"]

_COMMIT_PREFIX = b"artproof-commitment-v1\n"


class Opening(BaseModel):
    """What proves a commitment: the clear value and its salt (kept off the log)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    value: Any
    salt: str


class Commitment(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    commitment: str


def _commitment_of(value: Any, salt: bytes) -> str:
    return content_id(_COMMIT_PREFIX + salt + canonical_json(value))


def commit(value: Any) -> tuple[Commitment, Opening]:
    salt = os.urandom(32)
    return Commitment(commitment=_commitment_of(value, salt)), Opening(value=value, salt=b64encode(salt))


def open_commitment(commitment: Commitment, opening: Opening) -> None:
    """Raise unless ``opening`` is the clear value behind ``commitment``."""
    if _commitment_of(opening.value, b64decode(opening.salt, what="salt")) != commitment.commitment:
        raise IntegrityError("the value does not match the commitment in the ledger", value=commitment.commitment)
