"""The verdict rules, as one pure function: evidence in, one of seven verdicts out.

Channels never average. Any reason (a contradiction between channels, a broken signature, a forged
or altered record) makes the file ``tampered``. Otherwise an edition known to this registry, or one
whose certificate checked out in the log, is ``authentic_edition`` (or ``revoked``); a copy of a
registered work or intact credentials this registry sealed is ``registered_work``; valid credentials
from someone else are ``external_credentials``; anything else is ``unverified`` (which does not mean
fake). ``unreadable`` is decided before any evidence exists (a file that is no image). The rows of
docs/verify.md are tested one by one in tests/unit/test_decide.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

__all__ = ["EXIT_CODES", "Evidence", "Verdict", "decide"]

Verdict = Literal[
    "authentic_edition", "registered_work", "external_credentials", "tampered", "revoked", "unverified", "unreadable"
]
EXIT_CODES: dict[str, int] = {
    "authentic_edition": 0,
    "registered_work": 0,
    "external_credentials": 0,
    "unverified": 3,
    "unreadable": 2,
    "tampered": 4,
    "revoked": 4,
}


@dataclass(frozen=True)
class Evidence:
    """What the channels established, reduced to what the rules look at."""

    reasons: list[str] = field(default_factory=list)  # contradictions and broken records: each one is tampering
    edition_known: bool = False  # this registry issued the edition the file is (mark or its own credentials)
    edition_revoked: bool = False  # ... and revoked it
    certificate: str | None = None  # a presented or embedded certificate's status: valid | revoked | unchecked | ...
    fingerprint_match: bool = False  # a confirmed copy of a registered work or edition
    credentials: str = "absent"  # the C2PA channel's status: valid | invalid | absent | remote | unreadable
    sealed_here: bool = False  # the credentials are a claim this registry sealed


def decide(e: Evidence) -> Verdict:
    if e.reasons:
        return "tampered"
    if e.edition_known:
        return "revoked" if e.edition_revoked else "authentic_edition"
    if e.certificate == "revoked":
        return "revoked"
    if e.certificate == "valid":
        return "authentic_edition"
    if e.fingerprint_match or (e.credentials == "valid" and e.sealed_here):
        return "registered_work"
    if e.credentials == "valid":
        return "external_credentials"
    return "unverified"
