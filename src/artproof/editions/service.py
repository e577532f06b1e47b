"""Limited editions: issuance, certificates, identification, ownership transfers and revocation.

Issuing N editions (plus K artist's proofs) from a sealed work makes, for each,
its own file (the picture, watermarked with the edition's id, then sealed with
Content Credentials naming the edition), a certificate of authenticity signed
by the artist, and two ledger entries (``work.sealed`` for its claim,
``edition.issued`` for the certificate). All of them are recorded in one
transaction with their ledger entries, so an interrupted issuance leaves all
editions or none; the files reach the output folder only after that commit.
"""

from __future__ import annotations

import builtins
import contextlib
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image
from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError as SqlIntegrityError

from artproof.core.canonical import canonical_json
from artproof.core.commitments import commit
from artproof.core.hashing import content_id
from artproof.core.images import decode_image, encode_png, pixel_hash
from artproof.core.signing import SignedDocument, document_digest, sign_document, verify_document
from artproof.editions.certificate import (
    COA_FORMAT,
    COA_PURPOSE,
    canonical_text,
    certificate_hash,
    generation_summary,
    load_certificate_file,
    picture_binding,
    verify_certificate,
)
from artproof.editions.collection import Collection, Offer, Owned
from artproof.editions.ids import edition_id, new_payload, parse_edition_id
from artproof.editions.licences import licence
from artproof.editions.parties import Party
from artproof.editions.renders import check_renderable, render_seed, render_unique
from artproof.editions.store import EditionRecord, EditionStore
from artproof.errors import ArtproofError, IntegrityError, InvalidInput, NotFound, StorageError
from artproof.fingerprint import perceptual_hash
from artproof.fingerprint.registry import FingerprintRegistry, Match
from artproof.identity.service import IdentityService
from artproof.interop.c2pa_manifest import xmp_packet
from artproof.interop.pngchunks import with_itxt
from artproof.ledger.log import AppendItem
from artproof.ledger.service import LedgerService, fetcher, signed_item
from artproof.seal.registry import WorkRegistry
from artproof.seal.service import SealService, seal_facts
from artproof.store.blobs import storage_error
from artproof.store.files import atomic_write
from artproof.studio.service import Studio
from artproof.watermark import ALGORITHM, Detection, check_size, detect, embed

__all__ = ["MAX_EDITIONS", "MAX_PROOFS", "EditionService", "IssueResult", "slug"]

MAX_EDITIONS = 1000
MAX_PROOFS = 100
READING_SHORT = 1024
TRANSFER_FORMAT = "artproof.transfer/1"
TRANSFER_PURPOSE = "artproof.transfer"
ACCEPTANCE_FORMAT = "artproof.transfer-acceptance/1"
ACCEPTANCE_PURPOSE = "artproof.transfer.acceptance"


def slug(title: str, fallback: str) -> str:
    text = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:40].strip("-")
    return text or fallback


@dataclass(frozen=True, slots=True)
class IssueResult:
    work_id: str
    editions: list[EditionRecord]
    files: list[str]
    folder: str
    notes: list[str] = field(default_factory=list)  # what was recovered or finished on the way


@dataclass(slots=True)
class _Planned:
    number: int
    artist_proof: bool
    edition_id: str
    payload: int
    base: Image.Image
    seed: int | None
    name: str
    sealed: bytes = b""
    claim_digest: str | None = None
    certificate: SignedDocument | None = None


class EditionService:
    def __init__(
        self,
        studio: Studio,
        sealing: SealService,
        ledger: LedgerService,
        registry: WorkRegistry,
        identities: IdentityService,
        store: EditionStore,
        fingerprints: FingerprintRegistry,
        clock: Callable[[], datetime],
        collection: Collection,
    ) -> None:
        self.collection = collection
        self.registry = registry
        self.fingerprints = fingerprints
        self.studio = studio
        self.sealing = sealing
        self.ledger = ledger
        self.identities = identities
        self.store = store
        self.clock = clock

    # issuing ---------------------------------------------------------------

    def issue(
        self,
        ref: str,
        output: Path,
        *,
        count: int,
        proofs: int = 0,
        licence_id: str = "display-only",
        unique_renders: bool = False,
        owner: Party | None = None,
        passphrase: str | None,
        progress: Callable[[int, int], None] | None = None,
    ) -> IssueResult:
        """Issue ``count`` numbered editions and ``proofs`` artist's proofs of the work into ``output``."""
        if not 1 <= count <= MAX_EDITIONS:
            raise InvalidInput("the edition size is out of range", value=count, hint=f"1 to {MAX_EDITIONS}")
        if not 0 <= proofs <= MAX_PROOFS:
            raise InvalidInput("the number of artist's proofs is out of range", value=proofs, hint=f"0 to {MAX_PROOFS}")
        terms = licence(licence_id)
        record = self.studio.resolve(ref)
        manifest = self.studio.manifest(record.work_id)
        if not self.registry.sealed(record.work_id, manifest.revision):
            raise InvalidInput(
                "this work is not sealed: editions are issued from a sealed work",
                value=record.work_id,
                hint=f"seal it first: artproof seal {record.work_id} -o master.png",
            )
        notes = _clear_leftovers(output)
        existing = self.store.by_work(record.work_id)
        if existing:
            return self._complete(record.work_id, existing, output, count, proofs, notes)
        master = self.studio.load_image(manifest.master)
        check_size(*master.size)
        if unique_renders:
            check_renderable(manifest)
        me, key = self.identities.unlock(passphrase)
        signer = self.sealing.signer(passphrase)
        log_signer = self.ledger.signer(passphrase)
        first_owner = owner or Party(name=me.name, key_id=me.key_id, public_key=me.public_key)
        base_name = slug(manifest.title, record.work_id)
        plan = [
            self._plan(n, True, base_name, manifest, master, unique_renders, record.work_id)
            for n in range(1, proofs + 1)
        ] + [
            self._plan(n, False, base_name, manifest, master, unique_renders, record.work_id, count)
            for n in range(1, count + 1)
        ]
        created = not output.exists()
        try:
            output.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise storage_error(exc, output) from exc
        clashes = [
            p.name for p in plan if (output / f"{p.name}.png").exists() or (output / f"{p.name}.coa.json").exists()
        ]
        if clashes:
            _remove_if_empty(output, created)
            raise InvalidInput(
                "the output folder already holds files of these names", value=clashes[0], hint="use an empty folder"
            )
        now = self.clock().isoformat()
        manifest_sha256 = document_digest(record.manifest)
        generation = generation_summary(manifest)
        xmp = xmp_packet(manifest, disclosure="full", training_mining="notAllowed")
        items: list[AppendItem] = []
        records: list[EditionRecord] = []
        prints: list[dict[str, object]] = []
        staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.issuing-", dir=output.parent))
        committed = False
        try:
            for done, planned in enumerate(plan):
                pixels = embed(np.asarray(planned.base), planned.payload)
                marked = Image.fromarray(pixels, mode=planned.base.mode)
                png = with_itxt(encode_png(marked), "XML:com.adobe.xmp", xmp)
                phash = perceptual_hash(marked)
                body: dict[str, Any] = {
                    "format": COA_FORMAT,
                    "edition_id": planned.edition_id,
                    "work": {
                        "work_id": record.work_id,
                        "title": manifest.title,
                        "revision": manifest.revision,
                        "manifest_sha256": manifest_sha256,
                    },
                    "artist": {"name": me.name, "key_id": me.key_id, "public_key": me.public_key},
                    "edition": {
                        "number": planned.number,
                        "count": count,
                        "artist_proof": planned.artist_proof,
                        "proofs": proofs,
                    },
                    "pixels": picture_binding(marked),
                    "media_type": "image/png",
                    "credentials": {"signer": signer.facts},
                    "generation": generation,
                    "watermark": {"algorithm": ALGORITHM, "id": planned.edition_id},
                    "classification": manifest.classification.model_dump(mode="json"),
                    "physical_steps": [
                        {"op": s.op, "params": s.params} for s in manifest.steps if s.agency == "physical"
                    ],
                    "unique_render": None if planned.seed is None else {"seed": planned.seed},
                    "licence": terms.reference(),
                    "issued_at": now,
                    "first_owner": first_owner.model_dump(mode="json", include={"name", "key_id"}),
                }
                planned.certificate = sign_document(COA_PURPOSE, body, key)
                signed = self.sealing.sign(
                    record.work_id,
                    png,
                    "image/png",
                    signer,
                    edition={
                        "edition_id": planned.edition_id,
                        "number": planned.number,
                        "count": count,
                        "artist_proof": planned.artist_proof,
                        "algorithm": ALGORITHM,
                        "payload": planned.payload.to_bytes(8, "big").hex(),
                        "certificate": canonical_text(planned.certificate),
                    },
                )
                file_sha256 = content_id(signed.data)
                planned.sealed, planned.claim_digest = signed.data, signed.claim_digest
                if signed.claim_digest is not None:
                    facts = seal_facts(manifest.revision, signed, signer) | {"edition_id": planned.edition_id}
                    items.append(self.registry.seal_item(record.work_id, facts, key))
                owner_commitment, owner_opening = commit(first_owner.model_dump(mode="json"))
                issued = signed_item(
                    "edition.issued",
                    {
                        "edition_id": planned.edition_id,
                        "work_id": record.work_id,
                        "revision": manifest.revision,
                        "manifest_sha256": manifest_sha256,
                        "number": planned.number,
                        "count": count,
                        "artist_proof": planned.artist_proof,
                        "certificate_sha256": certificate_hash(planned.certificate),
                        "file_sha256": file_sha256,
                        "pixels_sha256": body["pixels"]["sha256"],
                        "phash": phash,
                        "watermark": body["watermark"],
                        "licence": terms.reference(),
                        "owner": owner_commitment.model_dump(),
                    },
                    key,
                    now,
                    lookup=planned.edition_id,
                    openings={"owner": owner_opening},
                )
                items.append(issued)
                base_blob = self.studio.blobs.put(encode_png(planned.base))
                reference_blob = self.studio.blobs.put(encode_png(reading_reference(planned.base)))
                file_blob = self.studio.blobs.put(signed.data)
                prints.append(
                    FingerprintRegistry.row(
                        "edition", planned.edition_id, record.work_id, me.key_id, marked, file_blob, self.clock()
                    )
                )
                records.append(
                    EditionRecord(
                        edition_id=planned.edition_id,
                        work_id=record.work_id,
                        revision=manifest.revision,
                        number=planned.number,
                        count=count,
                        artist_proof=planned.artist_proof,
                        file_blob=file_blob,
                        base_blob=base_blob,
                        reference_blob=reference_blob,
                        phash=phash,
                        seed=planned.seed,
                        licence=terms.id,
                        certificate=planned.certificate,
                        ledger_index=-1,
                        issued_at=now,
                        owner=first_owner,
                    )
                )
                _write(staging / f"{planned.name}.png", signed.data)
                if progress is not None:
                    progress(done + 1, len(plan))

            def record_editions(c: Connection, indices: list[int]) -> None:
                issued_at = {
                    items[i].subject: index for i, index in enumerate(indices) if items[i].kind == "edition.issued"
                }
                final = [_with_index(r, issued_at[r.edition_id]) for r in records]
                EditionStore.insert(c, final)
                FingerprintRegistry.insert(c, prints)
                records[:] = final

            try:
                self.ledger.append(items, log_signer, also=record_editions)
            except SqlIntegrityError:
                # another process issued this work's editions first: theirs stand, ours were never recorded
                raise InvalidInput(
                    "editions of this work were just issued by another process",
                    value=record.work_id,
                    hint=f"see them: artproof edition list {record.work_id}",
                ) from None
            committed = True
            for planned, stored in zip(plan, records, strict=True):
                _write(staging / f"{planned.name}.coa.json", self._certificate_file(stored))
            written = []
            for planned in plan:
                for suffix in (".png", ".coa.json"):
                    target = output / f"{planned.name}{suffix}"
                    os.replace(staging / f"{planned.name}{suffix}", target)
                    written.append(str(target))
        except BaseException as exc:
            if not committed:
                shutil.rmtree(staging, ignore_errors=True)
                _remove_if_empty(output, created)
                raise
            # recorded: the files are never deleted now; the same command finishes the folder from the store
            raise StorageError(
                "the editions are issued and recorded, but their files could not all be written",
                value=str(output),
                hint=f"run the same 'artproof edition issue' again to finish (staged files: {staging}); "
                f"cause: {getattr(exc, 'what', None) or exc}",
            ) from exc
        shutil.rmtree(staging, ignore_errors=True)
        notes += self.sealing.credentials.notes
        return IssueResult(work_id=record.work_id, editions=records, files=written, folder=str(output), notes=notes)

    def _complete(
        self,
        work_id: str,
        existing: builtins.list[EditionRecord],
        output: Path,
        count: int,
        proofs: int,
        notes: list[str],
    ) -> IssueResult:
        """A second run for an issued work: write whatever files of its editions the folder lacks.

        Every edition's file is in the blob store and its certificate follows from the store and the
        ledger, so an issuance whose files were lost (a full disk, a killed process) is finished here.
        """
        numbered = [r for r in existing if not r.artist_proof]
        if len(numbered) != count or len(existing) - len(numbered) != proofs:
            raise InvalidInput(
                f"editions of this work were already issued ({len(numbered)} + {len(existing) - len(numbered)} AP)",
                value=work_id,
                hint=f"see them: artproof edition list {work_id}",
            )
        written: list[str] = []
        output.mkdir(parents=True, exist_ok=True)
        for record in existing:
            title = verify_certificate(record.certificate)["work"]["title"]
            name = slug(title, work_id) + (
                f"-AP{record.number}" if record.artist_proof else f"-{record.number}of{record.count}"
            )
            if not (output / f"{name}.png").exists():
                atomic_write(output / f"{name}.png", self.studio.blobs.get(record.file_blob))
                written.append(str(output / f"{name}.png"))
            if not (output / f"{name}.coa.json").exists():
                atomic_write(output / f"{name}.coa.json", self._certificate_file(record))
                written.append(str(output / f"{name}.coa.json"))
        notes.append(
            f"already issued: {len(written)} missing file(s) written into {output}"
            if written
            else f"already issued, and {output} holds all {2 * len(existing)} files"
        )
        return IssueResult(work_id=work_id, editions=existing, files=written, folder=str(output), notes=notes)

    def _plan(
        self,
        number: int,
        artist_proof: bool,
        base_name: str,
        manifest: Any,
        master: Image.Image,
        unique: bool,
        work_id: str,
        count: int = 0,
    ) -> _Planned:
        payload = new_payload()
        seed = render_seed(work_id, number, artist_proof) if unique else None
        base = render_unique(manifest, seed) if seed is not None else master
        name = f"{base_name}-AP{number}" if artist_proof else f"{base_name}-{number}of{count}"
        return _Planned(number, artist_proof, edition_id(payload), payload, base, seed, name)

    # reading -----------------------------------------------------------------

    def get(self, ref: str) -> EditionRecord:
        wanted = edition_id(parse_edition_id(ref))
        found = self.store.get(wanted)
        if found is None:
            raise NotFound("no such edition in this registry", value=wanted, hint="see: artproof edition list WORK")
        return found

    def list(self, ref: str) -> list[EditionRecord]:
        return self.store.by_work(self.studio.resolve(ref).work_id)

    def show(self, ref: str) -> dict[str, Any]:
        try:
            record = self.get(ref)
        except NotFound:
            return self._show_owned(ref)  # a buyer's home: what they accepted
        body = verify_certificate(record.certificate)
        chain = self.chain(record)
        return {
            "edition_id": record.edition_id,
            "work_id": record.work_id,
            "title": body["work"]["title"],
            "artist": body["artist"]["name"],
            "number": record.number,
            "count": record.count,
            "artist_proof": record.artist_proof,
            "label": record.label,
            "licence": body["licence"],
            "issued_at": record.issued_at,
            "owner": record.owner.model_dump(mode="json"),
            "status": "revoked" if record.revoked_at else "issued",
            "revoked": {"at": record.revoked_at, "reason": record.revoked_reason} if record.revoked_at else None,
            "file_sha256": record.file_blob,  # blobs are named by the SHA-256 of their bytes
            "pixels_sha256": (body.get("pixels") or {}).get("sha256"),
            "phash": record.phash,
            "seed": record.seed,
            "ledger_index": record.ledger_index,
            "transfers": chain["transfers"],
            "chain": chain["status"],
        }

    def _show_owned(self, ref: str) -> dict[str, Any]:
        owned = self.collection.get(ref)
        o = owned.offer
        coa = Path(owned.folder) / "certificate.coa.json"
        body = verify_certificate(load_certificate_file(coa.read_bytes())[0]) if coa.exists() else {}
        me = self.identities.public()
        label = "-" if o.number is None else (f"AP {o.number}" if o.artist_proof else f"{o.number} of {o.count}")
        return {
            "edition_id": o.edition_id,
            "work_id": o.work_id,
            "title": o.title,
            "artist": o.artist,
            "number": o.number,
            "count": o.count,
            "artist_proof": o.artist_proof,
            "label": label,
            "licence": body.get("licence") or {"title": o.licence, "id": None, "version": None},
            "issued_at": body.get("issued_at"),
            "owner": {"name": me.name, "key_id": me.key_id},
            "status": owned.status,
            "revoked": None,
            "accepted_at": owned.accepted_at,
            "folder": owned.folder,
            "transfers": [
                {
                    "seq": o.seq,
                    "from": o.seller,
                    "to": me.name,
                    "date": o.date,
                    "price": o.price,
                    "currency": o.currency,
                    "custodial": False,
                    "accepted": True,
                }
            ],
            "chain": "accepted in this home (receipt and acceptance kept)",
        }

    def rerender(self, ref: str) -> tuple[Image.Image, bool]:
        """A unique render drawn again from the work's recipe and the edition's seed; equal to the issued one?"""
        record = self.get(ref)
        if record.seed is None:
            raise InvalidInput(
                "this edition is not a unique render: it is the work's master, watermarked",
                value=record.edition_id,
                hint="unique renders are issued with --unique-renders",
            )
        manifest = self.studio.manifest(record.work_id)
        picture = render_unique(manifest, record.seed)
        issued = decode_image(self.studio.blobs.get(record.base_blob))
        return picture, pixel_hash(picture.convert(issued.mode)) == pixel_hash(issued)

    def certificate_file(self, ref: str) -> bytes:
        return self._certificate_file(self.get(ref))

    def _certificate_file(self, record: EditionRecord) -> bytes:
        entry = self.ledger.ledger.entry(record.ledger_index)
        document = {
            "certificate": record.certificate.model_dump(mode="json"),
            "ledger": {
                "index": record.ledger_index,
                "entry_id": entry.entry_id,
                "proof": self.ledger.bundle(entry).to_json(),
            },
        }
        return canonical_json(document)

    def read_mark(
        self, image: Image.Image, matches: Sequence[Match] | None = None
    ) -> tuple[Detection, EditionRecord | None]:
        """The watermark: blind first; then aligned with the registered pictures this image is a copy of.

        The aligned reading (the registered picture subtracted) reads crops and busy pictures the
        blind one cannot; its candidates are the fingerprint registry's confirmed matches (given, or
        searched here), and the alignment they found gives its scale.
        """
        pixels = np.asarray(image.convert("RGB"))
        found = detect(pixels)
        if found.found:
            return found, self._edition_of(found)
        tried: set[str] = set()
        for match in matches if matches is not None else self.fingerprints.search(image):
            record = self.store.get(match.entry.ref) if match.confirmed and match.entry.kind == "edition" else None
            if record is None or record.reference_blob in tried:
                continue
            tried.add(record.reference_blob)
            reference = np.asarray(decode_image(self.studio.blobs.get(record.reference_blob)).convert("L"))
            found = detect(pixels, reference=reference, scale=match.scale)
            if found.found:
                return found, self._edition_of(found)
        return found, None

    def _edition_of(self, found: Detection) -> EditionRecord | None:
        return None if found.payload is None else self.store.get(edition_id(found.payload))

    def identify(self, data: bytes, name: str) -> dict[str, Any]:
        """Read the watermark and look the edition up."""
        found, record = self.read_mark(decode_image(data, name=name))
        result: dict[str, Any] = {"found": found.found, "file": name}
        if not found.found or found.payload is None:
            return result | {"edition_id": None, "work_id": None, "number": None, "count": None, "artist_proof": None}
        result |= {
            "edition_id": edition_id(found.payload),
            "registered": record is not None,
            "work_id": record.work_id if record else None,
            "number": record.number if record else None,
            "count": record.count if record else None,
            "artist_proof": record.artist_proof if record else None,
            "revoked": bool(record and record.revoked_at),
            "detection": {"corrected_bits": found.errors, "aligned_with_master": found.informed, "scale": found.scale},
        }
        return result

    # ownership -----------------------------------------------------------------

    def chain(self, record: EditionRecord) -> dict[str, Any]:
        """The transfer chain from the first owner, each link checked: signer, order, and what it follows."""
        body = verify_certificate(record.certificate)
        owner_key = body["first_owner"].get("key_id")
        artist_key = body["artist"]["key_id"]
        previous = certificate_hash(record.certificate)
        history = self.ledger.key_history()
        out: list[dict[str, Any]] = []
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
                {
                    "seq": seq,
                    "from": payload["from"]["name"],
                    "to": payload["to"]["name"],
                    "date": payload["date"],
                    "price": payload.get("price"),
                    "currency": payload.get("currency"),
                    "custodial": payload.get("custodial", False),
                    "accepted": acceptance is not None,
                }
            )
            owner_key = payload["to"].get("key_id")
            previous = content_id(canonical_json(document.model_dump(mode="json")))
        return {"status": status, "transfers": out, "previous": previous, "owner_key": owner_key}

    def transfer(
        self,
        ref: str,
        to: Party,
        *,
        price: str | None = None,
        currency: str | None = None,
        date: str | None = None,
        passphrase: str | None,
    ) -> dict[str, Any]:
        """Sign over the edition to ``to``: a signed transfer (the sales receipt) and ``ownership.transferred``."""
        record = self.get(ref)
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
        if chain["status"] != "valid":
            raise IntegrityError(f"the ownership record is {chain['status']}", hint="nothing was transferred")
        body = verify_certificate(record.certificate)
        custodial = chain["owner_key"] is None
        signer_key = chain["owner_key"] or body["artist"]["key_id"]
        if not self.ledger.key_history().may_sign_for(signer_key, me.key_id):
            raise InvalidInput(
                "you do not own this edition",
                value=record.edition_id,
                hint=f"its owner is {record.owner.label()}; only they can transfer it",
            )
        seq = len(chain["transfers"]) + 1
        when = transfer_date(
            date,
            today=self.clock().date(),
            not_before=(chain["transfers"][-1]["date"] if chain["transfers"] else record.issued_at[:10]),
        )
        payload = {
            "format": TRANSFER_FORMAT,
            "edition_id": record.edition_id,
            "work_id": record.work_id,
            "seq": seq,
            "previous": chain["previous"],
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
                "transfer_sha256": content_id(canonical_json(document.model_dump(mode="json"))),
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
        return {
            "edition_id": record.edition_id,
            "seq": seq,
            "from": record.owner.label(),
            "to": to.label(),
            "price": price,
            "currency": currency,
            "date": when,
            "custodial": custodial,
            "ledger_index": index,
            "receipt": document.model_dump(mode="json"),
        }

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

    def countersign(self, ref: str, acceptance_file: bytes) -> dict[str, Any]:
        """Record the buyer's acceptance of a transfer: the chain then shows it as countersigned."""
        record = self.get(ref)
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
        return {"edition_id": record.edition_id, "seq": seq, "accepted_by": acceptance.signature.key_id}

    def revoke(self, ref: str, reason: str, *, passphrase: str | None) -> dict[str, Any]:
        """The artist withdraws an edition (destroyed, lost, issued in error); it stays in the log as revoked."""
        record = self.get(ref)
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
        return {"edition_id": record.edition_id, "revoked_at": now, "reason": reason, "ledger_index": index}


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
    if acceptance.payload.get("transfer_sha256") != content_id(canonical_json(transfer.model_dump(mode="json"))):
        raise IntegrityError("the acceptance is for another transfer")


def transfer_date(text: str | None, *, today: date, not_before: str) -> str:
    """The date of a transfer: ISO 8601 (YYYY-MM-DD), a real day, not before the edition was issued or
    the previous transfer, and not after tomorrow (clock skew); today when not given. It is signed into
    the ledger for good, so nothing else is accepted."""
    if text is None:
        return today.isoformat()
    try:
        day = date.fromisoformat(text.strip()) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()) else None
    except ValueError:
        day = None
    if day is None:
        raise InvalidInput(
            "the transfer date is not a real date in the form YYYY-MM-DD", value=text, hint="e.g. 2026-11-30"
        )
    if day.isoformat() < not_before:
        raise InvalidInput(
            "the transfer date is before the edition was issued or before its previous transfer",
            value=day.isoformat(),
            hint=f"use {not_before} or later",
        )
    if day > today + timedelta(days=1):
        raise InvalidInput("the transfer date is in the future", value=day.isoformat(), hint=f"today is {today}")
    return day.isoformat()


def _clear_leftovers(output: Path) -> list[str]:
    """Staging folders of issuances killed mid-way: their files are either never recorded or in the store."""
    notes = []
    parent = output.parent if output.parent.exists() else None
    for leftover in sorted(parent.glob(f".{output.name}.issuing-*")) if parent is not None else []:
        shutil.rmtree(leftover, ignore_errors=True)
        notes.append(f"removed {leftover}, left by an interrupted issuance (recorded files are kept in the store)")
    return notes


def _remove_if_empty(folder: Path, created: bool) -> None:
    if created:
        with contextlib.suppress(OSError):
            folder.rmdir()


def reading_reference(picture: Image.Image) -> Image.Image:
    """What aligned watermark reading subtracts: the picture's luminance, short side at most 1024 px.

    Reading works at a 512 px scale, so this loses nothing it uses, and it decodes in
    milliseconds where a 12 MP original takes a second.
    """
    luma = picture.convert("L")
    scale = READING_SHORT / min(luma.size)
    if scale >= 1:
        return luma
    return luma.resize((round(luma.width * scale), round(luma.height * scale)), Image.Resampling.BOX)


def _with_index(record: EditionRecord, index: int) -> EditionRecord:
    return replace(record, ledger_index=index)


def _write(path: Path, data: bytes) -> None:
    try:
        with open(path, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as exc:
        with contextlib.suppress(OSError):
            path.unlink()
        raise storage_error(exc, path) from exc
