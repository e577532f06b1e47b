"""Key history from the log: which key succeeded which, and which were revoked, at which entry.

An artist whose signing key is lost or compromised runs ``artproof init --rotate``: a new key is
made and the log records ``key.rotated`` (signed by the old key, naming its successor), and with
``--revoke`` also ``key.revoked`` (signed by the successor: from this entry on, the old key's
signatures are not the artist's). The log's order is the clock: anything signed by a revoked key
and logged after its revocation is forged; what was logged before stays valid, and says that the
key was later revoked. Successors may sign for their predecessors (a transfer of an edition
issued under the old key is signed with the new one).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from artproof.core.signing import SignedDocument

__all__ = ["KEYS_SUBJECT", "KeyHistory"]

KEYS_SUBJECT = "keys"  # the lookup subject of every key.* entry


@dataclass
class KeyHistory:
    successor: dict[str, str] = field(default_factory=dict)  # old key id -> new key id
    revoked_at: dict[str, int] = field(default_factory=dict)  # key id -> ledger index of its revocation
    reasons: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, entries: Iterable[tuple[int, SignedDocument]]) -> KeyHistory:
        """From (index, entry) pairs in log order; entries not signed as the rules say are ignored."""
        history = cls()
        for index, entry in entries:
            kind, subject = entry.payload.get("type"), entry.payload.get("subject") or {}
            old, new, signer = (
                subject.get("key_id"),
                (subject.get("successor") or {}).get("key_id"),
                entry.signature.key_id,
            )
            if kind == "key.rotated" and old and new and signer == old and old not in history.successor:
                history.successor[old] = new
            elif kind == "key.revoked" and old and signer in (old, history.successor.get(old)):
                history.revoked_at.setdefault(old, index)
                history.reasons.setdefault(old, str(subject.get("reason") or "no reason given"))
        return history

    def lineage(self, key_id: str) -> list[str]:
        """The key and every key that succeeded it, in order."""
        chain, seen = [key_id], {key_id}
        while chain[-1] in self.successor and self.successor[chain[-1]] not in seen:
            chain.append(self.successor[chain[-1]])
            seen.add(chain[-1])
        return chain

    def may_sign_for(self, expected: str, signer: str) -> bool:
        return signer in self.lineage(expected)

    def forged(self, signer: str, index: int) -> str | None:
        """Why a signature by ``signer`` logged at ``index`` is not valid (its key was revoked before), or None."""
        revoked = self.revoked_at.get(signer)
        if revoked is not None and index > revoked:
            return (
                f"signed with key {signer} after that key was revoked (ledger entry {revoked}: "
                f"{self.reasons.get(signer)})"
            )
        return None

    def later(self, signer: str, index: int) -> str | None:
        """A note when the key was revoked after this signature was logged (the signature stays valid)."""
        revoked = self.revoked_at.get(signer)
        if revoked is not None and index <= revoked:
            return f"key {signer} was revoked later (ledger entry {revoked}); this was signed before, and stands"
        return None

    def to_json(self) -> dict[str, Any]:
        return {"successor": self.successor, "revoked_at": self.revoked_at}
