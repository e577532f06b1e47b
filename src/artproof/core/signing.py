"""Signatures over canonical documents.

A signature covers the RFC 8785 canonical bytes of a payload under a domain
separation prefix, so a signature made for one kind of document can never be
replayed as another kind (a work manifest is not a ledger entry).
"""

from __future__ import annotations

import hashlib
from typing import Any, Literal

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from pydantic import BaseModel, ConfigDict

from artproof.core.canonical import canonical_json
from artproof.core.keys import b64decode, b64encode, key_id_of, public_key_bytes
from artproof.errors import IntegrityError

__all__ = ["Signature", "SignedDocument", "document_digest", "sign_document", "verify_document"]


class Signature(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    algorithm: Literal["Ed25519"] = "Ed25519"
    key_id: str
    public_key: str
    value: str


class SignedDocument(BaseModel):
    """A payload, the purpose it was signed for, and the signature over both."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    purpose: str
    payload: dict[str, Any]
    signature: Signature


def _message(purpose: str, payload: dict[str, Any]) -> bytes:
    return b"artproof-signature-v1\n" + purpose.encode("utf-8") + b"\n" + canonical_json(payload)


def document_digest(document: SignedDocument) -> str:
    """``sha256:<hex>`` of a signed document's canonical JSON: how entries and certificates name one another."""
    return "sha256:" + hashlib.sha256(canonical_json(document.model_dump(mode="json"))).hexdigest()


def sign_document(purpose: str, payload: dict[str, Any], key: Ed25519PrivateKey) -> SignedDocument:
    public_raw = public_key_bytes(key.public_key())
    value = key.sign(_message(purpose, payload))
    return SignedDocument(
        purpose=purpose,
        payload=payload,
        signature=Signature(key_id=key_id_of(public_raw), public_key=b64encode(public_raw), value=b64encode(value)),
    )


def verify_document(document: SignedDocument, *, purpose: str, expected_key_id: str | None = None) -> None:
    """Raise :class:`IntegrityError` unless the signature is valid for this purpose and signer."""
    sig = document.signature
    if document.purpose != purpose:
        raise IntegrityError(f"document was signed as {document.purpose!r}, not as {purpose!r}")
    raw = b64decode(sig.public_key, what="signature public key")
    if key_id_of(raw) != sig.key_id:
        raise IntegrityError("signature's key_id does not match its public key", value=sig.key_id)
    if expected_key_id is not None and sig.key_id != expected_key_id:
        raise IntegrityError(
            "document is signed by another key", value=sig.key_id, hint=f"expected signer {expected_key_id}"
        )
    try:
        Ed25519PublicKey.from_public_bytes(raw).verify(
            b64decode(sig.value, what="signature"), _message(purpose, document.payload)
        )
    except InvalidSignature:
        raise IntegrityError(
            f"the {purpose} signature does not verify: the document was changed after signing",
            value=sig.key_id,
        ) from None
