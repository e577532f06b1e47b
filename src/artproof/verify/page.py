"""Everything the verify page shows about one uploaded file, composed once for the web.

The verdict (``VerifyService.verify``, the same report as ``verify --json``), then what helps a
person read it: the file's Content Credentials as a tree (the active manifest, its signer and
actions, and its ingredients with their own validation), the process of the registered work it
belongs to (badge, why, the steps), and possible matches from the fingerprint registry among the
registered works. Ingredient thumbnails are not shown: a thumbnail that an untrusted signer supplies
for an ingredient proves nothing about that ingredient.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import Field

from artproof.core.results import Result
from artproof.errors import ArtproofError, ImageError
from artproof.gallery.service import GalleryItem, WorkPage
from artproof.verify.report import VerifyReport

if TYPE_CHECKING:
    from artproof.services import Services

__all__ = ["PossibleMatch", "VerifyPage", "verify_page"]


class PossibleMatch(Result):
    work: GalleryItem
    distance: int  # pHash bits
    similarity: float
    confirmed: bool


class VerifyPage(Result):
    report: VerifyReport
    credentials: dict[str, Any] | None = None  # the c2pa tree as ``inspect --json`` gives it; None: no credentials
    process: WorkPage | None = None
    matches: list[PossibleMatch] = Field(default_factory=list)


def verify_page(services: Services, data: bytes, name: str, certificate: bytes | None) -> VerifyPage:
    from artproof.core.images import decode_image
    from artproof.interop.inspect import inspect_bytes

    try:
        report = services.verifier.verify(data, name, certificate)
    except ImageError as exc:
        return VerifyPage(report=VerifyReport.unreadable(name, exc.diagnostics()))
    tree = inspect_bytes(data, name, services.credentials.anchors_pem(), services.ledger_time).c2pa
    process = None
    if report.work_id:
        try:
            process = services.gallery.page(report.work_id)
        except ArtproofError:
            process = None  # not registered here (or not this registry's): the verdict says so
    matches: list[PossibleMatch] = []
    for match in services.fingerprints.search(decode_image(data, name=name)):
        try:
            item = services.gallery.item_of(services.studio.resolve(match.entry.work_id))
        except ArtproofError:
            item = None
        if item is not None and all(m.work.work_id != item.work_id for m in matches):
            matches.append(
                PossibleMatch(
                    work=item, distance=match.distance, similarity=round(match.similarity, 3),
                    confirmed=match.confirmed,
                )
            )  # fmt: skip
    return VerifyPage(
        report=report, credentials=tree if tree.get("present") else None, process=process, matches=matches
    )
