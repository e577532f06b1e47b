"""The collection (what an account owns, what an artist issued), transfers, and exhibition curation.

A transfer is signed by the current owner only (the service checks the key; the page offers the
form only to them) and names the new owner's account, whose public key goes into the signed
transfer, so the buyer can later prove ownership with their own key.
"""

from __future__ import annotations

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from artproof.errors import Forbidden, InvalidInput
from artproof.web.context import web

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


@router.get("/collection")
def collection(request: Request) -> Response:
    ctx = web(request)
    viewer = ctx.need(request)
    key_id = viewer.account.key_id
    with ctx.as_viewer(viewer):
        works = {w.work_id: w for w in ctx.services.studio.list_works()}
        every = ctx.services.edition_store.all()
        catalog = ctx.services.catalog.listing()
    owned = [e for e in every if e.owner.key_id == key_id]
    issued = [e for e in every if e.owner.key_id != key_id and works[e.work_id].artist_key_id == key_id]
    titles = {e.work_id: works[e.work_id].title for e in owned + issued}
    catalogued = {v.item.edition_id for v in catalog}
    values = {"owned": owned, "issued": issued, "titles": titles, "catalog": catalog, "catalogued": catalogued,
              "reports": REPORTS}  # fmt: skip
    return ctx.render(request, "collection.html", values)


REPORTS = {"insurance": "Insurance schedule", "inventory": "Inventory", "condition": "Condition report",
           "labels": "Wall labels"}  # fmt: skip


@router.post("/collection/catalog")
def catalog_add(request: Request, edition_id: str = Form(""), csrf: str = Form("")) -> Response:
    """Add an edition you own to your catalog (valuations, locations, reports start from here)."""
    ctx = web(request)
    viewer = ctx.submitted(request, csrf)
    with ctx.as_viewer(viewer):
        record = ctx.services.editions.get(edition_id)
        if record.owner.key_id != viewer.account.key_id:
            raise Forbidden("only its owner catalogues an edition", value=edition_id)
        ctx.services.catalog.add(record.edition_id)
    return RedirectResponse("/collection#catalog", status_code=303)


@router.post("/collection/catalog/{item_id}/value")
def catalog_value(
    request: Request,
    item_id: str,
    fmv: str = Form(""),
    insurance: str = Form(""),
    currency: str = Form("EUR"),
    source: str = Form(""),
    csrf: str = Form(""),
) -> Response:
    ctx = web(request)
    viewer = ctx.submitted(request, csrf)
    with ctx.as_viewer(viewer):
        ctx.services.catalog.value(
            item_id, fmv=fmv.strip() or None, insurance=insurance.strip() or None,
            currency_code=currency.strip().upper(), on=None, source=source,
        )  # fmt: skip
    return RedirectResponse("/collection#catalog", status_code=303)


@router.post("/collection/catalog/{item_id}/locate")
def catalog_locate(request: Request, item_id: str, location: str = Form(""), csrf: str = Form("")) -> Response:
    ctx = web(request)
    viewer = ctx.submitted(request, csrf)
    with ctx.as_viewer(viewer):
        ctx.services.catalog.locate(item_id, location=location)
    return RedirectResponse("/collection#catalog", status_code=303)


@router.get("/collection/reports/{kind}.pdf")
def catalog_report(request: Request, kind: str) -> Response:
    """A report of your catalog as PDF (insurance, inventory, condition, labels)."""
    ctx = web(request)
    viewer = ctx.need(request)
    if kind not in REPORTS:
        raise HTTPException(404, "no such report")
    with ctx.as_viewer(viewer):
        report = ctx.services.catalog.report(kind, [])
    disposition = f'attachment; filename="{kind}.pdf"'
    return Response(report.pdf, media_type="application/pdf", headers={"Content-Disposition": disposition})


@router.post("/v/{edition_id}/transfer")
def transfer(
    request: Request,
    edition_id: str,
    to: str = Form(""),
    price: str = Form(""),
    currency: str = Form(""),
    csrf: str = Form(""),
) -> Response:
    ctx = web(request)
    viewer = ctx.submitted(request, csrf)
    with ctx.lock:
        party = ctx.services.accounts.party(to)
    if party.key_id == viewer.account.key_id:
        raise InvalidInput("you already own this edition", value=to)
    with ctx.as_viewer(viewer):
        ctx.services.ownership.transfer(
            edition_id, party, price=price.strip() or None, currency=currency.strip().upper() or None,
            passphrase=viewer.password,
        )  # fmt: skip
    return RedirectResponse(f"/v/{edition_id}", status_code=303)


@router.post("/exhibitions")
def new_exhibition(request: Request, title: str = Form(""), essay: str = Form(""), csrf: str = Form("")) -> Response:
    ctx = web(request)
    viewer = ctx.submitted(request, csrf)  # artists, collectors and galleries curate
    with ctx.lock:
        show = ctx.services.exhibitions.create(title, essay, viewer.account.username)
    return RedirectResponse(f"/exhibitions/{show.slug}", status_code=303)


@router.post("/exhibitions/{slug}/works")
def hang(
    request: Request, slug: str, work_id: str = Form(""), wall_text: str = Form(""), csrf: str = Form("")
) -> Response:
    ctx = web(request)
    viewer = ctx.submitted(request, csrf)
    with ctx.lock:
        ctx.services.exhibitions.add(slug, work_id, wall_text, viewer.account.username)
    return RedirectResponse(f"/exhibitions/{slug}", status_code=303)


@router.post("/exhibitions/{slug}/publish")
def publish(request: Request, slug: str, csrf: str = Form("")) -> Response:
    ctx = web(request)
    viewer = ctx.submitted(request, csrf)
    with ctx.lock:
        ctx.services.exhibitions.publish(slug, viewer.account.username)
    return RedirectResponse(f"/exhibitions/{slug}", status_code=303)
