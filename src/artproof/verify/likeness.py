"""Whether a picture whose mark names an edition is that edition's picture: one pure rule.

A mark decodes under a false-alarm bound of about 1e-12, so the edition it names is certain; what
is not is that the picture around it is still that edition. The fingerprint registry compares
the two (laid back by the hashes' alignment, or by the homography of keypoints or an outline when
the frame moved) and this rule reads the comparison:

- confirmed (correlation at least 0.85) with little of it showing something else: the edition;
- confirmed in the edition's own frame or laid back by a shift and a scale alone (whole, cropped,
  letterboxed, in a page; keypoints' turn and perspective within their noise, :data:`STRAY`), with
  more than :data:`FAITHFUL` of it showing something else:
  **altered** (a seller's stamp over 4-9 % of it; a faithful copy, re-encoded, cropped or shown
  in a page, changes under 0.1 % there, and a saturation boost or a half-degree turn under 1.5 %).
  Judged by the correlation alone, the same stamp read ``tampered`` in 5 of 12 editions and
  ``authentic_edition`` in the other 7;
- confirmed laid back by a turn, a mirror, a perspective or as a detail, with more than
  :data:`CHANGED` of what it shows differing: **altered** (a seller's stamp on a detail, a turned
  copy or a photograph: 4-11 %). Before the lay-back was refined against the registered picture
  itself, keypoints placing a copy by a few repeated motifs left up to 16 % "changed" on faithful
  copies, and this rule allowed 25 %: then a stamped detail read ``authentic_edition`` in 11 of 12
  (quarter) and 5 of 12 (half) of the copies benchmark's works. Measured since (December 2026, 57
  pictures of the watermark benchmark and 12 studio works, about 330 faithful turned, mirrored,
  photographed, screenshotted and detail copies): none over 2.7 % (two half details placed by keypoints
  over 3-20 % of the picture) but one photograph's outline placed wrongly (34 %, its mark not read),
  while 119 of 136 stamped details and photographs whose mark was read changed 3 % or more. Where
  fewer than :data:`SUPPORTED` keypoints placed it over less than :data:`WHOLE` of the picture, or a
  whole copy is in perspective (a photograph), a placement can still be right in one part and off
  elsewhere (a mirrored copy: 17 %; a photograph: 5.1 %), and :data:`LOOSE` (25 %) stays the rule;
- the same frame (within the certificate's pHash radius) correlating 0.5-0.85: **altered** (a
  stamp lowers a whole copy's correlation; where it lies is not measured on this path);
- laid back by keypoints or an outline, correlating 0.5-0.85 with nothing in it differing in
  places (under :data:`FAITHFUL` of it: a faithful copy, turned, photographed or re-encoded,
  changes under 1 %; a seller's logo or text changes its own area): **not confirmed**. A copy
  degraded past the comparison (a blurred photograph, a picture whose fine texture a warp
  aliased) looks exactly like this, so it is not accused: the verdict is ``unverified`` and says
  the mark's edition. A demo edition turned 4 degrees read "tampered" by the rule before this
  case had its own outcome, while a resampling fault held its correlation at 0.79; a stamped
  copy whose stamp covers under 25 % of it and correlates 0.5-0.85 stays **altered**;
- otherwise (nothing comparable, or under 0.5): **another picture** carrying the mark.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from artproof.editions.certificate import FINGERPRINT_RADIUS
from artproof.fingerprint.features import Alignment
from artproof.fingerprint.registry import Match

__all__ = ["CHANGED", "FAITHFUL", "STRAY", "Likeness", "likeness", "tolerated"]

CHANGED = 0.03  # share of a turned, photographed or detail copy showing something else beyond which it was altered
LOOSE = 0.25  # the same, where few keypoints placed it over little of the picture (see ``_supported``)
SUPPORTED = 16  # agreeing keypoints that make a placement over a small part of the picture trusted for that
PERSPECTIVE = 0.05  # a whole copy's perspective (x 1000, as reported) from which it is a photograph: LOOSE
FAITHFUL = 0.02  # share of a copy that may differ in places from what it was copied from (edges, noise)
RESEMBLES = 0.5  # correlation above which the picture is the edition's layout, if not confirmed as it
STRAY = 0.01  # share of the agreeing region's span a lay-back may stray from a shift and a scale and be one
WHOLE = 0.25  # share of the picture the keypoints must agree over for that (more than a quarter detail shows)

Outcome = Literal["edition", "altered", "unconfirmed", "another"]


@dataclass(frozen=True)
class Likeness:
    outcome: Outcome
    reason: str  # the tampering reason (altered, another) or the note (unconfirmed); empty for the edition


def _reframed(alignment: Alignment, share: float) -> bool:
    """Laid back by more than a shift and a scale: mirrored, or straying from one by :data:`STRAY` or more of
    where the keypoints agree (an outline's corners carry no such region: turned or in perspective).

    The homography's own turn and perspective read a letterboxed copy as "moved" from the keypoints'
    noise (a stamped, letterboxed edition came back turned 0.52 degrees), and a stamp there was judged
    by the moved copies' rule (then 25 %): 3 to 4 of 12 read ``authentic_edition``. Faithful copies that
    stray less changed at most 0.2 % (screenshots, WebP), so the 2 % rule does not accuse them. Only where
    the keypoints agree over :data:`WHOLE` of the picture or more (whole copies, letterboxed: 0.27-0.71): over a
    detail's few keypoints (a quarter detail: 0.03-0.15) a wrong homography is as straight as a right
    one there, and one read a faithful quarter detail as 16 % changed."""
    departure = alignment.departure()
    if alignment.mirrored or departure is None or share < WHOLE:
        return alignment.moved()
    return departure >= STRAY


def _supported(alignment: Alignment, region: float) -> bool:
    """Whether a moved copy's placement is exact enough to accuse it at :data:`CHANGED` rather than :data:`LOOSE`.

    - Keypoints agreeing over :data:`WHOLE` of the picture or more (or its outline): not in perspective
      (under :data:`PERSPECTIVE`). A photographed print's keypoints agreeing over 29 % of it extrapolate its
      perspective over the rest: one faithful photograph of the copies benchmark showed 5.1 % "changed";
      stamps on photographed copies measured 0-2.8 % anyway (the photograph blurs them), so nothing is lost.
      Turned copies measured perspective up to 0.058, photographs 0.03-0.78 (95 % of them 0.06 or more).
    - Over less of the picture (a detail): :data:`SUPPORTED` agreeing keypoints or more. A mirrored copy of
      one of the watermark benchmark's pictures was placed by 13 keypoints on repeated motifs over 8 % of
      it, turned 125 degrees: right there, wrong elsewhere, 17 % "changed". The stamped details whose
      placements were measured rested on 16 agreeing keypoints or more but one (12).
    """
    if region >= WHOLE or alignment.method == "outline":
        return float(alignment.transform()["perspective"]) < PERSPECTIVE
    return alignment.inliers >= SUPPORTED


def tolerated(alignment: Alignment | None, region: float) -> float:
    """The share of a confirmed copy that may show something else before it is an altered copy, by how it was
    laid back: in its own frame, or by a shift and a scale (:data:`FAITHFUL`); turned, mirrored, in perspective
    or as a detail (:data:`CHANGED`, or :data:`LOOSE` where the placement is not exact enough). ``region``: the
    share of the picture over which the keypoints agreed. One rule for the registry's comparison and for a
    stranger's with the certificate's own picture (:mod:`artproof.verify.portable`)."""
    if alignment is None or not _reframed(alignment, region):
        return FAITHFUL
    return CHANGED if _supported(alignment, region) else LOOSE


def likeness(edition_id: str, own: Match | None) -> Likeness:
    """How the picture compares with the edition ``edition_id`` its mark names, ``own`` being that comparison."""
    if own is not None and own.confirmed:
        if (own.changed or 0.0) >= tolerated(own.alignment, own.region):  # a part of it shows something else
            return Likeness(
                "altered",
                f"the picture is edition {edition_id} changed in places after it was issued "
                f"({own.changed:.0%} of it shows something else once aligned): an altered copy",
            )
        return Likeness("edition", "")
    if own is not None and own.similarity >= RESEMBLES:
        moved = own.alignment is not None
        if moved and (own.changed or 0.0) < FAITHFUL:
            return Likeness(
                "unconfirmed",
                f"its watermark names edition {edition_id}, but laid back onto that edition the picture does "
                f"not match it closely enough to confirm it (aligned similarity {own.similarity:.2f}, none of it "
                f"differing in places): a degraded copy, or one too distorted to compare",
            )
        if moved or own.distance <= FINGERPRINT_RADIUS:  # its layout and most of its pixels: stamped, painted over
            return Likeness(
                "altered",
                f"the picture is edition {edition_id} changed in places after it was issued (aligned "
                f"similarity {own.similarity:.2f}, {own.distance} pHash bits from it): an altered copy",
            )
    return Likeness(
        "another",
        f"the watermark names edition {edition_id} but the picture is not that edition's "
        f"(aligned similarity {own.similarity if own else 0:.2f}): a mark copied into another image",
    )
