"""Printing and packing an edition: the service the CLI (and later the web) call."""

from __future__ import annotations

from artproof.core.images import decode_image
from artproof.editions.certificate import certificate_hash, verify_certificate
from artproof.editions.service import EditionService
from artproof.errors import InvalidInput
from artproof.pack.certificate_pdf import PAPERS, Paper, certificate_pdf
from artproof.pack.facts import CertificateFacts
from artproof.store.blobs import BlobStore

__all__ = ["PackService"]


class PackService:
    def __init__(self, editions: EditionService, blobs: BlobStore, public_url: str | None) -> None:
        self.editions = editions
        self.blobs = blobs
        self.public_url = public_url

    def certificate_facts(self, ref: str) -> CertificateFacts:
        """What the printed certificate of edition ``ref`` states (its signature checked first)."""
        record = self.editions.get(ref)
        body = verify_certificate(record.certificate)
        return CertificateFacts.of(
            body,
            certificate_sha256=certificate_hash(record.certificate),
            ledger_index=record.ledger_index,
            public_url=self.public_url,
            status="revoked" if record.revoked_at else "issued",
        )

    def certificate_print(self, ref: str, paper: str = "a4") -> tuple[CertificateFacts, bytes]:
        """(the facts, the one-page PDF) of edition ``ref``'s certificate, on A4 or Letter."""
        size = paper.strip().lower()
        if size not in PAPERS:
            raise InvalidInput("unknown paper", value=paper, hint="a4 or letter")
        facts = self.certificate_facts(ref)
        record = self.editions.get(ref)
        picture = decode_image(self.blobs.get(record.file_blob), name=f"edition {record.edition_id}")
        paper_size: Paper = "letter" if size == "letter" else "a4"
        return facts, certificate_pdf(facts, picture, paper_size)
