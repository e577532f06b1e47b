"""The fingerprint registry: every registered work and issued edition, findable from any copy of it.

Each row keeps three perceptual hashes of the picture (pHash, dHash, colour hash),
the pHashes of five standard 80% crops, and a small luminance thumbnail. Search
is two stages: the FAISS multi-hash index returns every stored pHash (whole or
crop) within 8 bits of the query's; each candidate is then confirmed by
aligning the query with the stored colour thumbnail and measuring the
correlation of its luminance and of each colour channel, so a lookalike of the
same layout is not taken for the work. The index is
rebuilt in memory from the table whenever the table has changed (rows are only
ever added), so it is always in step with the store.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from datetime import datetime

from PIL import Image
from sqlalchemy import Connection, Engine, func, insert, select

from artproof.core.alignment import similarity
from artproof.fingerprint.hashes import CROPS, Fingerprint, crop_hashes, fingerprint, hamming
from artproof.fingerprint.index import GUARANTEED_RADIUS, HashIndex, to_codes
from artproof.store.blobs import BlobStore
from artproof.store.tables import fingerprints

__all__ = ["CONFIRM", "FingerprintRegistry", "Match", "Query", "Registered"]

CONFIRM = 0.85  # aligned correlation above which a candidate is the same picture
THUMB_SHORT = 128
VARIANTS = ("full", *CROPS)
WIDE_RADIUS, WIDE_CANDIDATES = 16, 3  # when nothing is within 8 bits: the few nearest, confirmed by alignment


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


@dataclass(frozen=True, slots=True)
class Match:
    entry: Registered
    variant: str  # which stored hash matched: full or the crop's side
    distance: int  # pHash bits
    similarity: float  # aligned correlation, the second stage
    scale: float  # the query's working scale relative to the registered picture (below 1: a crop)

    @property
    def confirmed(self) -> bool:
        return self.similarity >= CONFIRM


@dataclass(frozen=True, slots=True)
class Query:
    """An image to look up, its fingerprint computed once."""

    image: Image.Image
    fingerprint: Fingerprint

    @classmethod
    def of(cls, image: Image.Image) -> Query:
        return cls(image, fingerprint(image))


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

    def confirm(self, query: Query, entry: Registered, variant: str = "full") -> Match:
        """The second stage for one registered picture: align the query with its thumbnail."""
        score, scale = similarity(query.image, Image.open(io.BytesIO(entry.thumb)))
        return Match(entry, variant, hamming(query.fingerprint.phash, entry.fingerprint.phash), score, scale)

    def search(self, image: Image.Image | Query, *, limit: int = 5) -> list[Match]:
        """Registered pictures this image is a copy of (re-encoded, rescaled or cropped), confirmed first."""
        query = image if isinstance(image, Query) else Query.of(image)
        best: dict[int, tuple[int, str]] = {}
        index = self._current_index()
        found = index.search(query.fingerprint.phash, GUARANTEED_RADIUS)
        wide = not found
        if wide:  # a crop of a busy picture: its pHash moves further; alignment decides, not the hash
            found = index.nearest(query.fingerprint.phash, WIDE_RADIUS, WIDE_CANDIDATES * len(VARIANTS))
        for label, distance in found:
            row_id, position = divmod(label, len(VARIANTS))
            if row_id not in best or distance < best[row_id][0]:
                best[row_id] = (distance, VARIANTS[position])
        # each candidate costs an alignment (~0.14 s): beyond 8 bits, only the few nearest pictures
        ranked = sorted(best.items(), key=lambda item: item[1][0])[: min(limit, WIDE_CANDIDATES) if wide else limit]
        if not ranked:
            return []
        with self.engine.connect() as c:
            rows = c.execute(select(fingerprints).where(fingerprints.c.id.in_([r for r, _ in ranked]))).all()
        entries = {int(r.id): _registered(r) for r in rows}
        seen: dict[bytes, tuple[float, float]] = {}  # identical pictures (editions of one work) are aligned once
        matches = []
        for row_id, (distance, variant) in ranked:
            entry = entries[row_id]
            if entry.thumb not in seen:
                seen[entry.thumb] = similarity(query.image, Image.open(io.BytesIO(entry.thumb)))
            score, scale = seen[entry.thumb]
            matches.append(Match(entry, variant, distance, score, scale))
        return sorted(matches, key=lambda m: (not m.confirmed, m.distance))
