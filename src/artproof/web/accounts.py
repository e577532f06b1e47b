"""Sign-up, sign-in, sign-out and the account page (API tokens).

Sign-up makes the account's own signing identity (its key sealed under the password); sign-in
sets the session cookie (HttpOnly, SameSite=Lax, Secure over TLS). Both are rate limited per
address, and both forms carry a CSRF token like every other form.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from artproof.errors import ArtproofError
from artproof.web.context import SESSION_COOKIE, secure, web

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


def _local(target: str | None) -> str:
    """Only a path on this site (an open redirect would send a fresh session elsewhere)."""
    parts = urlsplit(target or "/")
    return target if target and not parts.scheme and not parts.netloc and target.startswith("/") else "/"


def _signed_in(request: Request, token: str, expires: str, to: str) -> Response:
    response = RedirectResponse(_local(to), status_code=303)
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="lax", secure=secure(request), max_age=12 * 3600)
    return response


@router.get("/signup")
def signup_form(request: Request) -> Response:
    return web(request).render(request, "signup.html", {"error": None, "form": {}})


@router.post("/signup")
def signup(
    request: Request,
    username: str = Form(""),
    display_name: str = Form(""),
    password: str = Form(""),
    role: str = Form("artist"),
    csrf: str = Form(""),
) -> Response:
    ctx = web(request)
    ctx.check_csrf(request, csrf)
    ctx.limits.hit("sign-in", ctx.client(request))
    if role not in ("artist", "collector"):  # admins are made on the command line
        role = "collector"
    try:
        with ctx.lock:
            ctx.services.accounts.sign_up(username, display_name, password, role)
            session = ctx.services.accounts.sign_in(username, password)
    except ArtproofError as exc:
        form = {"username": username, "display_name": display_name, "role": role}
        return ctx.render(request, "signup.html", {"error": exc.diagnostics(), "form": form}, exc.http_status)
    return _signed_in(request, session.token, session.expires_at, "/studio" if role == "artist" else "/collection")


@router.get("/signin")
def signin_form(request: Request, next: str = "/") -> Response:
    return web(request).render(request, "signin.html", {"error": None, "next": _local(next)})


@router.post("/signin")
def signin(
    request: Request,
    username: str = Form(""),
    password: str = Form(""),
    next: str = Form("/"),
    csrf: str = Form(""),
) -> Response:
    ctx = web(request)
    ctx.check_csrf(request, csrf)
    ctx.limits.hit("sign-in", ctx.client(request))
    try:
        with ctx.lock:
            session = ctx.services.accounts.sign_in(username, password)
    except ArtproofError as exc:
        return ctx.render(request, "signin.html", {"error": exc.what, "next": _local(next)}, exc.http_status)
    return _signed_in(request, session.token, session.expires_at, next)


@router.post("/signout")
def signout(request: Request, csrf: str = Form("")) -> Response:
    ctx = web(request)
    ctx.check_csrf(request, csrf)
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        with ctx.lock:
            ctx.services.accounts.sign_out(token)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/account")
def account_page(request: Request) -> Response:
    ctx = web(request)
    viewer = ctx.need(request)
    return ctx.render(request, "account.html", {"account": viewer.account, "token": None, "error": None})


@router.post("/account/tokens")
def new_token(request: Request, password: str = Form(""), label: str = Form("api"), csrf: str = Form("")) -> Response:
    ctx = web(request)
    viewer = ctx.submitted(request, csrf)
    ctx.limits.hit("sign-in", ctx.client(request))
    try:
        with ctx.lock:
            token = ctx.services.accounts.new_token(viewer.account.username, password, label)
    except ArtproofError as exc:
        values = {"account": viewer.account, "token": None, "error": exc.what}
        return ctx.render(request, "account.html", values, exc.http_status)
    return ctx.render(request, "account.html", {"account": viewer.account, "token": token, "error": None})
