"""The web app: server-rendered pages (FastAPI + Jinja2; no JavaScript build, no CDN) and ``/api/v1``.

This first part is what a stranger needs: ``/verify`` (choose a file and, if they have it, its
certificate: one verdict with its channels and reasons; the upload is never stored), ``/v/<edition
id>`` (the page a certificate's QR code opens), ``/ledger/`` (exactly the ``ledger publish`` layout,
republished when the log has grown, so ``artproof verify --mirror http://HOST:PORT/ledger/`` and
witnesses work against a running registry), ``POST /api/v1/verify`` (multipart ``file`` and optional
``certificate``; no account, no CSRF token; the same JSON as ``artproof verify --json``) and the
OpenAPI document at ``/openapi.json``. Every response carries security headers (a CSP that allows
only this origin, no framing, no MIME sniffing, no referrer leaks). Uploads are limited in bytes here
and in pixels by the decoder. The services are built once; the routes call one service each.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from fastapi import FastAPI, File, HTTPException, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from artproof import __version__
from artproof.errors import ArtproofError, ImageError, NotFound
from artproof.settings import Settings

__all__ = ["create_app"]

HERE = Path(__file__).parent
MAX_UPLOAD = 50 * 1024 * 1024
CERTIFICATE_LIMIT = 1024 * 1024
HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


def create_app(settings: Settings | None = None) -> FastAPI:
    from artproof.services import build_services

    settings = settings or Settings.from_env()
    services = build_services(settings)
    lock = threading.Lock()  # the services share caches and one SQLite connection pool: one request at a time
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    app = FastAPI(title="artproof", version=__version__, description="The public registry of artproof: verify, "
                  "certificates, the transparency ledger.", docs_url=None, redoc_url=None)  # fmt: skip
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    mirror = settings.home / "mirror"
    published = {"size": -1}

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Any) -> Response:
        response: Response = await call_next(request)
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    async def _read(upload: UploadFile | None, limit: int, what: str) -> bytes | None:
        if upload is None or not upload.filename:
            return None
        data = await upload.read(limit + 1)
        if len(data) > limit:
            raise HTTPException(413, f"{what} is larger than {limit // (1024 * 1024)} MB")
        return data

    def _verify(data: bytes, name: str, certificate: bytes | None) -> Any:
        from artproof.verify.report import VerifyReport

        with lock:
            try:
                return services.verifier.verify(data, name, certificate)
            except ImageError as exc:
                return VerifyReport.unreadable(name, exc.diagnostics())

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home(request: Request) -> Response:
        return templates.TemplateResponse(request, "home.html", {"version": __version__})

    @app.get("/verify", response_class=HTMLResponse, include_in_schema=False)
    def verify_form(request: Request) -> Response:
        return templates.TemplateResponse(request, "verify.html", {"report": None})

    @app.post("/verify", response_class=HTMLResponse, include_in_schema=False)
    async def verify_page(
        request: Request, file: UploadFile = File(...), certificate: UploadFile | None = File(None)
    ) -> Response:
        data = await _read(file, MAX_UPLOAD, "the file")
        coa = await _read(certificate, CERTIFICATE_LIMIT, "the certificate")
        if data is None:
            return templates.TemplateResponse(request, "verify.html", {"report": None, "error": "choose a file"}, 400)
        report = _verify(data, file.filename or "upload", coa)
        return templates.TemplateResponse(request, "verify.html", {"report": report, "error": None})

    @app.post("/api/v1/verify", tags=["verify"], summary="Verify a file (and optionally its certificate)")
    async def api_verify(file: UploadFile = File(...), certificate: UploadFile | None = File(None)) -> JSONResponse:
        """The same document as ``artproof verify --json``; the upload is not stored."""
        data = await _read(file, MAX_UPLOAD, "the file")
        if data is None:
            raise HTTPException(422, "the multipart field 'file' is empty")
        coa = await _read(certificate, CERTIFICATE_LIMIT, "the certificate")
        report = _verify(data, file.filename or "upload", coa)
        return JSONResponse(report.to_json(), status_code=200)

    @app.get("/v/{edition_id}", response_class=HTMLResponse, include_in_schema=False)
    def edition_page(request: Request, edition_id: str) -> Response:
        with lock:
            try:
                view = services.editions.show(edition_id)
                facts = services.packs.certificate_facts(edition_id)
            except (NotFound, ArtproofError) as exc:
                return templates.TemplateResponse(request, "missing.html", {"what": exc.what}, 404)
        return templates.TemplateResponse(request, "edition.html", {"view": view, "facts": facts})

    @app.get("/v/{edition_id}/picture.png", include_in_schema=False)
    def edition_picture(edition_id: str) -> Response:
        """The edition's picture at most 1200 px on its long side (a view, not the collector's file)."""
        from artproof.core.images import decode_image, encode_png

        with lock:
            try:
                record = services.editions.get(edition_id)
                picture = decode_image(services.studio.blobs.get(record.file_blob), name=edition_id)
            except ArtproofError as exc:
                raise HTTPException(404, exc.what) from None
        picture.thumbnail((1200, 1200))
        return Response(encode_png(picture), media_type="image/png", headers={"Cache-Control": "public, max-age=3600"})

    @app.get("/api/v1/editions/{edition_id}", tags=["editions"], summary="An edition as 'edition show --json'")
    def api_edition(edition_id: str) -> JSONResponse:
        with lock:
            try:
                view = services.editions.show(edition_id)
            except ArtproofError as exc:
                raise HTTPException(exc.http_status, exc.what) from None
        return JSONResponse(view.to_json())

    @app.get("/ledger/{path:path}", include_in_schema=False)
    def ledger_file(path: str) -> Response:
        with lock:
            try:
                size = services.ledger.status().size
                if size != published["size"]:
                    services.ledger.publish(mirror, services.credentials.registry_ca_pem())
                    published["size"] = size
            except ArtproofError as exc:
                raise HTTPException(404, exc.what) from None
        target = (mirror / path).resolve()
        if not target.is_relative_to(mirror.resolve()) or not target.is_file():
            raise HTTPException(404, "no such file in the published log")
        return FileResponse(target)

    @app.exception_handler(ArtproofError)
    async def artproof_error(request: Request, exc: ArtproofError) -> JSONResponse:
        return JSONResponse({"error": type(exc).__name__, "message": exc.what}, status_code=exc.http_status)

    return app
