"""Which edition a picture is: its watermark, read blind and then aligned with registered pictures."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np
from PIL import Image

from artproof.core.alignment import laid_onto, refined_first, warp_onto
from artproof.core.frames import rectify
from artproof.core.images import decode_image
from artproof.editions.certificate import CERTIFIED_INLIERS
from artproof.editions.ids import edition_id, parse_edition_id
from artproof.editions.results import Identified
from artproof.editions.store import EditionRecord, EditionStore
from artproof.fingerprint.features import Features
from artproof.fingerprint.registry import FingerprintRegistry, Match, Query
from artproof.store.blobs import Blobs
from artproof.watermark import Detection, detect

__all__ = ["READING_SHORT", "Identification", "reading_reference"]

READING_SHORT = 1024


class Identification:
    def __init__(self, store: EditionStore, fingerprints: FingerprintRegistry, blobs: Blobs) -> None:
        self.store = store
        self.fingerprints = fingerprints
        self.blobs = blobs

    def read_mark(
        self,
        seen: Image.Image | Query,
        matches: Sequence[Match] | None = None,
        expected: Sequence[int] = (),
        certified: Features | None = None,
    ) -> tuple[Detection, EditionRecord | None]:
        """The watermark: blind first; then aligned with the registered pictures this image is a copy of.

        The aligned reading (the registered picture subtracted) reads crops and busy pictures the
        blind one cannot; its candidates are the fingerprint registry's confirmed matches (given, or
        searched here), and the alignment they found gives its scale, or, for a copy found by its
        keypoints (turned, photographed, a detail) or by its outline, the homography that lays it back
        onto the master, refined by the pixels (:func:`artproof.core.alignment.refine`). Last, the
        pictures the copy's outlines hold, laid flat, are read blind: a photograph or a screenshot of
        an edition whose master is not in this registry still names its edition. ``expected``, the
        payload a certificate given with the copy names, lets the blind readings name that edition
        from a mark too damaged to decode alone. ``certified``, that certificate's keypoints: last, the
        copy is laid onto the certified picture's frame where they place it, and read blind there (away
        from the registry, a photographed print of 12 studio works read 0 of 12 blind, 12 laid back).
        """
        image = seen.image if isinstance(seen, Query) else seen
        pixels = np.asarray(image.convert("RGB"))
        blind = detect(pixels, expected=expected)
        if blind.found:
            return blind, self._edition_of(blind)
        # from here on the copy's hashes, keypoints and outlines are computed once (verify's, when given)
        query = seen if isinstance(seen, Query) else Query.of(image)
        tried: set[tuple[str, str]] = set()
        searched = list(matches) if matches is not None else self.fingerprints.search(query)
        for match in self._geometries(query, searched):
            found = self._read_aligned(pixels, image, match, tried)
            if found is not None and found.found:
                return found, self._edition_of(found)
        for corners in query.outlined:  # a photograph or a page of a picture not registered here: laid flat
            flat = detect(np.asarray(rectify(image, corners)[0]), expected=expected)
            if flat.found:
                return flat, self._edition_of(flat)
        if certified is not None and (placed := query.placed_in(certified, CERTIFIED_INLIERS)) is not None:
            onto = detect(laid_onto(image, placed.homography, certified.size), scale=1.0, expected=expected)
            if onto.found:
                return onto, self._edition_of(onto)
        return blind, None

    def _geometries(self, query: Query, searched: list[Match]) -> Iterator[Match]:
        """The ways to lay the copy onto a master, cheapest first, each computed only if the last did not read."""
        yield from searched
        if not any(m.confirmed for m in searched):
            return
        if not any(m.alignment is not None for m in searched):
            # the hashes found it but their alignment (shift and scale) did not read it: a slightly
            # turned copy of a smooth picture; keypoints give the homography
            yield from self.fingerprints.search_local(query)
        # found, but its mark not read through that geometry: a smooth picture's quarter detail may be
        # "placed" by a dozen chance keypoints over a few per cent of it; as a detail, at its own scale
        yield from self.fingerprints.as_details(query, [m.entry for m in searched if m.confirmed])

    def _read_aligned(
        self, pixels: np.ndarray, image: Image.Image, match: Match, tried: set[tuple[str, str]]
    ) -> Detection | None:
        """The mark read with the registered master of a confirmed edition match, aligned as the match says."""
        record = self.store.get(match.entry.ref) if match.confirmed and match.entry.kind == "edition" else None
        # each master once per geometry: a smooth picture's quarter detail can correlate 0.85 with one of the
        # hashes' standard crops (the wrong scale) and then be found as a detail at its own scale
        how = "homography" if match.alignment is not None else f"scale {match.scale:.2f}"
        if record is None or (record.reference_blob, how) in tried:
            return None
        tried.add((record.reference_blob, how))
        luma = decode_image(self.blobs.get(record.reference_blob)).convert("L")
        reference = np.asarray(luma)
        # the payloads a copy of this master can carry: its editions' (a damaged word names one of them)
        expected = [
            parse_edition_id(r.edition_id)
            for r in self.store.by_work(record.work_id)
            if r.reference_blob == record.reference_blob
        ]
        if match.alignment is None:
            return detect(pixels, reference=reference, scale=match.scale, expected=expected)
        # found by keypoints or an outline: lay the copy back onto the master (made exact by ECC), then read; where
        # ECC slid off (it can, on a sharp outline), the match's own geometry is read too
        size = Features.from_bytes(match.entry.features).size if match.entry.features else luma.size
        found = Detection(found=False)
        for homography in refined_first(image, match.alignment.homography, luma, size):
            onto = warp_onto(image, homography, luma, size)
            found = detect(np.repeat(onto[..., None], 3, axis=2), reference=reference, scale=1.0, expected=expected)
            if found.found:
                break
        return found

    def _edition_of(self, found: Detection) -> EditionRecord | None:
        return None if found.payload is None else self.store.get(edition_id(found.payload))

    def identify(self, data: bytes, name: str) -> Identified:
        """Read the watermark and look the edition up."""
        found, record = self.read_mark(decode_image(data, name=name))
        if not found.found or found.payload is None:
            return Identified(found=False, file=name)
        return Identified(
            found=True,
            file=name,
            edition_id=edition_id(found.payload),
            registered=record is not None,
            work_id=record.work_id if record else None,
            number=record.number if record else None,
            count=record.count if record else None,
            artist_proof=record.artist_proof if record else None,
            revoked=bool(record and record.revoked_at),
            detection={
                "corrected_bits": found.errors,
                "aligned_with_master": found.informed,
                "scale": found.scale,
                "turned_deg": round(found.angle, 2),
                "mirrored": found.mirrored,
                "matched_to_editions": found.matched,
            },
        )


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
