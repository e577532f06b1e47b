"""Taste as a service: likes, dislikes and choices recorded in the home; rankings from a fresh model.

Events are appended to ``<home>/taste/events.jsonl`` (what was liked, disliked or chosen, by image
id); features are computed when a model is needed and cached by image id in ``features.json``, so
recording a choice costs nothing (``select`` stays instant at 4096 px). The model is fit again for
every ranking: a few hundred pairs take milliseconds.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from artproof.core.results import Result
from artproof.errors import ArtproofError, InvalidInput
from artproof.store.files import atomic_write
from artproof.studio.service import Studio
from artproof.taste.features import content_available, feature_parts
from artproof.taste.model import TasteModel, fit

__all__ = ["Ranked", "Ranking", "TasteService"]


class Ranked(Result):
    name: str
    score: float
    rank: int


class Ranking(Result):
    items: list[Ranked]
    pairs: int  # preferences the model learned from
    events: int


@dataclass
class TasteService:
    home: Path
    studio: Studio
    clock: Callable[[], datetime]

    @property
    def folder(self) -> Path:
        return self.home / "taste"

    def _append(self, event: dict[str, Any]) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        line = json.dumps({"at": self.clock().isoformat(), **event}, sort_keys=True) + "\n"
        with (self.folder / "events.jsonl").open("a", encoding="utf-8") as f:
            f.write(line)

    def events(self) -> list[dict[str, Any]]:
        path = self.folder / "events.jsonl"
        if not path.exists():
            return []
        out = []
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError:
                continue  # a line cut by a crash is skipped, never fatal
        return out

    def opinion(self, ref: str, liked: bool) -> int:
        """Record that the artist likes (or dislikes) the work's current image; returns the events held."""
        work = self.studio.resolve(ref)
        self._append({"kind": "like" if liked else "dislike", "work_id": work.work_id, "asset": work.master})
        return len(self.events())

    def chose(self, work_id: str, chosen: str, offered: Sequence[str]) -> None:
        """A choice among candidates (``select``): the chosen image over each of the others."""
        self._append(
            {"kind": "choice", "work_id": work_id, "chosen": chosen, "others": [a for a in offered if a != chosen]}
        )

    def _features(self, assets: set[str]) -> dict[str, dict[str, list[float]]]:
        """Each image's feature parts, cached by image id (a part this installation adds later is computed
        then: the content embedding once the ``taste`` extra is installed)."""
        path = self.folder / "features.json"
        cache: dict[str, Any] = json.loads(path.read_text()) if path.exists() else {}
        wanted = set(feature_parts_available())
        missing = [a for a in sorted(assets) if not isinstance(cache.get(a), dict) or not wanted <= set(cache[a])]
        for asset in missing:
            try:
                cache[asset] = feature_parts(self.studio.load_image(asset))
            except ArtproofError:  # an image no longer stored (or unreadable): its events are left out
                continue
        if missing:
            self.folder.mkdir(parents=True, exist_ok=True)
            atomic_write(path, json.dumps(cache).encode())
        return {a: cache[a] for a in assets if isinstance(cache.get(a), dict)}

    def model(self) -> tuple[TasteModel | None, int]:
        events = self.events()
        likes = [e["asset"] for e in events if e["kind"] == "like"]
        dislikes = [e["asset"] for e in events if e["kind"] == "dislike"]
        pairs_by_id = [(a, b) for a in likes for b in dislikes if a != b]
        for e in events:
            if e["kind"] == "choice":
                pairs_by_id += [(e["chosen"], other) for other in e["others"]]
        known = self._features({a for pair in pairs_by_id for a in pair})
        ids = sorted(known)
        if not pairs_by_id or not ids:
            return None, len(events)
        row = {a: i for i, a in enumerate(ids)}
        pairs = [(row[a], row[b]) for a, b in pairs_by_id if a in row and b in row]
        if not pairs:  # the preferences name images no longer stored: nothing to learn from
            return None, len(events)
        return fit(np.asarray([_vector(known[a]) for a in ids]), pairs), len(events)

    def order(self, pictures: Sequence[Image.Image]) -> list[int]:
        """Indices of ``pictures`` best first by this artist's taste (``vary --by-taste``)."""
        model, _ = self.model()
        if model is None:
            raise InvalidInput(
                "no taste learned yet, so nothing to order by",
                hint="like or dislike works (artproof taste like WORK), or choose among candidates with select",
            )
        scores = model.score(np.stack([_vector(feature_parts(p)) for p in pictures]))
        return [int(i) for i in np.argsort(-scores, kind="stable")]

    def rank(self, pictures: Sequence[tuple[str, Image.Image]]) -> Ranking:
        """The pictures in the order of this artist's taste, best first."""
        if len(pictures) < 2:
            raise InvalidInput("give at least two pictures to rank", hint="artproof taste rank a.png b.png c.png")
        model, count = self.model()
        if model is None:
            raise InvalidInput(
                "no taste learned yet",
                hint="like or dislike works (artproof taste like WORK), or choose among candidates with select",
            )
        scores = model.score(np.stack([_vector(feature_parts(p)) for _, p in pictures]))
        order = np.argsort(-scores, kind="stable")
        items = [Ranked(name=pictures[i][0], score=round(float(scores[i]), 4), rank=r + 1) for r, i in enumerate(order)]
        return Ranking(items=items, pairs=model.pairs, events=count)


PARTS = ("colour", "style", "content")


def feature_parts_available() -> list[str]:
    """The feature parts this installation computes (content only with the ``taste`` extra)."""
    return ["colour", "style", *(["content"] if content_available() else [])]


def _vector(parts: dict[str, list[float]]) -> np.ndarray:
    return np.concatenate([np.asarray(parts[name], dtype=np.float64) for name in PARTS if name in parts])
