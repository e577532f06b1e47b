"""Registering works and seals in the ledger: the seal room's use of the log.

``work.registered`` names a work's signed manifest (and enters its picture in the fingerprint
registry in the same transaction); ``work.sealed`` names a signed C2PA claim and the certificate
that signed it, the ledger's offline stand-in for a timestamp (see :mod:`artproof.seal.expiry`).
The log itself (:mod:`artproof.ledger`) knows nothing of works, studios or fingerprints.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from PIL import Image

from artproof.core.canonical import canonical_json
from artproof.core.commitments import commit
from artproof.errors import ArtproofError, IntegrityError, InvalidInput
from artproof.fingerprint.registry import FingerprintRegistry, Match
from artproof.identity.service import IdentityService
from artproof.ledger.checkpoint import Checkpoint, parse_note
from artproof.ledger.entries import entry_id, parse_entry
from artproof.ledger.log import AppendItem, StoredEntry
from artproof.ledger.proofs import check_bundle
from artproof.ledger.service import LedgerService, signed_item
from artproof.studio.service import Studio

__all__ = ["Registration", "SealRecord", "WorkRegistry"]


@dataclass(frozen=True, slots=True)
class SealRecord:
    """A ``work.sealed`` entry, checked: the claim it names existed by ``logged_at``."""

    index: int
    subject: dict[str, Any]
    logged_at: datetime  # when the first checkpoint holding the entry was signed
    checkpoint_size: int


@dataclass(frozen=True, slots=True)
class Registration:
    index: int
    entry_id: str
    work_id: str
    tree_size: int
    checkpoint: str
    matches: list[Match] = field(default_factory=list)  # registered pictures this one copies (confirmed)
    warnings: list[str] = field(default_factory=list)  # the matches, in words

    def to_json(self) -> dict[str, Any]:
        """The ``register --json`` document."""
        return {
            "work_id": self.work_id,
            "leaf_index": self.index,
            "entry_id": self.entry_id,
            "tree_size": self.tree_size,
            "checkpoint": self.checkpoint,
            "warnings": self.warnings,
        }


class WorkRegistry:
    """Works and seals in the ledger, for sealing, editions, verify and certificate expiry."""

    def __init__(
        self,
        log: LedgerService,
        studio: Studio,
        identities: IdentityService,
        fingerprints: FingerprintRegistry,
        clock: Callable[[], datetime],
    ) -> None:
        self.log = log
        self.studio = studio
        self.identities = identities
        self.fingerprints = fingerprints
        self.clock = clock

    def registration(self, ref: str) -> StoredEntry | None:
        """The ledger entry that registered the work's current signed record, if there is one."""
        work = self.studio.resolve(ref)
        manifest_hash = entry_id(canonical_json(work.manifest.model_dump(mode="json")))
        for previous in self.log.ledger.by_subject(work.work_id):
            doc = parse_entry(previous.data)
            if doc.payload["type"] == "work.registered" and doc.payload["subject"]["manifest_hash"] == manifest_hash:
                return previous
        return None

    def register_work(self, ref: str, passphrase: str | None) -> Registration:
        """Append ``work.registered`` for the work's current signed manifest."""
        work = self.studio.resolve(ref)
        manifest = self.studio.manifest(work.work_id)
        manifest_hash = entry_id(canonical_json(work.manifest.model_dump(mode="json")))
        previous = self.registration(work.work_id)
        if previous is not None:
            raise InvalidInput(
                "this revision of the work is already registered",
                value=work.work_id,
                hint=f"it is ledger entry {previous.index}",
            )
        signer = self.log.signer(passphrase)
        me, key = self.identities.unlock(passphrase)
        name_commitment, name_opening = commit(manifest.artist["name"])
        c = manifest.classification
        subject = {
            "work_id": work.work_id,
            "revision": manifest.revision,
            "title": manifest.title,
            "manifest_hash": manifest_hash,
            "master": manifest.master,
            "master_pixels": manifest.assets[manifest.master].pixels,
            "classification": {
                "digital_source_type": c.digital_source_type,
                "physical_hybrid": c.physical_hybrid,
                "human_decisions": c.human_decisions,
                "human_pixel_share": c.human_pixel_share,
            },
            "artist": {"key_id": me.key_id, "public_key": me.public_key, "name": name_commitment.model_dump()},
        }
        item = signed_item(
            "work.registered",
            subject,
            key,
            self.clock().isoformat(),
            lookup=work.work_id,
            openings={"artist.name": name_opening},
        )
        master = self.studio.load_image(manifest.master)
        matches = [m for m in self.fingerprints.search(master) if m.confirmed and m.entry.work_id != work.work_id]
        row = FingerprintRegistry.row(
            "work", work.work_id, work.work_id, me.key_id, master, manifest.master, self.clock()
        )
        [index] = self.log.append([item], signer, also=lambda c, _indices: FingerprintRegistry.insert(c, [row]))
        note = self.log.ledger.checkpoint()
        assert note is not None
        size = Checkpoint.parse_body(parse_note(note).body).size
        return Registration(
            index=index,
            entry_id=item.entry_id,
            work_id=work.work_id,
            tree_size=size,
            checkpoint=note,
            matches=matches,
            warnings=[self.describe(m) for m in matches],
        )

    # registration warnings -----------------------------------------------------

    def describe(self, match: Match) -> str:
        """'matches work W "title" by ARTIST, registered on DATE' for a registration warning."""
        try:
            manifest = self.studio.manifest(match.entry.work_id)
            who = f'"{manifest.title}" by {manifest.artist["name"]}'
        except ArtproofError:
            who = f"(artist key {match.entry.artist_key_id})"
        return (
            f"this image matches {match.entry.kind} {match.entry.ref} {who}, registered on "
            f"{match.entry.registered_at[:10]} ({match.distance} pHash bits, aligned similarity {match.similarity:.2f})"
        )

    def prior_registrations(self, image: Image.Image, exclude_work: str | None = None) -> list[str]:
        """Warnings for every registered work or edition (of another work) this image is a copy of."""
        return [
            self.describe(m) for m in self.fingerprints.search(image) if m.confirmed and m.entry.work_id != exclude_work
        ]

    def record_seal(self, work_id: str, seal: dict[str, Any], passphrase: str | None) -> int:
        """Append ``work.sealed``: this identity signed the C2PA claim ``seal["claim_digest"]``.

        The entry is the offline stand-in for a timestamp authority: the checkpoint that first
        includes it proves the claim existed by then, so a certificate that has expired since can
        be judged at that time (see :mod:`artproof.seal.expiry`).
        """
        signer = self.log.signer(passphrase)
        _, key = self.identities.unlock(passphrase)
        [index] = self.log.append([self.seal_item(work_id, seal, key)], signer)
        return index

    def seal_item(self, work_id: str, seal: dict[str, Any], key: Ed25519PrivateKey) -> AppendItem:
        """The ``work.sealed`` entry for a claim (subject: the work, whose id the file's recipe names)."""
        return signed_item("work.sealed", {"work_id": work_id, **seal}, key, self.clock().isoformat(), lookup=work_id)

    def seal_record(self, work_id: str, claim_digest: str) -> SealRecord | None:
        """The checked ``work.sealed`` entry for a claim of this work, if this ledger holds one.

        The entry's signature and its inclusion in the first checkpoint after it are verified;
        a record that fails either check raises :class:`IntegrityError` rather than vouching.
        """
        for stored in self.log.ledger.by_subject(work_id):
            if stored.kind != "work.sealed":
                continue
            entry = parse_entry(stored.data)
            if entry.payload["subject"].get("claim_digest") != claim_digest:
                continue
            covering = self.log.ledger.first_checkpoint_covering(stored.index)
            if covering is None:
                return None
            size, _note, created_at = covering
            check_bundle(self.log.bundle(stored, size), self.log.verifier())
            forged = self.log.key_history().forged(entry.signature.key_id, stored.index)
            if forged is not None:
                raise IntegrityError(f"the seal record was {forged}")
            return SealRecord(
                index=stored.index,
                subject=entry.payload["subject"],
                logged_at=datetime.fromisoformat(created_at),
                checkpoint_size=size,
            )
        return None

    def sealed(self, work_id: str, revision: int) -> bool:
        """Whether this revision of the work has been sealed (a ``work.sealed`` entry names it)."""
        return any(
            stored.kind == "work.sealed"
            and parse_entry(stored.data).payload["subject"].get("revision") == revision
            and "edition_id" not in parse_entry(stored.data).payload["subject"]
            for stored in self.log.ledger.by_subject(work_id)
        )
