"""``ledger check``: a proof.json or a certificate's .coa.json, checked as a stranger would.

With the log's key given nothing local is consulted (no home, no database is opened): the
check is the proof, the signed checkpoint and the key. Without one, this home's own log key is
used (``local``, only called then). A certificate is also checked to be exactly what its entry
issued, signed by its artist; an opening (from ``ledger reveal``) to match its commitment.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from artproof.core.canonical import parse_json
from artproof.editions.certificate import certificate_in, check_issued
from artproof.ledger.checkpoint import NoteVerifier
from artproof.ledger.proofs import load_bundle
from artproof.ledger.results import ProofCheck
from artproof.ledger.service import verify_offline

__all__ = ["check_proof"]


def check_proof(
    data: bytes,
    *,
    name: str,
    log_key: NoteVerifier | None,
    opening: bytes | None = None,
    local: Callable[[], NoteVerifier],
) -> ProofCheck:
    """Check ``data`` (a proof bundle or a ``.coa.json``); raises :class:`IntegrityError` when it fails."""
    certificate = certificate_in(data)
    if certificate is not None:
        data = json.dumps(certificate[1].get("proof") or {}).encode()
    bundle = load_bundle(data, name=name)
    opened = parse_json(opening, what="opening file") if opening is not None else None
    result = verify_offline(bundle, log_key if log_key is not None else local(), opened)
    if certificate is not None:
        result.certificate = check_issued(certificate[0], bundle)
    return result
