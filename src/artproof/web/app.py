"""The web registry: server-rendered pages (FastAPI + Jinja2 + vendored HTMX; no build step, no CDN).

Pages: the gallery, work pages, exhibitions, ``/verify`` (no account; uploads never stored),
certificate pages (``/v/<edition id>``, what a certificate's QR code opens), the ledger with a
proof viewer, and for accounts the studio and the collection. ``/ledger/`` serves exactly the
``ledger publish`` layout, so ``artproof verify --mirror http://HOST:PORT/ledger/`` and witnesses
work against a running registry. The JSON API lives under ``/api/v1`` with its OpenAPI document
at ``/openapi.json``.

Every response carries security headers (a CSP allowing only this origin, no framing, no MIME
sniffing, no referrer leaks); uploads are limited in bytes here and in pixels by the decoder;
verify and sign-in are rate limited per address. The services are built once; routes call them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from artproof import __version__
from artproof.errors import ArtproofError, NotSignedIn
from artproof.settings import Settings
from artproof.web.context import WebContext, web
from artproof.web.limits import RateLimiter

__all__ = ["create_app"]

HERE = Path(__file__).parent
HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


def create_app(settings: Settings | None = None) -> FastAPI:
    from artproof.services import build_services
    from artproof.web import accounts, api, collection, public, studio

    settings = settings or Settings.from_env()
    services = build_services(settings)
    services.identities.operator_passphrase = settings.passphrase  # signs the log and the CA for accounts
    if settings.passphrase is not None and services.identities.repo.self_identity() is not None:
        services.identities.unlock(settings.passphrase)  # a wrong passphrase stops the start, not the first seal
    app = FastAPI(title="artproof", version=__version__, description="The public registry of artproof: verify, "
                  "works, editions, certificates, the transparency ledger.", docs_url=None, redoc_url=None)  # fmt: skip
    app.state.web = WebContext(
        settings=settings,
        services=services,
        limits=RateLimiter({"verify": settings.rate_verify, "sign-in": settings.rate_login}),
    )
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    for module in (public, accounts, studio, collection, api):
        app.include_router(module.router)

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Any) -> Response:
        response: Response = await call_next(request)
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    def _is_api(request: Request) -> bool:
        return request.url.path.startswith("/api/")

    def _page(request: Request, status: int, message: str, hint: str | None = None) -> Response:
        return web(request).render(request, "error.html", {"status": status, "message": message, "hint": hint}, status)

    @app.exception_handler(ArtproofError)
    async def artproof_error(request: Request, exc: ArtproofError) -> Response:
        if _is_api(request):
            return JSONResponse(exc.to_json(), status_code=exc.http_status)
        if isinstance(exc, NotSignedIn) and request.method == "GET":
            return RedirectResponse(f"/signin?next={request.url.path}", status_code=303)
        return _page(request, exc.http_status, exc.what, exc.hint)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if _is_api(request) or request.url.path.startswith("/ledger/"):
            body = {"error": "HTTPError", "message": str(exc.detail), "value": None, "hint": None}
            return JSONResponse(body, status_code=exc.status_code)
        return _page(request, exc.status_code, str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
        message = f"{where}: {first.get('msg', 'invalid')}" if where else str(first.get("msg", "invalid input"))
        if _is_api(request):
            body = {"error": "InvalidInput", "message": message, "value": None, "hint": None}
            return JSONResponse(body, status_code=422)
        return _page(request, 422, message)

    return app
