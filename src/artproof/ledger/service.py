"""The registry's ledger service: what the CLI (and later the web) call.

The log key is an Ed25519 key of its own (the registry's, not the artist's),
sealed under the same passphrase as the identity on a single-user install,
created on first use. Its origin (also its note key name) defaults to
``artproof.local/log-<key id>``; ``ARTPROOF_LOG_ORIGIN`` names a shared registry.
"""

from __future__ import annotations

import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Connection, Engine, insert, select
from sqlalchemy.exc import IntegrityError as SqlIntegrityError

from artproof.core.commitments import Opening, open_commitment
from artproof.core.hashing import CONTENT_ID_RE
from artproof.core.keys import (
    EncryptedKey,
    b64decode,
    b64encode,
    decrypt_private_key,
    encrypt_private_key,
    generate_private_key,
    key_id_of,
    public_key_bytes,
)
from artproof.errors import IntegrityError, InvalidInput, NotFound
from artproof.identity.service import IdentityService
from artproof.ledger.checkpoint import (
    Checkpoint,
    NoteVerifier,
    cosign,
    parse_note,
    sign_checkpoint,
    verify_checkpoint,
    verify_cosignature,
)
from artproof.ledger.entries import (
    EntryType,
    commitment_at,
    entry_bytes,
    entry_id,
    make_entry,
    parse_entry,
)
from artproof.ledger.keys import KEYS_SUBJECT, KeyHistory
from artproof.ledger.log import AppendItem, Ledger, LogSigner, StoredEntry
from artproof.ledger.merkle import consistency_proof, leaf_hash, verify_consistency
from artproof.ledger.mirror import PublishResult, publish
from artproof.ledger.proofs import InclusionBundle, check_bundle
from artproof.ledger.results import Consistency, LedgerStatus, ProofCheck, Revealed
from artproof.ledger.tiles import TileReader
from artproof.store.repository import SqlStore
from artproof.store.tables import ledger_keys, witness_state

__all__ = ["KeyRotation", "LedgerService", "signed_item", "verify_offline"]

MAX_ENTRY_BYTES = 65_535  # an entry bundle's uint16 length prefix


@dataclass(frozen=True, slots=True)
class KeyRotation:
    old_key_id: str
    new_key_id: str
    rotated_index: int
    revoked_index: int | None


def signed_item(
    kind: EntryType,
    subject: dict[str, Any],
    key: Ed25519PrivateKey,
    at: str,
    *,
    lookup: str | None,
    openings: dict[str, Opening] | None = None,
) -> AppendItem:
    """A signed entry ready to append, with the store-only openings of its commitments."""
    data = entry_bytes(make_entry(kind, subject, key, at))
    return AppendItem(
        data=data,
        entry_id=entry_id(data),
        kind=kind,
        subject=lookup,
        openings={name: opening.model_dump_json() for name, opening in (openings or {}).items()},
    )


def fetcher(source: str) -> Callable[[str], bytes]:
    """Read files of a tiled log from a folder or an http(s) URL."""
    if source.startswith(("http://", "https://")):
        base = source.rstrip("/") + "/"

        def fetch_url(relative: str) -> bytes:
            try:
                with urllib.request.urlopen(urllib.parse.urljoin(base, relative), timeout=30) as response:
                    data: bytes = response.read()
                    return data
            except OSError as exc:
                raise NotFound("cannot fetch from the log", value=base + relative, hint=str(exc)) from exc

        return fetch_url
    root = Path(source)

    def fetch_file(relative: str) -> bytes:
        try:
            return (root / relative).read_bytes()
        except OSError:
            raise NotFound(
                "the tiled log is missing a file",
                value=str(root / relative),
                hint="publish it again with 'artproof ledger publish'",
            ) from None

    return fetch_file


def verify_offline(bundle: InclusionBundle, log: NoteVerifier, opening: dict[str, Any] | None = None) -> ProofCheck:
    """Check a proof bundle (and optionally a revealed value) with nothing but the log's key."""
    checkpoint, entry = check_bundle(bundle, log)
    opened: dict[str, Any] | None = None
    if opening is not None:
        name = str(opening.get("field", ""))
        commitment = commitment_at(entry.payload["subject"], name)
        open_commitment(
            commitment, Opening.model_validate({"value": opening.get("value"), "salt": opening.get("salt")})
        )
        opened = {"field": name, "value": opening.get("value")}
    return ProofCheck(
        opened=opened,
        valid=True,
        origin=checkpoint.origin,
        tree_size=checkpoint.size,
        leaf_index=bundle.leaf_index,
        type=entry.payload["type"],
        signer=entry.signature.key_id,
        subject=entry.payload["subject"].get("work_id"),
    )


class LedgerService:
    def __init__(
        self,
        engine: Engine,
        identities: IdentityService,
        clock: Callable[[], datetime],
        origin: str | None = None,
        subject_of: Callable[[str], str] | None = None,
    ) -> None:
        self.subject_of = subject_of  # a WORK reference -> its id (injected: the log knows no works)
        self.engine = engine
        self.ledger = Ledger(engine, clock)
        self.identities = identities
        self.clock = clock
        self.origin_setting = origin

    # the log key ----------------------------------------------------------

    def _key_row(self) -> Any:
        with self.engine.connect() as c:
            return c.execute(select(ledger_keys).order_by(ledger_keys.c.created_at.desc())).first()

    def verifier(self) -> NoteVerifier:
        row = self._key_row()
        if row is None:
            raise NotFound("this ledger has no log key yet", hint="register a work first: artproof register WORK")
        return NoteVerifier(name=row.origin, public_raw=b64decode(row.public_key))

    def signer(self, passphrase: str | None) -> LogSigner:
        """Unlock the log key (creating it on first use) under the identity's passphrase."""
        self.identities.unlock(passphrase)  # checks the passphrase first
        passphrase = self.identities.home_passphrase(passphrase)  # an account's request: the operator's
        assert passphrase is not None
        row = self._key_row()
        if row is None:
            key = generate_private_key()
            raw = public_key_bytes(key.public_key())
            origin = self.origin_setting or f"artproof.local/log-{key_id_of(raw)[:8]}"
            try:
                with self.engine.begin() as c:
                    c.execute(
                        insert(ledger_keys).values(
                            origin=origin,
                            public_key=b64encode(raw),
                            secret=encrypt_private_key(key, passphrase).model_dump_json(),
                            created_at=self.clock().isoformat(),
                        )
                    )
            except SqlIntegrityError:
                pass  # another process created it first: use theirs
            row = self._key_row()
        key = decrypt_private_key(EncryptedKey.model_validate_json(row.secret), passphrase)
        verifier = NoteVerifier.of(row.origin, key)
        return LogSigner(
            origin=row.origin, verifier=verifier, sign=lambda checkpoint: sign_checkpoint(checkpoint, row.origin, key)
        )

    # appending -----------------------------------------------------------

    def rotate_key(self, passphrase: str | None, *, revoke: bool, reason: str | None) -> KeyRotation:
        """A new signing key for this identity: ``key.rotated`` (signed by the old key), and with ``revoke``
        ``key.revoked`` (signed by the new one: the old key's later signatures are forgeries), logged in the
        same transaction that makes the new key current."""
        if passphrase is None:
            raise InvalidInput("a passphrase is needed to rotate the key", hint="set ARTPROOF_PASSPHRASE")
        signer = self.signer(passphrase)
        old, old_key = self.identities.unlock(passphrase)
        new, new_key = self.identities.successor(passphrase)
        now = self.clock().isoformat()
        subject = {
            "key_id": old.key_id,
            "public_key": old.public_key,
            "successor": {"key_id": new.key_id, "public_key": new.public_key},
        }
        items = [signed_item("key.rotated", subject, old_key, now, lookup=KEYS_SUBJECT)]
        if revoke:
            why = (reason or "").strip() or "compromised or lost"
            items.append(signed_item("key.revoked", subject | {"reason": why}, new_key, now, lookup=KEYS_SUBJECT))
        indices = self.append(items, signer, also=lambda c, _i: SqlStore.rotate_self_on(c, old.key_id, new))
        self.identities.rotated()
        return KeyRotation(old.key_id, new.key_id, indices[0], indices[1] if revoke else None)

    def key_history(self) -> KeyHistory:
        """Successors and revocations of signing keys, from this log's key.* entries."""
        return KeyHistory.of((e.index, parse_entry(e.data)) for e in self.ledger.by_subject(KEYS_SUBJECT))

    def append(
        self,
        items: list[AppendItem],
        signer: LogSigner,
        also: Callable[[Connection, list[int]], None] | None = None,
    ) -> list[int]:
        for item in items:
            if len(item.data) > MAX_ENTRY_BYTES:
                raise InvalidInput("a ledger entry is larger than 64 KiB", value=len(item.data))
        return self.ledger.append(items, signer, also)

    # reading --------------------------------------------------------------

    def resolve(self, ref: str) -> StoredEntry:
        """An entry by index, by entry id (sha256:...), or the latest entry about a work."""
        ref = ref.strip()
        if ref.isdigit():
            return self.ledger.entry(int(ref))
        if CONTENT_ID_RE.match(ref):
            return self.ledger.find(ref)
        if self.subject_of is None:
            raise NotFound("no such ledger entry", value=ref, hint="give an index or an entry id (sha256:...)")
        work_id = self.subject_of(ref)
        entries = self.ledger.by_subject(work_id)
        if not entries:
            raise NotFound(
                "this work is not in the ledger",
                value=work_id,
                hint=f"register it: artproof register {work_id}",
            )
        return entries[-1]

    def status(self) -> LedgerStatus:
        size, root = self.ledger.head()
        note = self.ledger.checkpoint()
        row = self._key_row()
        return LedgerStatus(
            size=size,
            root=root.hex(),
            checkpoint=note,
            origin=None if row is None else row.origin,
            log_key=None if row is None else self.verifier().vkey(),
        )

    def bundle(self, entry: StoredEntry, size: int | None = None) -> InclusionBundle:
        """The inclusion proof of ``entry`` against the checkpoint at ``size`` (default: the latest)."""
        note = self.ledger.checkpoint(size)
        if note is None:
            raise NotFound("the ledger has no checkpoint yet" if size is None else f"no checkpoint of size {size}")
        size = Checkpoint.parse_body(parse_note(note).body).size
        return InclusionBundle(
            leaf_index=entry.index,
            tree_size=size,
            leaf_hash=leaf_hash(entry.data).hex(),
            hashes=[h.hex() for h in self.ledger.inclusion(entry.index, size)],
            entry=parse_entry(entry.data).model_dump(mode="json"),
            checkpoint=note,
        )

    def check(
        self, bundle: InclusionBundle, verifier: NoteVerifier | None = None, opening: dict[str, Any] | None = None
    ) -> ProofCheck:
        return verify_offline(bundle, verifier or self.verifier(), opening)

    def reveal(self, ref: str, name: str) -> Revealed:
        """The clear value behind a commitment in an entry, with its salt: proof that it matches."""
        entry = self.resolve(ref)
        commitment = commitment_at(parse_entry(entry.data).payload["subject"], name)
        stored = self.ledger.opening(entry.entry_id, name)
        if stored is None:
            raise NotFound(
                "the clear value of this field is not kept here (never stored, or forgotten)",
                value=f"{entry.entry_id} {name}",
            )
        opening = Opening.model_validate_json(stored)
        open_commitment(commitment, opening)
        return Revealed(
            entry_id=entry.entry_id,
            field=name,
            commitment=commitment.commitment,
            value=opening.value,
            salt=opening.salt,
        )

    def forget(self, ref: str, name: str) -> bool:
        """Delete a clear value (on request); the public commitment stays and proves nothing alone."""
        entry = self.resolve(ref)
        return self.ledger.forget_opening(entry.entry_id, name)

    def consistency(self, old: int, new: int) -> Consistency:
        if old > new:
            raise InvalidInput("OLD_SIZE must not exceed NEW_SIZE", value=f"{old} > {new}")
        proof = self.ledger.consistency(old, new)
        old_root, new_root = self.ledger.root_at(old), self.ledger.root_at(new)
        verify_consistency(old, new, old_root, new_root, proof)
        return Consistency(
            old_size=old,
            new_size=new,
            old_root=old_root.hex(),
            new_root=new_root.hex(),
            hashes=[h.hex() for h in proof],
            verified=True,
        )

    def publish(
        self, directory: Path, ca_pem: str | None = None, progress: Callable[[float], None] | None = None
    ) -> PublishResult:
        """Write or update the static mirror (checkpoint with cosignatures, tiles, keys, CA) in ``directory``."""
        me = self.identities.public()
        return publish(
            self.ledger,
            directory,
            log_key=self.verifier(),
            ca_pem=ca_pem,
            public_keys={me.key_id: me.model_dump(mode="json")},
            published_at=self.clock().isoformat(),
            progress=progress,
        )

    # witnessing -------------------------------------------------------------

    def witness(
        self, source: str, passphrase: str | None, log_key: NoteVerifier | None, name: str | None
    ) -> dict[str, Any]:
        """Verify that a log's new checkpoint extends the last one this witness saw, then cosign it."""
        fetch = fetcher(source)
        note = fetch("checkpoint").decode("utf-8")
        origin = Checkpoint.parse_body(parse_note(note).body).origin
        with self.engine.connect() as c:
            seen = c.execute(select(witness_state).where(witness_state.c.origin == origin)).first()
        verifier = log_key or (NoteVerifier.from_vkey(seen.vkey) if seen is not None else None)
        if verifier is None:
            raise InvalidInput(
                "the first time a log is witnessed its public key is needed",
                value=origin,
                hint="pass --log-key log.pub (from 'artproof ledger key')",
            )
        if seen is not None and log_key is not None and log_key.vkey() != seen.vkey:
            raise IntegrityError("this log's key differs from the one witnessed before", value=origin)
        checkpoint = verify_checkpoint(note, verifier, origin=origin)
        old_size, old_root = (0, b"") if seen is None else (int(seen.size), bytes(seen.root))
        if checkpoint.size < old_size:
            raise IntegrityError(
                "the checkpoint rolls back: the log is smaller than when last witnessed",
                value=f"{checkpoint.size} < {old_size}",
            )
        if old_size:
            reader = TileReader(fetch, checkpoint.size)
            proof = consistency_proof(old_size, checkpoint.size, reader.hash_range)
            verify_consistency(old_size, checkpoint.size, old_root, checkpoint.root, proof)
        me, key = self.identities.unlock(passphrase)
        witness_name = name or f"artproof.witness/{me.key_id}"
        cosigned = cosign(note, witness_name, key, int(self.clock().timestamp()))
        values = {"vkey": verifier.vkey(), "size": checkpoint.size, "root": checkpoint.root, "note": note}
        with self.engine.begin() as c:
            if seen is None:
                c.execute(insert(witness_state).values(origin=origin, **values))
            else:
                c.execute(witness_state.update().where(witness_state.c.origin == origin).values(**values))
        return {
            "origin": origin,
            "previous_size": old_size,
            "size": checkpoint.size,
            "witness": witness_name,
            "cosigned_checkpoint": cosigned,
        }

    def add_cosignatures(self, text: str) -> list[str]:
        """Keep the cosignatures on a checkpoint of this log from witnesses whose keys are known."""
        checkpoint = verify_checkpoint(text, self.verifier())
        if self.ledger.checkpoint(checkpoint.size) is None:
            raise IntegrityError("this log never signed a checkpoint of that size", value=checkpoint.size)
        accepted = []
        known = [b64decode(r.public_key) for r in self.identities.list()]
        for name, _ in parse_note(text).signatures[1:]:
            for raw in known:
                try:
                    verify_cosignature(text, name, raw)
                except IntegrityError:
                    continue
                self.ledger.add_cosignature(checkpoint.size, name, text)
                accepted.append(name)
                break
        if not accepted:
            raise IntegrityError(
                "no cosignature on this checkpoint is from a known witness",
                hint="add the witness's public key with 'artproof identity add'",
            )
        return accepted
