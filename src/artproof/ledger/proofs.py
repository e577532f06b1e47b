"""``proof.json``: an inclusion proof with its checkpoint, checkable offline by anyone.

The checker refuses the file if any field disagrees with another, and says
which: the checkpoint's signature and origin, its size against ``tree_size``,
the entry against ``leaf_hash``, the hashes against the root, and the entry's
own signature.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from artproof.core.canonical import canonical_json, parse_json
from artproof.core.signing import SignedDocument
from artproof.errors import IntegrityError, InvalidInput
from artproof.ledger.checkpoint import Checkpoint, NoteVerifier, verify_checkpoint
from artproof.ledger.entries import parse_entry
from artproof.ledger.merkle import leaf_hash, verify_inclusion

__all__ = ["InclusionBundle", "check_bundle", "load_bundle"]

HEX32 = r"^[0-9a-f]{64}$"


class InclusionBundle(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    format: Literal["artproof.proof/1"] = "artproof.proof/1"
    leaf_index: int = Field(ge=0)
    tree_size: int = Field(ge=1)
    leaf_hash: str = Field(pattern=HEX32)
    hashes: list[str]
    entry: dict[str, Any]
    checkpoint: str

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


def load_bundle(data: bytes, *, name: str = "proof file") -> InclusionBundle:
    try:
        return InclusionBundle.model_validate(parse_json(data, what=name))
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "file"
        raise InvalidInput(
            f"{name} is not an artproof proof: field {where!r}: {first['msg']}",
            hint="make one with 'artproof ledger proof'",
        ) from None


def check_bundle(
    bundle: InclusionBundle, log: NoteVerifier, *, origin: str | None = None
) -> tuple[Checkpoint, SignedDocument]:
    """Verify every field against the others; return the checkpoint and the entry."""
    # (1) the checkpoint is signed by the log's key, and is for the expected log
    checkpoint = verify_checkpoint(bundle.checkpoint, log, origin=origin)
    # (2) the proof is for the tree the checkpoint describes
    if checkpoint.size != bundle.tree_size:
        raise IntegrityError(
            "tree_size does not match the checkpoint's size",
            value=bundle.tree_size,
            hint=f"the checkpoint is for size {checkpoint.size}",
        )
    if bundle.leaf_index >= bundle.tree_size:
        raise IntegrityError("leaf_index is outside the tree", value=bundle.leaf_index)
    # (3) the entry is the leaf
    leaf = leaf_hash(canonical_json(bundle.entry))
    if leaf.hex() != bundle.leaf_hash:
        raise IntegrityError(
            "the entry does not hash to leaf_hash: the entry or the hash was changed", value=bundle.leaf_hash[:16]
        )
    # (4) the hashes lead from the leaf to the checkpoint's root
    try:
        hashes = [bytes.fromhex(h) for h in bundle.hashes]
    except ValueError:
        raise IntegrityError("a proof hash is not hex") from None
    verify_inclusion(bundle.leaf_index, bundle.tree_size, leaf, hashes, checkpoint.root)
    # (5) the entry is signed by its actor
    entry = parse_entry(bundle.entry)
    return checkpoint, entry
