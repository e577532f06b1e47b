"""An edition's status read from the log's own entries: revoked or not, and the current owner's key.

Entries come in log order with their indices; each transfer must be signed by the owner before it
(or a key that succeeded theirs), the artist signing for an owner without a key, and no signature
may come from a key revoked before it was logged. Used by verify (through a mirror) and by the
buyer's collection, so both read the log the same way.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from artproof.core.signing import SignedDocument
from artproof.ledger.keys import KeyHistory

__all__ = ["EditionStatus", "edition_status"]


@dataclass(frozen=True, slots=True)
class EditionStatus:
    revoked: dict[str, Any] | None  # {"at", "reason"} of a revocation by the artist
    owner_key: str | None  # the current owner's key (None: held for a buyer without a key)
    transfers: int
    problem: str | None  # a link of the chain that does not hold: the record is forged


def edition_status(
    entries: Iterable[tuple[int, SignedDocument]], history: KeyHistory, artist: str, first_owner: str | None
) -> EditionStatus:
    revoked: dict[str, Any] | None = None
    owner, transfers = first_owner, 0
    for index, entry in entries:
        kind, subject, signer = entry.payload["type"], entry.payload["subject"], entry.signature.key_id
        if kind == "edition.revoked":
            if not history.may_sign_for(artist, signer) or history.forged(signer, index):
                return EditionStatus(
                    revoked, owner, transfers, f"a revocation in the log is signed by {signer}, not the artist"
                )
            revoked = {"at": entry.payload.get("at"), "reason": subject.get("reason")}
        elif kind == "ownership.transferred":
            expected = owner or artist  # an owner without a key is represented by the artist
            problem = (
                f"is signed by {signer}, not {expected}"
                if not history.may_sign_for(expected, signer)
                else history.forged(signer, index)
            )
            if problem:
                return EditionStatus(revoked, owner, transfers, f"transfer {subject.get('seq')} in the log {problem}")
            owner = subject.get("to_key_id")
            transfers += 1
    return EditionStatus(revoked, owner, transfers, None)
