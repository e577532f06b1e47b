"""Ed25519 identities, with private keys encrypted at rest.

The private key is sealed with AES-256-GCM under a key derived from the
passphrase with scrypt (RFC 7914). GCM authenticates the ciphertext, so a wrong
passphrase is detected with certainty and reported as such, never as a corrupt
file. The public key and the KDF parameters are bound in as associated data, so
a key file cannot be spliced together from two others.
"""

from __future__ import annotations

import base64
import hashlib
import os
from typing import Literal

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from pydantic import BaseModel, ConfigDict, Field, field_validator

from artproof.core.canonical import canonical_json
from artproof.errors import IntegrityError, InvalidInput, WrongPassphrase

__all__ = [
    "EncryptedKey",
    "PublicIdentity",
    "b64decode",
    "b64encode",
    "decrypt_private_key",
    "encrypt_private_key",
    "generate_private_key",
    "key_id_of",
    "public_key_bytes",
    "seal_text",
    "unseal_text",
]

# scrypt cost: 2**15 * 8 * 128 B = 32 MiB of memory, ~0.1 s: the usual interactive setting.
SCRYPT_N = 2**15
SCRYPT_R = 8
SCRYPT_P = 1


def b64encode(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def b64decode(text: str, *, what: str = "value") -> bytes:
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (ValueError, UnicodeEncodeError) as exc:
        raise InvalidInput(f"{what} is not valid base64", value=text[:40]) from exc


def public_key_bytes(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def key_id_of(public_raw: bytes) -> str:
    """The identity's id: the first 16 hex digits of SHA-256 over the raw public key."""
    return hashlib.sha256(public_raw).hexdigest()[:16]


def generate_private_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


class PublicIdentity(BaseModel):
    """A person's or registry's public key, as exported and imported between people."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    format: Literal["artproof.pubkey/1"] = "artproof.pubkey/1"
    name: str = Field(min_length=1, max_length=200)
    algorithm: Literal["Ed25519"] = "Ed25519"
    public_key: str
    key_id: str

    @field_validator("public_key")
    @classmethod
    def _raw_32_bytes(cls, value: str) -> str:
        if len(b64decode(value, what="public_key")) != 32:
            raise ValueError("an Ed25519 public key is 32 bytes")
        return value

    def model_post_init(self, _context: object) -> None:
        expected = key_id_of(self.raw)
        if self.key_id != expected:
            raise IntegrityError(
                "public key file's key_id does not match its key",
                value=self.key_id,
                hint=f"the key hashes to {expected}; the file was altered or mixed up",
            )

    @property
    def raw(self) -> bytes:
        return b64decode(self.public_key, what="public_key")

    def key(self) -> Ed25519PublicKey:
        return Ed25519PublicKey.from_public_bytes(self.raw)

    @classmethod
    def of(cls, name: str, public_raw: bytes) -> PublicIdentity:
        return cls(name=name, public_key=b64encode(public_raw), key_id=key_id_of(public_raw))


class EncryptedKey(BaseModel):
    """A private key sealed under a passphrase (what is stored at rest)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    format: Literal["artproof.seckey/1"] = "artproof.seckey/1"
    kdf: Literal["scrypt"] = "scrypt"
    n: int = Field(ge=2**10, le=2**22)
    r: int = Field(ge=1, le=32)
    p: int = Field(ge=1, le=16)
    salt: str
    cipher: Literal["AES-256-GCM"] = "AES-256-GCM"
    nonce: str
    ciphertext: str
    public_key: str

    def associated_data(self) -> bytes:
        return canonical_json(
            {
                "format": self.format,
                "kdf": self.kdf,
                "n": self.n,
                "r": self.r,
                "p": self.p,
                "public_key": self.public_key,
            }
        )


def _derive(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(passphrase.encode("utf-8"))


def encrypt_private_key(
    key: Ed25519PrivateKey, passphrase: str, *, n: int = SCRYPT_N, r: int = SCRYPT_R, p: int = SCRYPT_P
) -> EncryptedKey:
    if not passphrase:
        raise InvalidInput("the passphrase is empty", hint="choose a passphrase to protect the key")
    salt, nonce = os.urandom(16), os.urandom(12)
    public_raw = public_key_bytes(key.public_key())
    sealed = EncryptedKey(
        n=n,
        r=r,
        p=p,
        salt=b64encode(salt),
        nonce=b64encode(nonce),
        ciphertext="",
        public_key=b64encode(public_raw),
    )
    secret = key.private_bytes_raw()
    ciphertext = AESGCM(_derive(passphrase, salt, n, r, p)).encrypt(nonce, secret, sealed.associated_data())
    return sealed.model_copy(update={"ciphertext": b64encode(ciphertext)})


def decrypt_private_key(sealed: EncryptedKey, passphrase: str) -> Ed25519PrivateKey:
    """Unlock a sealed key; a wrong passphrase raises :class:`WrongPassphrase`."""
    key = _derive(passphrase, b64decode(sealed.salt), sealed.n, sealed.r, sealed.p)
    try:
        secret = AESGCM(key).decrypt(b64decode(sealed.nonce), b64decode(sealed.ciphertext), sealed.associated_data())
    except InvalidTag:
        raise WrongPassphrase(
            "the passphrase is wrong: it does not unlock the private key",
            hint="try again, or set ARTPROOF_PASSPHRASE to the passphrase given at 'artproof init'",
        ) from None
    private = Ed25519PrivateKey.from_private_bytes(secret)
    if b64encode(public_key_bytes(private.public_key())) != sealed.public_key:
        raise IntegrityError(
            "the stored private key does not match its public key", hint="restore the key from a backup"
        )
    return private


def seal_text(text: str, passphrase: str, purpose: bytes) -> str:
    """A short secret sealed under a passphrase as keys are (scrypt, AES-256-GCM), bound to ``purpose``:
    base64 of salt, nonce and ciphertext (a queued job carries an account's password this way)."""
    salt, nonce = os.urandom(16), os.urandom(12)
    sealed = AESGCM(_derive(passphrase, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)).encrypt(nonce, text.encode(), purpose)
    return b64encode(salt + nonce + sealed)


def unseal_text(sealed: str, passphrase: str, purpose: bytes) -> str:
    """The text :func:`seal_text` sealed; another passphrase (or purpose) raises :class:`WrongPassphrase`."""
    raw = b64decode(sealed, what="the sealed text")
    try:
        key = _derive(passphrase, raw[:16], SCRYPT_N, SCRYPT_R, SCRYPT_P)
        return AESGCM(key).decrypt(raw[16:28], raw[28:], purpose).decode("utf-8")
    except InvalidTag:
        raise WrongPassphrase(
            "the passphrase does not unseal this secret",
            hint="use the same ARTPROOF_PASSPHRASE as the process that sealed it",
        ) from None
