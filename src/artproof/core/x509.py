"""X.509 for Content Credentials: a local registry CA and signing certificates in the C2PA profile.

The CA is self-issued (P-256, CA:TRUE, keyCertSign). A signing certificate is
P-256 for ES256, digitalSignature only, with the emailProtection extended key
usage that C2PA validators accept, not a CA, issued for a stated validity and
renewed before it ends. Keys are sealed with the identity's passphrase (PKCS#8,
best available encryption); signing goes through a function, so a key in a
KMS or HSM can stand in later.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from artproof.errors import WrongPassphrase

__all__ = ["CertifiedKey", "es256_raw_signer", "issue_ca", "issue_signing_certificate", "load_key", "seal_key"]

SIGNING_VALIDITY = dt.timedelta(days=397)
CA_VALIDITY = dt.timedelta(days=3650)


@dataclass(frozen=True, slots=True)
class CertifiedKey:
    key: ec.EllipticCurvePrivateKey
    certificate: x509.Certificate

    @property
    def certificate_pem(self) -> str:
        return self.certificate.public_bytes(serialization.Encoding.PEM).decode("ascii")


def _name(common_name: str, organisation: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64]),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation[:64]),
        ]
    )


def issue_ca(name: str, now: dt.datetime) -> CertifiedKey:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = _name(f"{name} artproof registry CA", "artproof local registry")
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + CA_VALIDITY)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return CertifiedKey(key, certificate)


def issue_signing_certificate(
    ca: CertifiedKey, name: str, now: dt.datetime, key: ec.EllipticCurvePrivateKey | None = None
) -> CertifiedKey:
    key = key or ec.generate_private_key(ec.SECP256R1())
    certificate = (
        x509.CertificateBuilder()
        .subject_name(_name(name, "artproof"))
        .issuer_name(ca.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + SIGNING_VALIDITY)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()), critical=False)
        .sign(ca.key, hashes.SHA256())
    )
    return CertifiedKey(key, certificate)


def seal_key(key: ec.EllipticCurvePrivateKey, passphrase: str) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(passphrase.encode("utf-8")),
    )


def load_key(pem: bytes, passphrase: str) -> ec.EllipticCurvePrivateKey:
    try:
        key = serialization.load_pem_private_key(pem, passphrase.encode("utf-8"))
    except ValueError:
        raise WrongPassphrase(
            "the passphrase is wrong: it does not unlock the signing key",
            hint="use the passphrase given at 'artproof init'",
        ) from None
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise WrongPassphrase("the stored signing key is not an EC key")
    return key


def es256_raw_signer(key: ec.EllipticCurvePrivateKey):  # type: ignore[no-untyped-def]
    """A callback for c2pa: ES256 over the data, returned as the raw 64-byte r||s."""

    def sign(data: bytes) -> bytes:
        r, s = decode_dss_signature(key.sign(data, ec.ECDSA(hashes.SHA256())))
        return r.to_bytes(32, "big") + s.to_bytes(32, "big")

    return sign
