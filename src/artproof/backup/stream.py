"""Authenticated, chunked encryption of a stream with a passphrase (``artproof.backup/1``).

The key is derived with scrypt (memory-hard; 2**15, 8, 1: 32 MiB, ~0.1 s) from the passphrase and a
random salt. The stream is cut into 1 MiB chunks, each sealed with AES-256-GCM under a nonce made of
a random 7-byte prefix, the chunk's number and a last-chunk flag (the STREAM construction of Hoang,
Reyhanitabar, Rogaway and Vizár), the header as associated data: a chunk moved, dropped, repeated or
altered, a header edited, or a file cut short all fail, and none can pass for a complete backup.
Chunk 0 is a known block, so a wrong passphrase is told apart from a damaged file.
"""

from __future__ import annotations

import base64
import json
import os
import struct
from collections.abc import Iterator
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from artproof.errors import IntegrityError, InvalidInput, WrongPassphrase

__all__ = ["MAGIC", "decrypt_stream", "encrypt_stream"]

MAGIC = b"ARTPROOF-BACKUP\n"
FORMAT = "artproof.backup/1"
CHUNK = 1 << 20
_CHECK = b"artproof backup: the passphrase is right"
N, R, P = 2**15, 8, 1


def _key(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(passphrase.encode("utf-8"))


def _nonce(prefix: bytes, index: int, last: bool) -> bytes:
    return prefix + struct.pack(">I", index) + (b"\x01" if last else b"\x00")


def encrypt_stream(source: BinaryIO, sink: BinaryIO, passphrase: str, facts: dict[str, object]) -> int:
    """Encrypt ``source`` into ``sink``; ``facts`` go in the clear header (what it is of, when). Returns the
    number of plaintext bytes."""
    if not passphrase:
        raise InvalidInput("the passphrase is empty", hint="choose a passphrase for the backup")
    salt, prefix = os.urandom(16), os.urandom(7)
    header = MAGIC + json.dumps(
        {"format": FORMAT, "kdf": {"name": "scrypt", "n": N, "r": R, "p": P, "salt": base64.b64encode(salt).decode()},
         "nonce_prefix": base64.b64encode(prefix).decode(), "chunk": CHUNK, **facts},
        sort_keys=True,
    ).encode() + b"\n"  # fmt: skip
    sink.write(struct.pack(">I", len(header)) + header)
    aead = AESGCM(_key(passphrase, salt, N, R, P))
    sealed = aead.encrypt(_nonce(prefix, 0, False), _CHECK, header)
    sink.write(struct.pack(">I", len(sealed)) + sealed)
    total, index = 0, 1
    block = source.read(CHUNK)
    while True:
        following = source.read(CHUNK) if block else b""
        last = not following
        sealed = aead.encrypt(_nonce(prefix, index, last), block, header)
        sink.write(struct.pack(">I", len(sealed)) + sealed)
        total += len(block)
        if last:
            return total
        block, index = following, index + 1


def _read_exact(stream: BinaryIO, size: int, what: str) -> bytes:
    data = stream.read(size)
    if len(data) != size:
        raise IntegrityError(f"the backup is cut short ({what})", hint="the file was truncated: use another copy")
    return data


def read_header(stream: BinaryIO) -> tuple[bytes, dict[str, object]]:
    """The header's bytes and facts; refuses a file that is no artproof backup."""
    size_bytes = stream.read(4)
    if len(size_bytes) != 4:
        raise InvalidInput("not an artproof backup (empty or too short)")
    (size,) = struct.unpack(">I", size_bytes)
    if size > 65536:
        raise InvalidInput("not an artproof backup")
    header = _read_exact(stream, size, "header")
    if not header.startswith(MAGIC):
        raise InvalidInput("not an artproof backup", hint="give a file made by 'artproof backup create'")
    try:
        facts = json.loads(header[len(MAGIC) :])
    except ValueError:
        raise IntegrityError("the backup's header is damaged") from None
    if not isinstance(facts, dict) or facts.get("format") != FORMAT:
        raise InvalidInput("not a backup this artproof can read", value=str(facts.get("format"))[:40])
    return header, facts


def decrypt_stream(stream: BinaryIO, passphrase: str) -> tuple[dict[str, object], Iterator[bytes]]:
    """(header facts, the plaintext chunks); the iterator raises :class:`IntegrityError` on any damage."""
    header, facts = read_header(stream)
    kdf = facts.get("kdf") or {}
    try:
        salt = base64.b64decode(str(kdf["salt"]))  # type: ignore[index]
        prefix = base64.b64decode(str(facts["nonce_prefix"]))
        n, r, p = int(kdf["n"]), int(kdf["r"]), int(kdf["p"])  # type: ignore[index]
    except (KeyError, TypeError, ValueError):
        raise IntegrityError("the backup's header is damaged") from None
    if not (2**10 <= n <= 2**22 and 1 <= r <= 32 and 1 <= p <= 16) or len(prefix) != 7:
        raise IntegrityError("the backup's header is damaged (key derivation settings out of range)")
    aead = AESGCM(_key(passphrase, salt, n, r, p))

    def chunk() -> bytes | None:
        size_bytes = stream.read(4)
        if not size_bytes:
            return None
        if len(size_bytes) != 4:
            raise IntegrityError("the backup is cut short", hint="the file was truncated: use another copy")
        (size,) = struct.unpack(">I", size_bytes)
        if size > CHUNK + 16:
            raise IntegrityError("the backup is damaged (a chunk is too large)")
        return _read_exact(stream, size, "chunk")

    first = chunk()
    try:
        if first is None or aead.decrypt(_nonce(prefix, 0, False), first, header) != _CHECK:
            raise InvalidTag
    except InvalidTag:
        raise WrongPassphrase(
            "the passphrase does not open this backup", hint="the passphrase given when it was made"
        ) from None

    def chunks() -> Iterator[bytes]:
        index = 1
        while True:
            sealed = chunk()
            if sealed is None:
                raise IntegrityError("the backup is cut short: its last part is missing", hint="use another copy")
            for last in (False, True):
                try:
                    block = aead.decrypt(_nonce(prefix, index, last), sealed, header)
                except InvalidTag:
                    continue
                yield block
                if last:
                    if stream.read(1):
                        raise IntegrityError("the backup has data after its end", hint="use another copy")
                    return
                break
            else:
                raise IntegrityError(
                    f"the backup is damaged: part {index} does not authenticate", hint="use another copy"
                )
            index += 1

    return facts, chunks()
