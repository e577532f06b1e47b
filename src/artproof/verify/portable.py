"""Checking an edition with nothing but the file, its certificate, the log's key and (optionally) a mirror.

This is how a collector verifies away from the artist's database. In order:

1. the certificate's signature (the artist's key, named in it);
2. that it belongs to this picture: exactly its pixels, or the watermark's edition id and a
   perceptual match with the certificate's hashes, or with its keypoints for a copy whose frame moved
   (a detail, a turned copy, a photograph of a print); a mark alone, or a resemblance alone, is not
   enough;
3. its inclusion proof (from the ``.coa.json``) against a checkpoint signed by the log key, the
   ``edition.issued`` entry naming this certificate, signed by the same artist;
4. with a mirror: the whole log re-hashed to the root its latest checkpoint signs, the
   certificate's checkpoint consistent with it, the witness cosignatures it carries, and the
   edition's status (revoked, current owner's key) from the log's own entries.

Every failure is a reason for ``tampered``; every check that could not run is said in ``checks``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from PIL import Image, ImageOps

from artproof.core.alignment import frame_changes, refined_first, similarity, strip_bars, warped_similarity
from artproof.core.frames import rectify
from artproof.core.signing import SignedDocument
from artproof.editions.certificate import (
    CERTIFIED_INLIERS,
    FINGERPRINT_RADIUS,
    certificate_hash,
    certified_features,
    certified_thumbnail,
    exact_pixels,
    issuance_problem,
    picture_distance,
    verify_certificate,
)
from artproof.editions.coa import CertificateBody
from artproof.editions.status import edition_status
from artproof.errors import ArtproofError, IntegrityError
from artproof.fingerprint.features import Alignment
from artproof.fingerprint.hashes import fingerprint
from artproof.fingerprint.registry import CONFIRM, Query
from artproof.ledger.checkpoint import Checkpoint, parse_note
from artproof.ledger.mirror import Mirror
from artproof.ledger.proofs import InclusionBundle, check_bundle
from artproof.verify.likeness import tolerated
from artproof.verify.logkeys import LogKeys

__all__ = ["CertificateCheck", "check_certificate"]

# pHash bits within which a picture still resembles its certificate's (crops of busy pictures reach 12-16);
# unrelated pictures are 25-40 bits apart. Beyond it a mark naming the edition was copied, and a certificate
# without a mark was moved to another picture.
RESEMBLANCE_RADIUS = 20
COMPARED = 0.2  # share of the picture the certificate's keypoints must agree over for a copy to be compared with it


@dataclass
class CertificateCheck:
    status: str  # valid | revoked | broken | unconfirmed | unchecked
    summary: str
    reasons: list[str] = field(default_factory=list)  # each one makes the verdict tampered
    checks: list[str] = field(default_factory=list)  # what ran and what could not, in words
    body: CertificateBody | None = None
    belongs: bool = False  # this picture is the certificate's edition (exact pixels, or mark + fingerprint)
    part: bool = False  # the edition's mark read from a detail of it, which the certificate's hashes cannot confirm
    placed: bool = False  # the certificate's own keypoints place this picture in the certified one (a detail, a photo)
    logged: bool = False  # the certificate's issuance is proved in the log
    owner_key: str | None = None
    transfers: int = 0
    revoked: dict[str, Any] | None = None
    status_checked: bool = False  # revocations and transfers were read from a mirror's log
    details: dict[str, Any] = field(default_factory=dict)


def _bundle(section: dict[str, Any] | None) -> InclusionBundle | None:
    proof = (section or {}).get("proof")
    if proof is None:
        return None
    try:
        return InclusionBundle.model_validate(proof)
    except ValueError:
        raise IntegrityError("the certificate's ledger proof is malformed") from None


def check_certificate(
    document: SignedDocument,
    section: dict[str, Any] | None,
    *,
    seen: Query,
    data: bytes,
    mark: str | None,
    keys: LogKeys,
    mirror: Mirror | None,
    source: str,
    witness_keys: list[bytes] | None = None,
    part: bool = False,
) -> CertificateCheck:
    """Every check a certificate allows with what was given; see the module's docstring.

    ``part``: the mark was read from a detail of the picture (blind at a detail's scale,
    :attr:`Detection.from_detail`, or where the registry found the copy as a detail).
    The certificate holds the whole picture's hashes, which a part of it does not match: such a copy is
    not the certificate's picture, nor another picture carrying its mark; it is left unconfirmed.
    """
    try:
        body = verify_certificate(document)
    except ArtproofError as exc:
        return CertificateCheck(
            "broken",
            "the certificate is forged or altered",
            reasons=[f"the {source} does not verify: {exc.what}"],
        )
    result = CertificateCheck("unchecked", "", body=body)
    edition_id = body.edition_id
    result.checks.append(f"certificate signed by the artist {body.artist.name} (key {body.artist.key_id})")
    _belongs(result, body, seen, data, mark, part)
    try:
        bundle = _bundle(section)
    except ArtproofError as exc:
        result.reasons.append(exc.what)
        bundle = None
    origin = None
    if bundle is not None:
        try:
            origin = Checkpoint.parse_body(parse_note(bundle.checkpoint).body).origin
        except ArtproofError as exc:
            result.reasons.append(f"the certificate's ledger proof is altered: {exc.what}")
    mirror_key = mirror.log_key_text() if mirror is not None else None
    if origin is None and mirror_key:
        origin = mirror_key.split("+", 1)[0]
    verifier, where = keys.resolve(origin, mirror_key) if origin else (None, "no log named")
    if verifier is not None:
        result.checks.append(f"log key for {verifier.name}: {where}")
    if bundle is not None and verifier is not None and origin is not None:
        try:
            _checkpoint, entry = check_bundle(bundle, verifier)
            _issued_entry(result, entry.payload, entry.signature.key_id, document, body)
            if not result.reasons:
                result.logged = True
                result.checks.append(f"inclusion proof checks: ledger entry {bundle.leaf_index} of {bundle.tree_size}")
        except ArtproofError as exc:
            result.reasons.append(f"the certificate's ledger proof does not check: {exc.what}")
    elif bundle is None and mirror is None:
        result.checks.append("inclusion not checked: no ledger proof with the certificate and no mirror given")
    elif verifier is None:
        result.checks.append("inclusion not checked: no key for the log (give --log-key or --mirror)")
    if mirror is not None and verifier is not None:
        _status_from_mirror(result, mirror, verifier, bundle, document, body, edition_id, witness_keys or [])
    elif mirror is None:
        result.checks.append("status not checked: no mirror given (revocations and transfers are in the log)")
    if result.reasons:
        result.status, result.summary = "broken", "; ".join(result.reasons)
    elif result.revoked is not None:
        result.status = "revoked"
        result.summary = f"revoked by the artist: {result.revoked.get('reason')}"
    elif result.belongs and result.logged:
        result.status = "valid"
        result.summary = "certificate signed by the artist, for this picture, entered in the log"
    elif result.logged and result.part:
        result.status = "unconfirmed"
        result.summary = (
            "a logged certificate whose edition's mark this detail carries; the certificate holds the whole "
            "picture's hashes and cannot confirm a part of it"
        )
    elif result.logged and result.placed:
        result.status = "unconfirmed"
        result.summary = (
            "a logged certificate of the picture this shows (placed by its keypoints, or matching its own picture), "
            "but its edition mark was not read"
        )
    elif result.logged:
        result.status = "unconfirmed"
        result.summary = "a logged certificate resembling this picture, but its edition mark was not read"
    else:
        result.status = "unchecked"
        result.summary = "certificate signed by the artist, but its entry in the log was not checked"
    result.details |= {
        "edition_id": edition_id,
        "certificate_format": body.format,
        "checks": result.checks,
        "owner_key": result.owner_key,
        "transfers": result.transfers,
    }
    return result


def _belongs(
    result: CertificateCheck, body: CertificateBody, seen: Query, data: bytes, mark: str | None, part: bool = False
) -> None:
    """Whether the certificate is this picture's: its exact pixels, else its hashes, else its keypoints (``seen``:
    the copy, decoded)."""
    edition_id = body.edition_id
    picture = seen.image
    if exact_pixels(body, picture, data):
        result.belongs = True
        result.checks.append("the picture is exactly the certified pixels")
        return
    distance = picture_distance(body, seen.fingerprint.phash)
    if distance > RESEMBLANCE_RADIUS and (bare := strip_bars(picture)) is not picture:
        distance = min(distance, picture_distance(body, fingerprint(bare).phash))  # a letterboxed or framed copy
    for corners in seen.outlined if distance > RESEMBLANCE_RADIUS else []:  # photographed, or in a page
        distance = min(distance, picture_distance(body, fingerprint(rectify(picture, corners)[0]).phash))
    close = distance <= FINGERPRINT_RADIUS
    resembles = distance <= RESEMBLANCE_RADIUS
    placed = None if resembles or (mark is not None and mark != edition_id) else _placed(body, seen)
    if placed is not None:
        result.placed = True
        where = _placement(placed, body)
    alike = _alike(body, seen) if not resembles and placed is None and mark in (None, edition_id) else None
    confirmed = alike is not None and alike >= CONFIRM
    if mark is not None and mark != edition_id:
        result.reasons.append(f"the watermark says edition {mark}, the certificate is for edition {edition_id}")
    elif mark == edition_id and placed is not None:
        result.belongs = True
        result.checks.append(f"watermark reads edition {edition_id}; {where}")
        _compare(result, body, seen, placed)
    elif mark == edition_id and not resembles and confirmed:
        result.belongs = True
        result.checks.append(
            f"watermark reads edition {edition_id}; the picture matches the certificate's own picture (correlation "
            f"{alike:.2f}) though its hashes moved {distance} bits (turned, photographed: a smooth picture has no "
            "keypoints to place it)"
        )
    elif mark == edition_id and not resembles and part:
        result.part = True
        result.checks.append(
            f"watermark reads edition {edition_id} from a detail of the picture ({distance} pHash bits from the "
            "whole): the certificate's hashes cannot confirm a part of it"
        )
    elif mark == edition_id and not resembles:
        result.reasons.append(
            f"the watermark names edition {edition_id} but the picture is not that edition's "
            f"({distance} pHash bits from it): a mark copied into another image"
        )
    elif mark == edition_id:
        result.belongs = True
        result.checks.append(f"watermark reads edition {edition_id}; the picture matches its hashes ({distance} bits)")
        _compare(result, body, seen, None)
    elif close:
        result.checks.append(f"the picture matches the certificate's hashes ({distance} bits) but no mark was read")
    elif resembles:
        result.checks.append(
            f"the picture resembles the certificate's ({distance} pHash bits: a crop or a re-encode of a busy "
            "picture moves that far) but no mark was read: not confirmed"
        )
    elif placed is not None:
        result.checks.append(f"{where}, but no mark was read: the picture, not confirmed to be this edition")
    elif confirmed:
        result.placed = True
        result.checks.append(
            f"the picture matches the certificate's own picture (correlation {alike:.2f}, its hashes {distance} bits "
            "away) but no mark was read: the picture, not confirmed to be this edition"
        )
    else:
        result.reasons.append(
            f"the certificate is not this picture's ({distance} pHash bits from it, and its keypoints do not place "
            "it): moved to this file from another picture"
            if certified_features(body) is not None
            else f"the certificate is not this picture's ({distance} pHash bits from it): moved to this file from "
            "another picture, or given with a small part of its own, which it cannot certify"
        )


def _placed(body: CertificateBody, seen: Query) -> Alignment | None:
    """Where the certificate's own keypoints place the copy in the certified picture, if they agree on a place.

    As the registry places a copy by its stored keypoints (:func:`artproof.fingerprint.features.locate`),
    but with the ones the artist signed, so anyone holding the certificate can place a detail, a turned
    copy or a photograph of a print; :data:`CERTIFIED_INLIERS` agreeing, as no pixels are compared.
    A mirrored copy whose mark was read mirrored is seen the right way round already (``read_as``).
    """
    features = certified_features(body)
    return None if features is None else seen.placed_in(features, CERTIFIED_INLIERS)


def _certified_picture(body: CertificateBody, seen: Query) -> Image.Image | None:
    """The certificate's own picture (its thumbnail), in grey for a black-and-white copy as the registry compares
    one (:meth:`Query.thumb`); None for a certificate issued before December 2026."""
    thumb = certified_thumbnail(body)
    if thumb is not None and seen.grey:
        thumb = thumb.convert("L").convert("RGB")
    return thumb


def _alike(body: CertificateBody, seen: Query) -> float | None:
    """The best correlation of the copy with the certificate's own picture (its thumbnail), None without one: as
    a whole copy, without its bars, laid flat from an outline, or mirrored. :data:`CONFIRM` or more confirms it.

    A smooth picture (a gradient, a soft field) turned by three degrees or photographed moves its pHash 22-26
    bits, past the resemblance radius, and has no keypoints to place it: away from home 2-5 of 57 such copies
    of the watermark benchmark's pictures read ``tampered`` per kind of copy (turned, photographed, in a
    page, re-encoded; half details of smooth and textured pictures 11, mirrored ones unread 3: "a mark
    copied into another image", or "the certificate is not this picture's"). Compared as the registry
    compares a copy with its thumbnail (a detail at its scale), they are that picture. Nothing is accused
    from this comparison: a stamp there is not measured.
    """
    thumb = _certified_picture(body, seen)
    if thumb is None:
        return None
    short = float(min(thumb.size))
    candidates = [seen.image, *([bare] if (bare := strip_bars(seen.image)) is not seen.image else [])]
    candidates += [rectify(seen.image, corners)[0] for corners in seen.outlined]
    candidates.append(ImageOps.mirror(seen.image))  # a flipped post whose mark was not read (else it is upright)
    best = -1.0
    for candidate in candidates:
        best = max(best, similarity(candidate, thumb, short)[0])
        if best >= CONFIRM:
            break
    return best


def _share(placed: Alignment, body: CertificateBody) -> float:
    """The share of the certified picture over which the keypoints placing a copy agree."""
    import cv2

    size = body.pixels or {}
    area = max(1, int(size.get("width") or 1) * int(size.get("height") or 1))
    region = placed.region
    return float(cv2.contourArea(region.astype(np.float32))) / area if region is not None and len(region) >= 3 else 0.0


def _placement(placed: Alignment, body: CertificateBody) -> str:
    """The evidence of a placement, in words: how many keypoints, over how much of the certified picture."""
    return (
        f"{placed.inliers} of the certificate's own keypoints place the picture in the certified one "
        f"(agreeing over {_share(placed, body):.0%} of it: a detail, or a copy turned, photographed or in a page)"
    )


def _compare(result: CertificateCheck, body: CertificateBody, seen: Query, placed: Alignment | None) -> None:
    """A copy whose mark names the certificate's edition, compared with the certificate's own picture (its
    thumbnail) as the registry compares one with its thumbnail: laid back by the certificate's keypoints
    (made exact by ECC), and judged by the home's rule (:func:`artproof.verify.likeness.tolerated`: 2 % of
    it showing something else in its own frame, 3 % turned or as a detail, 25 % where the placement is not
    exact enough; the comparison confirmed). Only where the keypoints agree over :data:`COMPARED` of the picture
    or more: over a detail's few (2-11 % of the picture) a placement a little off showed 3.5-18 % "changed"
    on faithful quarter details, and nothing accuses there. Whole copies, photographed, turned,
    screenshotted or re-encoded, showed at most 1 % changed; a seller's stamp 4-5 %."""
    thumb = _certified_picture(body, seen)
    if thumb is None:
        return  # a certificate issued before December 2026: its hashes and the mark are all there is
    if placed is None:  # found by the hashes: first in the picture's own frame, as the registry compares it
        score, scale = similarity(seen.image, thumb)
        if score >= CONFIRM:
            _judge(result, body, score, frame_changes(seen.image, thumb, scale), tolerated(None, 1.0))
            return
    placed = placed or _placed(body, seen)
    if placed is None:
        result.checks.append("not compared with the certificate's picture: its keypoints do not place this copy")
        return
    share = _share(placed, body)
    if share < COMPARED:
        result.checks.append(
            f"not compared with the certificate's picture: its keypoints agree over {share:.0%} of it (a detail)"
        )
        return
    pixels = body.pixels or {}
    size = (int(pixels["width"]), int(pixels["height"]))
    score, _, changed = max(
        (
            warped_similarity(seen.image, thumb, h, size, placed.region)
            for h in refined_first(seen.image, placed.homography, thumb, size)
        ),
        key=lambda compared: compared[0],
    )
    _judge(result, body, score, changed, tolerated(placed, share) if score >= CONFIRM else 1.0)


def _judge(result: CertificateCheck, body: CertificateBody, score: float, changed: float, allowed: float) -> None:
    """A comparison with the certificate's picture, said: an altered copy where ``changed`` reaches ``allowed``."""
    if changed >= allowed:
        result.belongs = False
        result.reasons.append(
            f"the picture is edition {body.edition_id} changed in places after it was issued ({changed:.0%} of it "
            "shows something else once laid onto the certificate's picture): an altered copy"
        )
    else:
        result.checks.append(
            f"compared with the certificate's picture: similarity {score:.2f}, {changed:.1%} of it showing "
            "something else"
        )


def _issued_entry(
    result: CertificateCheck, payload: dict[str, Any], signer: str, document: SignedDocument, body: CertificateBody
) -> None:
    problem = issuance_problem(document, body, payload, signer)
    if problem is not None:
        result.reasons.append(problem)


def _status_from_mirror(
    result: CertificateCheck,
    mirror: Mirror,
    verifier: Any,
    bundle: InclusionBundle | None,
    document: SignedDocument,
    body: CertificateBody,
    edition_id: str,
    witness_keys: list[bytes],
) -> None:
    try:
        latest = mirror.latest(verifier)
        entries = mirror.about(edition_id, verifier)
        if bundle is not None:
            proof_root = Checkpoint.parse_body(parse_note(bundle.checkpoint).body).root
            if mirror.root_at(bundle.tree_size, verifier) != proof_root:
                result.reasons.append(
                    "the certificate's checkpoint is not consistent with the mirror's log: the log forked"
                )
                return
    except ArtproofError as exc:
        result.reasons.append(f"the mirror does not check: {exc.what}")
        return
    named, verified = mirror.witnesses(witness_keys)
    result.details["witnesses"] = {"named": named, "verified": verified}
    witnessed = (
        f", cosigned by {len(named)} witness(es) ({len(verified)} verified with keys known in this home"
        + (f": {', '.join(verified)}" if verified else "; add a witness's key with 'identity add'")
        + ")"
        if named
        else ", no witness cosignature"
    )
    result.checks.append(
        f"mirror {mirror.source}: size {latest.size}, whole log re-hashed to its signed root{witnessed}"
    )
    issued = [(i, e) for i, e in entries if e.payload["type"] == "edition.issued"]
    mine = [(i, e) for i, e in issued if e.payload["subject"].get("certificate_sha256") == certificate_hash(document)]
    if bundle is None:
        if mine:
            _issued_entry(result, mine[0][1].payload, mine[0][1].signature.key_id, document, body)
            if not result.reasons:
                result.logged = True
                result.checks.append("the log holds this certificate's edition.issued entry")
        else:
            result.reasons.append("the log holds no issuance of this certificate: it was never issued")
            return
    artist = body.artist.key_id
    history = mirror.key_history(verifier)
    issued_at = bundle.leaf_index if bundle is not None else mine[0][0]
    forged = history.forged(artist, issued_at)
    if forged is not None:
        result.reasons.append(f"the certificate was {forged}")
        return
    later = history.later(artist, issued_at)
    if later is not None:
        result.checks.append(later)
    status = edition_status(entries, history, artist, body.first_owner.key_id)
    if status.problem is not None:
        result.reasons.append(status.problem)
        return
    result.revoked, result.transfers, owner = status.revoked, status.transfers, status.owner_key
    result.owner_key = owner
    result.status_checked = True
    result.checks.append(
        "status from the log: "
        + ("revoked" if result.revoked else "not revoked")
        + f", {result.transfers} transfer(s), owner key {owner or 'none (held for a buyer without a key)'}"
    )
