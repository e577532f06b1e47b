"""``artproof verify``: one clear verdict for a file, or a table for a folder."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from artproof.cli.common import JSON, load_log_key, progress_bar, read_input, services
from artproof.cli.render import err, out, print_json, safe
from artproof.errors import InvalidInput

if TYPE_CHECKING:
    from artproof.verify.report import VerifyReport

__all__ = ["verify"]

STYLE = {
    "authentic_edition": "bold green",
    "registered_work": "green",
    "external_credentials": "cyan",
    "unverified": "yellow",
    "revoked": "bold red",
    "tampered": "bold red",
    "unreadable": "red",
}


def _brief(doc: VerifyReport) -> str:
    """A few words for the folder table (the headline is for one file)."""
    if doc.verdict == "authentic_edition":
        return f"by {doc.artist}, owned by {doc.owner}"
    if doc.verdict == "registered_work":
        return f"a copy of registered work {doc.work_id}, not an edition"
    c2pa, ledger = doc.channels["c2pa"], doc.channels["ledger"]
    if doc.verdict == "external_credentials":
        return c2pa.summary
    if doc.verdict == "revoked":
        return ledger.summary
    return c2pa.summary if c2pa.status != "absent" else "no evidence"


def _show(doc: VerifyReport) -> None:
    """One file's verdict. Every string from the file or a database goes through ``safe`` (and no markup)."""
    style = STYLE.get(doc.verdict, "")
    out.print(f"[{style}]{doc.verdict.replace('_', ' ').upper()}[/{style}]  {escape(safe(doc.file))}")
    if doc.verdict == "unreadable":
        out.print(f"  {safe(doc.error or '')}", markup=False, soft_wrap=True)
        return
    out.print(f"  {safe(doc.headline)}", soft_wrap=True, markup=False)
    for name, channel in doc.channels.items():
        out.print(f"  {name:<12} {channel.status:<10} {safe(channel.summary)}", soft_wrap=True, markup=False)
    for line in doc.models or []:
        out.print(f"  model: {safe(line)}", soft_wrap=True, markup=False)
    for line in doc.checks or []:
        out.print(f"  - {safe(line)}", soft_wrap=True, markup=False)


def _verify_bundle(bundle: Path, path: Path | None, as_json: bool) -> None:
    file = (read_input(path, "the file"), path.name) if path is not None else None
    from artproof.pack.check import check_bundle_in_home
    from artproof.settings import Settings

    report = check_bundle_in_home(Settings.from_env(), read_input(bundle, "the bundle"), bundle.name, file)
    if as_json:
        print_json(report)
    else:
        style = "green" if report.ok else "red"
        out.print(f"[{style}]{'BUNDLE CHECKS' if report.ok else 'BUNDLE FAILS'}[/{style}]  {escape(safe(bundle.name))}")
        for line in report.failures:
            out.print(f"  [red]x[/red] {escape(safe(line))}", soft_wrap=True)
        for line in report.checks:
            out.print(f"  - {safe(line)}", soft_wrap=True, markup=False)
        if report.file is not None:
            _show(report.file)
    raise typer.Exit(report.exit_code)


def verify(
    path: Path | None = typer.Argument(None, help="an image file, or a folder of them"),
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
    bundle: Path | None = typer.Option(
        None, "--bundle", help="a provenance bundle (pack --bundle): check everything in it, offline; FILE optional"
    ),
    queue: bool = typer.Option(False, "--queue", help="a shared registry: queue a folder for artproof worker"),
    as_json: bool = JSON,
) -> None:
    """Is this what it claims to be? Credentials, watermark, fingerprint, certificate and ledger: one verdict.

    Works in any home, even an empty one: the certificate (given, or inside the file's credentials),
    the log's key and a mirror are enough to reach the verdict the artist's registry would.
    """
    if bundle is not None:
        _verify_bundle(bundle, path, as_json)
        return
    if path is None:
        raise InvalidInput("say what to verify", hint="artproof verify FILE, or artproof verify --bundle pack.zip")
    if queue:
        if certificate or log_key or mirror:
            raise InvalidInput("--certificate, --log-key and --mirror are not queued", hint="verify without --queue")
        from artproof.cli.editions import queued

        args = {"path": str(path), "recursive": recursive}
        queued(services().queue.submit("verify.folder", args, owner="cli", title=f"Verifying {path.name}"), as_json)
        return
    coa = read_input(certificate, "the certificate file") if certificate is not None else None
    where: dict[str, Any] = {"mirror": mirror}
    if log_key is not None:
        where["log_key"] = load_log_key(log_key)
    verifier = services().verifier
    if not path.is_dir():
        run = verifier.verify_path(path, coa, **where)
        if as_json:
            print_json(run.reports[0])
        else:
            _show(run.reports[0])
        raise typer.Exit(run.exit_code)
    with progress_bar("verifying a folder") as tick:
        run = verifier.verify_path(path, coa, recursive=recursive, progress=tick, **where)
    if as_json:
        print_json(run)
    else:
        table = Table(
            title=", ".join(f"{v} {k.replace('_', ' ')}" for k, v in run.counts.items()), title_justify="left"
        )
        for column in ("file", "verdict", "edition", "work", "why"):
            table.add_column(column, overflow="fold")
        for doc in run.reports:
            style = STYLE.get(doc.verdict, "")
            why = doc.error or "; ".join(doc.reasons) or _brief(doc)
            table.add_row(
                Text(safe(str(Path(doc.file).relative_to(path)))), f"[{style}]{doc.verdict}[/{style}]",
                doc.edition.short if doc.edition else "-", doc.work_id or "-", Text(safe(why)),
            )  # fmt: skip
        out.print(table)
    for doc in run.reports:
        if doc.verdict == "unreadable":
            err.print(
                f"[red]unreadable:[/red] {escape(safe(doc.file))}: {escape(safe(doc.error or ''))}", soft_wrap=True
            )
    raise typer.Exit(run.exit_code)
