"""Who owns an edition: transfers signed by the owner, the buyer's acceptance, revocation, the chain.

Each transfer is a signed document chained by hash to the record before it and entered in the
ledger (buyer and price as commitments); the chain is re-checked on every read, against the
key history the log holds (a successor key signs for its predecessor; a key revoked before a
transfer was logged cannot have signed it). The buyer's side (offer, accept, owned) keeps what
was accepted in the buyer's own home.
"""

from __future__ import annotations

import builtins
import re
from collections.abc import Callable
from datetime import date, datetime

from sqlalchemy import Connection

from artproof.core.commitments import commit
from artproof.core.dates import check_day
from artproof.core.signing import SignedDocument, document_digest, sign_document, verify_document
from artproof.editions.certificate import certificate_hash, verify_certificate
from artproof.editions.collection import Collection, Offer, Owned
from artproof.editions.parties import Party
from artproof.editions.results import Chain, Countersigned, Revoked, TransferLink, Transferred
from artproof.editions.store import EditionRecord, EditionStore, find_edition
from artproof.errors import ArtproofError, Forbidden, IntegrityError, InvalidInput
from artproof.identity.service import IdentityService
from artproof.ledger.service import LedgerService, fetcher, signed_item

__all__ = ["ACCEPTANCE_PURPOSE", "TRANSFER_FORMAT", "TRANSFER_PURPOSE", "Ownership", "transfer_date"]

TRANSFER_FORMAT = "artproof.transfer/1"
TRANSFER_PURPOSE = "artproof.transfer"
ACCEPTANCE_FORMAT = "artproof.transfer-acceptance/1"
ACCEPTANCE_PURPOSE = "artproof.transfer.acceptance"


class Ownership:
    def __init__(
        self,
        store: EditionStore,
        ledger: LedgerService,
        identities: IdentityService,
        collection: Collection,
        clock: Callable[[], datetime],
    ) -> None:
        self.store = store
        self.ledger = ledger
        self.identities = identities
        self.collection = collection
        self.clock = clock

    def chain(self, record: EditionRecord) -> Chain:
        """The transfer chain from the first owner, each link checked: signer, order, and what it follows."""
        body = verify_certificate(record.certificate)
        owner_key = body.first_owner.key_id
        artist_key = body.artist.key_id
        previous = certificate_hash(record.certificate)
        history = self.ledger.key_history()
        out: list[TransferLink] = []
        status = "valid"
        forged = history.forged(artist_key, record.ledger_index)
        if forged is not None:
            status = f"broken at issuance: the certificate was {forged}"
        records = [] if forged else self.store.transfer_records(record.edition_id)
        for seq, (document, acceptance, index) in enumerate(records, 1):
            payload = document.payload
            try:
                verify_document(document, purpose=TRANSFER_PURPOSE)
                if acceptance is not None:
                    _check_acceptance(acceptance, document)
                expected = owner_key or artist_key  # an owner without a key: the registry's artist signs for them
                signer = document.signature.key_id
                if not history.may_sign_for(expected, signer):
                    raise IntegrityError(f"transfer {seq} is signed by {signer}, not {expected}")
                forged = history.forged(signer, index)
                if forged is not None:
                    raise IntegrityError(f"transfer {seq} is {forged}")
                if payload.get("seq") != seq or payload.get("previous") != previous:
                    raise IntegrityError(f"transfer {seq} does not follow the record before it")
            except ArtproofError as exc:
                status = f"broken at transfer {seq}: {exc.what}"
                break
            out.append(
                TransferLink(
                    seq=seq,
                    seller=payload["from"]["name"],
                    to=payload["to"]["name"],
                    date=payload["date"],
                    price=payload.get("price"),
                    currency=payload.get("currency"),
                    custodial=payload.get("custodial", False),
                    accepted=acceptance is not None,
                )
            )
            owner_key = payload["to"].get("key_id")
            previous = document_digest(document)
        return Chain(status=status, transfers=out, previous=previous, owner_key=owner_key)

    def transfer(
        self,
        ref: str,
        to: Party,
        *,
        price: str | None = None,
        currency: str | None = None,
        date: str | None = None,
        passphrase: str | None,
    ) -> Transferred:
        """Sign over the edition to ``to``: a signed transfer (the sales receipt) and ``ownership.transferred``."""
        record = find_edition(self.store, ref)
        if record.revoked_at:
            raise InvalidInput("this edition is revoked and cannot change hands", value=record.edition_id)
        if (price is None) != (currency is None):
            raise InvalidInput("give the price and its currency together", hint="--price 1200 --currency EUR")
        if currency is not None and not re.fullmatch(r"[A-Z]{3}", currency):
            raise InvalidInput("the currency is an ISO 4217 code", value=currency, hint="e.g. EUR, USD, GBP")
        if price is not None and not re.fullmatch(r"\d+(\.\d{1,2})?", price):
            raise InvalidInput("the price is a plain amount", value=price, hint="e.g. 1200 or 1200.50")
        me, key = self.identities.unlock(passphrase)
        chain = self.chain(record)
        if chain.status != "valid":
            raise IntegrityError(f"the ownership record is {chain.status}", hint="nothing was transferred")
        body = verify_certificate(record.certificate)
        custodial = chain.owner_key is None
        signer_key = chain.owner_key or body.artist.key_id
        if not self.ledger.key_history().may_sign_for(signer_key, me.key_id):
            raise Forbidden(
                "you do not own this edition",
                value=record.edition_id,
                hint=f"its owner is {record.owner.label()}; only they can transfer it",
            )
        seq = len(chain.transfers) + 1
        when = transfer_date(
            date,
            today=self.clock().date(),
            not_before=(chain.transfers[-1].date if chain.transfers else record.issued_at[:10]),
        )
        payload = {
            "format": TRANSFER_FORMAT,
            "edition_id": record.edition_id,
            "work_id": record.work_id,
            "seq": seq,
            "previous": chain.previous,
            "from": record.owner.model_dump(mode="json"),
            "to": to.model_dump(mode="json"),
            "price": price,
            "currency": currency,
            "date": when,
            "custodial": custodial,
        }
        document = sign_document(TRANSFER_PURPOSE, payload, key)
        to_commitment, to_opening = commit(to.model_dump(mode="json"))
        price_commitment, price_opening = commit({"price": price, "currency": currency})
        item = signed_item(
            "ownership.transferred",
            {
                "edition_id": record.edition_id,
                "seq": seq,
                "transfer_sha256": document_digest(document),
                "from_key_id": record.owner.key_id,
                "to_key_id": to.key_id,
                "to": to_commitment.model_dump(),
                "price": price_commitment.model_dump(),
                "custodial": custodial,
            },
            key,
            self.clock().isoformat(),
            lookup=record.edition_id,
            openings={"to": to_opening, "price": price_opening},
        )

        def record_transfer(c: Connection, indices: list[int]) -> None:
            EditionStore.add_transfer(c, record.edition_id, seq, document, indices[0], self.clock().isoformat())
            EditionStore.set_owner(c, record.edition_id, to)

        [index] = self.ledger.append([item], self.ledger.signer(passphrase), also=record_transfer)
        return Transferred(
            edition_id=record.edition_id,
            seq=seq,
            seller=record.owner.label(),
            to=to.label(),
            price=price,
            currency=currency,
            date=when,
            custodial=custodial,
            ledger_index=index,
            receipt=document.model_dump(mode="json"),
        )

    def offer(self, receipt: bytes, certificate: bytes | None, *, passphrase: str | None) -> Offer:
        """What accepting this transfer means (title, artist, number, seller, price, licence), checked."""
        document = _load_transfer(receipt)
        me, _ = self.identities.unlock(passphrase)
        return self.collection.offer(document, certificate, me.key_id)

    def accept(
        self, receipt: bytes, certificate: bytes | None = None, *, passphrase: str | None
    ) -> tuple[SignedDocument, Owned]:
        """The buyer's countersignature of a transfer to them, kept with the certificate in their home."""
        document = _load_transfer(receipt)
        me, key = self.identities.unlock(passphrase)
        offer = self.collection.offer(document, certificate, me.key_id)
        payload = {
            "format": ACCEPTANCE_FORMAT,
            "edition_id": document.payload["edition_id"],
            "seq": document.payload["seq"],
            "transfer_sha256": document_digest(document),
        }
        acceptance = sign_document(ACCEPTANCE_PURPOSE, payload, key)
        return acceptance, self.collection.keep(offer, document, acceptance, certificate)

    def owned(self, mirror: str | None = None) -> builtins.list[Owned]:
        """The editions this home's identity accepted; with a mirror, their status re-checked from the log."""
        me = self.identities.public()
        return self.collection.owned(mirror, me.key_id, fetcher)

    def countersign(self, ref: str, acceptance_file: bytes) -> Countersigned:
        """Record the buyer's acceptance of a transfer: the chain then shows it as countersigned."""
        record = find_edition(self.store, ref)
        try:
            acceptance = SignedDocument.model_validate_json(acceptance_file)
        except ValueError:
            raise InvalidInput(
                "not an artproof transfer acceptance", hint="make one: artproof transfer accept"
            ) from None
        pairs = self.store.transfers_with_acceptance(record.edition_id)
        seq = acceptance.payload.get("seq")
        if not isinstance(seq, int) or not 1 <= seq <= len(pairs):
            raise InvalidInput("the acceptance names no transfer of this edition", value=seq)
        _check_acceptance(acceptance, pairs[seq - 1][0])
        self.store.accept(record.edition_id, seq, acceptance)
        return Countersigned(edition_id=record.edition_id, seq=seq, accepted_by=acceptance.signature.key_id)

    def revoke(self, ref: str, reason: str, *, passphrase: str | None) -> Revoked:
        """The artist withdraws an edition (destroyed, lost, issued in error); it stays in the log as revoked."""
        record = find_edition(self.store, ref)
        reason = reason.strip()
        if not reason:
            raise InvalidInput("say why the edition is revoked", hint='--reason "destroyed"')
        if record.revoked_at:
            raise InvalidInput("this edition is already revoked", value=record.edition_id)
        me, key = self.identities.unlock(passphrase)
        if not self.ledger.key_history().may_sign_for(record.certificate.signature.key_id, me.key_id):
            raise InvalidInput("only the artist who issued the edition can revoke it", value=record.edition_id)
        now = self.clock().isoformat()
        item = signed_item(
            "edition.revoked", {"edition_id": record.edition_id, "reason": reason}, key, now, lookup=record.edition_id
        )

        def record_revocation(c: Connection, _indices: list[int]) -> None:
            EditionStore.revoke(c, record.edition_id, now, reason)

        [index] = self.ledger.append([item], self.ledger.signer(passphrase), also=record_revocation)
        return Revoked(edition_id=record.edition_id, revoked_at=now, reason=reason, ledger_index=index)


def _load_transfer(receipt: bytes) -> SignedDocument:
    try:
        document = SignedDocument.model_validate_json(receipt)
    except ValueError:
        raise InvalidInput(
            "not an artproof transfer receipt", hint="the seller writes it: transfer --receipt"
        ) from None
    verify_document(document, purpose=TRANSFER_PURPOSE)
    if document.payload.get("format") != TRANSFER_FORMAT:
        raise InvalidInput("not an artproof transfer receipt", value=str(document.payload.get("format")))
    return document


def _check_acceptance(acceptance: SignedDocument, transfer: SignedDocument) -> None:
    """The acceptance is signed by the buyer the transfer names, for exactly this transfer."""
    verify_document(acceptance, purpose=ACCEPTANCE_PURPOSE)
    expected = transfer.payload["to"].get("key_id")
    if acceptance.signature.key_id != expected:
        raise IntegrityError(f"the acceptance is signed by {acceptance.signature.key_id}, not the buyer {expected}")
    if acceptance.payload.get("transfer_sha256") != document_digest(transfer):
        raise IntegrityError("the acceptance is for another transfer")


def transfer_date(text: str | None, *, today: date, not_before: str) -> str:
    """The date of a transfer: ISO 8601 (YYYY-MM-DD), a real day, not before the edition was issued or
    the previous transfer, and not after tomorrow (clock skew); today when not given. It is signed into
    the ledger for good, so nothing else is accepted."""
    return check_day(
        text,
        what="the transfer date",
        today=today,
        not_before=not_before,
        before_why="the edition was issued or before its previous transfer",
    )
