"""Content Credentials for the local identity: its CA, its signing certificate, and the trust store.

Files under ``$ARTPROOF_HOME/pki``: the registry CA (``ca.pem``, ``ca.key``)
and the signing certificate (``signer.pem``, ``signer.key``), keys sealed
under the identity's passphrase; created at the first seal, renewed when the
certificate is within 30 days of its end. ``$ARTPROOF_HOME/trust`` holds the
trust anchors the user added; the registry CA is always one of them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from artproof.core.x509 import CertifiedKey, es256_raw_signer, issue_ca, issue_signing_certificate, load_key, seal_key
from artproof.errors import ConfigError, InvalidInput, NotFound
from artproof.identity.service import IdentityService
from artproof.store.files import atomic_write

__all__ = ["CredentialService"]

RENEW_BEFORE = dt.timedelta(days=30)


def _read(path: Path) -> bytes:
    """A file of the signing PKI, or a message that says which is missing and how to restore it."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ConfigError(
            f"a file of your signing certificates cannot be read: {path.name}",
            value=str(path),
            hint=f"restore {path.parent} from a backup ({exc.strerror}); to start a new CA instead, move "
            f"{path.parent} away (collectors will then need your new ca.pem)",
        ) from None


class CredentialService:
    def __init__(self, home: Path, identities: IdentityService, clock: Callable[[], dt.datetime]) -> None:
        self.pki = home / "pki"
        self.trust_dir = home / "trust"
        self.identities = identities
        self.clock = clock
        self.notes: list[str] = []  # what signing had to repair, for the command to say

    def leaf_dir(self) -> Path:
        """Where the signing certificate lives: ``pki`` for the home's identity, one folder per web account."""
        acting = self.identities.acting()
        return self.pki if acting is None else self.pki.parent / "accounts" / acting.key_id / "pki"

    def signer(self, passphrase: str) -> tuple[str, Callable[[bytes], bytes], x509.Certificate]:
        """(certificate chain PEM, ES256 signing function, certificate), creating or renewing as needed.

        An imported certificate (from a real CA) is used as it is and never renewed here: when it
        has expired, signing stops with a message saying so. A web account's certificate is issued
        by this home's CA (the registry's: strangers trust one CA for every artist it hosts); its
        key is sealed under the account's password, the CA's under the operator's passphrase.
        """
        me, _ = self.identities.unlock(passphrase)
        ca_passphrase = self.identities.home_passphrase(passphrase)
        assert ca_passphrase is not None
        now = self.clock()
        leaf = self.leaf_dir()
        if (leaf / "imported").exists():
            chain = (leaf / "signer.pem").read_text()
            certificate = x509.load_pem_x509_certificates(chain.encode())[0]
            if certificate.not_valid_after_utc < now:
                raise ConfigError(
                    "your imported signing certificate has expired",
                    value=certificate.not_valid_after_utc.isoformat(),
                    hint="import a renewed one: artproof identity certificate import CERT KEY",
                )
            key = load_key((leaf / "signer.key").read_bytes(), passphrase)
            return chain, es256_raw_signer(key), certificate
        ca_pem, ca_key_pem = self.pki / "ca.pem", self.pki / "ca.key"
        cert_path, key_path = leaf / "signer.pem", leaf / "signer.key"
        if not ca_pem.exists() and not ca_key_pem.exists():
            earlier = sorted(self.trust_dir.glob("registry-ca-*.pem")) if self.trust_dir.exists() else []
            if earlier:
                self.notes.append(
                    f"{self.pki} was missing: a new signing CA was made. Works sealed before stay Trusted here (their "
                    f"CA is kept in {self.trust_dir}), but collectors who trusted your old ca.pem must add the new one "
                    f"('identity certificate export-ca'). To go back instead, restore {self.pki} from a backup."
                )
            ca = issue_ca(self.identities.operator().name, now)
            atomic_write(ca_key_pem, seal_key(ca.key, ca_passphrase), mode=0o600)
            atomic_write(ca_pem, ca.certificate_pem.encode())
            fingerprint = ca.certificate.fingerprint(hashes.SHA256()).hex()[:32]
            atomic_write(self.trust_dir / f"registry-ca-{fingerprint}.pem", ca.certificate_pem.encode())
        ca_certificate = x509.load_pem_x509_certificate(_read(ca_pem))
        current = x509.load_pem_x509_certificate(_read(cert_path)) if cert_path.exists() else None
        if current is not None and not key_path.exists():
            self.notes.append(f"{key_path} was missing: a new signing certificate was issued from your CA")
            current = None
        if current is None or current.not_valid_after_utc - RENEW_BEFORE < now:
            ca = CertifiedKey(load_key(_read(ca_key_pem), ca_passphrase), ca_certificate)
            kept = load_key(_read(key_path), passphrase) if key_path.exists() else None
            issued = issue_signing_certificate(ca, me.name, now, kept)
            atomic_write(key_path, seal_key(issued.key, passphrase), mode=0o600)
            atomic_write(cert_path, issued.certificate_pem.encode())
            current = issued.certificate
        key = load_key(_read(key_path), passphrase)
        chain = cert_path.read_text() + ca_pem.read_text()
        return chain, es256_raw_signer(key), current

    def import_certificate(
        self, chain_file: Path, key_file: Path, key_passphrase: str | None, passphrase: str
    ) -> x509.Certificate:
        """Sign with a certificate from a real CA instead of the local one (P-256 / ES256)."""
        self.identities.unlock(passphrase)
        try:
            chain_pem, key_pem = chain_file.read_bytes(), key_file.read_bytes()
        except OSError as exc:
            raise NotFound("cannot read the certificate or key file", value=str(exc.filename)) from None
        try:
            certificates = x509.load_pem_x509_certificates(chain_pem)
        except ValueError:
            raise InvalidInput("not a PEM certificate chain", value=str(chain_file)) from None
        leaf = certificates[0]
        try:
            key = serialization.load_pem_private_key(key_pem, key_passphrase.encode() if key_passphrase else None)
        except (ValueError, TypeError):
            raise InvalidInput(
                "the key cannot be read (wrong key passphrase, or not a PEM private key)", value=str(key_file)
            ) from None
        if not isinstance(key, ec.EllipticCurvePrivateKey) or not isinstance(key.curve, ec.SECP256R1):
            raise InvalidInput("only P-256 (ES256) keys are supported for Content Credentials", value=str(key_file))
        if key.public_key().public_numbers() != leaf.public_key().public_numbers():  # type: ignore[union-attr]
            raise InvalidInput("the key does not belong to the certificate", value=str(key_file))
        try:
            constraints = leaf.extensions.get_extension_for_class(x509.BasicConstraints).value
            if constraints.ca:
                raise InvalidInput("a CA certificate cannot sign content", value=leaf.subject.rfc4514_string())
        except x509.ExtensionNotFound:
            pass
        if leaf.not_valid_after_utc < self.clock():
            raise InvalidInput("the certificate has expired", value=leaf.not_valid_after_utc.isoformat())
        atomic_write(self.pki / "signer.key", seal_key(key, passphrase), mode=0o600)
        atomic_write(
            self.pki / "signer.pem", b"".join(c.public_bytes(serialization.Encoding.PEM) for c in certificates)
        )
        atomic_write(self.pki / "imported", b"")
        return leaf

    def certificate_status(self) -> dict[str, object] | None:
        """The signing certificate in use: who, issued by whom, valid until when, and from where."""
        path = self.pki / "signer.pem"
        if not path.exists():
            return None
        certificate = x509.load_pem_x509_certificates(path.read_bytes())[0]
        left = certificate.not_valid_after_utc - self.clock()
        return {
            "subject": certificate.subject.rfc4514_string(),
            "issuer": certificate.issuer.rfc4514_string(),
            "not_before": certificate.not_valid_before_utc.isoformat(),
            "not_after": certificate.not_valid_after_utc.isoformat(),
            "days_left": left.days,
            "expired": left.total_seconds() < 0,
            "source": "imported" if (self.pki / "imported").exists() else "local registry CA",
        }

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
            atomic_write(
                self.trust_dir / f"{fingerprint[:32]}.pem", certificate.public_bytes(serialization.Encoding.PEM)
            )
            subjects.append(certificate.subject.rfc4514_string())
        return subjects

    def anchors_pem(self) -> str | None:
        """Every trust anchor: the registry CA (and any earlier one of this home) and the user's."""
        parts = [p.read_text() for p in sorted(self.trust_dir.glob("*.pem"))] if self.trust_dir.exists() else []
        ca = self.registry_ca_pem()
        if ca:
            parts.insert(0, ca)
        return "".join(parts) or None
