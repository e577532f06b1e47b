"""``artproof edition``, ``certificate`` and ``transfer``: limited editions and who owns them."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.markup import escape

from artproof.cli.common import (
    FORCE,
    JSON,
    interactive,
    passphrase,
    progress_bar,
    read_input,
    services,
    write_output,
)
from artproof.cli.render import err, out, print_json, safe
from artproof.editions.ids import edition_label
from artproof.editions.licences import LICENCES
from artproof.errors import InvalidInput
from artproof.store.files import check_output

if TYPE_CHECKING:
    pass

__all__ = ["certificate_app", "edition_app", "pack", "queued", "transfer"]

edition_app = typer.Typer(no_args_is_help=True, help="Limited editions: issue, list, show, identify, revoke.")
certificate_app = typer.Typer(no_args_is_help=True, help="Certificates of authenticity.")


def queued(job: Any, as_json: bool) -> None:
    """What every ``--queue`` prints: the job's document, or its id and how to follow it."""
    if as_json:
        print_json(job)
    else:
        out.print(f"queued {job.job_id}: artproof job show {job.job_id}")


@edition_app.command("issue")
def issue(
    work: str,
    count: int = typer.Option(..., "--count", help="numbered editions, 1 to 1000"),
    proofs: int = typer.Option(0, "--proofs", help="artist's proofs besides the numbered editions"),
    licence: str = typer.Option("display-only", "--licence", help=", ".join(LICENCES)),
    unique_renders: bool = typer.Option(
        False, "--unique-renders", help="render each edition with its own seed H(work id, number)"
    ),
    owner: str | None = typer.Option(None, "--owner", help='first owner, "Name <email>" (default: you)'),
    mark_kind: str = typer.Option(
        "standard",
        "--mark",
        help="the invisible mark: standard, or robust (read from more re-encoded copies; faint on flat areas)",
    ),
    output: Path = typer.Option(..., "-o", "--output", help="folder for the files and their certificates"),
    queue: bool = typer.Option(False, "--queue", help="a shared registry: queue it for artproof worker, print the job"),
    as_json: bool = JSON,
) -> None:
    """Issue numbered editions of a sealed work: watermarked, sealed files with signed certificates."""
    from artproof.editions.parties import parse_party
    from artproof.watermark import check_kind

    svc = services()
    if queue:
        if unique_renders or owner:
            raise InvalidInput("--unique-renders and --owner are not queued yet", hint="issue without --queue")
        args = {"work": work, "output": str(output), "count": count, "proofs": proofs, "licence": licence,
                "mark": check_kind(mark_kind)}  # fmt: skip
        queued(svc.queue.submit("editions.issue", args, owner="cli", title=f"Issuing {count} of {work}"), as_json)
        return
    secret = passphrase()
    with progress_bar(f"issuing {count + proofs} files") as tick:
        result = svc.editions.issue(
            work,
            output,
            count=count,
            proofs=proofs,
            licence_id=licence,
            unique_renders=unique_renders,
            owner=parse_party(owner) if owner else None,
            mark_kind=mark_kind,
            passphrase=secret,
            progress=lambda done, total: tick(done / total),
        )
    if as_json:
        print_json(result.to_json())
        return
    for note in result.notes:
        err.print(f"note: {safe(note)}", markup=False, soft_wrap=True)
    out.print(f"issued {len(result.editions)} files of {result.work_id} into {result.folder}")
    for record in result.editions:
        out.print(f"  {record.label:>10}  {record.edition_id}  ledger entry {record.ledger_index}")


@edition_app.command("list")
def list_editions(
    work: str | None = typer.Argument(None, help="a work: the editions issued of it"),
    owned: bool = typer.Option(False, "--owned", help="the editions this home's identity accepted (bought)"),
    mirror: str | None = typer.Option(None, "--mirror", help="with --owned: re-check each status against a mirror"),
    as_json: bool = JSON,
) -> None:
    """The editions issued of WORK, or with --owned the editions you own."""
    if (work is None) == (not owned):
        raise InvalidInput("give a WORK or --owned", hint="artproof edition list WORK | artproof edition list --owned")
    svc = services()
    if owned:
        items = svc.ownership.owned(mirror)
        if as_json:
            print_json([item.to_json() for item in items])
            return
        if not items:
            out.print("no editions accepted in this home")
        for item in items:
            o = item.offer
            label = edition_label(o.number, o.count, o.artist_proof)
            out.print(
                f"{label:>10}  {o.edition_id}  {safe(o.title or '?')} by {safe(o.artist or '?')}  "
                f"from {safe(o.seller)} {o.date}  [{item.status}]",
                markup=False,
                soft_wrap=True,
            )
        return
    assert work is not None
    records = svc.editions.list(work)
    if as_json:
        print_json([r.to_json() for r in records])
        return
    if not records:
        out.print("no editions issued of this work")
    for record in records:
        status = f"revoked ({record.revoked_reason})" if record.revoked_at else record.owner.label()
        out.print(f"{record.label:>10}  {record.edition_id}  {record.licence:<20}  {status}")


@edition_app.command("show")
def show(edition: str, as_json: bool = JSON) -> None:
    """One edition: its certificate, owner, transfers and status."""
    doc = services().editions.show(edition)
    broken = not (doc.chain == "valid" or doc.chain.startswith("accepted"))
    if as_json:
        print_json(doc)
        if broken:
            raise typer.Exit(4)
        return
    out.print(
        f"[bold]{escape(safe(doc.title or '?'))}[/bold] by {escape(safe(doc.artist or '?'))}, "
        f"edition {doc.label}  ({doc.edition_id})"
    )
    out.print(f"status: {doc.status}" + (f", {safe(doc.revoked['reason'])}" if doc.revoked else ""), markup=False)
    licence = doc.licence or {}
    out.print(f"licence: {licence.get('title')} ({licence.get('id')} {licence.get('version')})", markup=False)
    out.print(f"owner: {safe(doc.owner['name'])}; ownership record: {doc.chain}", markup=False)
    for t in doc.transfers:
        price = f" for {t.price} {t.currency}" if t.price else ""
        accepted = ", accepted (countersigned by the buyer)" if t.accepted else ", not yet accepted by the buyer"
        out.print(f"  {t.seq}. {t.date}: {safe(t.seller)} -> {safe(t.to)}{price}{accepted}", markup=False)
    if broken:
        err.print(f"[red]the ownership record is {escape(doc.chain)}[/red]", soft_wrap=True)
        raise typer.Exit(4)


@edition_app.command("identify")
def identify(file: Path, as_json: bool = JSON) -> None:
    """Read an image's watermark and look the edition up in this registry."""
    data = read_input(file, "the file")
    doc = services().identification.identify(data, file.name)
    if as_json:
        print_json(doc)
        return
    if not doc.found:
        out.print("no artproof watermark found (this does not mean the image is not an edition: see 'verify')")
    elif not doc.registered:
        out.print(f"watermark {doc.edition_id}: not an edition of this registry")
    else:
        label = edition_label(doc.number, doc.count, doc.artist_proof)
        revoked = " (REVOKED)" if doc.revoked else ""
        out.print(f"edition {label} of work {doc.work_id}: {doc.edition_id}{revoked}")


@edition_app.command("rerender")
def rerender(
    edition: str,
    output: Path | None = typer.Option(None, "-o", "--output", help="also write the render (PNG)"),
    force: bool = FORCE,
    as_json: bool = JSON,
) -> None:
    """Draw a unique render again from the recipe and its seed, and compare it with the issued one."""
    from artproof.core.images import encode_png

    if output is not None:
        check_output(output, suffixes=(".png",), force=force)
    svc = services()
    record = svc.editions.get(edition)
    picture, same = svc.editions.rerender(edition)
    if output is not None:
        write_output(output, encode_png(picture), force=force)
    doc = {
        "edition_id": record.edition_id,
        "seed": record.seed,
        "identical": same,
        "file": str(output) if output else None,
    }
    if as_json:
        print_json(doc)
    else:
        words = "identical, pixel for pixel, to" if same else "DIFFERENT from"
        out.print(f"edition {record.label} re-rendered with seed {record.seed}: {words} the issued picture")
    if not same:
        raise typer.Exit(4)


@edition_app.command("revoke")
def revoke(
    edition: str, reason: str = typer.Option(..., "--reason", help="why, e.g. destroyed"), as_json: bool = JSON
) -> None:
    """Revoke an edition you issued (it stays in the ledger, marked revoked)."""
    doc = services().ownership.revoke(edition, reason, passphrase=passphrase())
    if as_json:
        print_json(doc)
    else:
        out.print(f"revoked {doc.edition_id}: {safe(doc.reason)} (ledger entry {doc.ledger_index})", markup=False)


@certificate_app.command("export")
def export_certificate(
    edition: str,
    output: Path = typer.Option(..., "-o", "--output", help="file to write (.coa.json)"),
    force: bool = FORCE,
    as_json: bool = JSON,
) -> None:
    """Write an edition's certificate of authenticity with its current ledger inclusion proof."""
    check_output(output, force=force)
    svc = services()
    data = svc.editions.certificate_file(edition)
    write_output(output, data, force=force)
    if as_json:
        print_json({"file": str(output), "edition_id": svc.editions.get(edition).edition_id, "bytes": len(data)})
    else:
        out.print(f"wrote {output}")


@certificate_app.command("print")
def print_certificate(
    edition: str,
    output: Path = typer.Option(..., "-o", "--output", help="the PDF to write (.pdf)"),
    paper: str = typer.Option("a4", "--paper", help="a4 or letter"),
    force: bool = FORCE,
    as_json: bool = JSON,
) -> None:
    """A one-page printable certificate (PDF): the picture, the facts, the signature's fingerprint, a QR code."""
    check_output(output, suffixes=(".pdf",), force=force)
    facts, data = services().packs.certificate_print(edition, paper)
    write_output(output, data, force=force)
    if as_json:
        print_json({**facts.to_json(), "file": str(output), "bytes": len(data), "paper": paper.lower()})
    else:
        out.print(f"wrote {output} ({facts.title}, {facts.edition}; QR: {facts.link})", markup=False, soft_wrap=True)


@edition_app.command("accept")
def accept(
    receipt: Path,
    output: Path = typer.Option(..., "-o", "--output", help="the acceptance to send back to the seller"),
    certificate: Path | None = typer.Option(
        None, "--certificate", help="the edition's .coa.json from the seller: kept with what you accept"
    ),
    yes: bool = typer.Option(False, "--yes", "-y", help="accept without asking (for scripts)"),
    force: bool = FORCE,
    as_json: bool = JSON,
) -> None:
    """Countersign a transfer made to you, after seeing what it is; the edition is then kept in your home."""
    from artproof.core.canonical import canonical_json

    check_output(output, force=force)
    svc = services()
    data = read_input(receipt, "the receipt")
    coa = read_input(certificate, "the certificate file") if certificate is not None else None
    secret = passphrase()
    offer = svc.ownership.offer(data, coa, passphrase=secret)
    number = "?" if offer.number is None else edition_label(offer.number, offer.count, offer.artist_proof)
    price = f"{offer.price} {offer.currency}" if offer.price else "no price stated"
    unknown = "unknown (give --certificate)"
    err.print(
        f"You are accepting edition {number} ({offer.edition_id}) of {safe(offer.title or unknown)} "
        f"by {safe(offer.artist or unknown)}\n  from {safe(offer.seller)}, {price}, dated {offer.date}\n"
        f"  licence: {safe(offer.licence or unknown)}",
        markup=False,
        soft_wrap=True,
    )
    if not yes:
        if not interactive():
            raise InvalidInput("accepting needs your confirmation", hint="run it on a terminal, or pass --yes")
        if not typer.confirm("Accept and countersign?", default=False, err=True):
            raise InvalidInput("not accepted", hint="nothing was signed or kept")
    acceptance, owned = svc.ownership.accept(data, coa, passphrase=secret)
    write_output(output, canonical_json(acceptance.model_dump(mode="json")), force=True)  # checked above
    if as_json:
        print_json({"file": str(output), **acceptance.payload, "kept_in": owned.folder})
    else:
        out.print(
            f"accepted transfer {acceptance.payload['seq']} of {acceptance.payload['edition_id']}: {output} "
            f"(send it to the seller); kept in {owned.folder}",
            soft_wrap=True,
        )


@edition_app.command("countersign")
def countersign(edition: str, acceptance: Path, as_json: bool = JSON) -> None:
    """Record the buyer's acceptance of a transfer (in the registry that made the transfer)."""
    data = read_input(acceptance, "the acceptance")
    doc = services().ownership.countersign(edition, data)
    if as_json:
        print_json(doc)
    else:
        out.print(f"transfer {doc.seq} of {doc.edition_id} is countersigned by the buyer ({doc.accepted_by})")


@edition_app.command("record-transfer")
def record_transfer(signed: Path, as_json: bool = JSON) -> None:
    """Enter in this registry's log a transfer an owner signed in their own home (transfer ... --receipt)."""
    data = read_input(signed, "the signed transfer")
    doc = services().ownership.record_transfer(data, passphrase=passphrase())
    if as_json:
        print_json(doc)
    else:
        price_text = f" for {doc.price} {doc.currency}" if doc.price else ""
        out.print(
            f"entered transfer {doc.seq} of {doc.edition_id} from {safe(doc.seller)} to {safe(doc.to)}{price_text} "
            f"(ledger entry {doc.ledger_index})",
            markup=False,
        )


def transfer(
    edition: str,
    to: str = typer.Option(..., "--to", help='the new owner, "Name <email>"'),
    key: Path | None = typer.Option(None, "--key", help="the new owner's public key file (identity export-public)"),
    price: str | None = typer.Option(None, "--price", help="sale price, e.g. 1200"),
    currency: str | None = typer.Option(None, "--currency", help="ISO 4217 code, e.g. EUR"),
    date: str | None = typer.Option(None, "--date", help="date of sale, YYYY-MM-DD (default: today)"),
    receipt: Path | None = typer.Option(None, "--receipt", help="also write the signed transfer (the receipt) here"),
    force: bool = FORCE,
    as_json: bool = JSON,
) -> None:
    """Transfer an edition you own: a signed transfer and sales receipt, entered in the ledger.

    An edition you bought and accepted in your own home is signed here; the registry that issued it enters it.
    """
    from artproof.core.canonical import canonical_json
    from artproof.editions.parties import parse_party
    from artproof.identity.service import read_public_key_file

    if receipt is not None:
        check_output(receipt, force=force)  # before anything is signed into the ledger
    party = parse_party(to, read_public_key_file(key) if key else None)
    doc = services().ownership.transfer(
        edition, party, price=price, currency=currency, date=date, passphrase=passphrase()
    )
    if receipt is not None:
        write_output(receipt, canonical_json(doc.receipt), force=True)
    if as_json:
        print_json(doc)
        return
    price_text = f" for {doc.price} {doc.currency}" if doc.price else ""
    if doc.entered:
        out.print(
            f"transferred {doc.edition_id} from {safe(doc.seller)} to {safe(doc.to)}{price_text} "
            f"(transfer {doc.seq}, ledger entry {doc.ledger_index})",
            markup=False,
        )
        return
    kept = f"onward-{doc.seq}.json in this home's collection/{doc.edition_id}/"
    out.print(
        f"signed transfer {doc.seq} of {doc.edition_id} from {safe(doc.seller)} to {safe(doc.to)}{price_text}; "
        f"not in the log yet: the registry that issued the edition enters it (artproof edition record-transfer "
        f"{receipt or kept} there), and the buyer accepts the same file (artproof edition accept)",
        markup=False,
        soft_wrap=True,
    )


def pack(
    ref: str = typer.Argument(..., help="an edition id, or a work"),
    output: Path = typer.Option(..., "-o", "--output", help="the PDF to write (.pdf), or with --bundle the .zip"),
    bundle: bool = typer.Option(False, "--bundle", help="the machine-checkable bundle (a zip, signed index)"),
    force: bool = FORCE,
    queue: bool = typer.Option(False, "--queue", help="a shared registry: queue it for artproof worker"),
    as_json: bool = JSON,
) -> None:
    """The provenance pack: a PDF with the picture, the process, the models, the certificate and the proofs;
    with --bundle, a zip of the signed files behind it that anyone can check offline (verify --bundle)."""
    check_output(output, suffixes=(".zip",) if bundle else (".pdf",), force=force)
    svc = services()
    if queue:
        args = {"ref": ref, "output": str(output), "bundle": bundle}
        queued(svc.queue.submit("pack", args, owner="cli", title=f"Packing {ref}"), as_json)
        return
    secret = passphrase()  # the PDF's credentials (and a bundle's index) are signed by the artist
    packed, data = svc.packs.bundle(ref, secret) if bundle else svc.packs.pack(ref, secret)
    write_output(output, data, force=force)
    if as_json:
        print_json({**packed.to_json(), "file": str(output)})
    else:
        what = "bundle" if bundle else f"{packed.pages} page(s)"
        registered = (
            f"; registered the work first (ledger entry {packed.ledger_index})" if packed.registered_now else ""
        )
        out.print(f"wrote {output}: {what}{registered}", markup=False, soft_wrap=True)
