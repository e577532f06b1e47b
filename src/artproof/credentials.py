"""Content Credentials for the local identity: its CA, its signing certificate, and the trust store.

Files under ``$ARTPROOF_HOME/pki``: the registry CA (``ca.pem``, ``ca.key``)
and the signing certificate (``signer.pem``, ``signer.key``), keys sealed
under the identity's passphrase; created at the first seal, renewed when the
certificate is within 30 days of its end. ``$ARTPROOF_HOME/trust`` holds the
trust anchors the user added; the registry CA is always one of them.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization

from artproof.core.x509 import CertifiedKey, es256_raw_signer, issue_ca, issue_signing_certificate, load_key, seal_key
from artproof.errors import InvalidInput, NotFound
from artproof.identities import IdentityService
from artproof.store.blobs import storage_error

__all__ = ["CredentialService"]

RENEW_BEFORE = dt.timedelta(days=30)


def _write(path: Path, data: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        raise storage_error(exc, path) from exc


class CredentialService:
    def __init__(self, home: Path, identities: IdentityService, clock: Callable[[], dt.datetime]) -> None:
        self.pki = home / "pki"
        self.trust_dir = home / "trust"
        self.identities = identities
        self.clock = clock

    def signer(self, passphrase: str) -> tuple[str, Callable[[bytes], bytes], x509.Certificate]:
        """(certificate chain PEM, ES256 signing function, certificate), creating or renewing as needed."""
        me, _ = self.identities.unlock(passphrase)
        now = self.clock()
        ca_pem, ca_key_pem = self.pki / "ca.pem", self.pki / "ca.key"
        if not ca_pem.exists():
            ca = issue_ca(me.name, now)
            _write(ca_key_pem, seal_key(ca.key, passphrase))
            _write(ca_pem, ca.certificate_pem.encode())
        ca = CertifiedKey(
            load_key(ca_key_pem.read_bytes(), passphrase), x509.load_pem_x509_certificate(ca_pem.read_bytes())
        )
        cert_path, key_path = self.pki / "signer.pem", self.pki / "signer.key"
        current = x509.load_pem_x509_certificate(cert_path.read_bytes()) if cert_path.exists() else None
        if current is None or current.not_valid_after_utc - RENEW_BEFORE < now:
            key = load_key(key_path.read_bytes(), passphrase) if key_path.exists() else None
            issued = issue_signing_certificate(ca, me.name, now, key)
            _write(key_path, seal_key(issued.key, passphrase))
            _write(cert_path, issued.certificate_pem.encode())
            current = issued.certificate
        key = load_key(key_path.read_bytes(), passphrase)
        chain = cert_path.read_text() + ca_pem.read_text()
        return chain, es256_raw_signer(key), current

    def registry_ca_pem(self) -> str | None:
        path = self.pki / "ca.pem"
        return path.read_text() if path.exists() else None

    def add_anchor(self, pem_file: Path) -> list[str]:
        """Add trust anchors from a PEM file; returns the subjects added."""
        try:
            data = pem_file.read_bytes()
        except OSError:
            raise NotFound("cannot read the certificate file", value=str(pem_file)) from None
        try:
            certificates = x509.load_pem_x509_certificates(data)
        except ValueError:
            raise InvalidInput(
                "not a PEM certificate file",
                value=str(pem_file),
                hint="give a .pem with one or more BEGIN CERTIFICATE blocks",
            ) from None
        subjects = []
        for certificate in certificates:
            fingerprint = certificate.fingerprint(hashes.SHA256()).hex()
            _write(self.trust_dir / f"{fingerprint[:32]}.pem", certificate.public_bytes(serialization.Encoding.PEM))
            subjects.append(certificate.subject.rfc4514_string())
        return subjects

    def anchors_pem(self) -> str | None:
        """Every trust anchor: the registry CA and the user's."""
        parts = [p.read_text() for p in sorted(self.trust_dir.glob("*.pem"))] if self.trust_dir.exists() else []
        ca = self.registry_ca_pem()
        if ca:
            parts.insert(0, ca)
        return "".join(parts) or None
