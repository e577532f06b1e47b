"""``artproof ledger ...`` and ``artproof register``: the transparency ledger from the command line."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.markup import escape

from artproof.cli.common import (
    FORCE,
    JSON,
    load_log_key,
    passphrase,
    progress_bar,
    read_input,
    services,
    write_output,
)
from artproof.cli.render import err, out, print_json, safe
from artproof.errors import InvalidInput, NotFound
from artproof.store.files import check_output

if TYPE_CHECKING:
    from artproof.ledger.checkpoint import NoteVerifier

ledger_app = typer.Typer(no_args_is_help=True, help="The transparency ledger: status, proofs, tiles, witnesses.")


def register(work: str, as_json: bool = JSON) -> None:
    """Append a work.registered entry for the work's current signed record."""
    result = services().registry.register_work(work, passphrase())
    for warning in result.warnings:
        err.print(f"[yellow]warning:[/yellow] {escape(safe(warning))}", soft_wrap=True)
    if as_json:
        print_json(result)
    else:
        out.print(
            f"registered {result.work_id} as ledger entry {result.index} ({result.entry_id}); "
            f"the log now has {result.tree_size} entries"
        )


@ledger_app.command("status")
def status(as_json: bool = JSON) -> None:
    """The log's size, root hash and latest signed checkpoint."""
    doc = services().ledger.status()
    if as_json:
        print_json(doc)
        return
    out.print(f"origin  {doc.origin or '(no log key yet)'}\nsize    {doc.size}\nroot    {doc.root}", markup=False)
    if doc.checkpoint:
        out.print("checkpoint:\n" + doc.checkpoint, markup=False, soft_wrap=True)


@ledger_app.command("show")
def show(ref: str, as_json: bool = JSON) -> None:
    """One entry (by INDEX, ENTRY_ID or WORK), its signer and its inclusion proof."""
    from artproof.ledger.entries import parse_entry

    svc = services()
    entry = svc.ledger.resolve(ref)
    bundle = svc.ledger.bundle(entry)
    document = parse_entry(entry.data)
    if as_json:
        print_json(
            {**bundle.to_json(), "entry_id": entry.entry_id, "type": entry.kind, "signer": document.signature.key_id}
        )
        return
    out.print(f"entry {entry.index}  {entry.kind}  {entry.entry_id}")
    out.print(f"signed by key {document.signature.key_id} at {document.payload['at']}")
    out.print_json(data=document.payload["subject"])
    out.print(f"inclusion proof in the tree of size {bundle.tree_size}: {len(bundle.hashes)} hashes")
    for h in bundle.hashes:
        out.print(f"  {h}")


@ledger_app.command("proof")
def proof(
    ref: str, output: Path = typer.Option(..., "-o", "--output", help="proof.json to write"), force: bool = FORCE
) -> None:
    """Write an entry's inclusion proof and the signed checkpoint, for offline checking."""
    check_output(output, force=force)
    svc = services()
    bundle = svc.ledger.bundle(svc.ledger.resolve(ref))
    write_output(output, (json.dumps(bundle.to_json(), indent=2) + "\n").encode(), force=force)
    err.print(f"proof of entry {bundle.leaf_index} in a tree of {bundle.tree_size} written to {output}")


def _log_key(path: Path | None) -> NoteVerifier | None:
    return None if path is None else load_log_key(path)


@ledger_app.command("check")
def check(
    proof_file: Path,
    log_key: Path | None = typer.Option(None, "--log-key", help="the log's public key (default: this ledger's)"),
    opening: Path | None = typer.Option(None, "--opening", help="also check a revealed value (from 'ledger reveal')"),
    as_json: bool = JSON,
) -> None:
    """Verify a proof.json (or a certificate's .coa.json) offline: checkpoint, path to the root, signatures.

    For a certificate, also that its ledger entry issues exactly this certificate, signed by its artist.
    """
    from artproof.verify.proofs import check_proof

    result = check_proof(
        read_input(proof_file, "the proof file"),
        name=str(proof_file),
        log_key=_log_key(log_key),
        opening=read_input(opening, "the opening file") if opening is not None else None,
        local=lambda: services().ledger.verifier(),
    )
    if as_json:
        print_json(result)
    else:
        if result.opened is not None:
            out.print(f"[green]the revealed {escape(result.opened['field'])} matches the entry's commitment[/green]")
        out.print(
            f"[green]valid[/green]: entry {result.leaf_index} ({result.type}, signed by "
            f"{result.signer}) is in {escape(result.origin)} at size {result.tree_size}"
        )
        if result.certificate is not None:
            out.print(f"the entry issues this certificate: edition {result.certificate['edition_id']}")


@ledger_app.command("key")
def key(
    output: Path | None = typer.Option(None, "-o", "--output", help="file to write (default: stdout)"),
    force: bool = FORCE,
) -> None:
    """The log's public key (a C2SP verifier key) for anyone who checks proofs."""
    vkey = services().ledger.verifier().vkey()
    if output is None:
        out.print(vkey, markup=False, soft_wrap=True)
    else:
        write_output(output, (vkey + "\n").encode(), force=force)
        err.print(f"log key written to {output}")


@ledger_app.command("consistency")
def consistency(old_size: int, new_size: int, as_json: bool = JSON) -> None:
    """A consistency proof between two sizes of the log, verified."""
    doc = services().ledger.consistency(old_size, new_size)
    if as_json:
        print_json(doc)
        return
    out.print(
        f"size {doc.old_size} (root {doc.old_root}) is a prefix of size {doc.new_size} "
        f"(root {doc.new_root}): {len(doc.hashes)} hashes, verified"
    )
    for h in doc.hashes:
        out.print(f"  {h}")


@ledger_app.command("publish")
def publish(directory: Path, as_json: bool = JSON) -> None:
    """Write or update the published mirror in DIRECTORY: signed checkpoint, C2SP tiles, entry bundles, keys, CA.

    Serve the folder with any plain file server; collectors verify against it with --mirror.
    Incremental: only what changed since the last publish is written.
    """
    svc = services()
    with progress_bar("publishing the log") as tick:
        result = svc.ledger.publish(directory, svc.credentials.registry_ca_pem(), progress=tick)
    if as_json:
        doc = asdict(result)
        doc |= {"tiles": result.tiles_written, "entry_bundles": result.bundles_written}  # export-tiles' keys
        print_json(doc)
    else:
        out.print(
            f"published {result.origin} at size {result.size} (was {result.previous_size}) to {directory}: "
            f"{result.tiles_written} tiles and {result.bundles_written} entry bundles written, "
            f"{result.cosignatures} witness cosignature(s)",
            soft_wrap=True,
        )


ledger_app.command("export-tiles", help="The same as 'ledger publish' (its former name).")(publish)


@ledger_app.command("witness")
def witness(
    source: str = typer.Argument(..., help="a tiles folder or its http(s) URL"),
    log_key: Path | None = typer.Option(None, "--log-key", help="the log's public key (needed the first time)"),
    name: str | None = typer.Option(None, "--name", help="this witness's key name"),
    output: Path | None = typer.Option(None, "-o", "--output", help="write the cosigned checkpoint here"),
    as_json: bool = JSON,
) -> None:
    """Check that the log's checkpoint extends the last one seen here, then cosign it."""
    result = services().ledger.witness(source, passphrase(), _log_key(log_key), name)
    if output is not None:
        output.write_text(result["cosigned_checkpoint"])
    if as_json:
        print_json(result)
    else:
        out.print(
            f"{result['origin']}: size {result['previous_size']} -> {result['size']} is consistent; "
            f"cosigned as {result['witness']}" + (f" ({output})" if output else "")
        )
        if output is None:
            out.print(result["cosigned_checkpoint"], markup=False, soft_wrap=True)


@ledger_app.command("cosign-add")
def cosign_add(note_file: Path, as_json: bool = JSON) -> None:
    """Keep a witness's cosignature on one of this log's checkpoints (the witness key must be known)."""
    try:
        text = note_file.read_text()
    except OSError:
        raise NotFound("cannot read the cosigned checkpoint", value=str(note_file)) from None
    if not text.strip():
        raise InvalidInput("the file is empty", value=str(note_file))
    accepted = services().ledger.add_cosignatures(text)
    if as_json:
        print_json({"accepted": accepted})
    else:
        out.print(f"kept cosignature(s) from: {', '.join(accepted)}")


@ledger_app.command("reveal")
def reveal(
    ref: str,
    field: str = typer.Argument(..., help="a committed field, e.g. artist.name"),
    output: Path | None = typer.Option(None, "-o", "--output", help="write the opening here"),
    as_json: bool = JSON,
) -> None:
    """Reveal the clear value behind a commitment (value and salt), so others can check it matches."""
    doc = services().ledger.reveal(ref, field)
    if output is not None:
        output.write_text(json.dumps(doc.to_json(), indent=2) + "\n")
    if as_json:
        print_json(doc)
    else:
        out.print(
            f"{safe(doc.field)} = {safe(repr(doc.value))} matches {doc.commitment}"
            + (f" ({output})" if output else ""),
            markup=False,
        )


@ledger_app.command("forget")
def forget(ref: str, field: str, as_json: bool = JSON) -> None:
    """Delete the stored clear value of a committed field (erasure on request); the log keeps its commitment."""
    removed = services().ledger.forget(ref, field)
    if as_json:
        print_json({"forgotten": removed})
    else:
        out.print("forgotten: the clear value is deleted" if removed else "nothing to forget: no clear value was kept")
