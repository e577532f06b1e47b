"""What every route shares: the services, the templates, one lock, the jobs, the limits, and who is asking.

A request is anonymous or comes from an account (session cookie ``ap_session``, or for the API a
bearer token). Every HTML form carries a CSRF token: the session's own when signed in, else a
random one in the ``ap_csrf`` cookie (double submit), compared in constant time. Services run
under the lock and, for a signed-in account, ``acting_as`` its identity, so ``me`` is the account.
"""

from __future__ import annotations

import hmac
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import Request
from fastapi.responses import Response
from fastapi.templating import Jinja2Templates

from artproof import __version__
from artproof.errors import Forbidden, NotSignedIn
from artproof.web.jobs import JobRunner
from artproof.web.limits import RateLimiter

if TYPE_CHECKING:
    from artproof.accounts.service import Viewer
    from artproof.services import Services
    from artproof.settings import Settings

__all__ = ["SESSION_COOKIE", "WebContext", "web"]

HERE = Path(__file__).parent
SESSION_COOKIE = "ap_session"
CSRF_COOKIE = "ap_csrf"
_UNKNOWN = object()


@dataclass
class WebContext:
    settings: Settings
    services: Services
    templates: Jinja2Templates = field(default_factory=lambda: Jinja2Templates(directory=str(HERE / "templates")))
    lock: threading.RLock = field(default_factory=threading.RLock)
    jobs: JobRunner = field(default_factory=JobRunner)
    limits: RateLimiter = field(default_factory=lambda: RateLimiter({}))
    published_size: int = -1

    # who is asking ----------------------------------------------------------

    def viewer(self, request: Request) -> Viewer | None:
        """The signed-in account of this request, or None (an expired session counts as none)."""
        known: Viewer | object | None = getattr(request.state, "viewer", _UNKNOWN)  # looked up once per request
        if known is not _UNKNOWN:
            return known  # type: ignore[return-value]
        viewer = None
        token = request.cookies.get(SESSION_COOKIE)
        if token:
            try:
                with self.lock:
                    viewer = self.services.accounts.session(token)
            except NotSignedIn:
                viewer = None
        request.state.viewer = viewer
        return viewer

    def need(self, request: Request, *roles: str) -> Viewer:
        """The signed-in account, of one of ``roles`` (admin passes every role check)."""
        viewer = self.viewer(request)
        if viewer is None:
            raise NotSignedIn("sign in to do this", hint="sign in at /signin")
        if roles:
            self.services.accounts.require(viewer.account, *roles)  # type: ignore[arg-type]
        return viewer

    def submitted(self, request: Request, csrf: str | None, *roles: str) -> Viewer:
        """A form's sender: its CSRF token checked first, then the signed-in account (of ``roles``)."""
        self.check_csrf(request, csrf)
        return self.need(request, *roles)

    def bearer(self, request: Request) -> Viewer:
        """The account of an API call's ``Authorization: Bearer ap_...`` token."""
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise NotSignedIn("this API call needs a token", hint="send Authorization: Bearer <token>")
        with self.lock:
            return self.services.accounts.by_token(token.strip())

    # CSRF -------------------------------------------------------------------

    def csrf_token(self, request: Request) -> str:
        viewer = self.viewer(request)
        if viewer is not None:
            return viewer.csrf
        token = request.cookies.get(CSRF_COOKIE) or getattr(request.state, "new_csrf", None)
        if not token:
            token = secrets.token_urlsafe(32)
            request.state.new_csrf = token
        return token

    def check_csrf(self, request: Request, given: str | None) -> None:
        expected = self.csrf_token(request)
        if not given or not hmac.compare_digest(given.encode(), expected.encode()):
            raise Forbidden("the form's security token does not match", hint="reload the page and try again")

    def client(self, request: Request) -> str:
        return request.client.host if request.client else "unknown"

    # doing ------------------------------------------------------------------

    @contextmanager
    def as_viewer(self, viewer: Viewer | None) -> Iterator[None]:
        """Run services under the lock, acting as the viewer's identity (the operator's when None)."""
        with self.lock:
            if viewer is None:
                yield
                return
            record = self.services.identities.get(viewer.account.key_id)
            with self.services.identities.acting_as(record):
                yield

    def render(self, request: Request, template: str, values: dict[str, Any], status: int = 200) -> Response:
        viewer = self.viewer(request)
        values = {"viewer": viewer, "csrf": self.csrf_token(request), "version": __version__, **values}
        response = self.templates.TemplateResponse(request, template, values, status_code=status)
        new = getattr(request.state, "new_csrf", None)
        if new:
            response.set_cookie(CSRF_COOKIE, new, httponly=True, samesite="strict", secure=secure(request))
        return response


def secure(request: Request) -> bool:
    """Cookies are Secure when the page came over TLS (directly, or through a proxy uvicorn trusts)."""
    return request.url.scheme == "https"


def web(request: Request) -> WebContext:
    return request.app.state.web  # type: ignore[no-any-return]
