"""The JSON API under ``/api/v1``: the same typed results the CLI prints with ``--json``.

Reading and verifying need no account. What changes state takes a bearer token (made with
``POST /api/v1/tokens`` or on the account page); a token stands for its account and signs with
the account's key (its password is sealed under the token), so no CSRF token applies: browsers
never send a bearer token on their own.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from artproof.web.context import web
from artproof.web.public import CERTIFICATE_LIMIT, MAX_UPLOAD, read_upload, run_verify

__all__ = ["router"]

router = APIRouter(prefix="/api/v1")


class Problem(BaseModel):
    error: str
    message: str
    value: str | None = None
    hint: str | None = None


ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": Problem, "description": text}
    for code, text in ((401, "no or a bad token"), (403, "not allowed"), (404, "not found"), (422, "invalid input"))
}


class NewWork(BaseModel):
    prompt: str = Field(min_length=1, max_length=2000)
    seed: int = Field(ge=0, le=2**32 - 1)
    size: Literal["512x512", "768x768", "1024x1024", "1024x768", "768x1024"] = "1024x1024"
    engine: Literal["neural", "cppn"] = "neural"
    style: int | None = Field(default=None, ge=0, le=25)
    title: str | None = Field(default=None, max_length=200)


class TransferTo(BaseModel):
    to: str = Field(min_length=3, max_length=40, description="the new owner's username on this registry")
    price: str | None = Field(default=None, pattern=r"^\d+(\.\d{1,2})?$")
    currency: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")


@router.post("/verify", tags=["verify"], summary="Verify a file (and optionally its certificate)")
async def api_verify(
    request: Request, file: UploadFile = File(...), certificate: UploadFile | None = File(None)
) -> JSONResponse:
    """The same document as ``artproof verify --json``; the upload is not stored. No account, no CSRF."""
    data = await read_upload(file, MAX_UPLOAD, "the file")
    if data is None:
        raise HTTPException(422, "the multipart field 'file' is empty")
    coa = await read_upload(certificate, CERTIFICATE_LIMIT, "the certificate")
    report = run_verify(request, data, file.filename or "upload", coa)
    return JSONResponse(report.to_json())


@router.get("/editions/{edition_id}", tags=["editions"], summary="An edition as 'edition show --json'",
            responses=ERRORS)  # fmt: skip
def api_edition(request: Request, edition_id: str) -> JSONResponse:
    ctx = web(request)
    with ctx.lock:
        view = ctx.services.editions.show(edition_id)
    return JSONResponse(view.to_json())


@router.get("/works", tags=["gallery"], summary="Registered works (the gallery), newest first")
def api_works(
    request: Request, q: str | None = None, series: str | None = None, artist: str | None = None
) -> JSONResponse:
    ctx = web(request)
    with ctx.lock:
        works = ctx.services.gallery.works(q=q, series=series, artist=artist)
    return JSONResponse([w.to_json() for w in works])


@router.get("/works/{work_id}", tags=["gallery"], summary="A registered work's page: record, steps, proof",
            responses=ERRORS)  # fmt: skip
def api_work(request: Request, work_id: str) -> JSONResponse:
    ctx = web(request)
    with ctx.lock:
        page = ctx.services.gallery.page(work_id)
    return JSONResponse(page.to_json())


@router.get("/exhibitions", tags=["gallery"], summary="Published exhibitions")
def api_exhibitions(request: Request) -> JSONResponse:
    ctx = web(request)
    with ctx.lock:
        shows = ctx.services.exhibitions.list()
    return JSONResponse([s.to_json() for s in shows])


@router.get("/ledger", tags=["ledger"], summary="The ledger's size, root, origin, key and checkpoint")
def api_ledger(request: Request) -> JSONResponse:
    ctx = web(request)
    with ctx.lock:
        status = ctx.services.ledger.status()
    return JSONResponse(status.to_json())


@router.post("/tokens", tags=["accounts"], summary="A bearer token for the calls that change state",
             responses=ERRORS)  # fmt: skip
def api_token(
    request: Request, username: str = Form(...), password: str = Form(...), label: str = Form("api")
) -> JSONResponse:
    ctx = web(request)
    ctx.limits.hit("sign-in", ctx.client(request))
    with ctx.lock:
        token = ctx.services.accounts.new_token(username, password, label)
    return JSONResponse({"token": token, "username": username.strip().lower()}, status_code=201)


@router.post("/works", tags=["studio"], summary="Generate a new work (seed-locked); token of an artist",
             responses=ERRORS, status_code=201)  # fmt: skip
def api_create(request: Request, body: NewWork) -> JSONResponse:
    ctx = web(request)
    viewer = ctx.bearer(request)
    ctx.services.accounts.require(viewer.account, "artist")
    with ctx.as_viewer(viewer):
        manifest = ctx.services.studio.create(
            engine=body.engine, prompt=body.prompt, seed=body.seed, size=body.size, title=body.title,
            passphrase=viewer.password, style=body.style if body.engine == "neural" else None,
        )  # fmt: skip
    return JSONResponse(manifest.model_dump(mode="json"), status_code=201)


@router.post("/editions/{edition_id}/transfer", tags=["editions"], responses=ERRORS,
             summary="Transfer an edition you own to another account")  # fmt: skip
def api_transfer(request: Request, edition_id: str, body: TransferTo) -> JSONResponse:
    ctx = web(request)
    viewer = ctx.bearer(request)
    with ctx.lock:
        party = ctx.services.accounts.party(body.to)
    with ctx.as_viewer(viewer):
        done = ctx.services.ownership.transfer(
            edition_id, party, price=body.price, currency=body.currency, passphrase=viewer.password
        )
    return JSONResponse(done.to_json())
