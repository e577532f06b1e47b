"""What the ledger service returns: typed, the ``--json`` documents of ``ledger status``, ``check``,
``consistency`` and ``reveal`` (docs/ledger.md names their keys)."""

from __future__ import annotations

from typing import Any

from artproof.core.results import Result

__all__ = ["Consistency", "LedgerStatus", "ProofCheck", "Revealed"]


class LedgerStatus(Result):
    size: int
    root: str
    checkpoint: str | None = None
    origin: str | None = None
    log_key: str | None = None


class ProofCheck(Result):
    """A checked inclusion proof: the entry, where it is, who signed it; what else was checked with it."""

    valid: bool
    origin: str
    tree_size: int
    leaf_index: int
    type: str
    signer: str
    subject: str | None = None
    opened: dict[str, Any] | None = None  # a revealed value that matches the entry's commitment
    certificate: dict[str, Any] | None = None  # a certificate whose issuance this entry is

    def to_json(self) -> dict[str, Any]:
        doc: dict[str, Any] = super().to_json()
        return {k: v for k, v in doc.items() if v is not None or k not in ("opened", "certificate")}


class Consistency(Result):
    old_size: int
    new_size: int
    old_root: str
    new_root: str
    hashes: list[str]
    verified: bool


class Revealed(Result):
    entry_id: str
    field: str
    commitment: str
    value: Any
    salt: str
