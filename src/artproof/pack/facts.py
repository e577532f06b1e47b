"""The facts a printed certificate states, gathered from the signed certificate and the record.

Everything printed comes from the signed certificate body (title, artist, edition, licence,
classification, the models and the description) or is derived from signed material (the
certificate's SHA-256, the artist key's fingerprint, the ledger entry that issued it), so a printed
page says nothing the certificate does not. The verify link is ``<ARTPROOF_PUBLIC_URL>/v/<edition
id>`` when that setting names the public registry, else the edition id itself (which ``artproof
verify`` and a registry's search both take).
"""

from __future__ import annotations

import base64
import hashlib

from pydantic import Field

from artproof.core.results import Result
from artproof.editions.coa import CertificateBody
from artproof.editions.ids import edition_label
from artproof.models.cards import NOT_DECLARED

__all__ = ["CertificateFacts", "key_fingerprint", "verify_link"]


def key_fingerprint(public_key: str | None, key_id: str) -> str:
    """The artist key's SHA-256 fingerprint in groups of four (the key id when the key is not in the body)."""
    if not public_key:
        return " ".join(key_id[i : i + 4] for i in range(0, len(key_id), 4))
    try:
        raw = base64.b64decode(public_key + "=" * (-len(public_key) % 4))
    except ValueError:
        raw = public_key.encode()
    digest = hashlib.sha256(raw).hexdigest()[:32]
    return " ".join(digest[i : i + 4] for i in range(0, len(digest), 4))


def verify_link(edition_id: str, public_url: str | None) -> str:
    return f"{public_url.rstrip('/')}/v/{edition_id}" if public_url else edition_id


class CertificateFacts(Result):
    """A certificate as it is printed."""

    edition_id: str
    title: str
    artist: str
    year: int | None = None
    series: str = ""
    medium: str = ""
    dimensions: str = ""
    edition: str  # "1 of 5", "AP 1"
    issued: str  # the day
    category: str = ""
    source_type: str = ""
    explanation: str = ""
    licence: str = ""
    first_owner: str = ""
    models: list[str] = Field(default_factory=list)
    physical: list[str] = Field(default_factory=list)
    certificate_sha256: str
    key_fingerprint: str
    ledger_index: int | None = None
    link: str
    status: str = "issued"

    @classmethod
    def of(
        cls,
        body: CertificateBody,
        *,
        certificate_sha256: str,
        ledger_index: int | None,
        public_url: str | None,
        status: str = "issued",
    ) -> CertificateFacts:
        c = body.classification or {}
        work = body.work
        physical = []
        for step in body.physical_steps or []:
            params = step.get("params") or {}
            said = (
                str(step.get("op", "")).split(".")[-1],
                params.get("method"),
                params.get("material"),
                params.get("date"),
            )
            physical.append(" ".join(str(x) for x in said if x))
        models = []
        for entry in body.models or []:
            card = entry.get("card") or {}
            name = " ".join(str(x) for x in (card.get("name") or entry.get("name"), card.get("version")) if x)
            models.append(f"{name} (training data: {(card.get('training_data') or '').strip() or NOT_DECLARED})")
        return cls(
            edition_id=body.edition_id,
            title=work.title,
            artist=body.artist.name,
            year=work.year,
            series=work.series or "",
            medium=work.medium or "",
            dimensions=work.dimensions or "",
            edition=edition_label(body.edition.number, body.edition.count, body.edition.artist_proof),
            issued=body.issued_at[:10],
            category=str(c.get("category") or ""),
            source_type=str(c.get("digital_source_type") or ""),
            explanation=str(c.get("explanation") or ""),
            licence=body.licence_title or "",
            first_owner=body.first_owner.name or "",
            models=models,
            physical=physical,
            certificate_sha256=certificate_sha256,
            key_fingerprint=key_fingerprint(body.artist.public_key, body.artist.key_id),
            ledger_index=ledger_index,
            link=verify_link(body.edition_id, public_url),
            status=status,
        )
