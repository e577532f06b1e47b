"""Sealing: the work's current image, with signed Content Credentials, XMP, and a ledger entry.

Order matters: the pixels and XMP are written first, then the C2PA manifest is
signed over them (so the signature covers everything a later watermark will
also be in), then the file is written atomically, read back and validated
against the registry's own CA, the work is registered in the ledger if this
revision is not already, and a ``work.sealed`` entry names the signed claim
(the ledger's offline answer to "when was this signed?", see
:mod:`artproof.seal.expiry`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes

from artproof.core.hashing import content_id
from artproof.core.images import FORMATS as IMAGE_FORMATS
from artproof.core.images import decode_image, encode_as, encode_png
from artproof.errors import InvalidInput
from artproof.interop.c2pa import read_credentials, sign_credentials
from artproof.interop.c2pa_manifest import (
    PACK_INGREDIENT,
    PARENT_LABEL,
    Disclosure,
    TrainingMining,
    build_definition,
    document_definition,
    xmp_packet,
)
from artproof.interop.pngchunks import with_itxt
from artproof.provenance.graph import ProcessGraph
from artproof.seal.credentials import CredentialService
from artproof.seal.registry import WorkRegistry
from artproof.store.files import atomic_write, check_output, clear_staged, discard, place, stage
from artproof.studio.service import Studio

__all__ = ["FORMATS", "SealResult", "SealService", "Signed", "Signer", "seal_facts"]

FORMATS = {suffix.lstrip("."): kind for suffix, kind in IMAGE_FORMATS.items()}  # "png" -> ("PNG", "image/png")

INGREDIENT_TYPES = {"image/png", "image/jpeg", "image/webp"}


@dataclass(frozen=True, slots=True)
class SealResult:
    file: str
    work_id: str
    format: str
    sha256: str
    validation_state: str | None
    ledger_index: int
    disclosure: str
    notes: list[str] = field(default_factory=list)  # what had to be repaired on the way (a missing key, a new CA)


def certificate_facts(chain_pem: str) -> dict[str, str]:
    """What a seal entry records of the signing certificate: enough to judge expiry and trust later."""
    chain = x509.load_pem_x509_certificates(chain_pem.encode("ascii"))
    leaf = chain[0]
    return {
        "sha256": leaf.fingerprint(hashes.SHA256()).hex(),
        "serial": str(leaf.serial_number),
        "not_before": leaf.not_valid_before_utc.isoformat(),
        "not_after": leaf.not_valid_after_utc.isoformat(),
        "issuer_sha256": chain[1].fingerprint(hashes.SHA256()).hex() if len(chain) > 1 else "",
    }


@dataclass(frozen=True, slots=True)
class Signer:
    """The signing certificate chain, its ES256 function, and what a seal entry records of it."""

    chain: str
    sign: Callable[[bytes], bytes]
    facts: dict[str, str]


@dataclass(frozen=True, slots=True)
class Signed:
    data: bytes
    media_type: str
    validation_state: str | None
    claim_digest: str | None
    openings: dict[str, Any]


class SealService:
    def __init__(
        self,
        studio: Studio,
        credentials: CredentialService,
        registry: WorkRegistry,
        home: Path,
        tsa_url: str | None = None,
    ) -> None:
        self.tsa_url = tsa_url
        self.studio = studio
        self.credentials = credentials
        self.registry = registry
        self.home = home

    def signer(self, passphrase: str | None) -> Signer:
        if passphrase is None:
            raise InvalidInput("a passphrase is needed to sign", hint="set ARTPROOF_PASSPHRASE")
        chain, sign, _certificate = self.credentials.signer(passphrase)
        return Signer(chain=chain, sign=sign, facts=certificate_facts(chain))

    def sign(
        self,
        ref: str,
        pixels: bytes,
        media_type: str,
        signer: Signer,
        *,
        disclosure: Disclosure = "full",
        training_mining: TrainingMining = "notAllowed",
        thumbnail: bool = True,
        edition: dict[str, Any] | None = None,
    ) -> Signed:
        """Content Credentials for ``pixels`` (an encoded file of the work, XMP included), read back."""
        record = self.studio.resolve(ref)
        manifest = self.studio.manifest(record.work_id)
        ingredients = self._ingredients(manifest)
        definition, openings = build_definition(
            manifest,
            record.manifest,
            media_type=media_type,
            disclosure=disclosure,
            training_mining=training_mining,
            parent_label=PARENT_LABEL if ingredients else None,
            edition=edition,
        )
        sealed = sign_credentials(
            pixels,
            media_type,
            definition,
            certificate_chain_pem=signer.chain,
            sign=signer.sign,
            ingredients=ingredients,
            thumbnail=thumbnail,
            tsa_url=self.tsa_url,
        )
        check = read_credentials(sealed, media_type, self.credentials.anchors_pem(), claim_digest=True)
        return Signed(sealed, media_type, check.validation_state, check.claim_digest, openings)

    def sign_document(
        self, pdf: bytes, *, title: str, author: str, work_title: str, picture: tuple[bytes, str, str],
        passphrase: str | None,
    ) -> bytes:  # fmt: skip
        """Content Credentials for a PDF artproof generated (the provenance pack), naming the work's
        picture (``(bytes, media type, title)``, with its own credentials when it has them) as the
        component it places."""
        signer = self.signer(passphrase)
        definition = document_definition(title, author, work_title)
        data, media_type, name = picture
        ingredient = {"title": name, "relationship": "componentOf", "label": PACK_INGREDIENT}
        return sign_credentials(
            pdf, "application/pdf", definition, certificate_chain_pem=signer.chain, sign=signer.sign,
            ingredients=[(ingredient, media_type, data)], thumbnail=False, tsa_url=self.tsa_url,
        )  # fmt: skip

    def seal(
        self,
        ref: str,
        output: Path,
        *,
        disclosure: Disclosure = "full",
        training_mining: TrainingMining = "notAllowed",
        thumbnail: bool = True,
        fmt: str | None = None,
        force: bool = False,
        passphrase: str | None,
    ) -> SealResult:
        record = self.studio.resolve(ref)
        manifest = self.studio.manifest(record.work_id)
        key = (fmt or output.suffix.lstrip(".") or "png").lower()
        if key not in FORMATS:
            raise InvalidInput("cannot seal to this format", value=key, hint="use .png, .jpg or .webp")
        check_output(output, force=force)
        pil_format, media_type = FORMATS[key]
        signer = self.signer(passphrase)
        xmp = xmp_packet(manifest, disclosure=disclosure, training_mining=training_mining)
        if pil_format == "PNG" and manifest.assets[manifest.master].media_type == "image/png":
            pixels = with_itxt(self.studio.blobs.get(manifest.master), "XML:com.adobe.xmp", xmp)  # no re-encoding
        else:
            pixels = encode_as(self.studio.load_image(manifest.master), pil_format, xmp)
        signed = self.sign(
            record.work_id,
            pixels,
            media_type,
            signer,
            disclosure=disclosure,
            training_mining=training_mining,
            thumbnail=thumbnail,
        )
        if signed.openings:
            atomic_write(
                self.home / "disclosures" / f"{manifest.work_id}-r{manifest.revision}.json",
                json.dumps(signed.openings, indent=2).encode(),
                mode=0o600,
            )
        # the file reaches its name only once the ledger holds the seal: a failed append leaves no sealed file
        cleared = clear_staged(output)
        staged = stage(output, signed.data)
        try:
            index = self._register(record.work_id, passphrase)
            if signed.claim_digest is not None:
                self.registry.record_seal(manifest.work_id, seal_facts(manifest.revision, signed, signer), passphrase)
        except BaseException:
            discard(staged)
            raise
        place(staged, output)
        return SealResult(
            file=str(output),
            work_id=manifest.work_id,
            format=media_type,
            sha256=content_id(signed.data),
            validation_state=signed.validation_state,
            ledger_index=index,
            disclosure=disclosure,
            notes=[*cleared, *self.credentials.notes],
        )

    def _ingredients(self, manifest: Any) -> list[tuple[dict[str, Any], str, bytes]]:
        """The imported original, byte for byte, is the parent ingredient of the ``c2pa.opened`` action.

        Every import has one (C2PA requires ``c2pa.opened`` to name its ingredient): a file that
        carried Content Credentials brings them along as the ingredient's own manifest; a render
        from A1111, ComfyUI or a camera is an ingredient without credentials. A format c2pa cannot
        take as an ingredient (GIF, TIFF, ...) is given as the PNG of its decoded pixels.
        """
        for step in ProcessGraph(manifest.steps).ancestors(manifest.master):
            if step.op != "import.file":
                continue
            info = manifest.assets[step.output]
            data, media_type = self.studio.blobs.get(step.output), info.media_type
            if media_type not in INGREDIENT_TYPES:
                data, media_type = encode_png(decode_image(data, name=str(step.params.get("file")))), "image/png"
            ingredient = {"title": step.params.get("file"), "relationship": "parentOf", "label": PARENT_LABEL}
            return [(ingredient, media_type, data)]
        return []

    def _register(self, work_id: str, passphrase: str | None) -> int:
        """The ledger index of this revision's registration, appending it if it is new."""
        existing = self.registry.registration(work_id)
        return existing.index if existing is not None else self.registry.register_work(work_id, passphrase).index


def seal_facts(revision: int, signed: Signed, signer: Signer) -> dict[str, Any]:
    """The subject of a ``work.sealed`` entry (less the work id)."""
    return {
        "revision": revision,
        "claim_digest": signed.claim_digest,
        "file_sha256": content_id(signed.data),
        "media_type": signed.media_type,
        "certificate": signer.facts,
    }
