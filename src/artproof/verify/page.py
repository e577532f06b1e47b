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
    ingredient_thumbnails: dict[int, tuple[str, str]] = Field(default_factory=dict)  # index: (whose, data URI)
    source_tool: str | None = None  # what the file says made it (A1111, ComfyUI, a camera...): unsigned claims
    generations: list[dict[str, Any]] = Field(default_factory=list)  # its settings, as ``inspect`` reads them
    process: WorkPage | None = None
    matches: list[PossibleMatch] = Field(default_factory=list)


def verify_page(services: Services, data: bytes, name: str, certificate: bytes | None) -> VerifyPage:
    from artproof.core.images import decode_image
    from artproof.interop.inspect import inspect_bytes

    try:
        report = services.verifier.verify(data, name, certificate)
    except ImageError as exc:
        return VerifyPage(report=VerifyReport.unreadable(name, exc.diagnostics()))
    anchors = services.credentials.anchors_pem()
    inspection = inspect_bytes(data, name, anchors, services.ledger_time)
    tree = inspection.c2pa
    thumbnails = _thumbnails(data, anchors) if tree.get("ingredients") else {}
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
        report=report, credentials=tree if tree.get("present") else None, process=process, matches=matches,
        ingredient_thumbnails=thumbnails, source_tool=inspection.source_tool, generations=inspection.generations,
    )  # fmt: skip


def _thumbnails(data: bytes, anchors: str | None) -> dict[int, tuple[str, str]]:
    """The ingredients' thumbnails that may be shown, decoded (bomb-safe) and re-encoded as small PNG
    data URIs: what reaches the page is a picture this program made, never the file's own bytes."""
    import base64
    import io

    from PIL import Image

    from artproof.core.images import decode_image, encode_png
    from artproof.interop.c2pa import ingredient_thumbnails

    try:
        mime = Image.open(io.BytesIO(data)).get_format_mimetype() or ""
    except Exception:
        return {}
    shown = {}
    for n, (whose, raw) in ingredient_thumbnails(data, mime, anchors).items():
        try:
            picture = decode_image(raw, name=f"ingredient {n} thumbnail")
        except ImageError:
            continue
        picture.thumbnail((160, 160))
        shown[n] = (whose, "data:image/png;base64," + base64.b64encode(encode_png(picture)).decode("ascii"))
    return shown
