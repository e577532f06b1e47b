"""The buyer's side of a sale: what they accepted, kept in their own home.

A buyer receives the seller's signed transfer (the receipt) and the edition's certificate
(``.coa.json``). Before countersigning, :meth:`Collection.offer` says what is being accepted
(title, artist, edition number, seller, price, licence), checked: the receipt is signed, it is
to this home's key, and the certificate is the one of the edition it names. Accepting keeps
the certificate, its proof, the receipt and the acceptance under ``<home>/collection/<edition>/``,
so ``edition list --owned`` and ``edition show`` work in the buyer's home, and the status can be
re-checked against the artist's published mirror at any time.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from artproof.core.canonical import canonical_json
from artproof.core.signing import SignedDocument
from artproof.editions.certificate import load_certificate_file, verify_certificate
from artproof.editions.coa import CertificateBody
from artproof.editions.ids import edition_id as format_edition_id
from artproof.editions.ids import parse_edition_id
from artproof.editions.status import edition_status
from artproof.errors import ArtproofError, IntegrityError, InvalidInput, NotFound
from artproof.ledger.mirror import Mirror
from artproof.store.files import atomic_write
from artproof.verify.logkeys import LogKeys

__all__ = ["Collection", "Offer", "Owned"]


@dataclass(frozen=True, slots=True)
class Offer:
    """What a transfer asks the buyer to accept, as the receipt and the certificate state it."""

    edition_id: str
    work_id: str
    title: str | None
    artist: str | None
    number: int | None
    count: int | None
    artist_proof: bool | None
    seller: str
    price: str | None
    currency: str | None
    date: str
    licence: str | None
    seq: int


@dataclass(frozen=True, slots=True)
class Owned:
    """An edition this home accepted, and its status as last checked."""

    offer: Offer
    accepted_at: str
    folder: str
    status: str = "accepted"  # accepted | signed over | current owner | transferred away | revoked | not checked
    checked: str | None = None

    def to_json(self) -> dict[str, Any]:
        extra = {"accepted_at": self.accepted_at, "folder": self.folder, "status": self.status}
        return {**asdict(self.offer), **extra, "checked": self.checked}


class Collection:
    def __init__(self, home: Path, keys: LogKeys, clock: Callable[[], datetime]) -> None:
        self.root = home / "collection"
        self.keys = keys
        self.clock = clock

    def offer(self, receipt: SignedDocument, certificate: bytes | None, my_key: str) -> Offer:
        """The terms of a transfer to ``my_key`` (the receipt is checked by the caller), with its certificate."""
        payload = receipt.payload
        if payload["to"].get("key_id") != my_key:
            raise InvalidInput(
                "this transfer is not to you: it names another key",
                value=payload["to"].get("key_id"),
                hint="only the buyer whose key the transfer names can accept it",
            )
        body: CertificateBody | None = None
        if certificate is not None:
            document, _ = load_certificate_file(certificate)
            body = verify_certificate(document)
            if body.edition_id != payload["edition_id"]:
                raise IntegrityError(
                    "the certificate is for another edition than the transfer",
                    value=body.edition_id,
                    hint=f"the transfer is for {payload['edition_id']}",
                )
        return Offer(
            edition_id=payload["edition_id"],
            work_id=payload["work_id"],
            title=body.work.title if body else None,
            artist=body.artist.name if body else None,
            number=body.edition.number if body else None,
            count=body.edition.count if body else None,
            artist_proof=body.edition.artist_proof if body else None,
            seller=_label(payload["from"]),
            price=payload.get("price"),
            currency=payload.get("currency"),
            date=payload["date"],
            licence=body.licence_title if body else None,
            seq=payload["seq"],
        )

    def keep(
        self, offer: Offer, receipt: SignedDocument, acceptance: SignedDocument, certificate: bytes | None
    ) -> Owned:
        """File what was accepted under ``collection/<edition id>/``."""
        folder = self.root / offer.edition_id
        owned = Owned(offer=offer, accepted_at=self.clock().isoformat(), folder=str(folder))
        if certificate is not None:
            atomic_write(folder / "certificate.coa.json", certificate)
        atomic_write(folder / f"receipt-{offer.seq}.json", canonical_json(receipt.model_dump(mode="json")))
        atomic_write(folder / f"acceptance-{offer.seq}.json", canonical_json(acceptance.model_dump(mode="json")))
        _write_record(owned)
        return owned

    def get(self, ref: str) -> Owned:
        wanted = format_edition_id(parse_edition_id(ref))
        path = self.root / wanted / "record.json"
        if not path.exists():
            raise NotFound("no such edition in this home", value=wanted, hint="see: artproof edition list --owned")
        return _owned(path)

    def holds(self, ref: str) -> bool:
        """Whether this home accepted the edition ``ref`` names (an id that does not parse: no)."""
        try:
            self.get(ref)
        except ArtproofError:
            return False
        return True

    def receipt(self, owned: Owned) -> SignedDocument:
        """The transfer that made this home the owner, as it was kept when accepted (the caller checks it)."""
        path = Path(owned.folder) / f"receipt-{owned.offer.seq}.json"
        try:
            return SignedDocument.model_validate_json(path.read_bytes())
        except (OSError, ValueError):
            raise IntegrityError("the receipt this home accepted cannot be read", value=str(path)) from None

    def keep_onward(self, owned: Owned, seq: int, bundle: bytes) -> None:
        """Keep a transfer signed here for the log (``onward-<seq>.json``) beside what was accepted: the signature
        is not lost if the file sent on is; a second resale of the same edition is refused."""
        path = Path(owned.folder) / f"onward-{seq}.json"
        if path.exists():
            raise InvalidInput(
                f"this home already signed transfer {seq} of this edition", value=str(path),
                hint="send that file to the artist's registry (edition record-transfer) and to the buyer",
            )  # fmt: skip
        atomic_write(path, bundle)
        _write_record(
            Owned(owned.offer, owned.accepted_at, owned.folder, "signed over", f"transfer {seq}, {path.name}")
        )

    def owned(self, mirror: str | None, my_key: str, fetch: Callable[[str], Callable[[str], bytes]]) -> list[Owned]:
        """Every edition accepted here; with a mirror, each one's status re-checked from the log."""
        items = [_owned(p) for p in sorted(self.root.glob("*/record.json"))] if self.root.is_dir() else []
        if mirror is None:
            return items
        reader = Mirror(mirror, fetch(mirror))
        return [self._recheck(item, reader, my_key) for item in items]

    def _recheck(self, item: Owned, mirror: Mirror, my_key: str) -> Owned:
        origin = (mirror.log_key_text() or "").split("+", 1)[0]
        verifier, _ = self.keys.resolve(origin, mirror.log_key_text()) if origin else (None, "")
        if verifier is None:
            return Owned(item.offer, item.accepted_at, item.folder, "not checked", "the mirror has no log key")
        coa = Path(item.folder) / "certificate.coa.json"
        if not coa.exists():
            return Owned(item.offer, item.accepted_at, item.folder, "not checked", "no certificate kept with it")
        try:
            body = verify_certificate(load_certificate_file(coa.read_bytes())[0])
            entries = mirror.about(item.offer.edition_id, verifier)
            found = edition_status(entries, mirror.key_history(verifier), body.artist.key_id, body.first_owner.key_id)
        except ArtproofError as exc:
            return Owned(item.offer, item.accepted_at, item.folder, "not checked", exc.what)
        if found.problem is not None:
            status = f"broken: {found.problem}"
        elif found.revoked is not None:
            status = "revoked"
        else:
            status = "current owner" if found.owner_key == my_key else "transferred away"
        return Owned(
            item.offer, item.accepted_at, item.folder, status, f"{mirror.source} at {self.clock().isoformat()}"
        )


def _label(party: dict[str, Any]) -> str:
    name = str(party.get("name") or "unknown")
    return f"{name} <{party['email']}>" if party.get("email") else name


def _write_record(owned: Owned) -> None:
    atomic_write(Path(owned.folder) / "record.json", (json.dumps(owned.to_json(), indent=2) + "\n").encode())


def _owned(path: Path) -> Owned:
    try:
        data = json.loads(path.read_text())
        offer = Offer(**{k: data[k] for k in Offer.__dataclass_fields__})
        return Owned(offer, data["accepted_at"], data["folder"], data.get("status", "accepted"), data.get("checked"))
    except (OSError, ValueError, KeyError, TypeError):
        raise IntegrityError("a record of an owned edition cannot be read", value=str(path)) from None
