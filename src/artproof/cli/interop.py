"""``artproof import`` (and later ``inspect``, ``seal``, ``trust``): other tools' files in and out."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any, cast

import typer
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from artproof.cli.common import JSON, passphrase, progress_bar, read_input, services
from artproof.cli.render import err, out, png_info, print_json, safe
from artproof.errors import InvalidInput


def import_files(
    paths: list[Path] = typer.Argument(..., help="image files or folders (searched recursively)"),
    title: str | None = typer.Option(None, "--title", help="title for the work (one file only)"),
    again: bool = typer.Option(False, "--again", help="import files whose bytes were imported before, as copies"),
    queue: bool = typer.Option(False, "--queue", help="a shared registry: queue the import for artproof worker"),
    as_json: bool = JSON,
) -> None:
    """Import works made elsewhere, one work per file, with the provenance their files carry.

    Resumable: a file already imported (the same bytes) is skipped with a note, so re-running an
    interrupted folder import picks up where it stopped.
    """
    if queue:
        from artproof.cli.editions import queued

        args = {"paths": [str(p) for p in paths], "title": title, "again": again}
        queued(
            services().queue.submit("import.paths", args, owner="cli", title=f"Importing {len(paths)} path(s)"), as_json
        )
        return
    with progress_bar("importing") as tick:
        run = services().importing.import_paths(paths, title=title, again=again, passphrase=passphrase(), progress=tick)
    if as_json:
        print_json(run)
    else:
        table = Table(
            title=f"{run.imported} imported, {len(run.skipped)} already imported, {len(run.failed)} failed",
            title_justify="left",
        )
        for column in ("file", "work", "tool", "generations", "classification", "notes"):
            table.add_column(column, overflow="fold")
        for o in run.outcomes:
            table.add_row(
                Text(safe(Path(o.file).name)),
                o.work_id or "-",
                Text(safe(o.source_tool or "-")),
                str(len(o.generations)),
                o.classification or "unknown",
                Text(safe(o.error or "; ".join(o.warnings))),
            )
        out.print(table)
    for o in run.failed:
        err.print(f"[red]error:[/red] {escape(safe(o.file))}: {escape(safe(o.error or ''))}", soft_wrap=True)
    raise typer.Exit(run.exit_code)


def seal(
    work: str,
    output: Path = typer.Option(..., "-o", "--output", help="file to write: .png, .jpg or .webp"),
    disclosure: str = typer.Option("full", "--disclosure", help="full, redacted (commitments) or minimal"),
    training_mining: str = typer.Option("notAllowed", "--training-mining", help="allowed, notAllowed, constrained"),
    thumbnail: bool = typer.Option(True, "--thumbnail/--no-thumbnail", help="embed a C2PA thumbnail"),
    force: bool = typer.Option(False, "--force", help="overwrite an existing output file"),
    as_json: bool = JSON,
) -> None:
    """Write the work's current image with signed Content Credentials (and register it in the ledger)."""
    if disclosure not in ("full", "redacted", "minimal"):
        raise InvalidInput("unknown disclosure", value=disclosure, hint="full, redacted or minimal")
    if training_mining not in ("allowed", "notAllowed", "constrained"):
        raise InvalidInput(
            "unknown training-mining choice", value=training_mining, hint="allowed, notAllowed or constrained"
        )
    svc = services()
    result = svc.sealing.seal(
        work,
        output,
        disclosure=cast(Any, disclosure),  # checked above against the Disclosure / TrainingMining literals
        training_mining=cast(Any, training_mining),
        thumbnail=thumbnail,
        force=force,
        passphrase=passphrase(),
    )
    doc = {
        "file": result.file,
        "work_id": result.work_id,
        "format": result.format,
        "sha256": result.sha256,
        "validation_state": result.validation_state,
        "ledger_index": result.ledger_index,
        "disclosure": result.disclosure,
        "notes": result.notes,
    }
    for note in result.notes:
        err.print(f"[yellow]note:[/yellow] {escape(note)}", soft_wrap=True)
    if as_json:
        print_json(doc)
    else:
        out.print(
            f"sealed {result.work_id} to {result.file} ({result.format}); Content Credentials read back as "
            f"{result.validation_state}; ledger entry {result.ledger_index}"
        )


def inspect(file: Path, as_json: bool = JSON) -> None:
    """Everything a file says about itself: Content Credentials, AI-tool settings, EXIF, XMP."""
    from artproof.interop.inspect import inspect_bytes

    data = read_input(file)
    svc = services()
    doc = inspect_bytes(data, file.name, svc.credentials.anchors_pem(), svc.ledger_time)
    if as_json:
        print_json(doc)
        return
    c = doc.c2pa
    say = functools.partial(out.print, markup=False, soft_wrap=True)  # strings from the file: no markup
    say(f"{safe(doc.file)}  {doc.format} {doc.width}x{doc.height}")
    if not c["present"]:
        say("Content Credentials: none")
    elif c.get("validation_state") is None:
        say(f"Content Credentials: present, {safe(str(c.get('note')))}")
    else:
        signer = c.get("signer") or {}
        say(
            f"Content Credentials: {c['validation_state']}, signed by {safe(str(signer.get('common_name')))} "
            f"({safe(str(signer.get('issuer')))}); {safe(c.get('claim_generator') or '')}; source type "
            f"{safe(c.get('digital_source_type') or '-')}"
        )
        for code, sentence in c["explanations"].items():
            say(f"  {safe(code)}: {safe(sentence)}")
        for ingredient in c["ingredients"]:
            say(f"  ingredient {safe(str(ingredient['title']))} ({safe(str(ingredient['relationship']))})")
    say(f"made with: {safe(doc.source_tool or 'unknown')}")
    for g in doc.generations:
        for line in png_info(g):
            say("  " + safe(line))
    for warning in doc.warnings:
        err.print(f"[yellow]warning:[/yellow] {escape(safe(warning))}")


trust_app = typer.Typer(no_args_is_help=True, help="Trust anchors for validating Content Credentials.")


@trust_app.command("add")
def trust_add(pem_file: Path, as_json: bool = JSON) -> None:
    """Add trust anchors (a PEM file of CA certificates, e.g. a C2PA trust list)."""
    subjects = services().credentials.add_anchor(pem_file)
    if as_json:
        print_json({"added": subjects})
    else:
        for subject in subjects:
            out.print(f"trusted: {subject}")


@trust_app.command("list")
def trust_list(as_json: bool = JSON) -> None:
    """The trust anchors in use: this registry's CA and those added."""
    from cryptography import x509

    pem = services().credentials.anchors_pem() or ""
    subjects = [c.subject.rfc4514_string() for c in x509.load_pem_x509_certificates(pem.encode())] if pem else []
    if as_json:
        print_json({"anchors": subjects})
    else:
        out.print("\n".join(subjects) or "no trust anchors (signatures read as Valid, never Trusted)")
