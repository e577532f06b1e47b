"""Expiry judged at the ledger's time: each outcome of the decision rule."""

from __future__ import annotations

from datetime import datetime

from artproof.interop.c2pa import C2paReport
from artproof.seal.expiry import INSIDE, OTHER_CERTIFICATE, OUTSIDE, judge_expiry
from artproof.seal.registry import SealRecord

CERT = {
    "serial": "1234",
    "not_before": "2024-01-01T00:00:00+00:00",
    "not_after": "2025-01-01T00:00:00+00:00",
    "issuer_sha256": "ab" * 32,
}


def expired_report(serial: str = "1234") -> C2paReport:
    return C2paReport(
        present=True,
        validation_state="Invalid",
        failures=["signingCredential.expired"],
        informational=["signingCredential.untrusted"],
        explanations={"signingCredential.expired": "x", "signingCredential.untrusted": "y"},
        signer={"common_name": "Ada", "cert_serial_number": serial},
        claim_digest="sha256:" + "0" * 64,
    )


def record(at: str) -> SealRecord:
    return SealRecord(index=7, subject={"certificate": CERT}, logged_at=datetime.fromisoformat(at), checkpoint_size=8)


def test_inside_validity_lifts_the_failure_and_trusts_a_known_issuer() -> None:
    report = expired_report()
    judge_expiry(report, record("2024-06-01T12:00:00+00:00"), {"ab" * 32})
    assert report.validation_state == "Trusted" and report.failures == []
    assert INSIDE in report.informational and "signingCredential.untrusted" not in report.informational
    assert "2024-06-01" in report.explanations[INSIDE]


def test_inside_validity_with_an_unknown_issuer_is_valid_not_trusted() -> None:
    report = expired_report()
    judge_expiry(report, record("2024-06-01T12:00:00+00:00"), set())
    assert report.validation_state == "Valid" and "signingCredential.untrusted" in report.informational


def test_logged_after_the_certificate_ended_keeps_the_failure() -> None:
    report = expired_report()
    judge_expiry(report, record("2025-03-01T00:00:00+00:00"), {"ab" * 32})
    assert report.validation_state == "Invalid"
    assert report.failures == ["signingCredential.expired", OUTSIDE]
    assert "outside" in report.explanations[OUTSIDE]


def test_a_record_naming_another_certificate_keeps_the_failure() -> None:
    report = expired_report(serial="999")
    judge_expiry(report, record("2024-06-01T12:00:00+00:00"), {"ab" * 32})
    assert report.validation_state == "Invalid" and OTHER_CERTIFICATE in report.failures


def test_no_record_changes_nothing() -> None:
    report = expired_report()
    judge_expiry(report, None, {"ab" * 32})
    assert report.validation_state == "Invalid" and report.failures == ["signingCredential.expired"]
    assert report.ledger_seal is None
