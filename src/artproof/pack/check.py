"""``verify --bundle``: everything in a bundle checked, offline, by someone who has only the bundle.

No registry, no database, no ``init``: the checks are the signatures, the hashes and the proofs the
bundle carries. The trust roots are in the bundle too (the artist's key, the log's key, the CA), so
the report names their fingerprints for the reader to compare with what the artist publishes; a log
key pinned in this home for the same log must match (a bundle cannot bring a different one). What is
checked: the artist's signature over the index and every member's SHA-256 (no member missing, none
added); the signed record of how the work was made, by that artist, for the work the index names; an
edition's certificate (signed by the artist, its inclusion proof checked against the log's signed
checkpoint, its entry issuing exactly this certificate, the record's digest it names, the picture's
exact pixels); or a work's registration proof (the entry registers exactly this record) and its
picture; the CA certificate parses (credentials it signed are valid but on no trust list: not a
failure). With a FILE, the file is verified against the bundle's certificate and log key as
``verify FILE --certificate --log-key`` would.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from pydantic import Field

from artproof.core.canonical import canonical_json, parse_json
from artproof.core.hashing import content_id
from artproof.core.images import decode_image, pixel_hash
from artproof.core.results import Result
from artproof.core.signing import SignedDocument, document_digest, verify_document
from artproof.errors import ArtproofError, IntegrityError
from artproof.ledger.checkpoint import NoteVerifier
from artproof.ledger.entries import entry_id
from artproof.pack.bundle import BUNDLE_FORMAT, BUNDLE_PURPOSE, read_bundle
from artproof.settings import Settings
from artproof.verify.logkeys import LogKeys
from artproof.verify.report import VerifyReport

__all__ = ["BundleReport", "check_bundle", "check_bundle_in_home"]


class BundleReport(Result):
    """What a bundle check found: ``ok`` only when every signature, hash and proof checks."""

    bundle: str
    ok: bool
    subject: dict[str, Any] = Field(default_factory=dict)
    checks: list[str] = Field(default_factory=list)
    failures: list[str] = Field(default_factory=list)
    file: VerifyReport | None = None

    @property
    def exit_code(self) -> int:
        if self.failures:
            return 4
        return self.file.exit_code if self.file is not None else 0


def _fingerprint(text: str) -> str:
    digest = hashlib.sha256(text.strip().encode()).hexdigest()[:32]
    return " ".join(digest[i : i + 4] for i in range(0, 32, 4))


def check_bundle(
    data: bytes,
    name: str,
    *,
    log_keys: LogKeys,
    verify_file: Callable[[bytes, NoteVerifier], VerifyReport] | None = None,
) -> BundleReport:
    """Check a bundle's bytes (see the module's docstring); a bundle that cannot be opened safely is a
    failure, a file that is no zip at all an input error."""
    report = BundleReport(bundle=name, ok=False)
    try:
        members = read_bundle(data)
    except IntegrityError as exc:
        members = None
        report.failures.append(exc.what + (f" ({exc.value})" if exc.value is not None else ""))
    try:
        if members is not None:
            _check(members, report, log_keys, verify_file)
    except ArtproofError as exc:  # a signature, proof or record that does not check: the bundle fails
        report.failures.append(exc.what + (f" ({exc.value})" if exc.value is not None else ""))
    report.ok = not report.failures and (report.file is None or report.file.exit_code == 0)
    return report


def _load(members: dict[str, bytes], member: str, what: str) -> Any:
    if member not in members:
        raise IntegrityError(f"the bundle has no {member}", hint=f"it should carry {what}")
    return parse_json(members[member], what=member)


def _check(
    members: dict[str, bytes],
    report: BundleReport,
    log_keys: LogKeys,
    verify_file: Callable[[bytes, NoteVerifier], VerifyReport] | None,
) -> None:
    from artproof.editions.certificate import check_issued, load_certificate_file, verify_certificate
    from artproof.ledger.proofs import load_bundle
    from artproof.ledger.service import verify_offline
    from artproof.provenance.manifest import check_manifest

    try:
        index = SignedDocument.model_validate(_load(members, "index.json", "the artist's signed index"))
        verify_document(index, purpose=BUNDLE_PURPOSE)
    except (ValueError, ArtproofError) as exc:
        raise IntegrityError("the bundle's index is not signed as it should be", value=str(exc)[:120]) from None
    payload = index.payload
    if payload.get("format") != BUNDLE_FORMAT:
        raise IntegrityError("not an artproof bundle index", value=payload.get("format"))
    artist_key = (members.get("artist.pub") or b"").decode("ascii", "replace").strip()
    if artist_key != index.signature.public_key:
        report.failures.append("the index is not signed by the artist key the bundle carries (artist.pub)")
    signer = index.signature.key_id
    report.subject = dict(payload.get("subject") or {})
    report.checks.append(f"index signed by the artist key {signer} (fingerprint {_fingerprint(artist_key)})")
    listed = payload.get("members") or {}
    for member, facts in sorted(listed.items()):
        if member not in members:
            report.failures.append(f"{member} is listed in the index but missing")
        elif content_id(members[member]) != facts.get("sha256") or len(members[member]) != facts.get("bytes"):
            report.failures.append(f"{member} is not the file the artist signed (its SHA-256 differs)")
    extra = sorted(set(members) - set(listed) - {"index.json"})
    report.failures.extend(f"{member} is in the bundle but not in the signed index" for member in extra)
    if not report.failures:
        report.checks.append(f"{len(listed)} member(s), each the SHA-256 the artist signed; none added")

    signed_manifest = SignedDocument.model_validate(_load(members, "manifest.json", "the signed record"))
    manifest = check_manifest(signed_manifest, expected_key_id=signer)
    if manifest.work_id != report.subject.get("work_id"):
        report.failures.append("the record is of another work than the index names")
    report.checks.append(f"record of work {manifest.work_id} revision {manifest.revision} signed by the artist")

    vkey = (members.get("log.pub") or b"").decode("ascii", "replace").strip()
    try:
        verifier = NoteVerifier.from_vkey(vkey)
    except ArtproofError:
        raise IntegrityError("the bundle's log key (log.pub) is malformed") from None
    pinned, where = log_keys.with_given(verifier, "the bundle's log.pub").resolve(verifier.name)
    report.checks.append(f"log {verifier.name}: {where}; key fingerprint {_fingerprint(vkey)}")
    verifier = pinned or verifier

    if "certificate.coa.json" in members:
        certificate, section = load_certificate_file(members["certificate.coa.json"])
        body = verify_certificate(certificate)
        if body.artist.key_id != signer:
            report.failures.append("the certificate is signed by another artist than the bundle")
        if body.edition_id != report.subject.get("edition_id"):
            report.failures.append("the certificate is for another edition than the index names")
        proof = load_bundle(canonical_json(section.get("proof") or {}), name="the certificate's proof")
        verify_offline(proof, verifier, None)
        check_issued(certificate, proof)
        report.checks.append(
            f"certificate of edition {body.edition_id} ({body.edition.label}) signed by the artist; its issuance is "
            f"ledger entry {proof.leaf_index} of {proof.tree_size}, proved against the signed checkpoint"
        )
        if body.work.revision == manifest.revision and body.work.manifest_sha256 is not None:
            if document_digest(signed_manifest) != body.work.manifest_sha256:
                report.failures.append("the record is not the one the certificate names")
            else:
                report.checks.append("the certificate names exactly this record")
        elif body.work.revision is not None:
            report.checks.append(
                f"the record is revision {manifest.revision}; the edition was issued from {body.work.revision}"
            )
        picture = decode_image(_member(members, "edition.png"), name="edition.png")
        if body.pixels is not None and pixel_hash(picture) != body.pixels.get("sha256"):
            report.failures.append("edition.png is not the picture the certificate names (its pixels differ)")
        else:
            report.checks.append("edition.png has exactly the pixels the certificate names")
        if verify_file is not None:
            report.file = verify_file(members["certificate.coa.json"], verifier)
    else:
        proof = load_bundle(_member(members, "proof.json"), name="proof.json")
        verify_offline(proof, verifier, None)
        entry = proof.entry.get("payload") or {}
        wanted = entry_id(canonical_json(signed_manifest.model_dump(mode="json")))
        if entry.get("type") != "work.registered" or (entry.get("subject") or {}).get("manifest_hash") != wanted:
            report.failures.append("the registration proof is not of this record")
        else:
            report.checks.append(f"registration of this record is ledger entry {proof.leaf_index} of {proof.tree_size}")
        picture = decode_image(_member(members, "master.png"), name="master.png")
        if pixel_hash(picture) != manifest.assets[manifest.master].pixels:
            report.failures.append("master.png is not the record's picture (its pixels differ)")
        else:
            report.checks.append("master.png has exactly the pixels of the record's current image")
    for member in ("edition.png", "master.png"):
        if member in members:
            _credentials(members, member, report)
    if "ca.pem" in members:
        from cryptography import x509

        try:
            ca = x509.load_pem_x509_certificate(members["ca.pem"])
            report.checks.append(
                f"Content Credentials CA {ca.subject.rfc4514_string()}: valid, but on no trust list of this home "
                "(not a failure; 'artproof trust add ca.pem' to trust it)"
            )
        except ValueError:
            report.failures.append("ca.pem is not a certificate")
    if "pack.pdf" in members:
        report.checks.append("pack.pdf is the document the artist signed")


def _member(members: dict[str, bytes], name: str) -> bytes:
    if name not in members:
        raise IntegrityError(f"the bundle has no {name}")
    return members[name]


def check_bundle_in_home(
    settings: Settings, data: bytes, name: str, file: tuple[bytes, str] | None = None
) -> BundleReport:
    """``verify --bundle`` in the home ``settings`` names: no database is opened for the bundle itself
    (only the pinned log keys are read, and the bundle's pinned when its log is new here); a FILE is
    verified as ``verify FILE --certificate --log-key`` would, in this home."""
    from artproof.services import build_services, ensure_home, utc_now

    ensure_home(settings)
    keys = LogKeys(settings.home, lambda: None, utc_now)

    def verify_file(certificate: bytes, log_key: NoteVerifier) -> VerifyReport:
        assert file is not None
        return build_services(settings).verifier.verify(file[0], file[1], certificate, log_key=log_key)

    return check_bundle(data, name, log_keys=keys, verify_file=verify_file if file is not None else None)


def _credentials(members: dict[str, bytes], name: str, report: BundleReport) -> None:
    """The picture's own Content Credentials, validated offline against the bundle's CA."""
    from artproof.interop.c2pa import read_credentials

    ca = members.get("ca.pem", b"").decode("ascii", "replace") or None
    found = read_credentials(members[name], "image/png", ca)
    if not found.present:
        report.checks.append(f"{name} carries no Content Credentials")
    elif found.validation_state in ("Valid", "Trusted"):
        signer = (found.signer or {}).get("common_name", "?")
        report.checks.append(f"{name}'s Content Credentials are intact, signed by {signer} (CA from the bundle)")
    else:
        report.failures.append(f"{name}'s Content Credentials do not validate: {'; '.join(found.failures)[:160]}")
