"""The artist's studio in the browser: generate, vary, pick, restore, assist, describe, seal, issue.

Each action is one call of the studio's services, acting as the signed-in artist and signing
with their key (the password sealed in their session unlocks it). Generation, variations, a
restoration, an assistance and issuing editions run as background jobs whose progress the page
polls (HTMX, or a plain refresh without JavaScript). Files the web makes (sealed masters,
edition folders) live under ``$ARTPROOF_HOME/web/``; the records point to them by hash.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from artproof.errors import Forbidden, InvalidInput
from artproof.web.context import web
from artproof.web.jobs import RESULT_URLS, Job, from_queue
from artproof.web.public import MAX_UPLOAD, picture_response, read_upload

if TYPE_CHECKING:
    from artproof.accounts.service import Viewer
    from artproof.web.context import WebContext

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
SIZES = ("512x512", "768x768", "1024x1024", "1024x768", "768x1024")
ENGINES = {"neural": "Neural painting (a trained network)", "cppn": "Pattern network (algorithmic)"}
ASSISTS = {
    "remove-background": "Remove the background (U²-Net-p)",
    "relight-left": "Relight from the left",
    "relight-right": "Relight from the right",
    "relight-top": "Relight from above",
}


def _own(ctx: WebContext, viewer: Viewer, work_id: str) -> str:
    """The work's id, if the viewer is its artist (another's work is refused, not hidden: 403)."""
    with ctx.lock:
        work = ctx.services.studio.resolve(work_id)
    if work.artist_key_id != viewer.account.key_id:
        raise Forbidden("this is another artist's work", value=work.work_id)
    return work.work_id


def _artist(request: Request, work_id: str, csrf: str | None = None) -> tuple[WebContext, Viewer, str]:
    """The request's context, its artist and their work's id; a form's CSRF token checked first."""
    ctx = web(request)
    viewer = ctx.submitted(request, csrf, "artist") if csrf is not None else ctx.need(request, "artist")
    return ctx, viewer, _own(ctx, viewer, work_id)


def _job(request: Request, job_id: str) -> tuple[WebContext, Job]:
    """A job of the signed-in account (another account's job does not exist for them)."""
    ctx = web(request)
    viewer = ctx.need(request)
    job = ctx.jobs.get(job_id, viewer.account.username)
    if job is None and ctx.settings.jobs == "queue" and job_id.startswith("job_"):
        from artproof.errors import NotFound

        try:
            view = ctx.services.jobs.get(job_id)
        except NotFound:
            view = None
        job = from_queue(view) if view is not None and view.owner == viewer.account.username else None
    if job is None:
        raise HTTPException(404, "no such job")
    return ctx, job


def _submit(ctx: WebContext, viewer: Viewer, title: str, kind: str, args: dict[str, Any]) -> Response:
    """Long work of a kind the workers know: to the queue (ARTPROOF_JOBS=queue), or run in this process."""
    from artproof.deploy.jobs import SEALED, run_kind, seal_secret

    if ctx.settings.jobs == "queue":
        if ctx.settings.passphrase is None:
            raise InvalidInput(
                "the queue needs the operator's passphrase", hint="start the server with ARTPROOF_PASSPHRASE"
            )
        sealed = seal_secret(viewer.password, ctx.settings.passphrase)
        acting = {**args, "acting": viewer.account.key_id, SEALED: sealed}
        job = ctx.services.queue.submit(kind, acting, owner=viewer.account.username, title=title)
        return _go(f"/studio/jobs/{job.job_id}")

    def run(job: Job) -> str:
        result = run_kind(ctx.services, kind, args, lambda done, total: job.tick(done / max(total, 1)), viewer.password)
        return RESULT_URLS[kind](args, result.to_json())

    return _start(ctx, viewer, title, run)


def _go(url: str) -> Response:
    return RedirectResponse(url, status_code=303)


def _start(ctx: WebContext, viewer: Viewer, title: str, run: Any) -> Response:
    """Start a job acting as the viewer; the browser goes to its progress page."""

    def work(job: Job) -> str:
        with ctx.as_viewer(viewer):
            return str(run(job))

    job = ctx.jobs.start(viewer.account.username, title, work)
    return _go(f"/studio/jobs/{job.job_id}")


@router.get("/studio")
def studio(request: Request) -> Response:
    ctx = web(request)
    viewer = ctx.need(request, "artist")
    with ctx.lock:
        works = [w for w in ctx.services.studio.list_works() if w.artist_key_id == viewer.account.key_id]
        registered = {i.work_id for i in ctx.services.gallery.works(artist_key_id=viewer.account.key_id)}
    works.sort(key=lambda w: w.updated_at, reverse=True)
    values = {"works": works, "registered": registered, "sizes": SIZES, "engines": ENGINES}
    return ctx.render(request, "studio.html", values)


@router.post("/studio/create")
def create(
    request: Request,
    prompt: str = Form(""),
    seed: int = Form(1),
    size: str = Form("1024x1024"),
    engine: str = Form("neural"),
    style: int | None = Form(None),
    title: str = Form(""),
    csrf: str = Form(""),
) -> Response:
    ctx = web(request)
    viewer = ctx.submitted(request, csrf, "artist")
    if engine not in ENGINES or size not in SIZES:
        raise InvalidInput("choose an engine and a size from the form", value=f"{engine} {size}")
    if not prompt.strip():
        raise InvalidInput("the prompt is empty", hint="describe what to make")
    args = {"engine": engine, "prompt": prompt, "seed": seed, "size": size, "title": title or None,
            "style": style if engine == "neural" else None}  # fmt: skip
    return _submit(ctx, viewer, f"Generating “{prompt[:60]}”", "studio.create", args)


@router.get("/studio/jobs/{job_id}")
def job_page(request: Request, job_id: str) -> Response:
    ctx, job = _job(request, job_id)
    if job.state == "done" and job.result_url:
        return _go(job.result_url)
    return ctx.render(request, "job.html", {"job": job})


@router.get("/studio/jobs/{job_id}/progress")
def job_progress(request: Request, job_id: str) -> Response:
    """The progress fragment HTMX polls; when the job is done it sends the browser on (HX-Redirect)."""
    ctx, job = _job(request, job_id)
    response = ctx.render(request, "job_progress.html", {"job": job})
    if job.state == "done" and job.result_url:
        response.headers["HX-Redirect"] = job.result_url
    return response


@router.get("/studio/works/{work_id}")
def work_studio(
    request: Request, work_id: str, detect: list[str] = Query([]), sensitivity: float = Query(0.5)
) -> Response:
    from artproof.editions.licences import LICENCES
    from artproof.ops.describe import details_of
    from artproof.pack.pack_pdf import step_parameters

    ctx, _viewer, work_id = _artist(request, work_id)
    with ctx.lock:
        manifest = ctx.services.studio.manifest(work_id)
        offer = ctx.services.studio.candidates(manifest)
        registration = ctx.services.registry.registration(work_id)
        sealed = ctx.services.registry.sealed(work_id, manifest.revision)
        editions = ctx.services.edition_store.by_work(work_id)
    picked = manifest.steps[-1].op == "human.select"
    steps = [(n, s, step_parameters(s.params, 6)) for n, s in enumerate(manifest.steps, 1)]
    values = {
        "m": manifest, "details": details_of(manifest), "steps": steps,
        "candidates": None if offer is None or picked or offer.step_index != len(manifest.steps) else offer.assets,
        "undo": ctx.services.studio.undoable(manifest),
        "registration": registration, "sealed": sealed, "editions": editions,
        "licences": LICENCES, "assists": ASSISTS,
        "preview": {"detect": [d for d in detect if d in ("holes", "cracks")], "sensitivity": sensitivity},
    }  # fmt: skip
    return ctx.render(request, "studio_work.html", values)


@router.get("/studio/works/{work_id}/damage.png")
def damage_preview(
    request: Request, work_id: str, detect: list[str] = Query(["holes"]), sensitivity: float = Query(0.5)
) -> Response:
    """The mask a restoration would fill (white = damage), over a dimmed picture; records nothing."""
    import numpy as np
    from PIL import Image

    from artproof.core.images import encode_png

    ctx, _viewer, work_id = _artist(request, work_id)
    if not 0.0 <= sensitivity <= 1.0:
        raise InvalidInput("the sensitivity is from 0 to 1", value=sensitivity)
    with ctx.lock:
        mask, _share = ctx.services.studio.find_damage(work_id, detect, sensitivity)
        picture = ctx.services.studio.load_image(ctx.services.studio.resolve(work_id).master).convert("RGB")
    dim = (np.asarray(picture, dtype=np.float32) * 0.45).astype(np.uint8)
    marked = np.asarray(mask.convert("L")) > 127
    dim[marked] = (255, 64, 32)
    overlay = Image.fromarray(dim)
    overlay.thumbnail((900, 900))
    return picture_response(encode_png(overlay), public=False)


@router.post("/studio/works/{work_id}/vary")
def vary(request: Request, work_id: str, count: int = Form(8), seed: int = Form(1), csrf: str = Form("")) -> Response:
    ctx, viewer, work_id = _artist(request, work_id, csrf)
    return _submit(
        ctx, viewer, f"Making {count} variations", "studio.vary", {"work": work_id, "count": count, "seed": seed}
    )


@router.post("/studio/works/{work_id}/select")
def select(request: Request, work_id: str, choice: str = Form(""), csrf: str = Form("")) -> Response:
    ctx, viewer, work_id = _artist(request, work_id, csrf)
    with ctx.as_viewer(viewer):
        ctx.services.studio.select(work_id, choice, passphrase=viewer.password)
    return _go(f"/studio/works/{work_id}")


@router.post("/studio/works/{work_id}/undo")
def undo(request: Request, work_id: str, csrf: str = Form("")) -> Response:
    """Back to the image before the last change, as ``artproof undo`` (a recorded step; nothing deleted)."""
    ctx, viewer, work_id = _artist(request, work_id, csrf)
    with ctx.as_viewer(viewer):
        ctx.services.studio.undo(work_id, passphrase=viewer.password)
    return _go(f"/studio/works/{work_id}")


@router.post("/studio/works/{work_id}/describe")
def describe(
    request: Request,
    work_id: str,
    title: str = Form(""),
    series: str = Form(""),
    year: str = Form(""),
    statement: str = Form(""),
    medium: str = Form(""),
    dimensions: str = Form(""),
    csrf: str = Form(""),
) -> Response:
    ctx, viewer, work_id = _artist(request, work_id, csrf)
    if year.strip() and not year.strip().isdigit():
        raise InvalidInput("the year is a number", value=year)
    with ctx.as_viewer(viewer):
        ctx.services.studio.describe(
            work_id, title=title, series=series, year=int(year) if year.strip() else None,
            statement=statement.replace("\r\n", "\n"),
            medium=medium, dimensions=dimensions, passphrase=viewer.password,
        )  # fmt: skip
    return _go(f"/studio/works/{work_id}")


@router.post("/studio/works/{work_id}/restore")
def restore(
    request: Request,
    work_id: str,
    detect: list[str] = Form([]),
    sensitivity: float = Form(0.5),
    method: str = Form("auto"),
    csrf: str = Form(""),
) -> Response:
    ctx, viewer, work_id = _artist(request, work_id, csrf)
    args = {"work": work_id, "detect": detect, "method": method, "sensitivity": sensitivity}
    return _submit(ctx, viewer, "Restoring", "studio.restore", args)


@router.post("/studio/works/{work_id}/assist")
def assist(request: Request, work_id: str, action: str = Form(""), csrf: str = Form("")) -> Response:
    from artproof.studio.service import assist_params

    ctx, viewer, work_id = _artist(request, work_id, csrf)
    if action not in ASSISTS:
        raise InvalidInput("choose an assistance from the form", value=action)
    name, _, direction = action.partition("-")
    op_name, params = (
        assist_params("relight", direction=direction) if name == "relight" else assist_params("remove-background")
    )
    return _submit(ctx, viewer, ASSISTS[action], "studio.edit", {"work": work_id, "op": op_name, "params": params})


@router.post("/studio/works/{work_id}/edit")
def edit(
    request: Request,
    work_id: str,
    operation: str = Form("crop"),
    box: str = Form(""),
    size: str = Form(""),
    csrf: str = Form(""),
) -> Response:
    """Crop (left,top,right,bottom) or resize (WIDTHxHEIGHT), as ``artproof edit``."""
    from artproof.studio.service import edit_params

    ctx, viewer, work_id = _artist(request, work_id, csrf)
    op_name, params = edit_params(operation, box=box or None, size=size or None)
    with ctx.as_viewer(viewer):
        ctx.services.studio.edit(work_id, op_name, params, passphrase=viewer.password)
    return _go(f"/studio/works/{work_id}")


@router.post("/studio/works/{work_id}/hand-edit")
async def hand_edit(
    request: Request,
    work_id: str,
    file: UploadFile = File(...),
    tool: str = Form(""),
    note: str = Form(""),
    csrf: str = Form(""),
) -> Response:
    """A version edited by hand in another program: its changed pixels become the artist's (``edit.external``)."""
    ctx, viewer, work_id = _artist(request, work_id, csrf)
    data = await read_upload(file, MAX_UPLOAD, "the edited picture")
    if data is None:
        raise InvalidInput("choose the edited picture", hint="the file your editor saved")
    with ctx.as_viewer(viewer):
        ctx.services.studio.edit_external(
            work_id, data, file.filename or "edited.png", tool=tool, note=note, passphrase=viewer.password
        )
    return _go(f"/studio/works/{work_id}")


@router.post("/studio/works/{work_id}/seal")
def seal(request: Request, work_id: str, csrf: str = Form("")) -> Response:
    """Seal the current revision (Content Credentials, kept under web/sealed/) and register it."""
    ctx, viewer, work_id = _artist(request, work_id, csrf)
    with ctx.as_viewer(viewer):
        revision = ctx.services.studio.resolve(work_id).revision
        output = ctx.settings.home / "web" / "sealed" / f"{work_id}-r{revision}.png"
        ctx.services.sealing.seal(work_id, output, force=True, passphrase=viewer.password)
    return _go(f"/studio/works/{work_id}")


@router.post("/studio/works/{work_id}/editions")
def issue(
    request: Request,
    work_id: str,
    count: int = Form(5),
    proofs: int = Form(0),
    licence: str = Form("display-only"),
    mark: str = Form("standard"),
    csrf: str = Form(""),
) -> Response:
    from artproof.watermark import check_kind

    ctx, viewer, work_id = _artist(request, work_id, csrf)
    folder = ctx.settings.home / "web" / "editions" / work_id
    args = {"work": work_id, "output": str(folder), "count": count, "proofs": proofs, "licence": licence,
            "mark": check_kind(mark)}  # fmt: skip
    return _submit(ctx, viewer, f"Issuing an edition of {count}", "editions.issue", args)


@router.get("/studio/works/{work_id}/master.png")
def master(request: Request, work_id: str) -> Response:
    """The artist's own master file (full size, as stored): for the artist only."""
    ctx, _viewer, work_id = _artist(request, work_id)
    with ctx.lock:
        data = ctx.services.studio.blobs.get(ctx.services.studio.resolve(work_id).master)
    disposition = f'attachment; filename="{work_id}.png"'
    return Response(data, media_type="image/png", headers={"Content-Disposition": disposition})


@router.get("/studio/works/{work_id}/pack.pdf")
def pack(request: Request, work_id: str, bundle: bool = False) -> Response:
    """The provenance pack (PDF, or the signed bundle with ``?bundle=1``), signed by the artist."""
    ctx, viewer, work_id = _artist(request, work_id)
    with ctx.as_viewer(viewer):
        _packed, data = (ctx.services.packs.bundle if bundle else ctx.services.packs.pack)(work_id, viewer.password)
    kind, name = ("application/zip", "bundle.zip") if bundle else ("application/pdf", "pack.pdf")
    disposition = f'attachment; filename="{work_id[:12]}-{name}"'
    return Response(data, media_type=kind, headers={"Content-Disposition": disposition})
