"""The fingerprint registry: every registered work and issued edition, findable from any copy of it.

Each row keeps three perceptual hashes of the picture (pHash, dHash, colour hash)
and the pHashes of five standard 80% crops. Search is two stages: the FAISS
multi-hash index returns every stored pHash (whole or crop) within 11 bits of
the query's; each candidate is then confirmed by aligning the query with the
stored picture and measuring their correlation, so a lookalike of the same
style is not taken for the work. The index is rebuilt in memory from the table
whenever the table has changed (rows are only ever added), so it is always in
step with the store.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from PIL import Image
from sqlalchemy import Connection, Engine, func, insert, select

from artproof.core.images import decode_image
from artproof.core.registration import similarity
from artproof.fingerprint.hashes import CROPS, Fingerprint, crop_hashes, fingerprint, hamming
from artproof.fingerprint.index import GUARANTEED_RADIUS, HashIndex, to_codes
from artproof.store.blobs import BlobStore
from artproof.store.tables import fingerprints

__all__ = ["CONFIRM", "FingerprintRegistry", "Match", "Registered"]

CONFIRM = 0.85  # aligned correlation above which a candidate is the same picture
VARIANTS = ("full", *CROPS)


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


@dataclass(frozen=True, slots=True)
class Match:
    entry: Registered
    variant: str  # which stored hash matched: full or the crop's side
    distance: int  # pHash bits
    similarity: float  # aligned correlation, the second stage

    @property
    def confirmed(self) -> bool:
        return self.similarity >= CONFIRM


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
    )


class FingerprintRegistry:
    def __init__(self, engine: Engine, blobs: BlobStore) -> None:
        self.engine = engine
        self.blobs = blobs
        self._index: HashIndex | None = None
        self._stamp: tuple[int, int] = (-1, -1)

    @staticmethod
    def row(
        kind: str, ref: str, work_id: str, artist_key_id: str, image: Image.Image, image_blob: str, at: datetime
    ) -> dict[str, object]:
        """The table row for a picture (hashes computed here)."""
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
            "registered_at": at.isoformat(),
        }

    @staticmethod
    def insert(c: Connection, rows: list[dict[str, object]]) -> None:
        if rows:
            c.execute(insert(fingerprints), rows)

    def add(self, row: dict[str, object]) -> None:
        with self.engine.begin() as c:
            self.insert(c, [row])

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

    def search(self, image: Image.Image, *, limit: int = 5, confirm: bool = True) -> list[Match]:
        """Registered pictures this image is a copy of (re-encoded, rescaled or cropped), best first."""
        query = fingerprint(image)
        best: dict[int, tuple[int, str]] = {}
        for label, distance in self._current_index().search(query.phash, GUARANTEED_RADIUS):
            row_id, position = divmod(label, len(VARIANTS))
            if row_id not in best or distance < best[row_id][0]:
                best[row_id] = (distance, VARIANTS[position])
        ranked = sorted(best.items(), key=lambda item: item[1][0])[:limit]
        if not ranked:
            return []
        with self.engine.connect() as c:
            rows = c.execute(select(fingerprints).where(fingerprints.c.id.in_([r for r, _ in ranked]))).all()
        entries = {int(r.id): _registered(r) for r in rows}
        matches = []
        for row_id, (distance, variant) in ranked:
            entry = entries[row_id]
            score = similarity(image, decode_image(self.blobs.get(entry.image_blob))) if confirm else 1.0
            matches.append(Match(entry, variant, distance, score))
        return sorted(matches, key=lambda m: (not m.confirmed, m.distance))

    def distance_to(self, image: Image.Image, ref: str) -> Match | None:
        """How far this image is from the picture registered under ``ref`` (an edition or work), if any."""
        entries = self.entries(ref)
        if not entries:
            return None
        entry = entries[0]
        query = fingerprint(image)
        score = similarity(image, decode_image(self.blobs.get(entry.image_blob)))
        return Match(entry, "full", hamming(query.phash, entry.fingerprint.phash), score)
