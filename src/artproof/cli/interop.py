"""``artproof import`` (and later ``inspect``, ``seal``, ``trust``): other tools' files in and out."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

import typer
from rich.table import Table

from artproof.cli.common import JSON, passphrase, progress_bar, read_input, services
from artproof.cli.render import err, out, print_json
from artproof.core.images import decode_image
from artproof.errors import ArtproofError, InvalidInput
from artproof.inspection import inspect_bytes
from artproof.interop.c2pa_manifest import Disclosure, TrainingMining

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp"}


def _expand(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES))
        else:
            files.append(path)
    return files


def import_files(
    paths: list[Path] = typer.Argument(..., help="image files or folders (searched recursively)"),
    title: str | None = typer.Option(None, "--title", help="title for the work (one file only)"),
    as_json: bool = JSON,
) -> None:
    """Import works made elsewhere, one work per file, with the provenance their files carry."""
    files = _expand(paths)
    if not files:
        raise InvalidInput("no image files found", value=" ".join(map(str, paths)), hint="PNG, JPEG or WebP")
    if title and len(files) > 1:
        raise InvalidInput("--title applies to a single file", value=len(files))
    svc = services()
    secret = passphrase()
    anchors = svc.credentials.anchors_pem()
    results: list[dict[str, Any]] = []
    with progress_bar(f"importing {len(files)} file(s)") as tick:
        for n, path in enumerate(files, start=1):
            try:
                data = path.read_bytes()
            except OSError as exc:
                results.append({"file": str(path), "work_id": None, "error": f"cannot read: {exc.strerror}"})
                continue
            try:
                manifest, reading = svc.studio.import_file(
                    data, path.name, title=title, passphrase=secret, trust_pem=anchors, judge=svc.ledger_time
                )
            except ArtproofError as exc:
                if exc.exit_code == 5:  # a wrong passphrase fails every file: stop now
                    raise
                results.append({"file": str(path), "work_id": None, "error": exc.diagnostics()})
            else:
                prior = svc.verifier.prior_registrations(decode_image(data, name=path.name), manifest.work_id)
                results.append(
                    {
                        "file": str(path),
                        "work_id": manifest.work_id,
                        "source_tool": reading.source_tool,
                        "generations": [g.model_dump(mode="json") for g in reading.generations],
                        "warnings": reading.warnings + prior,
                        "classification": manifest.classification.digital_source_type,
                    }
                )
            tick(n / len(files))
    failed = [r for r in results if r.get("error")]
    if as_json:
        print_json(results)
    else:
        table = Table(title=f"{len(results) - len(failed)} imported, {len(failed)} failed", title_justify="left")
        for column in ("file", "work", "tool", "generations", "classification", "notes"):
            table.add_column(column, overflow="fold")
        for r in results:
            notes = r.get("error") or "; ".join(r.get("warnings", [])) or ""
            table.add_row(
                Path(r["file"]).name,
                r.get("work_id") or "-",
                r.get("source_tool", "-"),
                str(len(r.get("generations", []))),
                r.get("classification") or "unknown",
                notes,
            )
        out.print(table)
    for r in failed:
        err.print(f"[red]error:[/red] {r['file']}: {r['error']}", soft_wrap=True)
    if failed:
        raise typer.Exit(2)


def seal(
    work: str,
    output: Path = typer.Option(..., "-o", "--output", help="file to write: .png, .jpg or .webp"),
    disclosure: str = typer.Option("full", "--disclosure", help="full, redacted (commitments) or minimal"),
    training_mining: str = typer.Option("notAllowed", "--training-mining", help="allowed, notAllowed, constrained"),
    thumbnail: bool = typer.Option(True, "--thumbnail/--no-thumbnail", help="embed a C2PA thumbnail"),
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
        disclosure=cast(Disclosure, disclosure),
        training_mining=cast(TrainingMining, training_mining),
        thumbnail=thumbnail,
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
    }
    if as_json:
        print_json(doc)
    else:
        out.print(
            f"sealed {result.work_id} to {result.file} ({result.format}); Content Credentials read back as "
            f"{result.validation_state}; ledger entry {result.ledger_index}"
        )


def inspect(file: Path, as_json: bool = JSON) -> None:
    """Everything a file says about itself: Content Credentials, AI-tool settings, EXIF, XMP."""
    data = read_input(file)
    svc = services()
    doc = inspect_bytes(data, file.name, svc.credentials.anchors_pem(), svc.ledger_time)
    if as_json:
        print_json(doc)
        return
    c = doc["c2pa"]
    out.print(f"[bold]{doc['file']}[/bold]  {doc['format']} {doc['width']}x{doc['height']}")
    if not c["present"]:
        out.print("Content Credentials: none")
    elif c.get("validation_state") is None:
        out.print(f"Content Credentials: present, {c.get('note')}")
    else:
        signer = c.get("signer") or {}
        out.print(
            f"Content Credentials: [bold]{c['validation_state']}[/bold], signed by {signer.get('common_name')} "
            f"({signer.get('issuer')}); {c.get('claim_generator') or ''}; source type "
            f"{c.get('digital_source_type') or '-'}"
        )
        for code, sentence in c["explanations"].items():
            out.print(f"  {code}: {sentence}")
        for ingredient in c["ingredients"]:
            out.print(f"  ingredient {ingredient['title']} ({ingredient['relationship']})")
    out.print(f"made with: {doc['source_tool']}")
    for g in doc["generations"]:
        fields = {k: v for k, v in g.items() if v not in (None, [], {}) and k not in ("extra", "source_tool")}
        out.print("  " + ", ".join(f"{k}={v}" for k, v in fields.items()), soft_wrap=True)
    for warning in doc["warnings"]:
        err.print(f"[yellow]warning:[/yellow] {warning}")


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
