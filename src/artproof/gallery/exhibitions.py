"""Exhibitions: a curator's selection of registered works with an essay and a wall text for each.

The curatorial framing is what separates an exhibition from a feed: a title, an essay, an order,
and per work the text a visitor reads beside it. A draft is visible only to its curator; once
published it lives at a stable URL (``/exhibitions/<slug>``) and only its curator changes it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Engine, delete, func, insert, select, update

from artproof.core.results import Result
from artproof.core.text import check_name
from artproof.errors import Forbidden, InvalidInput, NotFound
from artproof.gallery.service import GalleryItem, GalleryService
from artproof.store.tables import exhibition_works, exhibitions

__all__ = ["Exhibit", "Exhibition", "ExhibitionService"]

MAX_ESSAY = 20_000
MAX_WORKS = 200


class Exhibit(Result):
    position: int
    wall_text: str
    work: GalleryItem


class Exhibition(Result):
    slug: str
    title: str
    essay: str
    curator: str
    curator_name: str
    created_at: str
    published_at: str | None
    works: list[Exhibit]


def _paragraphs(text: str) -> str:
    """Text as typed in a browser (which sends CR LF) with plain line ends: paragraphs split on blank lines."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def _slug(title: str) -> str:
    text = re.sub(r"[^a-z0-9]+", "-", title.casefold()).strip("-")
    return text[:60].strip("-") or "exhibition"


class ExhibitionService:
    def __init__(
        self,
        engine: Engine,
        gallery: GalleryService,
        clock: Callable[[], datetime],
        name_of: Callable[[str], str] = lambda username: username,
    ) -> None:
        self.engine = engine
        self.gallery = gallery
        self.clock = clock
        self.name_of = name_of  # a curator's username -> the name shown

    def create(self, title: str, essay: str, curator: str) -> Exhibition:
        title = check_name(title, "the exhibition's title")
        if len(essay) > MAX_ESSAY:
            raise InvalidInput(f"the essay is longer than {MAX_ESSAY} characters", value=len(essay))
        base = _slug(title)
        with self.engine.begin() as c:
            taken = {r.slug for r in c.execute(select(exhibitions.c.slug).where(exhibitions.c.slug.like(f"{base}%")))}
            slug = next(s for s in (base, *(f"{base}-{n}" for n in range(2, 10_000))) if s not in taken)
            c.execute(
                insert(exhibitions).values(
                    slug=slug, title=title, essay=_paragraphs(essay), curator=curator,
                    created_at=self.clock().isoformat(), published_at=None,
                )
            )  # fmt: skip
        return self.get(slug, viewer=curator)

    def add(self, slug: str, work_ref: str, wall_text: str, curator: str) -> Exhibition:
        """Hang a registered work (at the end), with its wall text."""
        self._own(slug, curator)
        work = self.gallery.studio.resolve(work_ref)
        if self.gallery.item_of(work) is None:
            raise InvalidInput("only registered works can be exhibited", value=work.work_id, hint="register it first")
        if len(wall_text) > 2000:
            raise InvalidInput("a wall text is at most 2000 characters", value=len(wall_text))
        with self.engine.begin() as c:
            count, last = c.execute(
                select(func.count(), func.max(exhibition_works.c.position)).where(exhibition_works.c.slug == slug)
            ).one()
            if count >= MAX_WORKS:
                raise InvalidInput(f"an exhibition holds at most {MAX_WORKS} works")
            c.execute(
                insert(exhibition_works).values(
                    slug=slug, position=(last or 0) + 1, work_id=work.work_id, wall_text=_paragraphs(wall_text)
                )
            )
        return self.get(slug, viewer=curator)

    def remove(self, slug: str, position: int, curator: str) -> Exhibition:
        self._own(slug, curator)
        with self.engine.begin() as c:
            c.execute(
                delete(exhibition_works).where(exhibition_works.c.slug == slug, exhibition_works.c.position == position)
            )
        return self.get(slug, viewer=curator)

    def publish(self, slug: str, curator: str) -> Exhibition:
        self._own(slug, curator)
        with self.engine.begin() as c:
            c.execute(
                update(exhibitions)
                .where(exhibitions.c.slug == slug, exhibitions.c.published_at.is_(None))
                .values(published_at=self.clock().isoformat())
            )
        return self.get(slug, viewer=curator)

    def get(self, slug: str, viewer: str | None = None) -> Exhibition:
        """An exhibition; a draft only for its curator (to anyone else it does not exist)."""
        with self.engine.connect() as c:
            row = c.execute(select(exhibitions).where(exhibitions.c.slug == slug)).first()
            hung = c.execute(
                select(exhibition_works).where(exhibition_works.c.slug == slug).order_by(exhibition_works.c.position)
            ).all()
        if row is None or (row.published_at is None and row.curator != viewer):
            raise NotFound("no such exhibition", value=slug, hint="the exhibitions page lists them")
        works = []
        for h in hung:
            item = self.gallery.item_of(self.gallery.studio.resolve(h.work_id))
            if item is not None:
                works.append(Exhibit(position=h.position, wall_text=h.wall_text, work=item))
        return Exhibition(
            slug=row.slug, title=row.title, essay=row.essay, curator=row.curator,
            curator_name=self.name_of(row.curator), created_at=row.created_at, published_at=row.published_at,
            works=works,
        )  # fmt: skip

    def list(self, viewer: str | None = None) -> list[Exhibition]:
        """Published exhibitions, newest first, and the viewer's own drafts."""
        with self.engine.connect() as c:
            rows = c.execute(select(exhibitions.c.slug, exhibitions.c.published_at, exhibitions.c.curator)).all()
        shown = [r.slug for r in rows if r.published_at is not None or r.curator == viewer]
        found = [self.get(s, viewer) for s in shown]
        return sorted(found, key=lambda e: e.published_at or e.created_at, reverse=True)

    def _own(self, slug: str, curator: str) -> None:
        with self.engine.connect() as c:
            row = c.execute(select(exhibitions.c.curator).where(exhibitions.c.slug == slug)).first()
        if row is None:
            raise NotFound("no such exhibition", value=slug)
        if row.curator != curator:
            raise Forbidden("only its curator changes an exhibition", value=slug)
