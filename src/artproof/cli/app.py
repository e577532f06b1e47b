"""The ``artproof`` command. Each command parses, calls one service function, renders.

There is exactly one error handler (:func:`main`): any :class:`ArtproofError`
becomes a one-line message on stderr (and, with ``--json``, an error object on
stdout) and its own exit code.
"""

from __future__ import annotations

import os
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

import typer
from rich.markup import escape
from typer.core import TyperGroup, TyperOption

from artproof import __version__
from artproof.cli.accounts import account_app
from artproof.cli.backup import backup_app
from artproof.cli.catalog import catalog_app, market
from artproof.cli.common import (
    FORCE,
    JSON,
    image_bytes,
    passphrase,
    progress_bar,
    read_input,
    services,
    set_quiet,
    text_or_file,
    write_output,
)
from artproof.cli.editions import certificate_app, edition_app, pack, transfer
from artproof.cli.interop import import_files, inspect, seal, trust_app
from artproof.cli.ledger import ledger_app, register
from artproof.cli.models import model_app
from artproof.cli.render import (
    err,
    out,
    print_json,
    replay_table,
    safe,
    work_json,
    work_panel,
    works_table,
)
from artproof.cli.verify import verify
from artproof.errors import ArtproofError, InvalidInput, NotFound, StorageError
from artproof.store.files import IMAGE_SUFFIXES, check_output

# The order a person works in, not the order the code registers commands.
WORKFLOW = (
    "init", "create", "vary", "select", "edit", "assist", "restore", "physical", "import", "seal", "register",
    "edition", "certificate", "transfer", "pack", "verify", "inspect", "work", "replay", "ledger", "identity", "trust",
    "ops", "taste", "model", "catalog", "market", "backup", "serve", "worker", "doctor", "account", "demo",
)  # fmt: skip


class _WorkflowGroup(TyperGroup):
    """The root command: lists its commands in workflow order."""

    def list_commands(self, ctx: Any) -> list[str]:
        names = super().list_commands(ctx)
        return sorted(names, key=lambda n: WORKFLOW.index(n) if n in WORKFLOW else len(WORKFLOW))


def _no_flag_types(self: TyperOption, ctx: Any) -> str | None:
    """Help shows a value's type (<path>, <int>) but none for on/off flags (typer 0.2x prints <bool>)."""
    return None if self.is_flag else _typed(self, ctx)


_typed = TyperOption.display_type_rich
TyperOption.display_type_rich = _no_flag_types  # type: ignore[method-assign]

app = typer.Typer(
    name="artproof",
    cls=_WorkflowGroup,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    help="artproof: create AI art with recorded, signed, replayable provenance.",
)
identity_app = typer.Typer(no_args_is_help=True, help="Your identity and the public keys of others.")
work_app = typer.Typer(no_args_is_help=True, help="List, show, describe and export works.")
app.add_typer(identity_app, name="identity")
app.add_typer(work_app, name="work")
app.add_typer(ledger_app, name="ledger")
app.command("register")(register)
app.command("import")(import_files)
app.command("seal")(seal)
app.command("inspect")(inspect)
app.add_typer(trust_app, name="trust")
app.add_typer(edition_app, name="edition")
app.add_typer(certificate_app, name="certificate")
app.add_typer(model_app, name="model")
app.add_typer(backup_app, name="backup")
app.add_typer(account_app, name="account")
app.add_typer(catalog_app, name="catalog")
app.command("market")(market)
app.command("transfer")(transfer)
app.command("pack")(pack)
app.command("verify")(verify)


def _one_line(manifest: Any, as_json: bool, what: str) -> None:
    """A recorded step in one line (the whole record is 'work show')."""
    if as_json:
        print_json(work_json(manifest))
        return
    master = manifest.assets[manifest.master]
    out.print(
        f"{what}: [cyan]{manifest.work_id}[/cyan] revision {manifest.revision}, {master.width}x{master.height}, "
        f"{manifest.classification.digital_source_type or 'source unknown'}; "
        f"see it: artproof work export {manifest.work_id} -o image.png",
        soft_wrap=True,
    )


def _show(manifest: Any, as_json: bool) -> None:
    if as_json:
        print_json(work_json(manifest))
    else:
        work_panel(manifest)


# identity ---------------------------------------------------------------


@app.command()
def init(
    name: str | None = typer.Option(None, "--name", help="your name or studio's name"),
    rotate: bool = typer.Option(False, "--rotate", help="replace your signing key (logged as key.rotated)"),
    revoke: bool = typer.Option(False, "--revoke", help="with --rotate: the old key is compromised (key.revoked)"),
    reason: str | None = typer.Option(None, "--reason", help="with --revoke: why, e.g. 'laptop stolen'"),
    as_json: bool = JSON,
) -> None:
    """Create your identity: an Ed25519 key pair, the private key encrypted with your passphrase.

    With --rotate, make a new key for the identity that exists: the ledger records the succession
    (signed by the old key), and with --revoke the old key's revocation: anything it signs after
    that entry reads tampered; what it signed before stays valid.
    """
    svc = services()
    if rotate:
        done = svc.ledger.rotate_key(passphrase(), revoke=revoke, reason=reason)
        if as_json:
            print_json(asdict(done))
        else:
            revoked = (
                f"; old key revoked at ledger entry {done.revoked_index}" if done.revoked_index is not None else ""
            )
            out.print(
                f"new signing key {done.new_key_id} replaces {done.old_key_id} (ledger entry {done.rotated_index})"
                f"{revoked}. Publish the ledger so collectors learn of it.",
                soft_wrap=True,
            )
        return
    if revoke or reason:
        raise InvalidInput("--revoke and --reason go with --rotate", hint="artproof init --rotate --revoke")
    if name is None:
        raise InvalidInput("a new identity needs a name", hint='artproof init --name "Your Studio"')
    record = svc.identities.init(name, passphrase(confirm=True))
    if as_json:
        print_json(
            {
                "key_id": record.key_id,
                "name": record.name,
                "public_key": record.public_key,
                "home": str(svc.settings.home),
            }
        )
    else:
        out.print(f"identity [bold]{escape(record.name)}[/bold] created: key {record.key_id} in {svc.settings.home}")


@identity_app.command("show")
def identity_show(as_json: bool = JSON) -> None:
    """Show your identity (name, key id, public key)."""
    public = services().identities.public()
    if as_json:
        print_json(public.model_dump())
    else:
        out.print(f"{public.name}\nkey id      {public.key_id}\npublic key  {public.public_key} (Ed25519)")


@identity_app.command("export-public")
def identity_export_public(
    output: Path = typer.Option(..., "-o", "--output", help="file to write"), force: bool = FORCE
) -> None:
    """Write your public key to a file others can import (transfers, trust)."""
    public = services().identities.public()
    from artproof.core.canonical import canonical_json

    write_output(output, canonical_json(public.model_dump()) + b"\n", force=force)
    err.print(f"public key of {public.name} ({public.key_id}) written to {output}")


@identity_app.command("add")
def identity_add(name: str, key_file: Path, as_json: bool = JSON) -> None:
    """Import someone's public key file under NAME."""
    record = services().identities.add(name, key_file)
    if as_json:
        print_json({"key_id": record.key_id, "name": record.name})
    else:
        out.print(f"added {record.name} (key {record.key_id})")


certificate_app = typer.Typer(no_args_is_help=True, help="The X.509 certificate that signs Content Credentials.")
identity_app.add_typer(certificate_app, name="certificate")


@certificate_app.command("export-ca")
def certificate_export_ca(
    output: Path = typer.Option(..., "-o", "--output", help="ca.pem to write"), force: bool = FORCE
) -> None:
    """Write the CA certificate that signs your Content Credentials, for collectors to trust ('trust add')."""
    pem = services().credentials.registry_ca_pem()
    if pem is None:
        raise NotFound("this home has no signing CA yet", hint="it is made at the first 'artproof seal'")
    write_output(output, pem.encode("ascii"), force=force)
    err.print(f"CA certificate written to {output}; a collector runs: artproof trust add {output.name}")


@certificate_app.command("show")
def certificate_show(as_json: bool = JSON) -> None:
    """The signing certificate: subject, issuer, validity, days left, local CA or imported."""
    status = services().credentials.certificate_status()
    if as_json:
        print_json(status)
        return
    if status is None:
        out.print("no signing certificate yet: one is issued by the local registry CA at the first 'artproof seal'")
        return
    state = "[red]EXPIRED[/red]" if status["expired"] else f"{status['days_left']} days left"
    out.print(
        f"{status['subject']}\nissued by {status['issuer']} ({status['source']})\n"
        f"valid {status['not_before']} to {status['not_after']}: {state}"
    )


@certificate_app.command("import")
def certificate_import(
    chain: Path = typer.Argument(..., help="PEM: the signing certificate first, then its intermediates"),
    key: Path = typer.Argument(..., help="PEM private key (P-256) of the signing certificate"),
    key_passphrase_env: str | None = typer.Option(
        None, "--key-passphrase-env", help="name of an environment variable holding the key's passphrase"
    ),
    as_json: bool = JSON,
) -> None:
    """Sign with a certificate from a real CA instead of the local registry CA."""
    key_passphrase = os.environ.get(key_passphrase_env) if key_passphrase_env else None
    svc = services()
    leaf = svc.credentials.import_certificate(chain, key, key_passphrase, passphrase())
    status = svc.credentials.certificate_status()
    if as_json:
        print_json(status)
    else:
        out.print(f"imported {leaf.subject.rfc4514_string()}, valid until {leaf.not_valid_after_utc.isoformat()}")


@identity_app.command("list")
def identity_list(as_json: bool = JSON) -> None:
    """List known identities: yours and those you added."""
    records = services().identities.list()
    if as_json:
        print_json([{"key_id": r.key_id, "name": r.name, "self": r.is_self} for r in records])
        return
    for r in records:
        out.print(f"{r.key_id}  {r.name}{'  (you)' if r.is_self else ''}")


# creating and editing ----------------------------------------------------


@app.command()
def create(
    prompt: str = typer.Option(..., "--prompt", help="what to make; conditions palette, latent and structure"),
    engine: str = typer.Option(
        "cppn", "--engine", help="cppn, neural (a trained style network paints it) or diffusion (a local model)"
    ),
    seed: int | None = typer.Option(
        None,
        "--seed",
        help="0 to 2^53-1; the same prompt and seed give the same image (default: a random seed, printed and recorded)",
    ),
    size: str | None = typer.Option(
        None, "--size", help="WIDTHxHEIGHT, 64 to 8192 pixels a side (1024x1024; diffusion 512x512, multiples of 8)"
    ),
    title: str | None = typer.Option(None, "--title", help="defaults to a name from the prompt"),
    style: int | None = typer.Option(None, "--style", help="neural: one of the 26 trained styles, 0 to 25 (19)"),
    strength: float | None = typer.Option(
        None, "--strength", help="neural: 0 (canvas) to 1 (painting, default); diffusion with --init: 0.6"
    ),
    model: str | None = typer.Option(None, "--model", help="diffusion: a local diffusers folder or checkpoint"),
    steps: int | None = typer.Option(None, "--steps", help="diffusion: denoising steps (25)"),
    guidance: float | None = typer.Option(None, "--guidance", help="diffusion: classifier-free guidance (7.5)"),
    negative: str | None = typer.Option(None, "--negative", help="diffusion: the negative prompt"),
    init: Path | None = typer.Option(None, "--init", help="diffusion: start from this image (img2img)"),
    output: Path | None = typer.Option(None, "-o", "--output", help="also write the image here (.png, .jpg, .webp)"),
    force: bool = FORCE,
    as_json: bool = JSON,
) -> None:
    """Generate a new work; the generation is its first recorded step."""
    if output is not None:
        check_output(output, suffixes=IMAGE_SUFFIXES, force=force)
    options = None
    if model is not None or engine == "diffusion":
        from artproof.studio.service import DiffusionOptions

        given = (read_input(init, "the init image"), init.name) if init is not None else None
        options = DiffusionOptions(model or "", steps=steps, guidance=guidance, negative=negative, init=given)
    elif any(v is not None for v in (steps, guidance, negative, init)):
        raise InvalidInput(
            "--steps, --guidance, --negative and --init are the diffusion engine's",
            hint="--engine diffusion --model DIR",
        )
    svc = services()
    secret = passphrase()
    seed = _seed(seed)
    with progress_bar(f"generating {size or 'the default size'}") as tick:
        manifest = svc.studio.create(
            engine=engine, prompt=prompt, seed=seed, size=size, title=title, passphrase=secret, progress=tick,
            style=style, strength=strength, diffusion=options,
        )  # fmt: skip
    if output is not None:
        write_output(output, image_bytes(svc.studio.load_image(manifest.master), output), force=force)
    if as_json:
        _show(manifest, as_json)
        return
    _show(manifest, as_json)
    where = str(output) if output is not None else f"artproof work export {manifest.work_id} -o image.png"
    out.print(f"work [cyan]{manifest.work_id}[/cyan], seed {seed}; the image: {escape(where)}", soft_wrap=True)


def _names(text: str | None) -> list[str]:
    """``"autumn, ocean"`` -> ["autumn", "ocean"]."""
    return [part.strip().lower() for part in (text or "").split(",") if part.strip()]


def _seed(seed: int | None) -> int:
    """The seed given, or a random one that is printed (stderr) and recorded like any other."""
    if seed is not None:
        return seed
    import secrets

    drawn = secrets.randbelow(2**32)
    err.print(f"seed {drawn} (random; give --seed {drawn} to make this again)")
    return drawn


@app.command()
def vary(
    work: str,
    count: int = typer.Option(8, "--count", help="number of candidates, 1 to 64"),
    seed: int | None = typer.Option(None, "--seed", help="draws each candidate's settings (default: random, recorded)"),
    strength: float | None = typer.Option(
        None, "--strength", help="0 to 1: how far random candidates move (0.6), or how much of a trained style (1)"
    ),
    palette: str | None = typer.Option(
        None, "--palette", help="named palettes, or pictures whose palette to take: autumn,ocean,photo.jpg"
    ),
    lighting: str | None = typer.Option(None, "--lighting", help="lighting presets, e.g. dawn,noon,dusk"),
    style: str | None = typer.Option(
        None, "--style", help="trained styles 0-25, classical ones, or pictures to borrow a style from: 7,oil,ref.jpg"
    ),
    by_taste: bool = typer.Option(False, "--by-taste", help="order the candidates best first by your taste"),
    sheet: Path | None = typer.Option(None, "-o", "--sheet", help="also write the contact sheet here"),
    force: bool = FORCE,
    as_json: bool = JSON,
) -> None:
    """Make candidates (c1..cN) from the work's current image; choose with 'select'.

    Without --palette/--lighting/--style: COUNT seeded random variations. With them: every combination
    of the looks named (at most 64), labelled on the sheet.
    """
    if sheet is not None:
        check_output(sheet, suffixes=IMAGE_SUFFIXES, force=force)  # before anything is recorded
    references: list[tuple[bytes, str]] = []

    def looks_of(text: str | None) -> list[str]:
        """Names, and pictures (paths) whose style or palette to borrow, as ref:1, ref:2, ..."""
        tokens = []
        for token in [t.strip() for t in (text or "").split(",") if t.strip()]:
            if Path(token).expanduser().is_file():
                references.append((read_input(Path(token).expanduser(), "the reference picture"), Path(token).name))
                tokens.append(f"ref:{len(references)}")
            else:
                tokens.append(token.lower())
        return tokens

    named = [looks_of(palette), _names(lighting), looks_of(style)]
    svc = services()
    if any(named):
        from artproof.ops.grid import parse_looks

        looks = parse_looks(named[0], named[1], named[2], references=len(references))  # before the passphrase
        secret = passphrase()
        with progress_bar(f"{len(looks)} variations") as tick:
            manifest = svc.studio.vary_grid(
                work, palettes=named[0], lightings=named[1], styles=named[2], strength=strength,
                seed=seed or 0, passphrase=secret, progress=tick, by_taste=by_taste, references=references,
            )  # fmt: skip
    else:
        secret = passphrase()
        seed = _seed(seed)
        with progress_bar(f"{count} variations") as tick:
            manifest = svc.studio.vary(
                work, count=count, seed=seed, strength=strength, passphrase=secret, progress=tick, by_taste=by_taste
            )
    step = manifest.steps[-1]
    if sheet is not None:
        write_output(sheet, image_bytes(svc.studio.load_image(step.output), sheet), force=force)
    if as_json:
        print_json(
            {
                **work_json(manifest),
                "contact_sheet": step.output,
                "candidates": {f"c{i}": a for i, a in enumerate(step.extra_outputs, start=1)},
            }
        )
        return
    out.print(
        f"{len(step.extra_outputs)} candidates c1..c{len(step.extra_outputs)} for {manifest.work_id}; "
        f"choose one with: artproof select {manifest.work_id} c1"
    )
    if sheet is not None:
        out.print(f"contact sheet written to {sheet}")


@app.command()
def select(work: str, choice: str, as_json: bool = JSON) -> None:
    """Record your choice of candidate CHOICE (c1..cN) as the work's current image."""
    svc = services()
    manifest = svc.studio.select(work, choice, passphrase=passphrase())
    _one_line(manifest, as_json, f"chose {choice}")


@app.command()
def undo(
    work: str,
    to: int | None = typer.Option(None, "--to", min=1, help="bring back the image step N made (see 'work show')"),
    as_json: bool = JSON,
) -> None:
    """Go back to the work's image before its last change (or to step N's image), recorded as a step.

    Nothing is deleted: the undone steps stay in the record, no longer the current image's ancestors.
    """
    svc = services()
    manifest, back = svc.studio.undo(work, to_step=to, passphrase=passphrase())
    if as_json:
        print_json({**work_json(manifest), "back_to_step": back.step, "back_to_op": back.op})
        return
    _one_line(manifest, as_json, f"back to the image of step {back.step} ({back.op})")


@app.command()
def edit(
    work: str,
    operation: str = typer.Argument(..., help="crop, resize, or external (a hand edit made in another program)"),
    box: str | None = typer.Option(None, "--box", help="crop: left,top,right,bottom in pixels"),
    size: str | None = typer.Option(None, "--size", help="resize: WIDTHxHEIGHT"),
    resample: str = typer.Option("lanczos", "--resample", help="resize: lanczos, bicubic, bilinear, nearest"),
    file: Path | None = typer.Option(None, "--file", help="external: the edited picture, at the work's size"),
    tool: str | None = typer.Option(None, "--tool", help='external: the program, e.g. "Photoshop 2026"'),
    note: str = typer.Option("", "--note", help="external: what you did, in your words"),
    as_json: bool = JSON,
) -> None:
    """Apply an edit to the work's current image, recorded as a step.

    'external' records a hand edit made elsewhere: which pixels changed (a mask and their share) makes
    that share of the picture human-made in the classification.
    """
    if operation == "external":
        if file is None or tool is None:
            raise InvalidInput("an external edit needs --file and --tool", hint='--file retouched.png --tool "Krita 5"')
        data = read_input(file, "the edited file")
        manifest = services().studio.edit_external(work, data, file.name, tool=tool, note=note, passphrase=passphrase())
        share = manifest.steps[-1].params["changed_share"]
        _one_line(manifest, as_json, f"hand edit recorded ({share:.0%} of the pixels changed)")
        return
    from artproof.studio.service import edit_params

    op_name, params = edit_params(operation, box=box, size=size, resample=resample)  # before the passphrase
    manifest = services().studio.edit(work, op_name, params, passphrase=passphrase())
    _one_line(manifest, as_json, f"{operation} recorded")


@app.command()
def assist(
    work: str,
    action: str = typer.Argument(..., help="remove-background, upscale, relight or fit-print"),
    value: str | None = typer.Argument(None, help="upscale: 2x, 3x or 4x; fit-print: a paper size such as A3"),
    direction: str | None = typer.Option(None, "--from", help="relight: left, right, top, bottom, top-left, ..."),
    strength: float | None = typer.Option(None, "--strength", help="relight: 0 to 1 (0.6)"),
    dpi: int | None = typer.Option(None, "--dpi", help="fit-print: dots per inch (300)"),
    fit: str | None = typer.Option(None, "--fit", help="fit-print: contain (whole picture) or cover (fill, crop)"),
    quality: str | None = typer.Option(None, "--quality", help="upscale: general (Real-ESRGAN x4plus) or fast"),
    method: str | None = typer.Option(
        None, "--method", help="remove-background: u2net (trained network, default) or grabcut (no network)"
    ),
    as_json: bool = JSON,
) -> None:
    """Assistance on the current image: remove the background, upscale, relight, fit to a print size."""
    from artproof.studio.service import assist_params

    op_name, params = assist_params(
        action, value, direction=direction, strength=strength, dpi=dpi, fit=fit, quality=quality, method=method
    )  # refused before the passphrase is asked
    svc = services()
    secret = passphrase()
    with progress_bar(action) as tick:
        manifest = svc.studio.edit(work, op_name, params, passphrase=secret, progress=tick)
    master = manifest.assets[manifest.master]
    if op_name == "assist.fit_print" and not as_json:
        from artproof.ops.assist import PAPERS

        short, long = sorted(PAPERS[params["paper"]])
        d = manifest.steps[-1].params["dpi"]
        out.print(
            f"{params['paper']} is {short:g} x {long:g} mm; at {d} dpi that is {round(short / 25.4 * d)} x "
            f"{round(long / 25.4 * d)} px (mm / 25.4 x dpi); the picture is now {master.width}x{master.height}",
            soft_wrap=True,
        )
        before = manifest.assets[manifest.steps[-1].inputs[0]]
        scale = master.width / before.width
        if scale > 2:
            err.print(
                f"[yellow]note:[/yellow] that is {scale:.1f}x the pixels' size with Lanczos; for a sharper print, "
                f"upscale first (artproof assist WORK upscale 4x) and fit again",
                soft_wrap=True,
            )
    if (warning := svc.studio.subject_warning(manifest)) is not None:
        err.print(f"[yellow]note:[/yellow] {escape(warning)}", soft_wrap=True)
    _one_line(manifest, as_json, f"{action} recorded")


@app.command()
def restore(
    work: str,
    detect: str | None = typer.Option(None, "--detect", help="holes, cracks, fading (comma-separated)"),
    mask: Path | None = typer.Option(None, "--mask", help="a mask you painted: 8-bit PNG at the picture's size"),
    mask_out: Path | None = typer.Option(None, "--mask-out", help="write the mask that is filled here"),
    fill: str = typer.Option("auto", "--fill", help="auto (= exemplar), exemplar, telea, ns, biharmonic, diffusion"),
    sensitivity: float = typer.Option(0.5, "--sensitivity", min=0.0, max=1.0, help="cracks: 0 to 1; 1 finds fainter"),
    strength: float | None = typer.Option(None, "--strength", help="fading: 0 to 1 (1)"),
    fade: str = typer.Option("stretch", "--fade", help="fading: stretch (even fading) or retinex (uneven)"),
    model: Path | None = typer.Option(None, "--model", help="--fill diffusion: a local diffusers folder or file"),
    prompt: str = typer.Option("", "--prompt", help="--fill diffusion: what the missing part shows"),
    seed: int = typer.Option(0, "--seed", min=0, help="--fill diffusion: the seed"),
    steps: int = typer.Option(25, "--steps", min=1, max=150, help="--fill diffusion: denoising steps"),
    guidance: float = typer.Option(7.5, "--guidance", min=0.0, max=30.0, help="--fill diffusion: guidance scale"),
    dry_run: bool = typer.Option(False, "--dry-run", help="only find the damage (with --mask-out); record nothing"),
    force: bool = FORCE,
    as_json: bool = JSON,
) -> None:
    """Restore damage: correct fading, find holes and cracks or take your mask, and fill them (each a recorded step)."""
    from artproof.studio.service import InpaintModel, check_restore

    if mask_out is not None:
        check_output(mask_out, suffixes=(".png",), force=force)
    kinds = _names(detect)
    check_restore(kinds, mask is not None or dry_run, fill, str(model) if model else None, fade)
    svc = services()
    if dry_run:
        found, share = svc.studio.find_damage(work, kinds, sensitivity)
        if mask_out is not None:
            write_output(mask_out, image_bytes(found, mask_out), force=force)
        if as_json:
            print_json({"work_id": work, "damaged_share": round(share, 6), "mask": str(mask_out) if mask_out else None})
        else:
            where = f"; mask written to {mask_out}" if mask_out else " (give --mask-out to see it)"
            out.print(f"found {share:.2%} of the picture damaged{where}; nothing recorded", soft_wrap=True)
        return
    painted = (read_input(mask, "the mask"), mask.name) if mask is not None else None
    painter = None
    if model is not None:
        painter = InpaintModel(model_path=str(model), prompt=prompt, seed=seed, steps=steps, guidance=guidance)
    secret = passphrase()
    with progress_bar("restoring") as tick:
        done = svc.studio.restore(
            work, detect=kinds, mask=painted, method=fill, sensitivity=sensitivity, fade_strength=strength,
            fade_method=fade, model=painter, passphrase=secret, progress=tick,
        )  # fmt: skip
    if mask_out is not None and done.mask is not None:
        write_output(mask_out, image_bytes(svc.studio.load_image(done.mask), mask_out), force=force)
    filled = f"{done.filled_share:.2%} of the pixels filled" if done.filled_share else "no damage found to fill"
    _one_line(done.manifest, as_json, f"restored ({filled})")


taste_app = typer.Typer(no_args_is_help=True, help="What you like: learned from likes, dislikes and your choices.")


@taste_app.command("like")
def taste_like(work: str) -> None:
    """You like this work's current image (taste learns from it)."""
    count = services().taste.opinion(work, liked=True)
    out.print(f"liked {work}; {count} taste event(s) recorded")


@taste_app.command("dislike")
def taste_dislike(work: str) -> None:
    """You dislike this work's current image (taste learns from it)."""
    count = services().taste.opinion(work, liked=False)
    out.print(f"disliked {work}; {count} taste event(s) recorded")


@taste_app.command("rank")
def taste_rank(
    candidates: list[str] = typer.Argument(..., help="image files, or works (their current image)"),
    as_json: bool = JSON,
) -> None:
    """Order pictures by your taste, best first (a model fit on your likes, dislikes and choices)."""
    from artproof.core.images import decode_image

    svc = services()
    pictures = []
    for item in candidates:
        path = Path(item)
        if path.is_file():
            pictures.append((item, decode_image(read_input(path, "the picture"), name=path.name)))
        else:
            pictures.append((item, svc.studio.load_image(svc.studio.resolve(item).master)))
    ranking = svc.taste.rank(pictures)
    if as_json:
        print_json(ranking)
        return
    for r in ranking.items:
        out.print(f"{r.rank:>3}. {r.score:+.3f}  {safe(r.name)}", markup=False)
    err.print(f"learned from {ranking.pairs} preference pair(s) in {ranking.events} event(s)")


app.add_typer(taste_app, name="taste")


@app.command()
def physical(
    work: str,
    kind: str = typer.Argument(..., help="print, finish or sign"),
    method: str = typer.Option("", "--method", help="e.g. giclée, hand-varnished, signed in pencil"),
    material: str = typer.Option("", "--material", help='e.g. "Hahnemühle Photo Rag 308"'),
    date: str | None = typer.Option(None, "--date", help="the day it was done, YYYY-MM-DD (default: today)"),
    note: str = typer.Option("", "--note", help="anything else, in your words"),
    photo: list[Path] = typer.Option([], "--photo", help="a photograph as evidence (repeat for more)"),
    as_json: bool = JSON,
) -> None:
    """Record physical work on the picture: printed, finished or signed by hand (a physical hybrid)."""
    photos = [(read_input(p, "the photograph"), p.name) for p in photo]
    manifest = services().studio.physical(
        work, kind, method=method, material=material, date=date, note=note, photos=photos, passphrase=passphrase()
    )
    _one_line(manifest, as_json, f"{kind} recorded (a physical hybrid now)")


# reading ------------------------------------------------------------------


@work_app.command("list")
def work_list(as_json: bool = JSON) -> None:
    """List your works."""
    works = services().studio.list_works()
    if as_json:
        print_json(
            [
                {
                    "work_id": w.work_id,
                    "title": w.title,
                    "revision": w.revision,
                    "master": w.master,
                    "created_at": w.created_at,
                    "updated_at": w.updated_at,
                }
                for w in works
            ]
        )
    else:
        works_table(works)


@work_app.command("show")
def work_show(
    work: str,
    as_json: bool = JSON,
    prov: bool = typer.Option(False, "--prov", help="print the process graph as W3C PROV-JSON"),
) -> None:
    """Show a work: its description, classification, process graph and models (signature checked)."""
    svc = services()
    manifest = svc.studio.manifest(work)
    if prov:
        from artproof.interop.prov import to_prov_json

        print_json(to_prov_json(manifest))
        return
    models = svc.model_cards.of_steps(manifest.steps)
    if as_json:
        print_json({**work_json(manifest), "models": [m.to_json() for m in models]})
        return
    work_panel(manifest)
    for m in models:
        out.print(f"[bold]model[/bold] (step {m.step}, {m.op}): {escape(safe(m.summary))}", soft_wrap=True)


@work_app.command("set")
def work_set(
    work: str,
    title: str | None = typer.Option(None, "--title", help="the work's title"),
    series: str | None = typer.Option(None, "--series", help="the series it belongs to ('' to clear)"),
    year: int | None = typer.Option(None, "--year", min=1000, max=9999, help="the year it was made"),
    statement: str | None = typer.Option(None, "--statement", help="the artist's statement: a text file, or the text"),
    medium: str | None = typer.Option(None, "--medium", help='e.g. "pigment print on cotton rag"'),
    dimensions: str | None = typer.Option(None, "--dimensions", help='e.g. "60 x 45 cm"'),
    as_json: bool = JSON,
) -> None:
    """Describe a work (title, series, year, statement, medium, dimensions): a new signed revision."""
    words = text_or_file(statement, "the statement") if statement is not None else None
    studio = services().studio
    manifest = studio.describe(
        work, title=title, series=series, year=year, statement=words, medium=medium, dimensions=dimensions,
        passphrase=passphrase(),
    )  # fmt: skip
    _one_line(manifest, as_json, "described")


@work_app.command("export")
def work_export(
    work: str,
    output: Path = typer.Option(..., "-o", "--output", help="image file to write (.png, .jpg, .webp)"),
    candidate: str | None = typer.Option(None, "--candidate", help="export candidate cN instead of the master"),
    force: bool = FORCE,
) -> None:
    """Write the work's current image (or a candidate) to a file."""
    check_output(output, suffixes=IMAGE_SUFFIXES, force=force)
    studio = services().studio
    manifest = studio.manifest(work)
    asset = manifest.master
    if candidate is not None:
        offer = studio.candidates(manifest)
        if offer is None:
            raise InvalidInput("this work has no candidates", value=work)
        from artproof.ops.human import candidate_index

        asset = offer.assets[candidate_index(candidate, len(offer.assets))]
    write_output(output, image_bytes(studio.load_image(asset), output), force=force)
    err.print(f"{asset} written to {output}")


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="the address to listen on (loopback unless you say so)"),
    port: int = typer.Option(8000, "--port", min=1, max=65535),
) -> None:
    """The web registry: /verify, certificate pages (/v/ID), the published ledger (/ledger/) and /api/v1."""
    import uvicorn

    from artproof.web.app import create_app

    err.print(f"artproof registry at http://{host}:{port}/  (verify at /verify, API at /openapi.json)")
    uvicorn.run(create_app(), host=host, port=port, log_level="warning")


@app.command()
def replay(work: str, as_json: bool = JSON) -> None:
    """Re-run every recorded step and compare its output with the record."""
    studio = services().studio
    with progress_bar("replaying") as tick:
        manifest = studio.manifest(work)
        total = len(manifest.steps)
        _, results = studio.replay(work, on_step=lambda r: tick(r.index / total))
    ok = all(r.ok for r in results)
    if as_json:
        print_json(
            {
                "work_id": manifest.work_id,
                "ok": ok,
                "steps": [
                    {"index": r.index, "op": r.op, "version": r.version, "status": r.status, "detail": r.detail}
                    for r in results
                ],
            }
        )
    else:
        replay_table(results)
        out.print("[green]every step matches its record[/green]" if ok else "[red]replay found differences[/red]")
    if not ok:
        raise typer.Exit(4)


@app.command()
def ops(as_json: bool = JSON) -> None:
    """List the operations this artproof knows, with versions and parameters."""
    from artproof.ops import all_operations

    listing = [
        {
            "op": cls.name,
            "version": cls.version,
            "agency": cls.agency,
            "reexecutable": cls.reexecutable,
            "summary": cls.summary,
            "params": cls.Params.model_json_schema().get("properties", {}),
        }
        for cls in all_operations()
    ]
    if as_json:
        print_json(listing)
        return
    for entry in listing:
        out.print(f"[bold]{entry['op']}[/bold] {entry['version']}  ({entry['agency']})  {entry['summary']}")
        for pname, schema in entry["params"].items():
            out.print(f"    {pname}: {schema.get('description', schema.get('type', ''))}")


@app.command()
def demo(
    output: Path = typer.Option(Path("demo"), "-o", "--out", help="folder for the demo's images"),
    registry: Path | None = typer.Option(
        None, "--registry", help="instead: prepare the web registry's demo content in this folder (once)"
    ),
) -> None:
    """Run the tour in a fresh temporary home: identity, generation, variations, choice, crop, replay, ledger,
    sealing, editions, and verifying a marketplace copy. With --registry: the web demo (make run)."""
    from artproof.cli.demo import prepare_web_demo, run_demo

    if registry is not None:
        prepare_web_demo(registry)
    else:
        run_demo(output)


job_app = typer.Typer(no_args_is_help=True, help="Jobs of a shared registry's queue (artproof worker runs them).")
app.add_typer(job_app, name="job")


def _job_line(job: Any) -> str:
    share = f"{job.done}/{job.total}" if job.total else ""
    return f"{job.job_id}  {job.state:<8} {share:>9}  {escape(safe(job.title))}"


@job_app.command("show")
def job_show(job_id: str, as_json: bool = JSON) -> None:
    """One job: its state, progress, attempts, and its result or error."""
    job = services().jobs.get(job_id)
    if as_json:
        print_json(job)
        return
    out.print(_job_line(job), highlight=False)
    out.print(f"  kind {job.kind}, owner {escape(job.owner)}, attempts {job.attempts}, updated {job.updated_at}")
    if job.error:
        out.print(f"  [red]error:[/red] {escape(safe(job.error))}")


@job_app.command("list")
def job_list(as_json: bool = JSON) -> None:
    """The newest 50 jobs."""
    jobs = services().jobs.list()
    if as_json:
        print_json([j.to_json() for j in jobs])
        return
    for job in jobs:
        out.print(_job_line(job), highlight=False)
    if not jobs:
        out.print("no jobs")


@app.command()
def worker(
    concurrency: int = typer.Option(1, "--concurrency", "-c", help="worker processes, each running one job at a time"),
    until_empty: bool = typer.Option(False, "--until-empty", help="stop when no job is waiting or running"),
) -> None:
    """Run the shared registry's queued jobs (PostgreSQL): editions, folder verification. Stops on Ctrl-C/SIGTERM."""
    from artproof.deploy.queue import run_workers
    from artproof.settings import Settings

    err.print(f"artproof worker: {concurrency} process(es) on the queue; Ctrl-C to stop")
    run_workers(Settings.from_env(), concurrency, until_empty=until_empty)


@app.command()
def doctor(as_json: bool = JSON) -> None:
    """Check this deployment: database and schema, the ledger's signed head, blob store, job queue, versions.

    Exits 0 when nothing failed (warnings allowed), 1 otherwise."""
    from artproof.deploy.doctor import diagnose
    from artproof.settings import Settings

    report = diagnose(Settings.from_env())
    if as_json:
        print_json(report)
    else:
        marks = {"ok": "[green]ok[/green]  ", "warn": "[yellow]warn[/yellow]", "fail": "[red]fail[/red]"}
        for check in report.checks:
            out.print(
                f"{marks[check.status]}  [bold]{check.name}[/bold]: {escape(safe(check.detail))}", highlight=False
            )
            if check.hint:
                out.print(f"        {escape(safe(check.hint))}", highlight=False)
        out.print("healthy" if report.healthy else "[red]not healthy[/red]")
    if not report.healthy:
        raise typer.Exit(1)


def _version(value: bool) -> None:
    if value:
        out.print(f"artproof {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="print the version and exit"
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="no progress bars on stderr"),
) -> None:
    """artproof: create AI art with recorded, signed, replayable provenance."""
    set_quiet(quiet)


def _report(exc: ArtproofError, args: list[str]) -> int:
    if "--json" in args:
        print_json(exc.to_json())
    err.print(f"[red]error:[/red] {exc.diagnostics()}", markup=True, highlight=False, soft_wrap=True)
    return exc.exit_code


def main(argv: list[str] | None = None) -> int:
    """Entry point; the one place errors become messages and exit codes."""
    args = sys.argv[1:] if argv is None else argv
    try:
        app(args=args, prog_name="artproof", standalone_mode=True)
    except ArtproofError as exc:
        return _report(exc, args)
    except SystemExit as exc:  # typer's own exits: --help, usage errors (2), typer.Exit(n)
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except Exception as exc:
        if not _database_error(exc):
            raise
        return _report(
            StorageError(
                "the database cannot be read or written",
                value=str(getattr(exc, "orig", exc)).splitlines()[0][:200],
                hint="check ARTPROOF_HOME / ARTPROOF_DATABASE_URL; a database from another artproof version "
                "needs that version",
            ),
            args,
        )
    return 0


def _database_error(exc: Exception) -> bool:
    """A database the code cannot read (SQLAlchemy's errors; SQLAlchemy itself is loaded only by commands)."""
    loaded = sys.modules.get("sqlalchemy.exc")
    return loaded is not None and isinstance(exc, loaded.SQLAlchemyError)


if __name__ == "__main__":
    sys.exit(main())
