"""The verdict rules of docs/verify.md, row by row, on the pure decision function."""

from __future__ import annotations

import pytest

from artproof.verify.decide import EXIT_CODES, Evidence, decide


@pytest.mark.parametrize(
    ("evidence", "verdict"),
    [
        # 1. any reason is tampering, whatever else agrees
        (Evidence(reasons=["pixels changed after signing"], edition_known=True), "tampered"),
        (Evidence(reasons=["certificate moved"], certificate="valid", credentials="valid"), "tampered"),
        # 2. revoked, in this registry or in the published log
        (Evidence(edition_known=True, edition_revoked=True), "revoked"),
        (Evidence(certificate="revoked", fingerprint_match=True), "revoked"),
        # 3. authentic: an edition this registry issued, or a certificate that checked out in the log
        (Evidence(edition_known=True, credentials="absent"), "authentic_edition"),
        (Evidence(certificate="valid"), "authentic_edition"),
        # a certificate whose log entry was not checked proves nothing by itself
        (Evidence(certificate="unchecked", credentials="valid"), "external_credentials"),
        (Evidence(certificate="unconfirmed"), "unverified"),
        # 4. a copy of a registered work, or intact credentials this registry sealed
        (Evidence(fingerprint_match=True), "registered_work"),
        (Evidence(credentials="valid", sealed_here=True), "registered_work"),
        # 5. someone else's valid credentials
        (Evidence(credentials="valid"), "external_credentials"),
        # 6. no evidence either way
        (Evidence(), "unverified"),
        (Evidence(credentials="remote"), "unverified"),
        (Evidence(credentials="unreadable"), "unverified"),
    ],
)
def test_each_rule(evidence: Evidence, verdict: str) -> None:
    assert decide(evidence) == verdict


def test_exit_codes() -> None:
    assert {
        v: EXIT_CODES[v] for v in ("authentic_edition", "registered_work", "external_credentials")
    } == dict.fromkeys(("authentic_edition", "registered_work", "external_credentials"), 0)
    assert (EXIT_CODES["unverified"], EXIT_CODES["unreadable"], EXIT_CODES["tampered"], EXIT_CODES["revoked"]) == (
        3, 2, 4, 4,
    )  # fmt: skip
