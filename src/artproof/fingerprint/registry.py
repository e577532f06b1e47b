"""The fingerprint registry: every registered work and issued edition, findable from any copy of it.

Each row keeps three perceptual hashes of the picture (pHash, dHash, colour hash),
the pHashes of five standard 80% crops, a small colour thumbnail and the picture's
local features (ORB keypoints, :mod:`artproof.fingerprint.features`).

Search is global first: the FAISS multi-hash index returns every stored pHash (whole
or crop) within 8 bits of the query's; each candidate is confirmed by aligning the
query with the stored thumbnail (translation and scale) and measuring the
correlation of its luminance and of each colour channel, so a lookalike of the same
layout is not taken for the work. When that confirms nothing (a rotated copy, a
photograph of a print, a screenshot, a small detail, a mirror image), the local
stage runs: the shortlist (:mod:`artproof.fingerprint.shortlist`) names the pictures
whose stored descriptors are nearest the copy's, their keypoints are matched and a homography
fitted, and the copy, warped back onto each candidate by it, must correlate as well
as a global match must. A picture too smooth for keypoints, photographed or shown in a
page, is found last by its outline: the copy's quadrilaterals laid flat and looked up by
their hashes (:mod:`artproof.core.frames`). Both indexes are kept in memory in step with the table (rows
are only ever added): the hash index is rebuilt when the table changed, the shortlist
only takes the new rows.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, replace
from datetime import datetime
from functools import cached_property

import numpy as np
from numpy.typing import NDArray
from PIL import Image
from sqlalchemy import Connection, Engine, func, insert, select, update

from artproof.core.alignment import (
    DetailScales,
    bars_box,
    detail_similarity,
    frame_changes,
    refined_first,
    similarity,
    warped_similarity,
)
from artproof.core.frames import Outline, outlines, rectify
from artproof.core.images import decode_image, is_greyscale
from artproof.errors import ArtproofError
from artproof.fingerprint.features import (
    FINE,
    FINE_LONG,
    INDEXED,
    QUERY,
    WORK_LONG,
    Alignment,
    Features,
    describe,
    locate,
)
from artproof.fingerprint.hashes import CROPS, Fingerprint, crop_hashes, fingerprint, hamming
from artproof.fingerprint.index import GUARANTEED_RADIUS, HashIndex, to_codes
from artproof.fingerprint.shortlist import Shortlist
from artproof.store.blobs import Blobs
from artproof.store.tables import fingerprints

__all__ = ["CONFIRM", "FingerprintRegistry", "Match", "Query", "Registered"]

CONFIRM = 0.85  # aligned correlation above which a candidate is the same picture
THUMB_SHORT = 128
VARIANTS = ("full", *CROPS)
WIDE_RADIUS, WIDE_CANDIDATES = 16, 3  # when nothing is within 8 bits: the few nearest, confirmed by alignment
SHORTLIST = 24  # rows the local stage's shortlist names
SHORTLIST_QUERY = 200  # of the copy's keypoints (spread over it, strongest first), those the shortlist looks up
LOCAL_WORKS = 6  # works whose keypoints are matched (one row each: editions of a work share a picture)
FINE_WORKS = 2  # of those, the first ones described again finer when their stored keypoints locate nothing
DETAIL_WORKS = 3  # shortlisted works searched for the copy as a detail when keypoints place nothing: those that
DETAIL_SCREEN = 64.0  # hold it best at this thumbnail size (short side; a fifth of the search's cost)
DETAIL_FLOOR = 0.4  # and hold it at least this well there (found details: 0.51 and up; see _likely_details)
OUTLINE_NEAREST = 2  # pictures aligned per outline laid flat when none is within the guaranteed radius
MIN_REGION = 0.015  # keypoints agreeing over less of a registered picture than this judge nothing
SOFTEN = 1.0  # px at the working size: the blur (sigma) of the copy before the last look-up (Query.softened)
PARTIAL = 0.25  # keypoints agreeing over less of a picture than this leave its outline to be tried too
SETTLE = 0.02  # changed share of a lay-back from which it is made exact against the registered picture itself
SETTLE_SIDE = 384  # px, the long side the registered picture is refined against then (ECC's time goes with its area)
Laid = tuple[Alignment, tuple[float, float, float]]  # a placement, and (correlation, compared, changed) through it
BARE_KEEP = 0.1  # a picture inside flat bars is searched alone when it spans this much of the copy's side


@dataclass(frozen=True, slots=True)
class Registered:
    row_id: int
    kind: str  # work | edition
    ref: str
    work_id: str
    artist_key_id: str
    fingerprint: Fingerprint
    image_blob: str
    registered_at: str
    thumb: bytes
    features: bytes | None = None


@dataclass(frozen=True, slots=True)
class Match:
    entry: Registered
    variant: str  # which stored hash matched: full or the crop's side
    distance: int  # pHash bits
    similarity: float  # aligned correlation, the second stage
    scale: float  # the query's working scale relative to the registered picture (below 1: a crop)
    alignment: Alignment | None = None  # found by local features: the homography and its inliers
    region: float = 1.0  # share of the registered picture where keypoints agreed and pixels were compared
    changed: float | None = None  # share of that region showing something else (local matches: a stamp, a band)

    @property
    def confirmed(self) -> bool:
        return self.similarity >= CONFIRM and self.region >= MIN_REGION

    def evidence(self) -> dict[str, object]:
        """What the match rests on, for a report: the hash distance, the correlation, the geometry."""
        out: dict[str, object] = {"distance": self.distance, "similarity": round(self.similarity, 3)}
        if self.alignment is not None:
            if self.alignment.method != "outline":  # keypoints, or keypoints on an outline laid flat
                out |= {"inliers": self.alignment.inliers, "matches": self.alignment.matches}
            out |= {
                "compared_share": round(self.region, 3),
                "changed_share": round(self.changed or 0.0, 3),
                "transform": self.alignment.transform(),
            }
        elif self.changed is not None:  # the same frame, compared where it differs (Registry.with_changes)
            out["changed_share"] = round(self.changed, 3)
        return out


@dataclass(frozen=True)
class Query:
    """An image to look up, its fingerprint (and, when the local stage needs them, its keypoints) computed once."""

    image: Image.Image
    fingerprint: Fingerprint

    @classmethod
    def of(cls, image: Image.Image) -> Query:
        return cls(image, fingerprint(image))

    @cached_property
    def features(self) -> Features:
        return describe(self.image, QUERY)

    @cached_property
    def mirrored(self) -> Features:
        return describe(self.image, QUERY, mirrored=True)

    @cached_property
    def outlined(self) -> list[Outline]:
        """The pictures the copy may hold (a print photographed, a page's picture): found once per verification."""
        return outlines(self.image)

    @cached_property
    def scales(self) -> DetailScales:
        """The copy at the scales a detail is searched at: made once, whatever the works it is compared with."""
        return DetailScales(self.image)

    @cached_property
    def grey(self) -> bool:
        """Whether the copy is greyscale: then it is compared with the registered pictures in grey."""
        return is_greyscale(self.image)

    def thumb(self, entry: Registered) -> Image.Image:
        """``entry``'s thumbnail as this copy is compared with it: in grey for a greyscale copy.

        A black-and-white copy's channels are one picture three times; compared one by one with a
        colour original they measured the colour it lost: 12 of 50 greyscale copies of the copies
        benchmark's pictures were found, their correlations down to -0.1 (and a greyscale edition
        read tampered, 2-16 % of it "showing something else"). Compared in grey, the luminance is
        all that is judged, as it always was for greyscale works.
        """
        thumb = Image.open(io.BytesIO(entry.thumb))
        return thumb.convert("L").convert("RGB") if self.grey else thumb

    def may_be_detail_of(self, entry: Registered) -> bool:
        """Whether this copy may be searched for as a detail of ``entry``: not a greyscale copy in a colour picture.

        A detail is placed at any scale and place, so its correlation is all that judges it, and for a
        colour picture the colour channels' agreement was half of that. Compared in grey, smooth
        greyscale pictures nobody registered (a photograph's gradient of sky) were "found" as details of
        colour patterns at 0.88-0.90 (2 of the first 70 never-registered pictures, as greyscale
        reposts). A greyscale detail of a greyscale work is judged as it always was.
        """
        return not self.grey or is_greyscale(Image.open(io.BytesIO(entry.thumb)))

    @cached_property
    def screen(self) -> DetailScales:
        """The copy at the scales a detail is screened at, coarser: which shortlisted works to search it in."""
        return DetailScales(self.image, DETAIL_SCREEN)

    @cached_property
    def softened(self) -> Features:
        """The copy's keypoints once softened (:data:`SOFTEN`): what a detail shown larger than it was registered
        looks like at the registry's coarser description. A quarter detail of a grainy graphic (the copies
        benchmark's detail25 w263) shortlisted its work nowhere by its keypoints at full or half size, and
        2nd softened; the detail search then confirmed it (0.99)."""
        return describe(self.image, QUERY, soften=SOFTEN)

    @cached_property
    def coarse(self) -> Features:
        """The copy's keypoints at half the working size: what a detail shown twice as large looked like registered."""
        return describe(self.image, QUERY, long_side=WORK_LONG // 2)

    def placed_in(self, described: Features, least: int) -> Alignment | None:
        """Where ``described`` (a picture's keypoints: a certificate's) lies in this copy, by ``least`` agreeing
        keypoints or more: at the copy's working size, else at half of it (a detail shown larger than the
        picture was described: a quarter detail's keypoints placed 25 of 36 at the first, 35 with both)."""
        for features in (self.features, self.coarse):
            found = locate(features, described)
            if found is not None and found.inliers >= least:
                return found
        return None


def _thumbnail(image: Image.Image) -> bytes:
    """The picture at 128 px on its short side, colour, PNG (tens of kB): what the second stage aligns to."""
    rgb = image.convert("RGB")
    scale = THUMB_SHORT / min(rgb.size)
    rgb = rgb.resize((max(1, round(rgb.width * scale)), max(1, round(rgb.height * scale))), Image.Resampling.BOX)
    buffer = io.BytesIO()
    rgb.save(buffer, format="PNG")
    return buffer.getvalue()


def _registered(row: object) -> Registered:
    m = row._mapping  # type: ignore[attr-defined]
    return Registered(
        row_id=int(m["id"]),
        kind=m["kind"],
        ref=m["ref"],
        work_id=m["work_id"],
        artist_key_id=m["artist_key_id"],
        fingerprint=Fingerprint(m["phash"], m["dhash"], m["colorhash"]),
        image_blob=m["image_blob"],
        registered_at=m["registered_at"],
        thumb=bytes(m["thumb"]),
        features=bytes(m["features"]) if m.get("features") is not None else None,
    )


class FingerprintRegistry:
    def __init__(self, engine: Engine, blobs: Blobs) -> None:
        self.engine = engine
        self.blobs = blobs
        self._index: HashIndex | None = None
        self._stamp: tuple[int, int] = (-1, -1)
        self._shortlist = Shortlist()
        self._shortlist_rows: list[int] = []  # row id of each shortlist picture number
        self._fine_cache: dict[str, Features] = {}
        self._settle_cache: dict[str, Image.Image | None] = {}
        self._shortlist_top = 0  # the highest row id in the shortlist

    @staticmethod
    def row(
        kind: str, ref: str, work_id: str, artist_key_id: str, image: Image.Image, image_blob: str, at: datetime
    ) -> dict[str, object]:
        """The table row for a picture (hashes and thumbnail computed here)."""
        fp = fingerprint(image)
        return {
            "kind": kind,
            "ref": ref,
            "work_id": work_id,
            "artist_key_id": artist_key_id,
            "phash": fp.phash,
            "dhash": fp.dhash,
            "colorhash": fp.colorhash,
            "crops": json.dumps(crop_hashes(image)),
            "image_blob": image_blob,
            "thumb": _thumbnail(image),
            "features": describe(image).to_bytes(),
            "registered_at": at.isoformat(),
        }

    @staticmethod
    def insert(c: Connection, rows: list[dict[str, object]]) -> None:
        if rows:
            c.execute(insert(fingerprints), rows)

    def entries(self, ref: str) -> list[Registered]:
        with self.engine.connect() as c:
            return [_registered(r) for r in c.execute(select(fingerprints).where(fingerprints.c.ref == ref)).all()]

    def _current_index(self) -> HashIndex:
        with self.engine.connect() as c:
            count, top = c.execute(select(func.count(), func.coalesce(func.max(fingerprints.c.id), 0))).one()
            stamp = (int(count), int(top))
            if self._index is not None and stamp == self._stamp:
                return self._index
            rows = c.execute(select(fingerprints.c.id, fingerprints.c.phash, fingerprints.c.crops)).all()
        index = HashIndex()
        labels, hexes = [], []
        for row in rows:
            crops = json.loads(row.crops)
            for position, variant in enumerate(VARIANTS):
                labels.append(int(row.id) * len(VARIANTS) + position)
                hexes.append(row.phash if variant == "full" else crops[variant])
        if hexes:
            index.add(labels, to_codes(hexes))
        self._index, self._stamp = index, stamp
        return index

    def confirm(self, query: Query, entry: Registered, variant: str = "full", *, local: bool = True) -> Match:
        """The second stage for one registered picture: align the query with its thumbnail, else by keypoints,
        else as a detail of it."""
        score, scale = similarity(query.image, query.thumb(entry))
        match = Match(entry, variant, hamming(query.fingerprint.phash, entry.fingerprint.phash), score, scale)
        if match.confirmed or not local:
            return match
        located = self._located(query, [entry]) if entry.features is not None else []
        if located and located[0].similarity > match.similarity:
            match = located[0]
        return match if match.confirmed else (self.as_detail(query, entry) or match)

    def with_changes(self, query: Query, match: Match) -> Match:
        """``match``, found in the registered picture's own frame (whole or cropped), with the share of the
        query that shows something else there (``Match.changed``): what a stamp changes, which the
        correlation alone judged unevenly. A match laid back by keypoints or an outline has it already;
        a detail's is not measured (its correlation, at its own scale, is as strict)."""
        if match.alignment is not None or match.variant not in VARIANTS or match.changed is not None:
            return match
        return replace(match, changed=frame_changes(query.image, query.thumb(match.entry), match.scale))

    # the local stage ---------------------------------------------------------------

    def _current_shortlist(self) -> Shortlist:
        """The shortlist in step with the table: new rows added; rebuilt if rows appeared below its top."""
        with self.engine.connect() as c:
            below = c.execute(select(func.count()).where(fingerprints.c.id <= self._shortlist_top)).scalar_one()
            if below != len(self._shortlist_rows):  # another process committed an older id late
                self._shortlist, self._shortlist_rows, self._shortlist_top = Shortlist(), [], 0
            rows = c.execute(
                select(fingerprints.c.id, fingerprints.c.features, fingerprints.c.image_blob)
                .where(fingerprints.c.id > self._shortlist_top)
                .order_by(fingerprints.c.id)
            ).all()
        if not rows:
            return self._shortlist
        described = {int(r.id): self._describe_blob(r.image_blob) for r in rows if r.features is None}
        if described:  # rows registered before migration 0008: described once, written back
            with self.engine.begin() as c:
                for row_id, data in described.items():
                    c.execute(
                        update(fingerprints)
                        .where(fingerprints.c.id == row_id, fingerprints.c.features.is_(None))
                        .values(features=data)
                    )
        sets = [Features.from_bytes(bytes(r.features) if r.features else described[int(r.id)]) for r in rows]
        self._shortlist.add([f.descriptors[:INDEXED] for f in sets])
        self._shortlist_rows += [int(r.id) for r in rows]
        self._shortlist_top = int(rows[-1].id)
        return self._shortlist

    def _fine(self, blob_id: str) -> Features:
        """A registered picture's finer keypoints (kept for the last 64 pictures asked: 40 kB each)."""
        if blob_id not in self._fine_cache:
            try:
                picture = decode_image(self.blobs.get(blob_id))
                self._fine_cache[blob_id] = describe(picture, FINE, long_side=FINE_LONG)
            except ArtproofError:  # missing from the blob store: its stored keypoints were all there was
                self._fine_cache[blob_id] = describe(Image.new("L", (1, 1)))
            while len(self._fine_cache) > 64:
                self._fine_cache.pop(next(iter(self._fine_cache)))
        return self._fine_cache[blob_id]

    def _best_laid(
        self, query: Query, entry: Registered, alignment: Alignment, size: tuple[int, int], *, far: bool = True
    ) -> Laid:
        """``alignment`` with the homography that lays the copy back best (:func:`refined_first`), and the
        comparison through it (correlation, compared share, changed share; inside the keypoints' region where
        they give one).

        ECC can slide off a sharp outline (a photographed print: 0.95 laid back by its corners, 0.72
        refined), so the better laid back is kept. Refined against the thumbnail first; then against the
        registered picture itself (at :data:`SETTLE_SIDE` px) where :data:`SETTLE` of the copy or more
        still shows something else, or where the keypoints agree over less than :data:`PARTIAL` of the
        picture: keypoints that agree over one part of a photographed print extrapolate its perspective
        over the rest (15-16 % of the picture's side off at its far corners). ECC on a 171 px thumbnail
        did not always find the way back from there (once from 0.88 laid as given to 0.81); judged
        through that geometry a faithful part of a print "changed" 25-26 % of what it showed, and read
        ``tampered`` once its mark was read; one placed over 2 % of it (0.965, 1.7 % changed) was
        refined against the picture to 0.991 with none, and its mark read there. ``far=False``: a
        whole picture's outline, refined within reach and against the thumbnail only.
        """
        thumb = query.thumb(entry)

        def laid(homographies: list[NDArray[np.float64]]) -> list[Laid]:
            return [
                (replace(alignment, homography=h), warped_similarity(query.image, thumb, h, size, alignment.region))
                for h in homographies
            ]

        best = max(laid(refined_first(query.image, alignment.homography, thumb, size, far=far)), key=_score)
        if not far or (best[1][2] < SETTLE and best[1][1] >= PARTIAL):
            return best
        picture = self._settle_picture(entry.image_blob)
        if picture is None:  # missing from the blob store: the thumbnail is all there is
            return best
        refined = refined_first(query.image, alignment.homography, picture, size, far=True)
        return max([best, *laid([h for h in refined if h is not alignment.homography])], key=_score)

    def _settle_picture(self, blob_id: str) -> Image.Image | None:
        """A registered picture's luminance at :data:`SETTLE_SIDE` px (kept for the last 16 asked: one verify
        settles the same picture from the copy's keypoints and from its outline laid flat), or None if missing."""
        if blob_id not in self._settle_cache:
            try:
                picture: Image.Image | None = decode_image(self.blobs.get(blob_id)).convert("L")
            except ArtproofError:
                picture = None
            if picture is not None:
                picture.thumbnail((SETTLE_SIDE, SETTLE_SIDE), Image.Resampling.BOX)
            self._settle_cache[blob_id] = picture
            while len(self._settle_cache) > 16:
                self._settle_cache.pop(next(iter(self._settle_cache)))
        return self._settle_cache[blob_id]

    def _describe_blob(self, blob_id: str) -> bytes:
        try:
            return describe(decode_image(self.blobs.get(blob_id))).to_bytes()
        except ArtproofError:  # a picture missing from the blob store is found by its hashes only
            return describe(Image.new("L", (1, 1))).to_bytes()

    def search_local(self, image: Image.Image | Query, *, limit: int = 5) -> list[Match]:
        """Registered pictures found by their keypoints: rotated, photographed, screenshotted, detail or mirror."""
        query = image if isinstance(image, Query) else Query.of(image)
        shortlist = self._current_shortlist()
        if not shortlist.count:
            return []
        best: list[Match] = []
        matched: set[str] = set()  # works whose stored keypoints the copy's (unmirrored) were matched to
        tried: set[str] = set()  # of those, works whose finer description was matched too
        detailed: set[str] = set()  # works searched for the copy as a detail already
        screened: dict[str, float] = {}  # works screened for it as a detail: how well they hold it, coarsely
        # the copy's keypoints, its mirror image's, the copy's looked up by its keypoints at half size (a
        # detail shown at twice the registered scale, whose fine corners the registry never described) and
        # last by its keypoints softened (a grainy detail shown larger than registered: its grain is finer
        # than what the registry described)
        passes = (
            (query.features, query.features),
            (query.mirrored, query.mirrored),
            (query.features, query.coarse),
            (query.softened, query.softened),
        )
        for features, lookup in passes:
            coarse, softened = lookup is query.coarse, lookup is query.softened
            found = shortlist.search(lookup.descriptors[:SHORTLIST_QUERY], k=SHORTLIST)
            ids = [self._shortlist_rows[n] for n, _score in found]
            if not ids:
                continue
            with self.engine.connect() as c:
                rows = c.execute(select(fingerprints).where(fingerprints.c.id.in_(ids))).all()
            entries = {int(r.id): _registered(r) for r in rows}
            groups: dict[str, list[Registered]] = {}
            for row_id in ids:  # editions of a work share its picture: one keypoint match per work
                groups.setdefault(entries[row_id].work_id, []).append(entries[row_id])
            matches: list[Match] = []
            for rank, (work, group) in enumerate(list(groups.items())[:LOCAL_WORKS]):
                if softened:  # works no earlier pass matched, by the softened keypoints alone
                    if work not in matched:
                        matches += self._located(query, group, features)
                        matched.add(work)
                    continue
                # a work further down, matched without its finer description, gets it when it ranks higher later
                fine = rank < FINE_WORKS and not features.mirrored and work not in tried
                if coarse and work in matched:  # the copy's keypoints met its stored ones already: only the
                    matches += self._located(query, group, query.coarse, fine=fine)  # half-size ones are new
                else:  # the last pass also matches the copy's half-size keypoints: a detail shown larger
                    matches += self._located(query, group, features, fine=fine, also=query.coarse if coarse else None)
                if not features.mirrored:
                    matched.add(work)
                if fine:
                    tried.add(work)
            if not any(m.confirmed for m in matches) and not features.mirrored:  # a detail keypoints do not place
                for work in self._likely_details(query, groups, screened)[:DETAIL_WORKS]:
                    if work not in detailed:  # searched whole, once
                        detailed.add(work)
                        matches += self._detail(query, groups[work])
            matches.sort(key=lambda m: (not m.confirmed, -m.similarity))
            if any(m.confirmed for m in matches):
                return matches[:limit]
            best = best or matches[:limit]
        return best

    def _likely_details(
        self, query: Query, groups: dict[str, list[Registered]], screened: dict[str, float]
    ) -> list[str]:
        """The shortlisted works, those whose picture best holds the query as a detail first (``screened`` keeps
        each work's score for the next pass).

        The shortlist ranks works by keypoints, which a soft picture's detail barely has: two quarter
        details whose work confirmed them at 0.99 ranked 4th and 7th, past the three searched. At a
        coarse size (:data:`DETAIL_SCREEN`, scales 5 % apart) the search costs a fifth (3 against 16 ms
        a work) and keeps the order: of the copies benchmark's 50 quarter details, the 48 whose work
        the shortlist names scored it above every other shortlisted work (0.74-1.0 for 47; the best
        unrelated work at most 0.67); on 204 pictures never registered the three works screened
        best scored at most 0.77 searched in full (confirming takes 0.85).

        Works that hold it worse than :data:`DETAIL_FLOOR` at the screen are not searched in full. The
        screen and the search measure the same correlation, the search finer: on 208 never-registered
        pictures no work scored more than 0.04 above its screen in full, while the details this search
        found confirmed at 0.98-1.0 in full, and the copies benchmark's details screened 0.51 and up
        (quarters; halves 0.67 and up). On those 208, 48 had a work over the floor: the others, most
        pictures nobody registered, stop at the screen. What it costs such a picture
        (``benchmarks/detail_screen.py``, 24 of them, 2,000 registered): about 45 works screened over
        two passes, 0.1 full searches, search p50 1,346 ms, against 1,249 ms with the first-three rule
        (6.3 full searches) and 1,487 ms screened without the floor.
        """
        for work, group in groups.items():
            if work not in screened and query.may_be_detail_of(group[0]):
                thumb = query.thumb(group[0])
                screened[work] = detail_similarity(query.screen, thumb, DETAIL_SCREEN, step=0.05)[0]
        likely = (work for work in groups if screened.get(work, -1.0) >= DETAIL_FLOOR)
        return sorted(likely, key=lambda work: -screened[work])

    def as_details(self, query: Query, entries: list[Registered]) -> list[Match]:
        """``entries`` (a work and its editions count once) confirmed as holding the query as a detail."""
        groups: dict[tuple[str, str], list[Registered]] = {}
        for entry in entries:
            groups.setdefault((entry.work_id, entry.fingerprint.phash), []).append(entry)
        return [match for group in groups.values() for match in self._detail(query, group)]

    def as_detail(self, query: Query, entry: Registered) -> Match | None:
        """``entry``'s picture confirmed as containing the query as a detail, at the detail's own scale, or None."""
        return next(iter(self._detail(query, [entry])), None)

    def _detail(self, query: Query, group: list[Registered]) -> list[Match]:
        """The group's picture confirmed as containing the query as a detail (down to a quarter of the area)."""
        entry = group[0]
        if not query.may_be_detail_of(entry):
            return []
        score, scale = detail_similarity(query.scales, query.thumb(entry))
        if score < CONFIRM:
            return []
        return [Match(e, "detail", hamming(query.fingerprint.phash, e.fingerprint.phash), score, scale) for e in group]

    def _located(
        self,
        query: Query,
        group: list[Registered],
        features: Features | None = None,
        *,
        fine: bool = False,
        also: Features | None = None,
    ) -> list[Match]:
        """Matches for registered pictures whose keypoints the query's agree with.

        A work's picture and its editions (the same pHash: they differ by the mark) are one picture:
        their keypoints are matched and the copy warped onto them once. ``features``: the query's, or
        its mirror image's; when not given, the query's and then its mirror image's are tried.
        ``fine``: when the stored keypoints (512, at 512 px) locate nothing, describe the registered
        picture again from its blob, finer (1024 at up to 1024 px), and try once more: a quarter
        detail holds a quarter of the stored keypoints, at a scale where the picture's fine texture
        was never described (on 10 quarter details the stored set located 1, the finer one 9).
        ``also``: other keypoints of the copy matched to the stored ones when ``features`` locate
        nothing (its half-size description: a detail shown at twice the registered scale).
        """
        out = []
        done: dict[tuple[str, str], Laid | None] = {}
        for entry in group:
            if entry.features is None:
                continue
            same = (entry.work_id, entry.fingerprint.phash)
            if same not in done:
                stored = Features.from_bytes(entry.features)
                alignment = locate(features or query.features, stored) or (
                    locate(query.mirrored, stored) if features is None else None
                )
                if alignment is None and also is not None:
                    alignment = locate(also, stored)
                if alignment is None and fine:
                    alignment = locate(query.features, self._fine(entry.image_blob))
                done[same] = None if alignment is None else self._best_laid(query, entry, alignment, stored.size)
            if (found := done[same]) is None:
                continue
            alignment, (score, share, changed) = found
            distance = hamming(query.fingerprint.phash, entry.fingerprint.phash)
            out.append(Match(entry, "features", distance, score, 1.0, alignment, share, changed))
        return out

    def search_outline(self, image: Image.Image | Query, *, limit: int = 5) -> list[Match]:
        """Registered pictures found whole inside the copy by their outline: a print photographed, a page's picture.

        For pictures too smooth for keypoints (a gradient, a dark scene, a flat illustration): the copy's
        quadrilaterals (:func:`artproof.core.frames.outlines`) are laid flat and looked up by their
        hashes (a smooth picture's pHash moves 8-12 bits when photographed and laid flat: the nearest
        :data:`OUTLINE_NEAREST` within 16 bits are aligned, which bounds what a stranger's page costs);
        each candidate is then judged as a keypoint match is: the homography from the copy to it, made
        exact by the pixels against its thumbnail (:func:`artproof.core.alignment.refine`: an outline's
        corners are a pixel or two off, and a blurred photograph of a flat graphic correlated 0.83 laid
        flat by them alone), the copy warped back by it and compared; where the outline laid it back
        better than the refinement (ECC slid off the sharp outline of a photographed print: 0.95 to
        0.72), the outline's homography is kept. A confirmed one keeps the
        homography, for the watermark to be read through it.
        """
        query = image if isinstance(image, Query) else Query.of(image)
        for corners in query.outlined:
            flat, to_flat = rectify(query.image, corners)
            found = []
            judged: dict[tuple[str, str], Laid] = {}
            for match in self.search_global(Query.of(flat), limit=limit, nearest=OUTLINE_NEAREST):
                if match.entry.features is None:
                    continue
                same = (match.entry.work_id, match.entry.fingerprint.phash)  # a work and its editions: once
                if same not in judged:
                    judged[same] = self._laid_flat(query, match.entry, flat.size, to_flat)
                alignment, (score, share, changed) = judged[same]
                outlined = Match(match.entry, "outline", match.distance, score, 1.0, alignment, share, changed)
                if outlined.confirmed:
                    found.append(outlined)
            if not found:  # part of a print photographed: laid flat, a detail its keypoints place
                found = self._placed_flat(query, Query.of(flat), to_flat, limit)
            if found:
                return found
        return []

    def outlined_as(self, image: Image.Image | Query, ref: str) -> Match | None:
        """The registered picture ``ref`` compared with each picture the copy's outlines hold, laid flat: the
        best comparison, or None (no outline, or ``ref`` unknown or without keypoints' size).

        For a copy whose mark already names ``ref``: :meth:`search_outline` looks a laid-flat picture up by
        its hashes first, and a smooth picture's pHash can move past its reach when photographed (a linear
        ramp's photographed print laid flat: 28 bits, 16 reached), so the copy, its mark read, was compared
        with nothing and read "a mark copied into another image". Judged as :meth:`search_outline` judges.
        """
        query = image if isinstance(image, Query) else Query.of(image)
        entries = [e for e in self.entries(ref) if e.features is not None]
        best: Match | None = None
        for corners in query.outlined if entries else []:
            flat, to_flat = rectify(query.image, corners)
            alignment, (score, share, changed) = self._laid_flat(query, entries[0], flat.size, to_flat)
            distance = hamming(Query.of(flat).fingerprint.phash, entries[0].fingerprint.phash)
            match = Match(entries[0], "outline", distance, score, 1.0, alignment, share, changed)
            if best is None or match.similarity > best.similarity:
                best = match
        return best

    def _laid_flat(self, query: Query, entry: Registered, flat: tuple[int, int], to_flat: NDArray[np.float64]) -> Laid:
        """The copy laid back onto ``entry`` by an outline's homography (``to_flat``, onto a ``flat``-sized picture)."""
        size = Features.from_bytes(entry.features or b"").size
        to_registered = np.diag([size[0] / flat[0], size[1] / flat[1], 1.0]) @ to_flat
        return self._best_laid(query, entry, Alignment(to_registered, 0, 0, method="outline"), size, far=False)

    def _placed_flat(self, query: Query, flat: Query, to_flat: NDArray[np.float64], limit: int) -> list[Match]:
        """Registered pictures an outline laid flat is placed in by keypoints, judged on the copy itself.

        A collector's photograph of part of a print: its outline is the print's edge on two sides and
        the photograph's on the others, so it lays flat a detail, which no hash finds; in perspective
        its keypoints place nothing, laid flat they do (the copies benchmark's photo>detail50 w1119:
        0.98). Each keypoint match's homography gets the outline's composed in (it then maps the
        copy's own pixels, for the mark to be read there) and the copy is compared through it. What
        it costs a picture nobody registered: 16 of 100 had an outline, a keypoint search each
        (p50 657 ms an outline: 124 ms a picture on average); 0 of 400 confirmed
        (``benchmarks/fingerprint_copies.py``, "pictures never registered").
        """
        out = []
        judged: dict[tuple[str, str], Laid] = {}
        for match in self.search_local(flat, limit=limit):
            if not match.confirmed or match.alignment is None or match.entry.features is None:
                continue
            same = (match.entry.work_id, match.entry.fingerprint.phash)  # a work and its editions: once
            if same not in judged:
                composed = replace(
                    match.alignment, homography=match.alignment.homography @ to_flat, method="outline+keypoints"
                )
                size = Features.from_bytes(match.entry.features).size
                judged[same] = self._best_laid(query, match.entry, composed, size)
            alignment, (score, share, changed) = judged[same]
            placed = Match(match.entry, "features", match.distance, score, 1.0, alignment, share, changed)
            if placed.confirmed:
                out.append(placed)
        return out

    def search_global(
        self, image: Image.Image | Query, *, limit: int = 5, nearest: int = WIDE_CANDIDATES
    ) -> list[Match]:
        """Registered pictures this image is a re-encoded, rescaled or cropped copy of, by the global hashes.

        ``nearest``: when nothing is within the guaranteed radius, how many of the nearest pictures
        within :data:`WIDE_RADIUS` are aligned to confirm one.
        """
        query = image if isinstance(image, Query) else Query.of(image)
        best: dict[int, tuple[int, str]] = {}
        index = self._current_index()
        found = index.search(query.fingerprint.phash, GUARANTEED_RADIUS)
        wide = not found
        if wide:  # a crop of a busy picture: its pHash moves further; alignment decides, not the hash
            found = index.nearest(query.fingerprint.phash, WIDE_RADIUS, nearest * len(VARIANTS))
        for label, distance in found:
            row_id, position = divmod(label, len(VARIANTS))
            if row_id not in best or distance < best[row_id][0]:
                best[row_id] = (distance, VARIANTS[position])
        # each candidate costs an alignment (~0.14 s): beyond 8 bits, only the few nearest pictures
        ranked = sorted(best.items(), key=lambda item: item[1][0])[: min(limit, nearest) if wide else limit]
        if not ranked:
            return []
        with self.engine.connect() as c:
            rows = c.execute(select(fingerprints).where(fingerprints.c.id.in_([r for r, _ in ranked]))).all()
        entries = {int(r.id): _registered(r) for r in rows}
        seen: dict[tuple[str, str], tuple[float, float]] = {}  # editions of one picture are aligned once
        matches = []
        for row_id, (distance, variant) in ranked:
            entry = entries[row_id]
            same = (entry.work_id, entry.fingerprint.phash)  # the work's picture and its editions: one alignment
            if same not in seen:
                seen[same] = similarity(query.image, query.thumb(entry))
            score, scale = seen[same]
            matches.append(Match(entry, variant, distance, score, scale))
        return sorted(matches, key=lambda m: (not m.confirmed, m.distance))

    def search(self, image: Image.Image | Query, *, limit: int = 5, local: bool = True) -> list[Match]:
        """Registered pictures this image is a copy of, confirmed first: by the global hashes, else by keypoints.

        ``local=False`` keeps to the global stage (re-encoded, rescaled, cropped copies; a few ms).
        When the best keypoint match agrees over less than :data:`PARTIAL` of the picture and the copy
        holds an outline, the outline is tried too, and its match put first when it covers more: a
        photographed part of an edition was placed by keypoints over 8 % of it, too little to read
        the mark through ("registered_work"); its outline laid flat placed it over 10-39 % (eight
        runs, each edition's mark new), and the mark was read.
        """
        query = image if isinstance(image, Query) else Query.of(image)
        matches = self.search_global(query, limit=limit)
        if not local or any(m.confirmed for m in matches):
            return matches
        return self.search_beyond(query, matches, limit=limit)

    def search_beyond(self, query: Query, matches: list[Match], *, limit: int = 5) -> list[Match]:
        """The stages after the global one, for a query whose global ``matches`` confirmed nothing: keypoints,
        the outline laid flat, the picture without its bars; confirmed first, then ``matches``.

        Apart from :meth:`search` so that ``benchmarks/fingerprint_copies.py`` times the global stage
        and these separately while measuring exactly what ``verify`` runs.
        """
        found = self.search_local(query, limit=limit)
        if not any(m.confirmed for m in found):
            found = self.search_outline(query, limit=limit) or found
        elif found[0].region < PARTIAL and query.outlined:  # keypoints agreed over a corner of what it shows
            outlined = self.search_outline(query, limit=limit)
            if outlined and _lays_better(outlined[0], found[0]):  # first; the keypoints' matches kept after
                placed = {m.entry.row_id for m in outlined}
                found = outlined + [m for m in found if m.entry.row_id not in placed]
        if not any(m.confirmed for m in found) and (box := bars_box(query.image, keep=BARE_KEEP)) is not None:
            found = self._without_bars(query, box, limit) or found
        if any(m.confirmed for m in found):
            seen = {f.entry.row_id for f in found}
            return (found + [m for m in matches if m.entry.row_id not in seen])[:limit]
        return matches or found

    def _without_bars(self, query: Query, box: tuple[int, int, int, int], limit: int) -> list[Match]:
        """The picture inside flat bars (a letterbox, a plain frame) placed by itself, when the whole placed nothing.

        Shrunk to the working size with its bars, a tall picture in a 16:9 card kept a sixth of its
        keypoints, and a stamp over it then held the keypoints' comparison under 0.85 (0.846; 0.88
        without the bars); in a 3:1 banner none of its keypoints were placed. The bare picture goes
        through the stages that give a geometry (keypoints, then its outline), and each match's
        homography gets the bars' offset composed in: it maps the copy's own pixels, so the mark is
        read, and the picture compared, on the copy as it is. (The global stage is left out: its
        matches carry no geometry, and their scale and changed share would be the bare picture's.)
        """
        bare = Query.of(query.image.crop(box))
        found = self.search_local(bare, limit=limit)
        if not any(m.confirmed for m in found):
            found = self.search_outline(bare, limit=limit)
        shift = np.array([[1.0, 0.0, -box[0]], [0.0, 1.0, -box[1]], [0.0, 0.0, 1.0]])
        return [
            replace(m, alignment=replace(m.alignment, homography=m.alignment.homography @ shift))
            for m in found
            if m.confirmed and m.alignment is not None
        ]


def _lays_better(outlined: Match, placed: Match) -> bool:
    """Whether the outline's match judges the copy better than the keypoints' that agree over a corner of it.

    It covers more of the picture without showing more of it changed (by :data:`SETTLE`); or it lays
    the copy back closer, with less of it showing something else: keypoints agreeing over 23 % of a
    photographed part of a print placed it at 0.96 with 33 % of it "changed", its outline laid flat at
    0.99 with none (a stamp shows through any placement). Keypoints on an outline laid flat placed
    another part of a print over 10 % of it at 0.94 with 29 % "changed", where the copy's own, over
    2 %, laid it back at 0.99 with none: put first by its coverage alone, the wrong placement was the
    one the mark was read through, and it was not read.
    """
    if outlined.region > placed.region and (outlined.changed or 0.0) <= (placed.changed or 0.0) + SETTLE:
        return True
    return outlined.similarity > placed.similarity and (outlined.changed or 0.0) < (placed.changed or 0.0)


def _score(placed: Laid) -> float:
    return placed[1][0]
