"""The certificate of authenticity as a typed model: built, signed and checked in one place (its digest,
what the ledger names, is :func:`artproof.editions.certificate.certificate_hash`).

``CertificateBody`` is the signed body (docs/formats.md, ``artproof.coa/2``; ``/1`` bodies parse
too). Fields this version does not know stay in the model (``extra="allow"``), so a newer body
still reads; and a body is signed exactly as built (``exclude_unset``), never with nulls it did not
set. ``Certificate`` pairs the signed document with its checked body.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pydantic import BaseModel, ConfigDict

from artproof.core.signing import SignedDocument, sign_document, verify_document
from artproof.editions.ids import edition_label
from artproof.errors import IntegrityError

__all__ = [
    "COA_FORMAT",
    "COA_FORMATS",
    "COA_PURPOSE",
    "CertArtist",
    "CertEdition",
    "CertOwner",
    "CertWork",
    "Certificate",
    "CertificateBody",
]

COA_FORMAT = "artproof.coa/2"
COA_FORMATS = ("artproof.coa/1", COA_FORMAT)
COA_PURPOSE = "artproof.certificate"


class _Part(BaseModel):
    model_config = ConfigDict(extra="allow")


class CertWork(_Part):
    work_id: str
    title: str
    revision: int | None = None
    manifest_sha256: str | None = None  # coa/2: the digest of the signed record of how it was made
    series: str | None = None  # as the artist described the work (work set), only when given
    year: int | None = None
    medium: str | None = None
    dimensions: str | None = None


class CertArtist(_Part):
    name: str
    key_id: str
    public_key: str | None = None


class CertEdition(_Part):
    number: int
    count: int
    artist_proof: bool
    proofs: int | None = None

    @property
    def label(self) -> str:
        return edition_label(self.number, self.count, self.artist_proof)


class CertOwner(_Part):
    name: str | None = None
    key_id: str | None = None


class CertificateBody(_Part):
    format: str
    edition_id: str
    work: CertWork
    artist: CertArtist
    edition: CertEdition
    issued_at: str
    first_owner: CertOwner = CertOwner()
    pixels: dict[str, Any] | None = None  # coa/2: pixel SHA-256, size, perceptual and crop hashes
    file: dict[str, Any] | None = None  # coa/1: the file's SHA-256 and pHash
    media_type: str | None = None
    credentials: dict[str, Any] | None = None
    generation: list[dict[str, Any]] | None = None
    watermark: dict[str, Any] | None = None
    classification: dict[str, Any] | None = None
    physical_steps: list[dict[str, Any]] | None = None
    models: list[dict[str, Any]] | None = None  # each trained step's model and its card (set only when any)
    unique_render: dict[str, Any] | None = None
    licence: dict[str, Any] | None = None

    @property
    def signer_serial(self) -> str | None:
        """The serial of the certificate that signed the edition's Content Credentials (coa/2)."""
        serial = ((self.credentials or {}).get("signer") or {}).get("serial")
        return str(serial) if serial else None

    @property
    def licence_title(self) -> str | None:
        licence = self.licence or {}
        return licence.get("title") or licence.get("id")

    def document(self) -> dict[str, Any]:
        """The body exactly as built: what is signed and hashed."""
        return self.model_dump(mode="json", exclude_unset=True)


@dataclass(frozen=True)
class Certificate:
    """A signed certificate and its checked body."""

    signed: SignedDocument
    body: CertificateBody

    @classmethod
    def sign(cls, body: CertificateBody, key: Ed25519PrivateKey) -> Certificate:
        return cls(sign_document(COA_PURPOSE, body.document(), key), body)

    @classmethod
    def check(cls, signed: SignedDocument) -> Certificate:
        """The certificate after checking its signature, format and signer (raises :class:`IntegrityError`)."""
        verify_document(signed, purpose=COA_PURPOSE)
        payload = signed.payload
        if payload.get("format") not in COA_FORMATS:
            raise IntegrityError("not an artproof certificate of authenticity", value=str(payload.get("format")))
        try:
            body = CertificateBody.model_validate(payload)
        except ValueError as exc:
            raise IntegrityError("the certificate's body is malformed", value=str(exc)[:200]) from None
        if body.artist.key_id != signed.signature.key_id:
            raise IntegrityError("the certificate is not signed by the artist it names")
        return cls(signed, body)
