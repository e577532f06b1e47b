"""Who owns an edition: transfers signed by the owner, the buyer's acceptance, revocation, the chain.

Each transfer is a signed document chained by hash to the record before it and entered in the
ledger (buyer and price as commitments); the chain is re-checked on every read, against the
key history the log holds (a successor key signs for its predecessor; a key revoked before a
transfer was logged cannot have signed it). The buyer's side (offer, accept, owned) keeps what
was accepted in the buyer's own home; from there the buyer resells by signing the next transfer and its
log entry (:meth:`Ownership._sign_onward`), which the issuing registry enters (:meth:`Ownership.record_transfer`).
"""

from __future__ import annotations

import builtins
import json
import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Connection

from artproof.core.canonical import canonical_json
from artproof.core.commitments import Opening, commit, open_commitment
from artproof.core.dates import check_day
from artproof.core.signing import SignedDocument, document_digest, sign_document, verify_document
from artproof.editions.certificate import certificate_hash, verify_certificate
from artproof.editions.collection import Collection, Offer, Owned
from artproof.editions.parties import Party
from artproof.editions.results import Chain, Countersigned, Revoked, TransferLink, Transferred
from artproof.editions.store import EditionRecord, EditionStore, find_edition
from artproof.errors import ArtproofError, Forbidden, IntegrityError, InvalidInput, NotFound
from artproof.identity.service import IdentityService
from artproof.ledger.entries import commitment_at, entry_bytes, entry_id, parse_entry
from artproof.ledger.log import AppendItem
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
        """Sign over the edition to ``to``: a signed transfer (the sales receipt) and ``ownership.transferred``.

        An edition this registry does not hold but this home accepted (a collector in their own home, reselling)
        is signed here and not entered: see :meth:`_sign_onward`.
        """
        _check_terms(price, currency)
        try:
            record = find_edition(self.store, ref)
        except NotFound:
            if not self.collection.holds(ref):
                raise
            return self._sign_onward(ref, to, price=price, currency=currency, date=date, passphrase=passphrase)
        if record.revoked_at:
            raise InvalidInput("this edition is revoked and cannot change hands", value=record.edition_id)
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
        terms = {
            "edition_id": record.edition_id, "work_id": record.work_id, "seq": seq, "previous": chain.previous,
            "from": record.owner.model_dump(mode="json"), "to": to.model_dump(mode="json"), "price": price,
            "currency": currency, "date": when, "custodial": custodial,
        }  # fmt: skip
        document, item = _signed_transfer(terms, key, self.clock().isoformat())
        index = self._enter(record.edition_id, seq, document, to, item, passphrase)
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

    def _sign_onward(
        self, ref: str, to: Party, *, price: str | None, currency: str | None, date: str | None, passphrase: str | None
    ) -> Transferred:
        """Resell an edition this home accepted but whose log lives in the artist's registry: the transfer and its
        log entry signed here with the owner's key, kept in ``collection/<edition>/``, not entered.

        The registry that issued the edition enters it (:meth:`record_transfer`, ``edition record-transfer``),
        checking it against the chain it holds; the buyer accepts the same file (``edition accept``). It follows
        the transfer this home accepted (its hash), one number after it. (The price is checked by :meth:`transfer`.)
        """
        owned = self.collection.get(ref)
        me, key = self.identities.unlock(passphrase)
        last = self.collection.receipt(owned)
        verify_document(last, purpose=TRANSFER_PURPOSE)
        if last.payload["to"].get("key_id") != me.key_id:
            raise Forbidden("the transfer this home accepted is to another key", value=last.payload["to"].get("key_id"))
        when = transfer_date(date, today=self.clock().date(), not_before=last.payload["date"])
        terms = {
            "edition_id": owned.offer.edition_id, "work_id": owned.offer.work_id, "seq": owned.offer.seq + 1,
            "previous": document_digest(last), "from": last.payload["to"], "to": to.model_dump(mode="json"),
            "price": price, "currency": currency, "date": when, "custodial": False,
        }  # fmt: skip
        document, item = _signed_transfer(terms, key, self.clock().isoformat())
        bundle = {
            "format": ONWARD_FORMAT,
            "transfer": document.model_dump(mode="json"),
            "entry": json.loads(item.data),
            "openings": {name: json.loads(text) for name, text in item.openings.items()},
        }
        self.collection.keep_onward(owned, terms["seq"], canonical_json(bundle))
        seller = Party.model_validate(terms["from"]).label()
        return Transferred(
            edition_id=owned.offer.edition_id, seq=terms["seq"], **{"from": seller}, to=to.label(), price=price,
            currency=currency, date=when, custodial=False, ledger_index=None, receipt=bundle, entered=False,
        )  # fmt: skip

    def record_transfer(self, data: bytes, *, passphrase: str | None) -> Transferred:
        """Enter in this registry's log a transfer its owner signed in their own home (:meth:`_sign_onward`):
        checked to follow the chain this registry holds, signed by the current owner, for an edition not revoked."""
        document, item = _load_onward(data)
        terms = document.payload
        _check_terms(terms.get("price"), terms.get("currency"))  # as this registry's own transfers are
        record = find_edition(self.store, terms["edition_id"])
        if record.revoked_at:
            raise InvalidInput("this edition is revoked and cannot change hands", value=record.edition_id)
        digest = document_digest(document)
        for seq, (entered, _, index) in enumerate(self.store.transfer_records(record.edition_id), 1):
            if document_digest(entered) == digest:
                raise InvalidInput(f"this transfer is entered already: transfer {seq}, ledger entry {index}")
        chain = self.chain(record)
        if chain.status != "valid":
            raise IntegrityError(f"the ownership record is {chain.status}", hint="nothing was entered")
        if chain.owner_key is None or not self.ledger.key_history().may_sign_for(
            chain.owner_key, document.signature.key_id
        ):
            raise Forbidden(
                "the transfer is not signed by the edition's owner",
                value=document.signature.key_id,
                hint=f"its owner is {record.owner.label()}",
            )
        if terms["seq"] != len(chain.transfers) + 1 or terms["previous"] != chain.previous:
            raise IntegrityError(
                f"the transfer does not follow the record: it is number {terms['seq']}, the next is "
                f"{len(chain.transfers) + 1}",
                hint="nothing was entered; the owner signs a new one from their latest receipt",
            )
        not_before = chain.transfers[-1].date if chain.transfers else record.issued_at[:10]
        transfer_date(terms["date"], today=self.clock().date(), not_before=not_before)
        to = Party.model_validate(terms["to"])
        index = self._enter(record.edition_id, terms["seq"], document, to, item, passphrase)
        return Transferred(
            edition_id=record.edition_id, seq=terms["seq"], **{"from": record.owner.label()}, to=to.label(),
            price=terms.get("price"), currency=terms.get("currency"), date=terms["date"], custodial=False,
            ledger_index=index, receipt=document.model_dump(mode="json"),
        )  # fmt: skip

    def _enter(
        self, edition_id: str, seq: int, document: SignedDocument, to: Party, item: AppendItem, passphrase: str | None
    ) -> int:
        """Append a transfer's ledger entry, its store rows (the transfer, the new owner) in the same commit."""

        def record_transfer(c: Connection, indices: list[int]) -> None:
            EditionStore.add_transfer(c, edition_id, seq, document, indices[0], self.clock().isoformat())
            EditionStore.set_owner(c, edition_id, to)

        [index] = self.ledger.append([item], self.ledger.signer(passphrase), also=record_transfer)
        return index

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
    """The seller's signed transfer: the receipt itself, or the one inside a transfer signed for the log (a
    collector reselling from their own home gives the buyer that file)."""
    try:
        parsed = json.loads(receipt)
        if isinstance(parsed, dict) and parsed.get("format") == ONWARD_FORMAT:
            receipt = canonical_json(parsed["transfer"])
        document = SignedDocument.model_validate_json(receipt)
    except (ValueError, KeyError, TypeError):
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


ONWARD_FORMAT = "artproof.transfer-for-the-log/1"


def _check_terms(price: str | None, currency: str | None) -> None:
    if (price is None) != (currency is None):
        raise InvalidInput("give the price and its currency together", hint="--price 1200 --currency EUR")
    if currency is not None and not re.fullmatch(r"[A-Z]{3}", currency):
        raise InvalidInput("the currency is an ISO 4217 code", value=currency, hint="e.g. EUR, USD, GBP")
    if price is not None and not re.fullmatch(r"\d+(\.\d{1,2})?", price):
        raise InvalidInput("the price is a plain amount", value=price, hint="e.g. 1200 or 1200.50")


def _signed_transfer(terms: dict[str, Any], key: Ed25519PrivateKey, at: str) -> tuple[SignedDocument, AppendItem]:
    """The transfer document (the receipt) and its ``ownership.transferred`` entry, both signed by ``key``; the
    buyer and the price enter the log only as commitments (their openings stay with the registry)."""
    document = sign_document(TRANSFER_PURPOSE, {"format": TRANSFER_FORMAT, **terms}, key)
    to_commitment, to_opening = commit(terms["to"])
    price_commitment, price_opening = commit({"price": terms["price"], "currency": terms["currency"]})
    item = signed_item(
        "ownership.transferred",
        {
            "edition_id": terms["edition_id"],
            "seq": terms["seq"],
            "transfer_sha256": document_digest(document),
            "from_key_id": terms["from"].get("key_id"),
            "to_key_id": terms["to"].get("key_id"),
            "to": to_commitment.model_dump(),
            "price": price_commitment.model_dump(),
            "custodial": terms["custodial"],
        },
        key,
        at,
        lookup=terms["edition_id"],
        openings={"to": to_opening, "price": price_opening},
    )
    return document, item


def _load_onward(data: bytes) -> tuple[SignedDocument, AppendItem]:
    """A transfer signed in the owner's home (:meth:`Ownership._sign_onward`), its entry and the entry's openings,
    checked to be one: the entry names this transfer, its seller and buyer, and its commitments open to them."""
    try:
        bundle = json.loads(data)
        if not isinstance(bundle, dict) or bundle.get("format") != ONWARD_FORMAT:
            raise ValueError
        document = SignedDocument.model_validate(bundle["transfer"])
        openings = {name: Opening.model_validate(bundle["openings"][name]) for name in ("to", "price")}
        raw_entry = bundle["entry"]
    except (ValueError, KeyError, TypeError):
        raise InvalidInput(
            "not a transfer signed for the log", hint="the seller writes it: artproof transfer ... --receipt FILE"
        ) from None
    verify_document(document, purpose=TRANSFER_PURPOSE)
    entry = parse_entry(raw_entry)
    terms, subject = document.payload, entry.payload["subject"]
    expected = {
        "edition_id": terms["edition_id"], "seq": terms["seq"], "transfer_sha256": document_digest(document),
        "from_key_id": terms["from"].get("key_id"), "to_key_id": terms["to"].get("key_id"), "custodial": False,
    }  # fmt: skip
    wrong = any(subject.get(k) != v for k, v in expected.items()) or terms.get("custodial") is not False
    if entry.payload["type"] != "ownership.transferred" or wrong:
        raise IntegrityError("the log entry is not this transfer's", hint="nothing was entered")
    if entry.signature.key_id != document.signature.key_id:
        raise IntegrityError("the log entry and the transfer are signed by different keys", hint="nothing was entered")
    price = {"price": terms.get("price"), "currency": terms.get("currency")}
    for name, value in (("to", terms["to"]), ("price", price)):
        open_commitment(commitment_at(subject, name), openings[name])
        if canonical_json(openings[name].value) != canonical_json(value):
            raise IntegrityError(f"the log entry's {name} is not the transfer's", hint="nothing was entered")
    data_bytes = entry_bytes(entry)
    item = AppendItem(
        data=data_bytes, entry_id=entry_id(data_bytes), kind="ownership.transferred", subject=terms["edition_id"],
        openings={name: opening.model_dump_json() for name, opening in openings.items()},
    )  # fmt: skip
    return document, item


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
