"""Pages anyone can open: home, gallery, work pages, exhibitions, verify, certificates, the ledger.

Nothing here changes state except ``POST /verify``, which stores nothing. Pictures are served
only for registered works (an unregistered work is private to its artist, who sees it in the
studio) and always as a view (at most 1600 px), never the artist's master file.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import FileResponse, Response

from artproof.errors import ArtproofError, ImageError, NotFound
from artproof.web.context import web

__all__ = ["read_upload", "router", "run_verify"]

router = APIRouter(include_in_schema=False)
MAX_UPLOAD = 50 * 1024 * 1024
CERTIFICATE_LIMIT = 1024 * 1024


async def read_upload(upload: UploadFile | None, limit: int, what: str) -> bytes | None:
    if upload is None or not upload.filename:
        return None
    data = await upload.read(limit + 1)
    if len(data) > limit:
        raise HTTPException(413, f"{what} is larger than {limit // (1024 * 1024)} MB")
    return data


def run_verify(request: Request, data: bytes, name: str, certificate: bytes | None) -> Any:
    from artproof.verify.report import VerifyReport

    ctx = web(request)
    ctx.limits.hit("verify", ctx.client(request))
    with ctx.lock:
        try:
            return ctx.services.verifier.verify(data, name, certificate)
        except ImageError as exc:
            return VerifyReport.unreadable(name, exc.diagnostics())


def picture_response(png: bytes, *, public: bool = True) -> Response:
    """A PNG view; a private one (an unregistered work's, a studio preview) is never kept by shared caches."""
    cache = "public, max-age=3600" if public else "private, no-store"
    return Response(png, media_type="image/png", headers={"Cache-Control": cache})


def view_of(data: bytes, name: str, width: int) -> bytes:
    """A picture scaled down to ``width`` px on its long side (a view: 64 to 1600 px), as PNG."""
    from artproof.core.images import decode_image, encode_png

    picture = decode_image(data, name=name)
    side = max(64, min(1600, width))
    picture.thumbnail((side, side))
    return encode_png(picture)


@router.get("/")
def home(request: Request) -> Response:
    ctx = web(request)
    with ctx.lock:
        works = ctx.services.gallery.works()[:6]
        shows = ctx.services.exhibitions.list(viewer=None)[:3]
        size = ctx.services.ledger.status().size
    return ctx.render(request, "home.html", {"works": works, "exhibitions": shows, "ledger_size": size})


@router.get("/gallery")
def gallery(
    request: Request,
    q: str | None = None,
    badge: str | None = None,
    series: str | None = None,
    artist: str | None = None,
    year: str | None = None,
) -> Response:
    ctx = web(request)
    year_value = int(year) if year and year.isdigit() else None
    with ctx.lock:
        every = ctx.services.gallery.works()
        works = ctx.services.gallery.works(
            q=q, badge_is=badge, series=series, artist=artist, year=year_value, among=every
        )
    facets = {
        "badges": sorted({w.badge.split(" · ")[0] for w in every}),
        "series": sorted({w.series for w in every if w.series}),
        "artists": sorted({w.artist for w in every}),
        "years": sorted({w.year for w in every if w.year}, reverse=True),
    }
    chosen = {"q": q or "", "badge": badge or "", "series": series or "", "artist": artist or "", "year": year or ""}
    return ctx.render(request, "gallery.html", {"works": works, "facets": facets, "chosen": chosen})


@router.get("/works/{work_id}")
def work_page(request: Request, work_id: str) -> Response:
    ctx = web(request)
    viewer = ctx.viewer(request)
    with ctx.lock:
        page = ctx.services.gallery.page(work_id)
    mine = viewer is not None and viewer.account.key_id == page.item.artist_key_id
    return ctx.render(request, "work.html", {"page": page, "mine": mine})


@router.get("/works/{work_id}/assets/{asset_id}.png")
def work_asset(request: Request, work_id: str, asset_id: str, w: int = Query(640)) -> Response:
    """A picture of a work's record: public for registered works, and for the artist's own in the studio."""
    ctx = web(request)
    viewer = ctx.viewer(request)
    with ctx.lock:
        try:
            work = ctx.services.studio.resolve(work_id)
            own = viewer is not None and work.artist_key_id == viewer.account.key_id
            public = ctx.services.gallery.asset_visible(work.work_id, asset_id)
            if not public and not (own and asset_id in work.manifest.payload["assets"]):
                raise NotFound("no such picture", value=asset_id)
            data = ctx.services.studio.blobs.get(asset_id)
        except ArtproofError as exc:
            raise HTTPException(404, exc.what) from None
    return picture_response(view_of(data, asset_id, w), public=public)


@router.get("/exhibitions")
def exhibitions(request: Request) -> Response:
    ctx = web(request)
    viewer = ctx.viewer(request)
    with ctx.lock:
        shows = ctx.services.exhibitions.list(viewer=viewer.account.username if viewer else None)
    return ctx.render(request, "exhibitions.html", {"exhibitions": shows})


@router.get("/exhibitions/{slug}")
def exhibition(request: Request, slug: str) -> Response:
    ctx = web(request)
    viewer = ctx.viewer(request)
    username = viewer.account.username if viewer else None
    with ctx.lock:
        show = ctx.services.exhibitions.get(slug, viewer=username)
        curating = show.curator == username
        works = ctx.services.gallery.works() if curating else []  # a curator hangs any registered work
    return ctx.render(request, "exhibition.html", {"show": show, "curating": curating, "works": works})


@router.get("/verify")
def verify_form(request: Request) -> Response:
    return web(request).render(request, "verify.html", {"report": None})


@router.post("/verify")
async def verify_page(
    request: Request,
    file: UploadFile = File(...),
    certificate: UploadFile | None = File(None),
    csrf: str = Form(""),
) -> Response:
    ctx = web(request)
    ctx.check_csrf(request, csrf)
    data = await read_upload(file, MAX_UPLOAD, "the file")
    coa = await read_upload(certificate, CERTIFICATE_LIMIT, "the certificate")
    if data is None:
        return ctx.render(request, "verify.html", {"report": None, "error": "choose a file"}, 400)
    from artproof.verify.page import verify_page

    ctx.limits.hit("verify", ctx.client(request))
    with ctx.lock:
        shown = verify_page(ctx.services, data, file.filename or "upload", coa)
    return ctx.render(request, "verify.html", {"report": shown.report, "shown": shown, "error": None})


@router.get("/v/{edition_id}")
def edition_page(request: Request, edition_id: str) -> Response:
    ctx = web(request)
    viewer = ctx.viewer(request)
    with ctx.lock:
        try:
            view = ctx.services.editions.show(edition_id)
            facts = ctx.services.packs.certificate_facts(edition_id)
            record = ctx.services.editions.get(edition_id)
        except ArtproofError as exc:
            return ctx.render(request, "missing.html", {"what": exc.what}, 404)
        owner = ctx.services.gallery.owner_name(record.owner.key_id, record.owner.label())
        collectors = [a for a in ctx.services.accounts.list() if viewer and a.key_id != viewer.account.key_id]
    owns = viewer is not None and record.owner.key_id == viewer.account.key_id and not record.revoked_at
    values = {"view": view, "facts": facts, "owner": owner, "owns": owns, "people": collectors}
    return ctx.render(request, "edition.html", values)


@router.get("/v/{edition_id}/picture.png")
def edition_picture(request: Request, edition_id: str) -> Response:
    """The edition's picture at most 1200 px on its long side (a view, not the collector's file)."""
    ctx = web(request)
    with ctx.lock:
        try:
            record = ctx.services.editions.get(edition_id)
            data = ctx.services.studio.blobs.get(record.file_blob)
        except ArtproofError as exc:
            raise HTTPException(404, exc.what) from None
    return picture_response(view_of(data, edition_id, 1200))


@router.get("/v/{edition_id}/qr.svg")
def edition_qr(request: Request, edition_id: str) -> Response:
    """The certificate's QR code (the same link the printed certificate carries), as SVG."""
    from artproof.pack.certificate_pdf import qr_svg
    from artproof.pack.facts import verify_link

    ctx = web(request)
    with ctx.lock:
        try:
            record = ctx.services.editions.get(edition_id)
        except ArtproofError as exc:
            raise HTTPException(404, exc.what) from None
    base = ctx.settings.public_url or str(request.base_url).rstrip("/")
    return Response(qr_svg(verify_link(record.edition_id, base)), media_type="image/svg+xml")


@router.get("/ledger")
def ledger_page(request: Request, kind: str | None = None, page: int = Query(1, ge=1)) -> Response:
    from artproof.ledger.entries import parse_entry

    ctx = web(request)
    per_page = 50
    with ctx.lock:
        status = ctx.services.ledger.status()
        entries, total = ctx.services.ledger.ledger.recent(kind or None, (page - 1) * per_page, per_page)
    rows = []
    for entry in entries:
        payload = parse_entry(entry.data).payload
        rows.append({"index": entry.index, "kind": entry.kind, "subject": entry.subject, "at": payload.get("at")})
    kinds = ["work.registered", "work.sealed", "edition.issued", "ownership.transferred", "edition.revoked"]
    more = total > page * per_page
    values = {"status": status, "rows": rows, "kind": kind or "", "kinds": kinds, "page": page, "more": more}
    return ctx.render(request, "ledger.html", values)


@router.get("/ledger/view/{index}")
def ledger_entry(request: Request, index: int) -> Response:
    """One entry with its inclusion proof, checked here; the page says how to check it offline."""
    import json

    ctx = web(request)
    with ctx.lock:
        entry = ctx.services.ledger.resolve(str(index))
        bundle = ctx.services.ledger.bundle(entry)
        check = ctx.services.ledger.check(bundle)
    document = json.dumps(bundle.entry, indent=2, ensure_ascii=False)
    return ctx.render(request, "ledger_entry.html", {"entry": entry, "bundle": bundle, "check": check, "doc": document})


@router.get("/ledger/{path:path}")
def ledger_file(request: Request, path: str) -> Response:
    """Exactly the ``ledger publish`` layout, republished when the log has grown."""
    ctx = web(request)
    mirror = ctx.settings.home / "mirror"
    with ctx.lock:
        try:
            size = ctx.services.ledger.status().size
            if size != ctx.published_size:
                ctx.services.ledger.publish(mirror, ctx.services.credentials.registry_ca_pem())
                ctx.published_size = size
        except ArtproofError as exc:
            raise HTTPException(404, exc.what) from None
    target = (mirror / path).resolve()
    if not target.is_relative_to(mirror.resolve()) or not target.is_file():
        raise HTTPException(404, "no such file in the published log")
    return FileResponse(target)
