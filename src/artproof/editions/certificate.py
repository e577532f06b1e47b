"""Certificates of authenticity (``artproof.coa/1``): canonical JSON signed by the artist.

The signed body says what the edition is; the exported file adds, unsigned, the
ledger entry that registered it and its inclusion proof, which anyone can check
against the log's key offline (the proof cannot be inside the signed body: the
entry names the body's hash).
"""

from __future__ import annotations

from typing import Any

from artproof.core.canonical import canonical_json, parse_json
from artproof.core.hashing import content_id
from artproof.core.signing import SignedDocument, verify_document
from artproof.errors import IntegrityError, InvalidInput

__all__ = ["COA_FORMAT", "COA_PURPOSE", "certificate_hash", "load_certificate_file", "verify_certificate"]

COA_FORMAT = "artproof.coa/1"
COA_PURPOSE = "artproof.certificate"


def certificate_hash(certificate: SignedDocument) -> str:
    """What the ``edition.issued`` entry names: the hash of the signed certificate's canonical JSON."""
    return content_id(canonical_json(certificate.model_dump(mode="json")))


def verify_certificate(certificate: SignedDocument) -> dict[str, Any]:
    """The certificate's body after checking its signature and format (raises :class:`IntegrityError`)."""
    verify_document(certificate, purpose=COA_PURPOSE)
    body = certificate.payload
    if body.get("format") != COA_FORMAT:
        raise IntegrityError("not an artproof certificate of authenticity", value=str(body.get("format")))
    if body.get("artist", {}).get("key_id") != certificate.signature.key_id:
        raise IntegrityError("the certificate is not signed by the artist it names")
    return body


def load_certificate_file(data: bytes) -> tuple[SignedDocument, dict[str, Any]]:
    """(certificate, ledger section) from an exported ``.coa.json``."""
    document = parse_json(data, what="certificate file")
    if not isinstance(document, dict) or "certificate" not in document:
        raise InvalidInput("not an artproof certificate file", hint="export one: artproof certificate export EDITION")
    try:
        certificate = SignedDocument.model_validate(document["certificate"])
    except ValueError as exc:
        raise IntegrityError("the certificate is malformed", value=str(exc)[:200]) from None
    return certificate, dict(document.get("ledger") or {})
