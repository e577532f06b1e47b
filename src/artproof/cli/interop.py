"""``artproof import`` (and later ``inspect``, ``seal``, ``trust``): other tools' files in and out."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from artproof.cli.common import JSON, passphrase, progress_bar, services
from artproof.cli.render import err, out, print_json
from artproof.errors import ArtproofError, InvalidInput

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
    results: list[dict[str, Any]] = []
    with progress_bar(f"importing {len(files)} file(s)") as tick:
        for n, path in enumerate(files, start=1):
            try:
                data = path.read_bytes()
            except OSError as exc:
                results.append({"file": str(path), "work_id": None, "error": f"cannot read: {exc.strerror}"})
                continue
            try:
                manifest, reading = svc.studio.import_file(data, path.name, title=title, passphrase=secret)
            except ArtproofError as exc:
                if exc.exit_code == 5:  # a wrong passphrase fails every file: stop now
                    raise
                results.append({"file": str(path), "work_id": None, "error": exc.diagnostics()})
            else:
                results.append(
                    {
                        "file": str(path),
                        "work_id": manifest.work_id,
                        "source_tool": reading.source_tool,
                        "generations": [g.model_dump(mode="json") for g in reading.generations],
                        "warnings": reading.warnings,
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
