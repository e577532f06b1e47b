"""The public face of the registry: the gallery of registered works and each work's page.

Only what the artist made public is shown: a work appears once a revision of it is in the
ledger (``work.registered``), and its page shows that registered record, its process graph with
the parameters people look for, the ledger entry with an inclusion proof anyone can check, and
its editions with their owners as far as disclosed. The web renders these results; the CLI can
print them too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from artproof.core.results import Result
from artproof.errors import NotFound

if TYPE_CHECKING:
    from artproof.editions.store import EditionStore
    from artproof.ledger.service import LedgerService
    from artproof.provenance.model import WorkManifest
    from artproof.seal.registry import WorkRegistry
    from artproof.studio.service import Studio

__all__ = ["GalleryItem", "GalleryService", "StepView", "WorkPage"]

BADGES = {
    "trainedAlgorithmicMedia": "AI-generated",
    "compositeWithTrainedAlgorithmicMedia": "AI-assisted",
    "algorithmicMedia": "Algorithmic",
    "digitalCreation": "Human-made",
    "humanEdits": "Human-made",
    "digitalCapture": "Captured",
    "compositeCapture": "Captured",
}


def badge(source_type: str | None, physical: bool) -> str:
    """The plain-language badge of a classification (IPTC digital source type), 'physical hybrid' added."""
    label = BADGES.get((source_type or "").rsplit("/", 1)[-1], "Unclassified")
    return f"{label} · physical hybrid" if physical else label


class GalleryItem(Result):
    work_id: str
    title: str
    artist: str
    artist_key_id: str
    badge: str
    source_type: str | None
    series: str | None
    year: int | None
    master: str
    registered_at: str
    editions: int
    editions_left: int


class StepView(Result):
    index: int
    op: str
    version: str
    agency: str
    summary: str
    parameters: list[tuple[str, str]]
    output: str
    at: str
    decision: bool


class EditionRow(Result):
    edition_id: str
    label: str
    owner: str
    status: str


class WorkPage(Result):
    item: GalleryItem
    statement: str | None
    medium: str | None
    dimensions: str | None
    explanation: str
    human_decisions: int
    human_pixel_share: float
    pixel_origin: dict[str, float]
    steps: list[StepView]
    sealed: bool
    revision: int
    ledger_index: int
    entry_id: str
    proof: dict[str, Any]
    editions: list[EditionRow]


class GalleryService:
    def __init__(
        self,
        studio: Studio,
        registry: WorkRegistry,
        ledger: LedgerService,
        editions: EditionStore,
        owner_name: Callable[[str | None, str], str],
    ) -> None:
        self.studio = studio
        self.registry = registry
        self.ledger = ledger
        self.editions = editions
        self.owner_name = owner_name  # (key id, recorded name) -> the name to show

    def works(
        self,
        *,
        q: str | None = None,
        badge_is: str | None = None,
        series: str | None = None,
        artist: str | None = None,
        year: int | None = None,
        artist_key_id: str | None = None,
        among: list[GalleryItem] | None = None,
    ) -> list[GalleryItem]:
        """Registered works, newest first, filtered (each filter exact but case-blind; ``q`` searches
        title, artist and series); ``among``: a listing already made, filtered instead of made again."""
        items = among if among is not None else [i for i in map(self.item_of, self.studio.list_works()) if i]
        needle = (q or "").strip().casefold()

        def keep(i: GalleryItem) -> bool:
            text = f"{i.title} {i.artist} {i.series or ''}".casefold()
            return (
                (not needle or needle in text)
                and (not badge_is or i.badge.split(" · ")[0].casefold() == badge_is.casefold())
                and (not series or (i.series or "").casefold() == series.casefold())
                and (not artist or i.artist.casefold() == artist.casefold())
                and (year is None or i.year == year)
                and (artist_key_id is None or i.artist_key_id == artist_key_id)
            )

        return sorted(filter(keep, items), key=lambda i: i.registered_at, reverse=True)

    def registered(self, work: Any) -> tuple[WorkManifest, Any, Any] | None:
        """(the record as last registered, its ledger entry, the first registration entry), or None.

        The public sees the latest registered revision: steps the artist made since stay private until
        they are registered too.
        """
        from artproof.ledger.entries import parse_entry
        from artproof.provenance.revision import as_issued

        entries = [e for e in self.ledger.ledger.by_subject(work.work_id) if e.kind == "work.registered"]
        if not entries:
            return None
        manifest = self.studio.manifest(work.work_id)
        subject = parse_entry(entries[-1].data).payload["subject"]
        revision = int(subject["revision"])
        if revision != manifest.revision:
            manifest = as_issued(manifest, revision, subject["master"], subject["title"])
        return manifest, entries[-1], entries[0]

    def item_of(self, work: Any, found: tuple[WorkManifest, Any, Any] | None = None) -> GalleryItem | None:
        """The gallery's entry for a work (``found``: its ``registered`` record, when the caller has it)."""
        from artproof.ledger.entries import parse_entry
        from artproof.ops.describe import details_of

        found = found or self.registered(work)
        if found is None:
            return None
        manifest, _last, first = found
        details = details_of(manifest)
        editions = [e for e in self.editions.by_work(work.work_id) if not e.artist_proof]
        left = [e for e in editions if e.owner.key_id == manifest.artist["key_id"] and not e.revoked_at]
        return GalleryItem(
            work_id=work.work_id,
            title=details.title or manifest.title,
            artist=manifest.artist["name"],
            artist_key_id=manifest.artist["key_id"],
            badge=badge(manifest.classification.digital_source_type, manifest.classification.physical_hybrid),
            source_type=manifest.classification.digital_source_type,
            series=details.series or None,
            year=details.year,
            master=manifest.master,
            registered_at=str(parse_entry(first.data).payload.get("at", "")),
            editions=len(editions),
            editions_left=len(left),
        )

    def page(self, work_id: str) -> WorkPage:
        """A registered work's page (``NotFound`` for one never registered: private to its artist)."""
        from artproof.ops.describe import details_of
        from artproof.ops.registry import latest_operation
        from artproof.pack.pack_pdf import step_parameters

        work = self.studio.resolve(work_id)
        found = self.registered(work)
        item = self.item_of(work, found) if found is not None else None
        if item is None or found is None:
            raise NotFound("no registered work with this id", value=work_id, hint="the gallery lists them")
        manifest, entry, _first = found
        details = details_of(manifest)
        steps = []
        for n, step in enumerate(manifest.steps, 1):
            try:
                summary = latest_operation(step.op).summary
            except NotFound:
                summary = step.op
            steps.append(
                StepView(
                    index=n, op=step.op, version=step.version, agency=step.agency, summary=summary,
                    parameters=step_parameters(step.params), output=step.output, at=step.at,
                    decision=step.agency == "human" and step.op != "work.describe",  # a description decides nothing
                )
            )  # fmt: skip
        c = manifest.classification
        rows = [
            EditionRow(
                edition_id=e.edition_id,
                label=e.label,
                owner=self.owner_name(e.owner.key_id, e.owner.label()),
                status="revoked" if e.revoked_at else "valid",
            )
            for e in self.editions.by_work(work.work_id)
        ]
        return WorkPage(
            item=item,
            statement=details.statement or None,
            medium=details.medium or None,
            dimensions=details.dimensions or None,
            explanation=c.explanation,
            human_decisions=c.human_decisions,
            human_pixel_share=c.human_pixel_share,
            pixel_origin=c.pixel_origin,
            steps=steps,
            sealed=self.registry.sealed(work.work_id, manifest.revision),
            revision=manifest.revision,
            ledger_index=entry.index,
            entry_id=entry.entry_id,
            proof=self.ledger.bundle(entry).to_json(),
            editions=rows,
        )

    def asset_visible(self, work_id: str, asset_id: str) -> bool:
        """Whether a picture belongs to a work's registered record (the only pictures the site shows)."""
        from artproof.provenance.revision import visible_assets

        found = self.registered(self.studio.resolve(work_id))
        return found is not None and asset_id in visible_assets(found[0])
