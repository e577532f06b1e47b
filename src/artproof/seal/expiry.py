"""Certificate expiry judged at the time the ledger proves, not at the time of reading.

Sealing is offline, so a sealed file usually has no timestamp authority's token,
and a C2PA validator judges the signing certificate at the moment it reads the
file: once the certificate ends, every file it ever signed turns ``Invalid``
(``signingCredential.expired``). The registry's ``work.sealed`` ledger entry
names the claim's digest; the first signed checkpoint that includes it proves
the claim existed by then. If the certificate was valid at that time the
failure is lifted, and an informational code says on what ground; if it was
not, or the ledger names another certificate, the failure stays and says why.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from cryptography import x509
from cryptography.hazmat.primitives import hashes

from artproof.errors import ArtproofError
from artproof.interop.c2pa import EXPLANATIONS, C2paReport
from artproof.seal.registry import SealRecord, WorkRegistry

__all__ = [
    "INSIDE",
    "OTHER_CERTIFICATE",
    "OUTSIDE",
    "UNVERIFIABLE",
    "LedgerTimeJudge",
    "anchor_fingerprints",
    "judge_expiry",
]

EXPIRED = "signingCredential.expired"
UNTRUSTED = "signingCredential.untrusted"
INSIDE = "org.artproof.ledgerTime.insideValidity"
OUTSIDE = "org.artproof.ledgerTime.outsideValidity"
OTHER_CERTIFICATE = "org.artproof.ledgerTime.otherCertificate"
UNVERIFIABLE = "org.artproof.ledgerTime.unverifiable"


def anchor_fingerprints(anchors_pem: str | None) -> set[str]:
    """SHA-256 of each trust anchor's DER, as hex."""
    if not anchors_pem:
        return set()
    return {c.fingerprint(hashes.SHA256()).hex() for c in x509.load_pem_x509_certificates(anchors_pem.encode("ascii"))}


def _when(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC")


def judge_expiry(report: C2paReport, record: SealRecord | None, anchors: set[str]) -> None:
    """Lift or explain ``signingCredential.expired`` from the ledger's record of the claim (in place)."""
    if EXPIRED not in report.failures or record is None:
        return
    certificate = record.subject.get("certificate") or {}
    report.ledger_seal = {
        "index": record.index,
        "checkpoint_size": record.checkpoint_size,
        "logged_at": record.logged_at.isoformat(),
    }
    serial = (report.signer or {}).get("cert_serial_number")
    if serial is None or str(serial) != str(certificate.get("serial")):
        report.failures.append(OTHER_CERTIFICATE)
        report.explanations[OTHER_CERTIFICATE] = (
            f"ledger entry {record.index} records this claim with a different signing certificate"
        )
        return
    not_before = datetime.fromisoformat(certificate["not_before"])
    not_after = datetime.fromisoformat(certificate["not_after"])
    at = record.logged_at
    span = f"{_when(not_before)} to {_when(not_after)}"
    if not not_before <= at <= not_after:
        report.failures.append(OUTSIDE)
        report.explanations[OUTSIDE] = (
            f"ledger entry {record.index} was logged {_when(at)}, outside the certificate's validity ({span})"
        )
        return
    report.failures.remove(EXPIRED)
    report.informational.append(EXPIRED)
    report.informational.append(INSIDE)
    report.explanations[EXPIRED] = EXPLANATIONS[EXPIRED] + " since the file was sealed"
    report.explanations[INSIDE] = (
        f"ledger entry {record.index} proves this claim existed on {_when(at)} "
        f"(checkpoint of size {record.checkpoint_size}), inside the certificate's validity ({span})"
    )
    if report.failures:
        return
    if certificate.get("issuer_sha256") in anchors:
        report.validation_state = "Trusted"
        if UNTRUSTED in report.informational:
            report.informational.remove(UNTRUSTED)
            report.explanations.pop(UNTRUSTED, None)
    else:
        report.validation_state = "Valid"
        if UNTRUSTED not in report.informational:
            report.informational.append(UNTRUSTED)
        report.explanations[UNTRUSTED] = EXPLANATIONS[UNTRUSTED]


class LedgerTimeJudge:
    """The :data:`~artproof.interop.c2pa.CredentialJudge` that consults this registry's ledger."""

    def __init__(self, registry: WorkRegistry, anchors_pem: Callable[[], str | None]) -> None:
        self.registry = registry
        self.anchors_pem = anchors_pem

    def __call__(self, report: C2paReport) -> None:
        recipe = report.assertions.get("org.artproof.recipe")
        work_id = recipe.get("work_id") if isinstance(recipe, dict) else None
        if EXPIRED not in report.failures or report.claim_digest is None or not isinstance(work_id, str):
            return
        try:
            record = self.registry.seal_record(work_id, report.claim_digest)
        except ArtproofError as exc:
            report.failures.append(UNVERIFIABLE)
            report.explanations[UNVERIFIABLE] = f"this ledger's record of the claim does not check: {exc.what}"
            return
        judge_expiry(report, record, anchor_fingerprints(self.anchors_pem()))
