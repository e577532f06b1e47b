"""``artproof catalog``: what you hold, each item with one timeline (acquisition, values, condition, places)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table
from rich.text import Text

from artproof.cli.common import FORCE, JSON, load_log_key, read_input, services, write_output
from artproof.cli.render import out, print_json, safe
from artproof.store.files import check_output

__all__ = ["catalog_app", "market"]

catalog_app = typer.Typer(no_args_is_help=True, help="Your collection's catalog: items, values, condition, places.")


def _show(view: object, as_json: bool) -> None:
    from artproof.catalog.service import ItemView

    assert isinstance(view, ItemView)
    if as_json:
        print_json(view)
        return
    item = view.item
    out.print(f"[bold]{safe(item.title)}[/bold]  item [cyan]{item.item_id}[/cyan]  ({item.kind})")
    facts = [
        ("artist", item.artist),
        ("edition", f"{item.edition or ''} {item.edition_id or ''}".strip()),
        ("verdict", item.verdict or ""),
        ("marked", item.marked or ""),
        ("status now", view.status or ""),
    ]
    for label, value in facts:
        if value:
            out.print(f"  {label:<12} {safe(value)}", markup=False, soft_wrap=True)
    for label, worth in (("market value", view.fair_market_value), ("insurance", view.insurance_value)):
        if worth:
            said = f"{worth['amount']} {worth['currency']} ({worth['date']}, {safe(worth['source'])})"
            out.print(f"  {label:<12} {said}", markup=False)
    if view.location:
        out.print(f"  {'location':<12} {safe(view.location['location'])} since {view.location['since']}", markup=False)
    out.print("[bold]timeline[/bold]")
    for e in view.events:
        detail = ", ".join(f"{k}: {v}" for k, v in e.data.items() if v not in (None, "", []))
        out.print(f"  {e.on_day}  {e.kind:<10} {safe(detail)}", markup=False, soft_wrap=True)


@catalog_app.command("add")
def catalog_add(
    ref: str = typer.Argument(..., help="an edition id, or an image file (verified first)"),
    acquired: str | None = typer.Option(None, "--acquired", help="the day you acquired it, YYYY-MM-DD (today)"),
    price: str | None = typer.Option(None, "--price", help="what you paid"),
    currency: str | None = typer.Option(None, "--currency", help="ISO 4217, e.g. EUR"),
    seller: str | None = typer.Option(None, "--seller", help="who sold it"),
    certificate: Path | None = typer.Option(None, "--certificate", help="a file's .coa.json, checked with it"),
    log_key: Path | None = typer.Option(None, "--log-key", help="the artist's log key, to check the certificate"),
    mirror: str | None = typer.Option(None, "--mirror", help="a published mirror of the artist's log"),
    force: bool = typer.Option(
        False,
        "--force",
        help="add anyway: a file that verifies as tampered (marked as such), or a piece already in the catalog",
    ),
    physical: bool = typer.Option(False, "--physical", help="a physical piece: REF is its title"),
    artist: str = typer.Option("", "--artist", help="--physical: who made it"),
    as_json: bool = JSON,
) -> None:
    """Add an edition, a file or a physical piece to the catalog, with how it was acquired."""
    path = Path(ref)
    file = (read_input(path, "the file"), path.name) if path.is_file() and not physical else None
    coa = read_input(certificate, "the certificate") if certificate is not None else None
    where: dict[str, object] = {"mirror": mirror}
    if log_key is not None:
        where["log_key"] = load_log_key(log_key)
    view = services().catalog.add(
        ref, file=file, certificate=coa, where=where, acquired=acquired, price=price, currency_code=currency,
        seller=seller, force=force, physical={"artist": artist} if physical else None,
    )  # fmt: skip
    _show(view, as_json)


@catalog_app.command("list")
def catalog_list(
    artist: str | None = typer.Option(None, "--artist"),
    series: str | None = typer.Option(None, "--series"),
    location: str | None = typer.Option(None, "--location"),
    as_json: bool = JSON,
) -> None:
    """The items, with their latest values and places."""
    views = services().catalog.listing(artist=artist, series=series, location=location)
    if as_json:
        print_json([v.to_json() for v in views])
        return
    table = Table(title=f"{len(views)} item(s)", title_justify="left")
    for column in ("item", "title", "artist", "edition", "insured", "location"):
        table.add_column(column, overflow="fold")
    for v in views:
        insured = f"{v.insurance_value['amount']} {v.insurance_value['currency']}" if v.insurance_value else "-"
        table.add_row(v.item.item_id, Text(safe(v.item.title)), Text(safe(v.item.artist)), v.item.edition or "-",
                      insured, Text(safe((v.location or {}).get("location", "-"))))  # fmt: skip
    out.print(table)


@catalog_app.command("show")
def catalog_show(item: str, as_json: bool = JSON) -> None:
    """One item and its timeline; an edition's status is re-checked."""
    _show(services().catalog.show(item, recheck=True), as_json)


@catalog_app.command("value")
def catalog_value(
    item: str,
    fmv: str | None = typer.Option(None, "--fmv", help="fair market value"),
    insurance: str | None = typer.Option(None, "--insurance", help="insurance replacement value"),
    currency: str = typer.Option("EUR", "--currency", help="ISO 4217"),
    date: str | None = typer.Option(None, "--date", help="the valuation's day (today)"),
    source: str = typer.Option("", "--source", help='e.g. "appraisal by ..."'),
    as_json: bool = JSON,
) -> None:
    """A dated valuation: fair market value and/or insurance replacement value, kept apart."""
    view = services().catalog.value(item, fmv=fmv, insurance=insurance, currency_code=currency, on=date, source=source)
    _show(view, as_json)


@catalog_app.command("condition")
def catalog_condition(
    item: str,
    note: str = typer.Option("", "--note"),
    photo: list[Path] = typer.Option([], "--photo", help="a condition photograph (repeatable)"),
    check: bool = typer.Option(False, "--check", help="re-verify the stored file against what was added"),
    date: str | None = typer.Option(None, "--date"),
    as_json: bool = JSON,
) -> None:
    """A dated condition entry: notes, photographs, and for a file a check of its bytes and pixels."""
    photos = [(read_input(p, "the photograph"), p.name) for p in photo]
    _show(services().catalog.condition(item, note=note, photos=photos, check=check, on=date), as_json)


@catalog_app.command("locate")
def catalog_locate(
    item: str,
    location: str = typer.Option(..., "--location"),
    display: str = typer.Option("", "--display", help='e.g. "calibrated 6500K, 120 cd/m2"'),
    as_json: bool = JSON,
) -> None:
    """Where the item is now (and how it is displayed)."""
    _show(services().catalog.locate(item, location=location, display=display), as_json)


@catalog_app.command("loan")
def catalog_loan(
    item: str,
    to: str = typer.Option(..., "--to"),
    start: str = typer.Option(..., "--start"),
    end: str = typer.Option(..., "--end"),
    as_json: bool = JSON,
) -> None:
    """A loan to an exhibition or a museum."""
    _show(services().catalog.loan(item, to=to, start=start, end=end), as_json)


@catalog_app.command("exhibited")
def catalog_exhibited(
    item: str,
    title: str = typer.Option(..., "--title", help="the exhibition"),
    venue: str = typer.Option(..., "--venue"),
    start: str = typer.Option(..., "--start"),
    end: str | None = typer.Option(None, "--end"),
    as_json: bool = JSON,
) -> None:
    """The item was (or will be) shown in an exhibition."""
    _show(services().catalog.exhibited(item, title=title, venue=venue, start=start, end=end), as_json)


@catalog_app.command("published")
def catalog_published(
    item: str,
    title: str = typer.Option(..., "--title", help="the catalogue, book or article"),
    publisher: str = typer.Option("", "--publisher"),
    date: str | None = typer.Option(None, "--date"),
    page: str = typer.Option("", "--page", help='e.g. "p. 42, fig. 7"'),
    as_json: bool = JSON,
) -> None:
    """The item was reproduced or discussed in a publication."""
    _show(services().catalog.published(item, title=title, publisher=publisher, on=date, page=page), as_json)


@catalog_app.command("attach")
def catalog_attach(
    item: str,
    document: Path,
    kind: str = typer.Option("other", "--kind", help="receipt, certificate, appraisal, condition or other"),
    as_json: bool = JSON,
) -> None:
    """Keep a document with the item (content-addressed): an invoice, an appraisal, a certificate."""
    _show(services().catalog.attach(item, (read_input(document, "the document"), document.name), kind), as_json)


@catalog_app.command("export")
def catalog_export(
    csv_path: Path | None = typer.Option(None, "--csv", help="write the items as CSV"),
    force: bool = FORCE,
    as_json: bool = JSON,
) -> None:
    """The catalog as CSV (--csv FILE) or JSON (--json)."""
    catalog = services().catalog
    if csv_path is not None:
        check_output(csv_path, suffixes=(".csv",), force=force)
        write_output(csv_path, catalog.export_csv(), force=force)
        out.print(f"wrote {csv_path}")
    else:
        print_json([v.to_json() for v in catalog.listing()])


@catalog_app.command("report")
def catalog_report(
    kind: str = typer.Argument(..., help="insurance, inventory, condition, tearsheet or labels"),
    items: list[str] = typer.Argument(None, help="the items (all when none)"),
    output: Path = typer.Option(..., "-o", "--output", help="the PDF to write"),
    force: bool = FORCE,
    as_json: bool = JSON,
) -> None:
    """A report drawn from the items' timelines, as PDF: insurance schedule, inventory, condition report,
    tear sheets (one page per item) or wall labels (eight to a sheet, with QR codes)."""
    check_output(output, suffixes=(".pdf",), force=force)
    made = services().catalog.report(kind, items or [])
    write_output(output, made.pdf, force=force)
    if as_json:
        print_json({"file": str(output), "kind": kind, "items": made.items, "totals": made.totals})
    else:
        totals = ", ".join(f"{v} {k}" for k, v in made.totals.items())
        out.print(f"wrote {output}: {made.items} item(s)" + (f"; in all: {totals}" if totals else ""))


@catalog_app.command("chart")
def catalog_chart(
    item: str | None = typer.Argument(None, help="an item (the whole collection when none)"),
    output: Path = typer.Option(..., "-o", "--output", help="the PNG to write"),
    force: bool = FORCE,
) -> None:
    """Value over time as a PNG chart: an item's values and purchase, or the collection's insured total."""
    check_output(output, suffixes=(".png",), force=force)
    write_output(output, services().catalog.chart(item), force=force)
    out.print(f"wrote {output}")


def market(
    query: str = typer.Argument(..., help="a series or an artist"),
    chart: Path | None = typer.Option(None, "--chart", help="also write the sales as a PNG chart"),
    force: bool = FORCE,
    as_json: bool = JSON,
) -> None:
    """Recorded sales of a series or an artist over time, from the registry's transfers (prices as disclosed)."""
    if chart is not None:
        check_output(chart, suffixes=(".png",), force=force)
    view = services().catalog.market(query)
    if chart is not None:
        from artproof.catalog.charts import sales_chart

        write_output(chart, sales_chart(f"Recorded sales: {query}", view.sales), force=force)
    if as_json:
        print_json(view)
        return
    table = Table(title=f"{len(view.sales)} recorded sale(s) of {query}", title_justify="left")
    for column in ("date", "title", "edition", "price"):
        table.add_column(column)
    for sale in view.sales:
        table.add_row(sale.date, Text(safe(sale.title)), sale.edition, f"{sale.price} {sale.currency}")
    out.print(table)
    for code, facts in view.summary.items():
        out.print(f"{code}: {facts['count']} sale(s), {facts['min']} to {facts['max']}, median {facts['median']}")


contact_app = typer.Typer(no_args_is_help=True, help="The people and organisations your items refer to.")
catalog_app.add_typer(contact_app, name="contact")


@contact_app.command("add")
def contact_add(
    name: str,
    role: str = typer.Option(
        ..., "--role", help="artist, gallery, buyer, seller, insurer, appraiser, conservator, museum"
    ),
    email: str = typer.Option("", "--email"),
    phone: str = typer.Option("", "--phone"),
    note: str = typer.Option("", "--note"),
    as_json: bool = JSON,
) -> None:
    """Add a contact; sellers and borrowers named like it are linked to it."""
    contact = services().catalog.add_contact(name, role=role, email=email, phone=phone, note=note)
    if as_json:
        print_json(contact)
    else:
        out.print(f"contact {contact.contact_id}: {safe(contact.name)} ({contact.role})", markup=False)


@contact_app.command("list")
def contact_list(as_json: bool = JSON) -> None:
    """Your contacts."""
    contacts = services().catalog.contacts()
    if as_json:
        print_json([c.to_json() for c in contacts])
        return
    for c in contacts:
        out.print(f"{c.contact_id}  {safe(c.name)}  ({c.role})  {safe(c.email)}", markup=False)
