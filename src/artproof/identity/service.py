"""Identities: our own key pair (created at ``init``) and the public keys of others.

In the web registry one home holds many accounts, each with its own key pair sealed under its own
password. A request acts as its account (``acting_as``): ``me`` and ``unlock`` then mean that
account, while the home's own identity stays the registry's operator, whose passphrase (held by
the server process, never stored) unlocks the log key and the signing CA.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pydantic import ValidationError

from artproof.core.canonical import parse_json
from artproof.core.keys import (
    PublicIdentity,
    b64decode,
    decrypt_private_key,
    encrypt_private_key,
    generate_private_key,
    key_id_of,
    public_key_bytes,
)
from artproof.core.text import check_name, check_passphrase
from artproof.errors import ConfigError, IntegrityError, InvalidInput, NotFound
from artproof.store.repository import IdentityRecord, IdentityRepository

__all__ = ["IdentityService", "read_public_key_file"]

_ACTING: ContextVar[IdentityRecord | None] = ContextVar("artproof_acting", default=None)


class IdentityService:
    def __init__(self, repo: IdentityRepository, clock: Callable[[], datetime]) -> None:
        self.repo = repo
        self.clock = clock
        self._unlocked: dict[tuple[str, str], Ed25519PrivateKey] = {}
        self.operator_passphrase: str | None = None  # set by the web server: unlocks the log key and CA

    # acting as an account (the web registry) ---------------------------------

    @contextmanager
    def acting_as(self, record: IdentityRecord) -> Iterator[IdentityRecord]:
        """Within the block, ``me``/``unlock`` are this account's identity (one request or job)."""
        token = _ACTING.set(record)
        try:
            yield record
        finally:
            _ACTING.reset(token)

    def acting(self) -> IdentityRecord | None:
        return _ACTING.get()

    def operator(self) -> IdentityRecord:
        """The home's own identity: the registry's operator (the CLI user when no account acts)."""
        record = self.repo.self_identity()
        if record is None:
            raise ConfigError("no identity here yet", hint='run: artproof init --name "Your Studio"')
        return record

    def home_passphrase(self, passphrase: str | None) -> str | None:
        """The passphrase that unlocks this home's own keys (the log key, the signing CA).

        On the command line that is the user's own; for an account acting in the web registry it is
        the operator's, which the server holds in memory (``serve`` reads ARTPROOF_PASSPHRASE).
        """
        if _ACTING.get() is None:
            return passphrase
        if self.operator_passphrase is None:
            raise ConfigError(
                "the registry's operator key is locked, so nothing can be signed into its log",
                hint="start the server with ARTPROOF_PASSPHRASE set to the home identity's passphrase",
            )
        return self.operator_passphrase

    def account_identity(self, name: str, passphrase: str) -> IdentityRecord:
        """A new key pair for a web account, sealed under its password (not this home's own identity).

        Not stored here: the account service writes it in the same transaction as the account.
        """
        check_passphrase(passphrase)
        return self._sealed(check_name(name, "the account's name"), passphrase, is_self=False)[0]

    def _sealed(self, name: str, passphrase: str, *, is_self: bool) -> tuple[IdentityRecord, Ed25519PrivateKey]:
        """A new key pair and its record, the private key sealed under ``passphrase`` (not yet stored)."""
        key = generate_private_key()
        raw = public_key_bytes(key.public_key())
        record = IdentityRecord(
            key_id=key_id_of(raw),
            name=name,
            public_key=PublicIdentity.of(name, raw).public_key,
            is_self=is_self,
            created_at=self.clock().isoformat(),
            secret=encrypt_private_key(key, passphrase),
        )
        return record, key

    def get(self, key_id: str) -> IdentityRecord:
        record = self.repo.identity(key_id)
        if record is None:
            raise NotFound("no identity with this key id", value=key_id)
        return record

    def init(self, name: str, passphrase: str) -> IdentityRecord:
        """Create this installation's key pair, sealed under ``passphrase``."""
        name = check_name(name, "the identity's name")
        check_passphrase(passphrase)
        existing = self.repo.self_identity()
        if existing is not None:
            raise ConfigError(
                "an identity already exists here",
                value=f"{existing.name} ({existing.key_id})",
                hint="use another ARTPROOF_HOME for a second identity",
            )
        record, _ = self._sealed(name, passphrase, is_self=True)
        self.repo.add_identity(record)
        return record

    def successor(self, passphrase: str) -> tuple[IdentityRecord, Ed25519PrivateKey]:
        """A new key pair for this identity (same name, same passphrase), not yet made current."""
        me, _ = self.unlock(passphrase)
        return self._sealed(me.name, passphrase, is_self=True)

    def rotated(self) -> None:
        """After the rotation committed (with its ledger entries): forget the unlocked old key."""
        self._unlocked.clear()

    def me(self) -> IdentityRecord:
        acting = _ACTING.get()
        return acting if acting is not None else self.operator()

    def unlock(self, passphrase: str | None) -> tuple[IdentityRecord, Ed25519PrivateKey]:
        """Our record and private key; a wrong passphrase raises ``WrongPassphrase``.

        The key is unlocked once per process (scrypt costs ~0.1 s) and kept in memory for the
        rest of the command, keyed by the key id and a hash of the passphrase.
        """
        record = self.me()
        if passphrase is None:
            raise ConfigError("a passphrase is needed to sign", hint="set ARTPROOF_PASSPHRASE or run interactively")
        if record.secret is None:
            raise IntegrityError(
                "your identity's sealed private key is missing from the database",
                value=record.key_id,
                hint="restore the database (ARTPROOF_HOME/artproof.db) from a backup",
            )
        cache_key = (record.key_id, hashlib.sha256(passphrase.encode("utf-8")).hexdigest())
        if cache_key not in self._unlocked:
            self._unlocked[cache_key] = decrypt_private_key(record.secret, passphrase)
        return record, self._unlocked[cache_key]

    def public(self, record: IdentityRecord | None = None) -> PublicIdentity:
        record = record or self.me()
        return PublicIdentity.of(record.name, b64decode(record.public_key))

    def add(self, name: str, key_file: Path) -> IdentityRecord:
        """Import someone else's exported public key under ``name``."""
        public = read_public_key_file(key_file)
        record = IdentityRecord(
            key_id=public.key_id,
            name=name.strip() or public.name,
            public_key=public.public_key,
            is_self=False,
            created_at=self.clock().isoformat(),
        )
        self.repo.add_identity(record)
        return record

    def list(self) -> list[IdentityRecord]:
        return self.repo.list_identities()


def read_public_key_file(key_file: Path) -> PublicIdentity:
    """A public key exported by ``artproof identity export-public`` (checked: its key id matches its key)."""
    try:
        data = key_file.read_bytes()
    except OSError as exc:
        raise NotFound("cannot read the public key file", value=str(key_file), hint="check the path") from exc
    try:
        return PublicIdentity.model_validate(parse_json(data, what="public key file"))
    except ValidationError as exc:
        raise InvalidInput(
            "not an artproof public key file",
            value=str(key_file),
            hint="ask for the file made by 'artproof identity export-public'",
        ) from exc
