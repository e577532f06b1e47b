"""Limited editions: issuance and certificates (ownership: :mod:`.ownership`; reading marks: :mod:`.identify`).

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
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from PIL import Image
from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError as SqlIntegrityError

from artproof.core.canonical import canonical_json
from artproof.core.commitments import commit
from artproof.core.hashing import content_id
from artproof.core.images import decode_image, encode_png, pixel_hash
from artproof.core.signing import SignedDocument, document_digest
from artproof.editions.certificate import (
    COA_FORMAT,
    canonical_text,
    certificate_hash,
    generation_summary,
    load_certificate_file,
    picture_binding,
    verify_certificate,
)
from artproof.editions.coa import CertArtist, CertEdition, Certificate, CertificateBody, CertOwner, CertWork
from artproof.editions.collection import Collection
from artproof.editions.identify import reading_reference
from artproof.editions.ids import edition_id, edition_label, new_payload
from artproof.editions.licences import licence
from artproof.editions.ownership import Ownership
from artproof.editions.parties import Party
from artproof.editions.renders import check_renderable, render_seed, render_unique
from artproof.editions.results import EditionView, TransferLink
from artproof.editions.store import EditionRecord, EditionStore, find_edition
from artproof.errors import Forbidden, InvalidInput, NotFound, StorageError
from artproof.fingerprint import perceptual_hash
from artproof.fingerprint.registry import FingerprintRegistry
from artproof.identity.service import IdentityService
from artproof.interop.c2pa_manifest import xmp_packet
from artproof.interop.pngchunks import with_itxt
from artproof.ledger.log import AppendItem
from artproof.ledger.service import LedgerService, signed_item
from artproof.ops.describe import details_of
from artproof.seal.registry import WorkRegistry
from artproof.seal.service import SealService, seal_facts
from artproof.store.blobs import storage_error
from artproof.store.files import atomic_write
from artproof.studio.service import Studio
from artproof.watermark import ALGORITHM, check_kind, check_size, mark

if TYPE_CHECKING:
    from artproof.models.cards import StepModel
    from artproof.provenance.model import Step

__all__ = ["MAX_EDITIONS", "MAX_PROOFS", "EditionService", "IssueResult", "slug"]

MAX_EDITIONS = 1000
MAX_PROOFS = 100


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

    def to_json(self) -> dict[str, Any]:
        return {
            "work_id": self.work_id,
            "folder": self.folder,
            "editions": [r.to_json() for r in self.editions],
            "files": self.files,
            "notes": self.notes,
        }


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
        ownership: Ownership,
        models_of: Callable[[Sequence[Step]], list[StepModel]] | None = None,
    ) -> None:
        self.models_of = models_of
        self.collection = collection
        self.ownership = ownership
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
        mark_kind: str = "standard",
        passphrase: str | None,
        progress: Callable[[int, int], None] | None = None,
    ) -> IssueResult:
        """Issue ``count`` numbered editions and ``proofs`` artist's proofs of the work into ``output``.

        ``mark_kind``: the invisible mark, "standard" or "robust" (flat areas given more: it reads blind from
        more re-encoded copies, and can show as a faint texture there; :data:`artproof.watermark.MARKS`).
        """
        check_kind(mark_kind)
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
        if not self.ledger.key_history().may_sign_for(record.artist_key_id, me.key_id):
            raise Forbidden("only the work's artist issues its editions", value=record.work_id)
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
        details = details_of(manifest)
        models = [m.to_json() for m in self.models_of(manifest.steps)] if self.models_of else []
        described = {
            k: v for k, v in details.model_dump().items() if k in ("series", "year", "medium", "dimensions") and v
        }
        xmp = xmp_packet(manifest, disclosure="full", training_mining="notAllowed")
        items: list[AppendItem] = []
        records: list[EditionRecord] = []
        prints: list[dict[str, object]] = []
        staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.issuing-", dir=output.parent))
        committed = False
        fragile = 0  # editions whose mark would not read blind from a marketplace copy
        try:
            for done, planned in enumerate(plan):
                marking = mark(np.asarray(planned.base), planned.payload, mark_kind)
                fragile += not marking.robust
                marked = Image.fromarray(marking.pixels, mode=planned.base.mode)
                png = with_itxt(encode_png(marked), "XML:com.adobe.xmp", xmp)
                phash = perceptual_hash(marked)
                body = CertificateBody(
                    format=COA_FORMAT,
                    edition_id=planned.edition_id,
                    work=CertWork(
                        work_id=record.work_id,
                        title=manifest.title,
                        revision=manifest.revision,
                        manifest_sha256=manifest_sha256,
                        **described,
                    ),
                    artist=CertArtist(name=me.name, key_id=me.key_id, public_key=me.public_key),
                    edition=CertEdition(
                        number=planned.number, count=count, artist_proof=planned.artist_proof, proofs=proofs
                    ),
                    pixels=picture_binding(marked, planned.base),
                    media_type="image/png",
                    credentials={"signer": signer.facts},
                    generation=generation,
                    watermark={"algorithm": ALGORITHM, "id": planned.edition_id}
                    | ({"mark": mark_kind} if mark_kind != "standard" else {}),
                    classification=manifest.classification.model_dump(mode="json"),
                    physical_steps=[{"op": s.op, "params": s.params} for s in manifest.steps if s.agency == "physical"],
                    **({"models": models} if models else {}),
                    unique_render=None if planned.seed is None else {"seed": planned.seed},
                    licence=terms.reference(),
                    issued_at=now,
                    first_owner=CertOwner(name=first_owner.name, key_id=first_owner.key_id),
                )
                planned.certificate = Certificate.sign(body, key).signed
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
                        "pixels_sha256": (body.pixels or {})["sha256"],
                        "phash": phash,
                        "watermark": body.watermark,
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
        if fragile:
            notes.append(
                f"the invisible mark of {fragile} of {len(plan)} editions will not read from a re-encoded copy "
                "(a JPEG at 1024 px) without the registry: the picture leaves it too little room (flat pure black "
                "or white, as in line art or a silhouette, takes none); the registry still finds such copies by "
                "their fingerprint and reads the mark with the master"
            )
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
            title = verify_certificate(record.certificate).work.title
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
        return find_edition(self.store, ref)

    def list(self, ref: str) -> list[EditionRecord]:
        return self.store.by_work(self.studio.resolve(ref).work_id)

    def show(self, ref: str) -> EditionView:
        try:
            record = self.get(ref)
        except NotFound:
            return self._show_owned(ref)  # a buyer's home: what they accepted
        body = verify_certificate(record.certificate)
        chain = self.ownership.chain(record)
        return EditionView(
            edition_id=record.edition_id,
            work_id=record.work_id,
            title=body.work.title,
            series=body.work.series,
            artist=body.artist.name,
            number=record.number,
            count=record.count,
            artist_proof=record.artist_proof,
            label=record.label,
            licence=body.licence,
            issued_at=record.issued_at,
            owner=record.owner.model_dump(mode="json"),
            status="revoked" if record.revoked_at else "issued",
            revoked={"at": record.revoked_at, "reason": record.revoked_reason} if record.revoked_at else None,
            file_sha256=record.file_blob,  # blobs are named by the SHA-256 of their bytes
            pixels_sha256=(body.pixels or {}).get("sha256"),
            phash=record.phash,
            seed=record.seed,
            ledger_index=record.ledger_index,
            transfers=chain.transfers,
            chain=chain.status,
        )

    def _show_owned(self, ref: str) -> EditionView:
        owned = self.collection.get(ref)
        o = owned.offer
        coa = Path(owned.folder) / "certificate.coa.json"
        body = verify_certificate(load_certificate_file(coa.read_bytes())[0]) if coa.exists() else None
        me = self.identities.public()
        label = edition_label(o.number, o.count, o.artist_proof)
        return EditionView(
            edition_id=o.edition_id,
            work_id=o.work_id,
            title=o.title,
            series=body.work.series if body else None,
            artist=o.artist,
            number=o.number,
            count=o.count,
            artist_proof=o.artist_proof,
            label=label,
            licence=(body.licence if body else None) or {"title": o.licence, "id": None, "version": None},
            issued_at=body.issued_at if body else None,
            owner={"name": me.name, "key_id": me.key_id},
            status=owned.status,
            accepted_at=owned.accepted_at,
            folder=owned.folder,
            transfers=[
                TransferLink(
                    seq=o.seq,
                    seller=o.seller,
                    to=me.name,
                    date=o.date,
                    price=o.price,
                    currency=o.currency,
                    accepted=True,
                )
            ],
            chain="accepted in this home (receipt and acceptance kept)",
        )

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
