"""Printing and packing an edition: the service the CLI (and later the web) call."""

from __future__ import annotations

from typing import TYPE_CHECKING

from artproof.core.images import decode_image
from artproof.core.results import Result
from artproof.editions.certificate import certificate_hash, verify_certificate
from artproof.editions.ids import edition_label
from artproof.editions.licences import licence
from artproof.editions.service import EditionService
from artproof.errors import ArtproofError, InvalidInput, NotFound
from artproof.pack.certificate_pdf import PAPERS, Paper, certificate_pdf
from artproof.pack.facts import CertificateFacts, verify_link
from artproof.provenance.revision import as_issued
from artproof.store.blobs import Blobs

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from artproof.editions.ownership import Ownership
    from artproof.editions.store import EditionRecord
    from artproof.identity.service import IdentityService
    from artproof.ledger.service import LedgerService
    from artproof.models.cards import ModelCards
    from artproof.seal.registry import WorkRegistry
    from artproof.studio.service import Studio

__all__ = ["PackService", "Packed"]


class Packed(Result):
    """What ``pack`` made: the work, the edition (if one), the pages, and whether it registered the work."""

    work_id: str
    edition_id: str | None = None
    title: str
    pages: int
    bytes: int
    registered_now: bool = False
    ledger_index: int | None = None


class PackService:
    def __init__(
        self,
        editions: EditionService,
        blobs: Blobs,
        public_url: str | None,
        *,
        studio: Studio,
        registry: WorkRegistry,
        ledger: LedgerService,
        ownership: Ownership,
        model_cards: ModelCards,
        identities: IdentityService | None = None,
        ca_pem: Callable[[], str | None] = lambda: None,
        sign_pdf: Callable[..., bytes] | None = None,
        seal: Callable[[str, Path, str | None], object] | None = None,
    ) -> None:
        self.sign_pdf = sign_pdf
        self.seal = seal
        self.identities = identities
        self.ca_pem = ca_pem
        self.editions = editions
        self.blobs = blobs
        self.public_url = public_url
        self.studio = studio
        self.registry = registry
        self.ledger = ledger
        self.ownership = ownership
        self.model_cards = model_cards

    def pack(self, ref: str, passphrase: str | None) -> tuple[Packed, bytes]:
        """The provenance pack (PDF) of an edition, or of a work (registered first when its current
        record is not in the ledger yet). The PDF carries Content Credentials signed with the artist's
        signing certificate (so the passphrase is needed), the picture placed as its component."""
        from artproof.ops.describe import details_of
        from artproof.pack.pack_pdf import PackContents, pack_pdf

        try:
            record = self.editions.get(ref)
        except (NotFound, InvalidInput):  # not an edition: a work
            record = None
        work_ref = record.work_id if record is not None else ref
        registered_now = False
        edition = None
        transfers: list[dict[str, object]] = []
        if record is None:
            entry = self.registry.registration(work_ref)
            if entry is None:
                self.registry.register_work(work_ref, passphrase)
                registered_now = True
                entry = self.registry.registration(work_ref)
            assert entry is not None
            manifest = self.studio.manifest(work_ref)
            registration = {"index": entry.index, "proof": self.ledger.bundle(entry).to_json()}
            picture = self.studio.load_image(manifest.master)
            link = verify_link(manifest.work_id, self.public_url)
            ledger_index = entry.index
        else:
            body = verify_certificate(record.certificate)
            manifest = self.studio.manifest(record.work_id)
            registration = None
            picture = decode_image(self.blobs.get(record.file_blob), name=f"edition {record.edition_id}")
            link = verify_link(record.edition_id, self.public_url)
            terms = body.licence or {}
            names = {
                "edition": edition_label(record.number, record.count, record.artist_proof), "title": body.work.title,
                "work_id": record.work_id, "artist": body.artist.name, "edition_id": record.edition_id,
            }  # fmt: skip
            try:
                terms_text = licence(str(terms.get("id"))) if terms.get("id") else None
            except ArtproofError:  # an unknown or older licence id: its title is still printed
                terms_text = None
            text = ""
            if terms_text is not None and terms_text.sha256 == terms.get("sha256", terms_text.sha256):
                text = terms_text.render(**names)  # the words the certificate's hash names, names filled in
            if record.revision < manifest.revision:
                manifest = as_issued(manifest, record.revision, record.base_blob, body.work.title)
            entry = self.ledger.ledger.entry(record.ledger_index)
            edition = {
                "label": edition_label(record.number, record.count, record.artist_proof),
                "edition_id": record.edition_id,
                "issued": record.issued_at[:10],
                "certificate_sha256": certificate_hash(record.certificate),
                "licence_title": body.licence_title or "",
                "licence_text": text,
                "proof": self.ledger.bundle(entry).to_json(),
            }
            transfers = [t.to_json() for t in self.ownership.chain(record).transfers]
            ledger_index = record.ledger_index
        thumbnails = {}
        for step in manifest.steps:
            wanted = [step.output]
            if step.op in ("restore.fill", "restore.inpaint") and len(step.inputs) > 1:
                wanted.append(step.inputs[1])
            if step.op == "edit.external" and step.params.get("mask"):
                wanted.append(str(step.params["mask"]))
            if step.op.startswith("physical."):  # the evidence: photographs of the print, the finish, the signature
                wanted.extend(str(photo["sha256"]) for photo in step.params.get("photos") or [])
            for asset in wanted:
                if asset not in thumbnails and self.blobs.has(asset):
                    image = self.studio.load_image(asset)
                    image.thumbnail((256, 256))
                    thumbnails[asset] = image
        master = manifest.assets[manifest.master]
        files = [
            ("work", f"{manifest.work_id}, revision {manifest.revision}"),
            ("master image", f"{master.width} x {master.height} px, {master.media_type}"),
            ("master file SHA-256", manifest.master),
            ("master pixels SHA-256", master.pixels),
            ("perceptual hash", master.phash),
        ]
        if record is not None:
            files.append(("edition file", record.file_blob))
        contents = PackContents(
            manifest=manifest,
            details=details_of(manifest),
            picture=picture,
            thumbnails=thumbnails,
            models=self.model_cards.of_steps(manifest.steps),
            link=link,
            registration=registration,
            edition=edition,
            transfers=transfers,
            files=files,
        )
        data, pages = pack_pdf(contents)
        if self.sign_pdf is not None:
            if record is not None:
                placed = (self.blobs.get(record.file_blob), "image/png", f"edition {record.edition_id}")
            else:
                placed = (self.blobs.get(manifest.master), manifest.assets[manifest.master].media_type, manifest.title)
            data = self.sign_pdf(
                data, title=f"Provenance pack: {manifest.title}", author=str(manifest.artist.get("name", "")),
                work_title=manifest.title, picture=placed, passphrase=passphrase,
            )  # fmt: skip
        packed = Packed(
            work_id=manifest.work_id,
            edition_id=record.edition_id if record else None,
            title=manifest.title,
            pages=pages,
            bytes=len(data),
            registered_now=registered_now,
            ledger_index=ledger_index,
        )
        return packed, data

    def certificate_facts(self, ref: str) -> CertificateFacts:
        """What the printed certificate of edition ``ref`` states (its signature checked first)."""
        return self._facts(self.editions.get(ref))

    def _facts(self, record: EditionRecord) -> CertificateFacts:
        return CertificateFacts.of(
            verify_certificate(record.certificate),
            certificate_sha256=certificate_hash(record.certificate),
            ledger_index=record.ledger_index,
            public_url=self.public_url,
            status="revoked" if record.revoked_at else "issued",
        )

    def certificate_print(self, ref: str, paper: str = "a4") -> tuple[CertificateFacts, bytes]:
        """(the facts, the one-page PDF) of edition ``ref``'s certificate, on A4 or Letter."""
        size = paper.strip().lower()
        if size not in PAPERS:
            raise InvalidInput("unknown paper", value=paper, hint="a4 or letter")
        record = self.editions.get(ref)
        facts = self._facts(record)
        picture = decode_image(self.blobs.get(record.file_blob), name=f"edition {record.edition_id}")
        paper_size: Paper = "letter" if size == "letter" else "a4"
        return facts, certificate_pdf(facts, picture, paper_size)

    def bundle(self, ref: str, passphrase: str | None) -> tuple[Packed, bytes]:
        """The machine-checkable bundle of an edition or a work (``artproof.pack.bundle``), its index
        signed by the artist (which needs the passphrase)."""
        import json
        import tempfile
        from pathlib import Path

        from artproof.core.canonical import canonical_json
        from artproof.core.images import encode_png
        from artproof.pack.bundle import bundle_index, write_bundle

        if self.identities is None:
            raise InvalidInput("this installation cannot sign bundles")
        me, key = self.identities.unlock(passphrase)
        packed, pdf = self.pack(ref, passphrase)
        work = self.studio.resolve(packed.work_id)
        if work.artist_key_id != me.key_id:
            raise InvalidInput("this work belongs to another identity", value=work.artist_key_id)
        members: dict[str, bytes] = {
            "pack.pdf": pdf,
            "manifest.json": canonical_json(work.manifest.model_dump(mode="json")),
            "artist.pub": (me.public_key + "\n").encode("ascii"),
            "log.pub": (self.ledger.verifier().vkey() + "\n").encode("ascii"),
        }
        ca = self.ca_pem()
        if ca:
            members["ca.pem"] = ca.encode("ascii")
        subject: dict[str, object] = {"work_id": packed.work_id, "title": packed.title}
        if packed.edition_id is not None:
            record = self.editions.get(packed.edition_id)
            members["certificate.coa.json"] = self.editions.certificate_file(packed.edition_id)
            members["edition.png"] = self.blobs.get(record.file_blob)
            subject |= {"edition_id": packed.edition_id, "revision": record.revision}
        else:
            manifest = self.studio.manifest(packed.work_id)
            entry = self.registry.registration(packed.work_id)
            assert entry is not None  # pack() registered it
            members["proof.json"] = json.dumps(self.ledger.bundle(entry).to_json(), indent=2).encode()
            if self.seal is not None:  # the work's picture with its Content Credentials (sealed now)
                with tempfile.TemporaryDirectory(prefix=".artproof-pack-") as folder:
                    sealed = Path(folder) / "master.png"
                    self.seal(packed.work_id, sealed, passphrase)
                    members["master.png"] = sealed.read_bytes()
            else:
                master = self.studio.blobs.get(manifest.master)
                is_png = manifest.assets[manifest.master].media_type == "image/png"
                members["master.png"] = master if is_png else encode_png(self.studio.load_image(manifest.master))
            subject |= {"revision": manifest.revision}
        index = bundle_index(members, subject, key)
        members["index.json"] = canonical_json(index.model_dump(mode="json"))
        data = write_bundle(members)
        return packed.model_copy(update={"bytes": len(data)}), data
