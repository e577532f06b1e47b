"""Checkpoints as C2SP signed notes, and witness cosignatures (C2SP tlog-cosignature).

A checkpoint's body is three lines: the log's origin, the tree size, and the
base64 root hash. The log signs the body (Ed25519, signature type 0x01) and
appends ``— <name> base64(key id || signature)``; the key id is the first four
bytes of SHA-256(name || "\\n" || 0x01 || public key). A witness that checked
consistency adds a cosignature line: type 0x04, and the signature, over
"cosignature/v1\\ntime <t>\\n" plus the body, is preceded by the 8-byte time.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import struct
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from artproof.core.keys import public_key_bytes
from artproof.errors import IntegrityError, InvalidInput

__all__ = [
    "Checkpoint",
    "NoteVerifier",
    "SignedNote",
    "cosign",
    "parse_note",
    "sign_checkpoint",
    "verify_checkpoint",
    "verify_cosignature",
]

ED25519 = 0x01
COSIGNATURE_ED25519 = 0x04
DASH = "\u2014 "
MAX_NOTE_BYTES = 1 << 20


def _key_id(name: str, sig_type: int, public_raw: bytes) -> bytes:
    return hashlib.sha256(name.encode("utf-8") + b"\n" + bytes([sig_type]) + public_raw).digest()[:4]


def _check_name(name: str) -> None:
    if not name or any(c.isspace() for c in name) or "+" in name:
        raise InvalidInput("a note key name must be non-empty, without spaces or '+'", value=name)


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """A log's signed tree head: origin, size, root."""

    origin: str
    size: int
    root: bytes

    def body(self) -> str:
        return f"{self.origin}\n{self.size}\n{base64.b64encode(self.root).decode('ascii')}\n"

    @classmethod
    def parse_body(cls, body: str) -> Checkpoint:
        lines = body.split("\n")
        if len(lines) < 4 or lines[-1] != "" or any(not line for line in lines[:-1]):
            raise IntegrityError("the checkpoint text is malformed: expected origin, size and root lines")
        origin, size_text, root_text = lines[0], lines[1], lines[2]
        if not size_text.isdigit() or (size_text != "0" and size_text.startswith("0")):
            raise IntegrityError("the checkpoint's tree size is not a decimal number", value=size_text)
        try:
            root = base64.b64decode(root_text, validate=True)
        except binascii.Error:
            raise IntegrityError("the checkpoint's root is not base64", value=root_text) from None
        if len(root) != 32:
            raise IntegrityError("the checkpoint's root is not a 32-byte hash", value=root_text)
        return cls(origin=origin, size=int(size_text), root=root)


@dataclass(frozen=True, slots=True)
class NoteVerifier:
    """Who may sign: a key name and an Ed25519 public key (a C2SP "vkey")."""

    name: str
    public_raw: bytes

    @property
    def key_id(self) -> bytes:
        return _key_id(self.name, ED25519, self.public_raw)

    def vkey(self) -> str:
        return f"{self.name}+{self.key_id.hex()}+{base64.b64encode(bytes([ED25519]) + self.public_raw).decode()}"

    @classmethod
    def from_vkey(cls, text: str) -> NoteVerifier:
        parts = text.strip().split("+", 2)  # the base64 key may itself contain '+'; names may not
        if len(parts) != 3:
            raise InvalidInput("not a verifier key (name+keyid+key)", value=text.strip()[:60])
        name, key_hex, key_b64 = parts
        try:
            material = base64.b64decode(key_b64, validate=True)
        except binascii.Error:
            raise InvalidInput("the verifier key's key is not base64", value=key_b64[:20]) from None
        if len(material) != 33 or material[0] != ED25519:
            raise InvalidInput("only Ed25519 verifier keys (type 0x01) are supported", value=name)
        verifier = cls(name=name, public_raw=material[1:])
        if verifier.key_id.hex() != key_hex.lower():
            raise IntegrityError("the verifier key's id does not match its key", value=key_hex)
        return verifier

    @classmethod
    def of(cls, name: str, key: Ed25519PrivateKey) -> NoteVerifier:
        _check_name(name)
        return cls(name=name, public_raw=public_key_bytes(key.public_key()))


@dataclass(frozen=True, slots=True)
class SignedNote:
    body: str
    signatures: list[tuple[str, bytes]]  # (key name, key id || signature [|| ...])

    def text(self) -> str:
        lines = "".join(f"{DASH}{name} {base64.b64encode(blob).decode('ascii')}\n" for name, blob in self.signatures)
        return f"{self.body}\n{lines}"


def parse_note(text: str) -> SignedNote:
    """Split a signed note into its body and signature lines (C2SP signed-note)."""
    if len(text.encode("utf-8")) > MAX_NOTE_BYTES:
        raise IntegrityError("the signed note is larger than 1 MiB")
    cut = text.rfind("\n\n")
    if cut < 0:
        raise IntegrityError("the text is not a signed note: no blank line before the signatures")
    body, rest = text[: cut + 1], text[cut + 2 :]
    signatures: list[tuple[str, bytes]] = []
    if not rest.endswith("\n"):
        raise IntegrityError("the signed note's last signature line is not terminated")
    for line in rest[:-1].split("\n"):
        if not line.startswith(DASH):
            raise IntegrityError("a signature line does not start with an em dash", value=line[:40])
        try:
            name, blob_text = line[len(DASH) :].split(" ")
            blob = base64.b64decode(blob_text, validate=True)
        except (ValueError, binascii.Error):
            raise IntegrityError("a signature line is malformed", value=line[:60]) from None
        if len(blob) < 5:
            raise IntegrityError("a signature line is too short", value=line[:60])
        signatures.append((name, blob))
    if not signatures:
        raise IntegrityError("the signed note has no signatures")
    return SignedNote(body=body, signatures=signatures)


def sign_checkpoint(checkpoint: Checkpoint, name: str, key: Ed25519PrivateKey) -> str:
    """The signed-note text of ``checkpoint``, signed by the log key ``name``."""
    _check_name(name)
    verifier = NoteVerifier.of(name, key)
    body = checkpoint.body()
    return SignedNote(body, [(name, verifier.key_id + key.sign(body.encode("utf-8")))]).text()


def verify_checkpoint(text: str, log: NoteVerifier, *, origin: str | None = None) -> Checkpoint:
    """Parse ``text`` and check the log's signature; refuse another log's checkpoint."""
    note = parse_note(text)
    mine = [blob for name, blob in note.signatures if name == log.name and blob[:4] == log.key_id]
    if not mine:
        raise IntegrityError(
            "the checkpoint is not signed by this log's key",
            value=log.name,
            hint="check that the proof comes from this log, and that you have its current key",
        )
    try:
        Ed25519PublicKey.from_public_bytes(log.public_raw).verify(mine[0][4:], note.body.encode("utf-8"))
    except InvalidSignature:
        raise IntegrityError(
            "the checkpoint's signature is forged: it does not verify with the log's key", value=log.name
        ) from None
    checkpoint = Checkpoint.parse_body(note.body)
    if origin is not None and checkpoint.origin != origin:
        raise IntegrityError(
            f"the checkpoint is for another log: {checkpoint.origin!r}",
            value=checkpoint.origin,
            hint=f"expected origin {origin!r}",
        )
    return checkpoint


def _cosigned_message(body: str, timestamp: int) -> bytes:
    return f"cosignature/v1\ntime {timestamp}\n".encode() + body.encode("utf-8")


def cosign(text: str, name: str, key: Ed25519PrivateKey, timestamp: int) -> str:
    """Add a witness cosignature line (tlog-cosignature, Ed25519) to a signed checkpoint."""
    _check_name(name)
    note = parse_note(text)
    key_id = _key_id(name, COSIGNATURE_ED25519, public_key_bytes(key.public_key()))
    signature = key.sign(_cosigned_message(note.body, timestamp))
    blob = key_id + struct.pack(">Q", timestamp) + signature
    return SignedNote(note.body, [*note.signatures, (name, blob)]).text()


def verify_cosignature(text: str, name: str, public_raw: bytes) -> int:
    """Check the cosignature of witness ``name``; return its timestamp."""
    note = parse_note(text)
    key_id = _key_id(name, COSIGNATURE_ED25519, public_raw)
    for line_name, blob in note.signatures:
        if line_name == name and blob[:4] == key_id:
            if len(blob) != 4 + 8 + 64:
                raise IntegrityError("the cosignature has the wrong length", value=name)
            (timestamp,) = struct.unpack(">Q", blob[4:12])
            try:
                Ed25519PublicKey.from_public_bytes(public_raw).verify(
                    blob[12:], _cosigned_message(note.body, timestamp)
                )
            except InvalidSignature:
                raise IntegrityError("the witness cosignature does not verify", value=name) from None
            return int(timestamp)
    raise IntegrityError("the checkpoint carries no cosignature from this witness", value=name)
