"""Certificates of authenticity: canonical JSON signed by the artist (``artproof.coa/2``; ``/1`` still verifies).

The signed body says what the edition is and how it was made: the work and the
digest of its signed manifest (so the seed, prompt, model and edits a collector
pays for are inside what the artist signed), a generation summary, the
edition's pixels (their SHA-256 and perceptual hashes, not the file's bytes, so
the same body can sit inside the file's own Content Credentials as an
``org.artproof.certificate`` assertion), the watermark, the licence and the
first owner. The exported ``.coa.json`` adds, unsigned, the ledger entry that
registered it and its inclusion proof, which anyone can check against the
log's key offline (the proof cannot be inside the signed body: the entry names
the body's hash). docs/formats.md specifies both.
"""

from __future__ import annotations

import base64
import binascii
import io
import struct
from typing import Any

import numpy as np
from PIL import Image

from artproof.core.canonical import canonical_json, parse_json
from artproof.core.commitments import commit
from artproof.core.hashing import content_id
from artproof.core.images import pixel_hash
from artproof.core.signing import SignedDocument, document_digest
from artproof.editions.coa import COA_FORMAT, COA_FORMATS, COA_PURPOSE, Certificate, CertificateBody
from artproof.errors import ArtproofError, IntegrityError, InvalidInput
from artproof.fingerprint.features import Features, describe
from artproof.fingerprint.hashes import crop_hashes, fingerprint, hamming
from artproof.ledger.proofs import InclusionBundle
from artproof.provenance.graph import ProcessGraph
from artproof.provenance.model import WorkManifest

__all__ = [
    "CERTIFIED_INLIERS",
    "CERTIFIED_KEYPOINTS",
    "CERTIFIED_THUMB",
    "COA_FORMAT",
    "COA_FORMATS",
    "COA_PURPOSE",
    "FINGERPRINT_RADIUS",
    "canonical_text",
    "certificate_hash",
    "certificate_in",
    "certified_features",
    "certified_thumbnail",
    "check_issued",
    "exact_pixels",
    "generation_summary",
    "issuance_problem",
    "load_certificate_file",
    "parse_certificate_text",
    "picture_binding",
    "picture_distance",
    "verify_certificate",
]

FINGERPRINT_RADIUS = 10  # pHash bits: copies land within 0-8 of the full picture or a crop; others 25-40 away
# keypoints a certificate carries (10 kB, 13.7 kB as base64): a quarter detail holds 28-32 agreeing ones, 12 are needed
CERTIFIED_KEYPOINTS = 256
# agreeing keypoints a certificate's placement needs: no pixels are compared with it, as the registry compares
# them; true placements of quarter details measured 12, then 16 and up (31 of 36 kept), strangers at most 12
CERTIFIED_INLIERS = 16
# the edition's picture small (long side, JPEG q85: 9 kB, 12 kB as base64): what a stranger compares a copy with
CERTIFIED_THUMB = 192
_GENERATION_KEYS = ("source_tool", "model", "model_hash", "seed", "sampler", "steps", "cfg_scale", "denoise")


def certificate_hash(certificate: SignedDocument) -> str:
    """What the ``edition.issued`` entry names: the hash of the signed certificate's canonical JSON."""
    return document_digest(certificate)


def verify_certificate(certificate: SignedDocument) -> CertificateBody:
    """The certificate's body after checking its signature and format (raises :class:`IntegrityError`)."""
    return Certificate.check(certificate).body


def parse_certificate_text(text: str) -> SignedDocument:
    """A signed certificate from its JSON text (the embedded assertion); :class:`IntegrityError` if malformed."""
    try:
        return SignedDocument.model_validate(parse_json(text.encode("utf-8"), what="certificate"))
    except (ArtproofError, ValueError):
        raise IntegrityError("the certificate is malformed") from None


def load_certificate_file(data: bytes) -> tuple[SignedDocument, dict[str, Any]]:
    """(certificate, ledger section) from an exported ``.coa.json``."""
    document = parse_json(data, what="certificate file")
    if not isinstance(document, dict) or "certificate" not in document:
        raise InvalidInput("not an artproof certificate file", hint="export one: artproof certificate export EDITION")
    try:
        certificate = SignedDocument.model_validate(document["certificate"])
    except ValueError as exc:
        raise IntegrityError("the certificate is malformed", value=str(exc)[:200]) from None
    return certificate, dict(document.get("ledger") or {})


def certificate_in(data: bytes) -> tuple[SignedDocument, dict[str, Any]] | None:
    """(certificate, ledger section) when ``data`` is a ``.coa.json``; None for any other JSON (a proof.json)."""
    document = parse_json(data, what="file")
    if not isinstance(document, dict) or "certificate" not in document:
        return None
    return load_certificate_file(data)


def issuance_problem(
    certificate: SignedDocument, body: CertificateBody, payload: dict[str, Any], signer: str
) -> str | None:
    """Why a ledger entry (its payload and signer) is not the issuance of this certificate, or None."""
    subject = payload.get("subject") or {}
    if payload.get("type") != "edition.issued":
        return f"the certificate's ledger entry is a {payload.get('type')}, not an edition.issued"
    if subject.get("certificate_sha256") != certificate_hash(certificate):
        return "the ledger entry names a different certificate: this one was altered or replaced"
    if subject.get("edition_id") != body.edition_id:
        return "the ledger entry is for another edition"
    if signer != body.artist.key_id:
        return "the ledger entry is signed by someone other than the certificate's artist"
    expected = body.work.manifest_sha256  # coa/1 names no manifest
    if expected is not None and subject.get("manifest_sha256") != expected:
        return "the ledger entry names another record of how the work was made"
    return None


def check_issued(certificate: SignedDocument, bundle: InclusionBundle) -> dict[str, Any]:
    """That a (checked) inclusion bundle's entry issues exactly this certificate, signed by its artist."""
    body = verify_certificate(certificate)
    signer = str((bundle.entry.get("signature") or {}).get("key_id"))
    problem = issuance_problem(certificate, body, bundle.entry.get("payload") or {}, signer)
    if problem is not None:
        raise IntegrityError(problem)
    return {"edition_id": body.edition_id, "certificate_sha256": certificate_hash(certificate), "valid": True}


def picture_binding(picture: Image.Image, unmarked: Image.Image) -> dict[str, Any]:
    """What a coa/2 certificate records of the edition's pixels: exact hash, perceptual hashes and keypoints.

    The hashes describe the whole frame, so away from the artist's registry a detail, a turned copy
    or a photograph of a print matched nothing a certificate held (a quarter detail is 24-30 pHash
    bits from its picture, as far as another picture is) and read ``tampered``. The picture's
    strongest ORB keypoints, spread over it as the registry keeps them, let anyone place such a
    copy in the certified picture with nothing but the certificate. They are those of the picture
    before its mark (``unmarked``): every edition's mark shares its pilot, and on smooth pictures
    the local contrast equalisation lifts it into keypoints. Described from the marked pixels, two
    unrelated smooth editions placed each other (18 agreeing), and so would a mark copied into
    another picture; from the unmarked ones, no copied mark (of 60) was placed, and of 2,688 pairs of
    a certificate and a stranger one reached 12 agreeing keypoints (:data:`CERTIFIED_INLIERS`: 16).
    The edition's picture at :data:`CERTIFIED_THUMB` px (``thumbnail``, JPEG) lets the stranger see a
    seller's stamp, as the registry does with its own thumbnail: without it, a stamped copy read
    ``authentic_edition`` away from home on every work measured.
    """
    fp = fingerprint(picture)
    return {
        "sha256": pixel_hash(picture),
        "mode": picture.mode,
        "width": picture.width,
        "height": picture.height,
        "phash": fp.phash,
        "dhash": fp.dhash,
        "colorhash": fp.colorhash,
        "crops": crop_hashes(picture),
        "keypoints": base64.b64encode(describe(unmarked, CERTIFIED_KEYPOINTS).to_bytes()).decode("ascii"),
        "thumbnail": base64.b64encode(_thumbnail(picture)).decode("ascii"),
    }


def _thumbnail(picture: Image.Image) -> bytes:
    small = picture.convert("RGB")
    small.thumbnail((CERTIFIED_THUMB, CERTIFIED_THUMB), Image.Resampling.BOX)
    buffer = io.BytesIO()
    small.save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


def certified_thumbnail(body: CertificateBody) -> Image.Image | None:
    """The certified picture small (certificates issued from December 2026 on), or None: none, or not a small
    JPEG (a signed certificate could still hold anything there; it is decoded only when it says it is small)."""
    text = (body.pixels or {}).get("thumbnail") if body.format == COA_FORMAT else None
    if not isinstance(text, str) or len(text) > 200_000:
        return None
    try:
        with Image.open(io.BytesIO(base64.b64decode(text, validate=True))) as probe:
            if probe.format != "JPEG" or max(probe.size) > 2 * CERTIFIED_THUMB:
                return None
            return probe.convert("RGB")
    except (binascii.Error, OSError, ValueError, Image.DecompressionBombError):
        return None


def certified_features(body: CertificateBody) -> Features | None:
    """The certified picture's keypoints (coa/2 certificates issued from December 2026 on), or None.

    A certificate issued before carries none; one whose field does not decode is treated the same
    (its signature holds, so the artist signed it so: it places nothing).
    """
    text = (body.pixels or {}).get("keypoints") if body.format == COA_FORMAT else None
    if not isinstance(text, str):
        return None
    try:
        features = Features.from_bytes(base64.b64decode(text, validate=True))
    except (binascii.Error, ValueError, struct.error):
        return None
    if not (0 < features.scale <= 1 and min(features.size) > 0 and np.all(np.isfinite(features.points))):
        return None
    return features


def picture_distance(body: CertificateBody, phash: str) -> int:
    """pHash bits between an image and the certificate's picture (or the nearest of its standard crops)."""
    if body.format == COA_FORMAT and body.pixels is not None:
        pixels = body.pixels
        return min(hamming(phash, h) for h in [pixels["phash"], *pixels["crops"].values()])
    return hamming(phash, (body.file or {})["phash"])


def exact_pixels(body: CertificateBody, picture: Image.Image, data: bytes) -> bool:
    """Whether these are exactly the certified pixels (coa/2) or the certified file (coa/1)."""
    if body.format != COA_FORMAT or body.pixels is None:
        return bool(content_id(data) == (body.file or {})["sha256"])
    pixels = body.pixels
    if (picture.width, picture.height) != (pixels["width"], pixels["height"]):
        return False
    return bool(pixel_hash(picture.convert(pixels["mode"])) == pixels["sha256"])


def generation_summary(manifest: WorkManifest, *, disclosure: str = "full") -> list[dict[str, Any]]:
    """How the pixels were made, per generating step: engine or model (and its weights hash), seed, prompt.

    With ``disclosure="redacted"`` a prompt is replaced by its salted commitment (the artist keeps
    the opening), so a certificate can prove the prompt later without publishing it.
    """
    out: list[dict[str, Any]] = []
    item: dict[str, Any]
    for step in ProcessGraph(manifest.steps).ancestors(manifest.master):
        if step.op == "import.file":
            for g in step.params.get("generations") or []:
                item = {"op": f"{step.op} {step.version}", "agency": step.agency}
                item |= {k: g[k] for k in _GENERATION_KEYS if g.get(k) is not None}
                if g.get("prompt"):
                    item["prompt"] = g["prompt"]
                out.append(item)
        elif step.agency in ("trained", "algorithmic") and step.op.startswith("generate."):
            item = {"op": f"{step.op} {step.version}", "agency": step.agency, "engine": step.op}
            item |= {k: step.params[k] for k in ("model", "model_sha256", "seed", "architecture") if k in step.params}
            if isinstance(step.params.get("prompt"), str):
                item["prompt"] = step.params["prompt"]
            out.append(item)
    if disclosure == "redacted":
        for item in out:
            if "prompt" in item:
                item["prompt_commitment"] = commit(item.pop("prompt"))[0].model_dump()
    return out


def canonical_text(certificate: SignedDocument) -> str:
    """The certificate as canonical JSON text: what the ``org.artproof.certificate`` assertion carries."""
    return canonical_json(certificate.model_dump(mode="json")).decode("utf-8")
