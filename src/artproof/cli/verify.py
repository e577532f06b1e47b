"""``artproof verify``: one clear verdict for a file, or a table for a folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from artproof.cli.common import JSON, load_log_key, progress_bar, read_input, services
from artproof.cli.render import err, out, print_json, safe
from artproof.errors import InvalidInput

__all__ = ["verify"]

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".tif", ".tiff", ".gif", ".bmp", ".avif", ".mpo"}
STYLE = {
    "authentic_edition": "bold green",
    "registered_work": "green",
    "external_credentials": "cyan",
    "unverified": "yellow",
    "revoked": "bold red",
    "tampered": "bold red",
    "unreadable": "red",
}


def _files(path: Path, recursive: bool) -> list[Path]:
    pattern = path.rglob("*") if recursive else path.glob("*")
    return sorted(p for p in pattern if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)


def _one(svc: Any, path: Path, certificate: bytes | None, **where: Any) -> tuple[dict[str, Any], int]:
    from artproof.verify.service import EXIT_CODES

    doc = svc.verifier.verify_file(path, certificate, **where)
    return doc, EXIT_CODES[doc["verdict"]]


def _worst(codes: list[int]) -> int:
    from artproof.verify.service import worst_exit

    return worst_exit(codes)


def _brief(doc: dict[str, Any]) -> str:
    """A few words for the folder table (the headline is for one file)."""
    verdict = doc["verdict"]
    if verdict == "authentic_edition":
        return f"by {doc['artist']}, owned by {doc['owner']}"
    if verdict == "registered_work":
        return f"a copy of registered work {doc['work_id']}, not an edition"
    c2pa, ledger = doc["channels"]["c2pa"], doc["channels"]["ledger"]
    if verdict == "external_credentials":
        return str(c2pa["summary"])
    if verdict == "revoked":
        return str(ledger["summary"])
    return str(c2pa["summary"]) if c2pa["status"] != "absent" else "no evidence"


def _show(doc: dict[str, Any]) -> None:
    """One file's verdict. Every string from the file or a database goes through ``safe`` (and no markup)."""
    style = STYLE.get(doc["verdict"], "")
    out.print(f"[{style}]{doc['verdict'].replace('_', ' ').upper()}[/{style}]  {escape(safe(doc['file']))}")
    if doc["verdict"] == "unreadable":
        out.print(f"  {safe(doc['error'])}", markup=False, soft_wrap=True)
        return
    out.print(f"  {safe(doc['headline'])}", soft_wrap=True, markup=False)
    for name, channel in doc["channels"].items():
        out.print(f"  {name:<12} {channel['status']:<10} {safe(channel['summary'])}", soft_wrap=True, markup=False)
    for line in doc.get("checks") or []:
        out.print(f"  - {safe(line)}", soft_wrap=True, markup=False)


def verify(
    path: Path = typer.Argument(..., help="an image file, or a folder of them"),
    recursive: bool = typer.Option(False, "--recursive", "-r", help="a folder: include its sub-folders"),
    certificate: Path | None = typer.Option(
        None, "--certificate", help="a .coa.json presented with the file: checked against it"
    ),
    log_key: Path | None = typer.Option(
        None, "--log-key", help="the log's public key (from 'artproof ledger key'); pinned in this home"
    ),
    mirror: str | None = typer.Option(
        None, "--mirror", help="a published mirror of the log (folder or http(s) URL): status and consistency"
    ),
    as_json: bool = JSON,
) -> None:
    """Is this what it claims to be? Credentials, watermark, fingerprint, certificate and ledger: one verdict.

    Works in any home, even an empty one: the certificate (given, or inside the file's credentials),
    the log's key and a mirror are enough to reach the verdict the artist's registry would.
    """
    svc = services()
    coa = None
    if certificate is not None:
        coa = read_input(certificate, "the certificate file")
    where: dict[str, Any] = {"mirror": mirror}
    if log_key is not None:
        where["log_key"] = load_log_key(log_key)
    if not path.is_dir():
        if not path.exists():
            raise InvalidInput("no such file", value=str(path), hint="give an image file or a folder")
        doc, code = _one(svc, path, coa, **where)
        if as_json:
            print_json(doc)
        else:
            _show(doc)
        raise typer.Exit(code)
    files = _files(path, recursive)
    if not files:
        raise InvalidInput("no image files in this folder", value=str(path), hint="use --recursive for sub-folders")
    results: list[dict[str, Any]] = []
    worst = 0
    with progress_bar(f"verifying {len(files)} file(s)") as tick:
        for n, file in enumerate(files, start=1):
            doc, code = _one(svc, file, coa, **where)
            results.append(doc)
            worst = _worst([worst, code])
            tick(n / len(files))
    if as_json:
        print_json(results)
    else:
        counts: dict[str, int] = {}
        for doc in results:
            counts[doc["verdict"]] = counts.get(doc["verdict"], 0) + 1
        table = Table(
            title=", ".join(f"{v} {k.replace('_', ' ')}" for k, v in sorted(counts.items())), title_justify="left"
        )
        for column in ("file", "verdict", "edition", "work", "why"):
            table.add_column(column, overflow="fold")
        for doc in results:
            edition = doc.get("edition")
            label = "-"
            if edition:
                label = (
                    f"AP {edition['number']}" if edition["artist_proof"] else f"{edition['number']}/{edition['count']}"
                )
            style = STYLE.get(doc["verdict"], "")
            why = doc.get("error") or "; ".join(doc.get("reasons") or []) or _brief(doc)
            table.add_row(
                Text(safe(str(Path(doc["file"]).relative_to(path)))), f"[{style}]{doc['verdict']}[/{style}]", label,
                doc.get("work_id") or "-", Text(safe(why)),
            )  # fmt: skip
        out.print(table)
    for doc in results:
        if doc["verdict"] == "unreadable":
            err.print(
                f"[red]unreadable:[/red] {escape(safe(doc['file']))}: {escape(safe(doc['error']))}", soft_wrap=True
            )
    raise typer.Exit(worst)
