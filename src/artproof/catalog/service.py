"""The catalog: what a collector or a gallery holds, and one timeline per item that every report is drawn from.

An item is an edition (by its id: re-checked on demand, revoked or transferred away) or a file (verified
when it is added, its verdict kept; a file that verifies as tampered is refused unless ``force``, and
then marked). Everything that happens to an item is an event appended to its timeline (acquisition,
valuations, condition, locations, loans, documents) with the day it happened and the time it was
entered: nothing is edited in place, so the timeline is also the audit log. Documents and photographs
go in the content-addressed blob store. Amounts are decimals in their ISO 4217 currency; fair market
value and insurance replacement value are kept apart.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import Field
from sqlalchemy import Engine, insert, select

from artproof.catalog.market import MarketView
from artproof.catalog.money import amount, currency
from artproof.core.dates import check_day
from artproof.core.hashing import short_id
from artproof.core.images import decode_image, pixel_hash
from artproof.core.results import Result
from artproof.core.text import check_name, printable
from artproof.errors import ArtproofError, InvalidInput, NotFound, StorageError
from artproof.pack.facts import verify_link
from artproof.store.blobs import Blobs
from artproof.store.tables import catalog_contacts, catalog_events, catalog_items

__all__ = ["CatalogItem", "CatalogService", "Contact", "ItemView", "TimelineEvent"]

DOCUMENT_KINDS = ("receipt", "certificate", "appraisal", "condition", "other")
MAX_DOCUMENT = 25 * 1024 * 1024
_MAGIC = ((b"%PDF-", "application/pdf"), (b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"),
          (b"RIFF", "image/webp"))  # fmt: skip


class CatalogItem(Result):
    item_id: str
    kind: str  # edition | file | physical
    title: str = ""
    artist: str = ""
    series: str = ""
    edition_id: str | None = None
    edition: str | None = None  # "3 of 5"
    work_id: str | None = None
    file: str | None = None  # the file's name as added
    file_blob: str | None = None
    pixels: str | None = None  # the file's pixel SHA-256 when added: what condition --check compares
    verdict: str | None = None
    marked: str | None = None  # why it was added despite its verdict (--force)
    holder: str | None = None  # the web account (key id) whose catalog this is; None: the home's own
    added_at: str


ROLES = ("artist", "gallery", "buyer", "seller", "insurer", "appraiser", "conservator", "museum", "other")


class Contact(Result):
    """A person or an organisation the catalog's items, loans and sales refer to."""

    contact_id: str
    name: str
    role: str
    email: str = ""
    phone: str = ""
    note: str = ""
    added_at: str


class TimelineEvent(Result):
    seq: int
    kind: str
    on_day: str
    data: dict[str, Any]
    recorded_at: str


REPORTS = ("insurance", "inventory", "condition", "tearsheet", "labels")


@dataclass
class Report:
    pdf: bytes
    items: int
    totals: dict[str, str]


class ItemView(Result):
    """An item with its timeline and what the timeline says now."""

    item: CatalogItem
    events: list[TimelineEvent] = Field(default_factory=list)
    fair_market_value: dict[str, Any] | None = None
    insurance_value: dict[str, Any] | None = None
    location: dict[str, Any] | None = None
    on_loan: dict[str, Any] | None = None
    status: str | None = None


def _media_type(data: bytes, name: str) -> str:
    for magic, media in _MAGIC:
        if data.startswith(magic) and (media != "image/webp" or data[8:12] == b"WEBP"):
            return media
    if name.lower().endswith((".txt", ".md", ".json", ".csv")):
        try:
            data.decode("utf-8")
            return "text/plain"
        except UnicodeDecodeError:
            pass
    raise InvalidInput("this kind of document is not kept", value=name, hint="PDF, PNG, JPEG, WebP or UTF-8 text")


def _series(certificate: bytes) -> str:
    """The series a (checked) certificate names, for the catalog's filter."""
    from artproof.editions.certificate import load_certificate_file, verify_certificate

    try:
        return verify_certificate(load_certificate_file(certificate)[0]).work.series or ""
    except ArtproofError:  # the verdict already said what the certificate is worth; no series then
        return ""


class CatalogService:
    def __init__(
        self,
        engine: Engine,
        blobs: Blobs,
        clock: Callable[[], datetime],
        *,
        verify: Callable[..., Any],
        edition: Callable[[str], Any],
        sales: Callable[[str], MarketView] | None = None,
        public_url: str | None = None,
        holder: Callable[[], str | None] = lambda: None,
    ) -> None:
        self.holder = holder  # whose catalog: a web account acting (its key id), or the home's own (None)
        self.sales = sales
        self.public_url = public_url
        self.engine = engine
        self.blobs = blobs
        self.clock = clock
        self.verify = verify
        self.edition = edition

    # items ------------------------------------------------------------------

    def add(
        self,
        ref: str,
        *,
        file: tuple[bytes, str] | None = None,
        certificate: bytes | None = None,
        where: dict[str, Any] | None = None,
        acquired: str | None = None,
        price: str | None = None,
        currency_code: str | None = None,
        seller: str | None = None,
        force: bool = False,
        physical: dict[str, str] | None = None,
    ) -> ItemView:
        """Add an edition (by id) or a file (verified first, with ``where``: the log key or mirror
        ``verify`` takes) with how it was acquired."""
        today = self.clock().date()
        day = check_day(acquired, what="the acquisition date", today=today)
        if day > today.isoformat():
            raise InvalidInput("the acquisition date is in the future", value=day, hint="the day you acquired it")
        paid = amount(price, "the price") if price is not None else None
        money = currency(currency_code) if currency_code else None
        if paid is not None and money is None:
            raise InvalidInput("a price needs its currency", hint="--currency EUR")
        now = self.clock().isoformat()
        item_id = short_id(os.urandom(16) + now.encode(), 10)
        if physical is not None:  # a piece that is not in any registry: a print, a painting, a sculpture
            item = CatalogItem(
                item_id=item_id, kind="physical", title=check_name(ref, "the title"),
                artist=printable(physical.get("artist", "")), added_at=now,
            )  # fmt: skip
        elif file is not None:
            data, name = file
            report = self.verify(data, name, certificate, **(where or {}))
            marked = None
            if report.verdict in ("tampered", "revoked"):
                if not force:
                    raise InvalidInput(
                        f"this file verifies as {report.verdict}", value="; ".join(report.reasons)[:200] or name,
                        hint="--force adds it anyway, marked with its verdict",
                    )  # fmt: skip
                marked = f"{report.verdict}: " + ("; ".join(report.reasons) or report.headline)
            picture = decode_image(data, name=name)
            edition = report.edition
            series = _series(certificate) if certificate is not None and report.verdict == "authentic_edition" else ""
            item = CatalogItem(
                item_id=item_id, kind="file", title=report.title or name, artist=report.artist or "", series=series,
                edition_id=edition.edition_id if edition else None, edition=edition.short if edition else None,
                work_id=report.work_id, file=printable(name), file_blob=self.blobs.put(data),
                pixels=pixel_hash(picture), verdict=report.verdict, marked=marked, added_at=now,
            )  # fmt: skip
        else:
            view = self.edition(ref)
            item = CatalogItem(
                item_id=item_id, kind="edition", title=view.title or "", artist=view.artist or "",
                series=view.series or "",
                edition_id=view.edition_id, edition=view.label, work_id=view.work_id, verdict=view.status,
                added_at=now,
            )  # fmt: skip
        item = item.model_copy(update={"holder": self.holder()})
        if not force and (same := self._already(item)) is not None:
            raise InvalidInput(
                f"this is already in your catalog as item {same.item_id} ({same.title or 'untitled'})",
                value=item.edition_id or item.file or ref,
                hint=f"artproof catalog show {same.item_id}; --force adds it again (counted twice in the reports)",
            )
        acquired_data: dict[str, Any] = {"seller": printable(seller or "")}
        if seller and (party := self._party(seller)).get("contact_id"):
            acquired_data["seller_contact"] = party["contact_id"]
        if paid is not None:
            acquired_data |= {"price": paid, "currency": money}
        with self.engine.begin() as c:
            c.execute(insert(catalog_items).values(item_id=item_id, kind=item.kind, item=item.model_dump_json(),
                                                   added_at=now))  # fmt: skip
            c.execute(insert(catalog_events).values(item_id=item_id, kind="acquired", on_day=day,
                                                    data=json.dumps(acquired_data), recorded_at=now))  # fmt: skip
        return self.show(item_id)

    def _already(self, item: CatalogItem) -> CatalogItem | None:
        """The item of this catalog that is the same piece: the same edition, or a file of the same pixels.

        Adding a bought edition twice (its id, then its file; or a second click) made two items, and the
        insurance schedule counted its value twice. A physical piece is the holder's to tell apart.
        """
        for other in self.items():
            if item.edition_id and other.edition_id == item.edition_id:
                return other
            if item.pixels and other.pixels == item.pixels:
                return other
        return None

    def items(self) -> list[CatalogItem]:
        """The items of this catalog: the acting web account's, or on the command line the home's own."""
        with self.engine.connect() as c:
            rows = c.execute(select(catalog_items.c.item).order_by(catalog_items.c.added_at)).all()
        holder = self.holder()
        return [i for i in (CatalogItem.model_validate_json(r.item) for r in rows) if i.holder == holder]

    def _item(self, ref: str) -> CatalogItem:
        text = ref.strip().lower()
        items = self.items()
        found = [i for i in items if i.item_id.startswith(text) and len(text) >= 4]
        found = found or [i for i in items if i.edition_id and i.edition_id.lower() == text]
        if len(found) != 1:
            raise NotFound("no such catalog item" if not found else "more than one item matches", value=ref,
                           hint="artproof catalog list")  # fmt: skip
        return found[0]

    def show(self, ref: str, *, recheck: bool = False) -> ItemView:
        return self._view(self._item(ref), recheck=recheck)

    def _events(self, item_id: str | None = None) -> dict[str, list[TimelineEvent]]:
        """The timelines (of one item, or of all), oldest first, in one query."""
        query = select(catalog_events).order_by(catalog_events.c.seq)
        if item_id is not None:
            query = query.where(catalog_events.c.item_id == item_id)
        with self.engine.connect() as c:
            rows = c.execute(query).all()
        timelines: dict[str, list[TimelineEvent]] = {}
        for r in rows:
            timelines.setdefault(r.item_id, []).append(
                TimelineEvent(
                    seq=r.seq, kind=r.kind, on_day=r.on_day, data=json.loads(r.data), recorded_at=r.recorded_at
                )
            )
        return timelines

    def _view(self, item: CatalogItem, events: list[TimelineEvent] | None = None, *, recheck: bool = False) -> ItemView:
        """An item with its timeline and what the timeline says now (the latest event of each kind)."""
        if events is None:
            events = self._events(item.item_id).get(item.item_id, [])
        view = ItemView(item=item, events=events)
        for e in events:  # in order: the latest of each kind wins
            if e.kind == "valuation":
                for key, field in (("fmv", "fair_market_value"), ("insurance", "insurance_value")):
                    if e.data.get(key) is not None:
                        setattr(view, field, {"amount": e.data[key], "currency": e.data["currency"],
                                              "date": e.on_day, "source": e.data.get("source", "")})  # fmt: skip
            elif e.kind == "location":
                view.location = {**e.data, "since": e.on_day}
            elif e.kind == "loan":
                view.on_loan = {**e.data, "start": e.on_day}
        if item.kind == "edition" and recheck and item.edition_id:
            try:
                view.status = str(self.edition(item.edition_id).status)
            except NotFound:
                view.status = "not found in this home"
        return view

    def _append(self, item: CatalogItem, kind: str, on_day: str, data: dict[str, Any]) -> ItemView:
        with self.engine.begin() as c:
            row = {"item_id": item.item_id, "kind": kind, "on_day": on_day, "data": json.dumps(data)}
            c.execute(insert(catalog_events).values(**row, recorded_at=self.clock().isoformat()))
        return self._view(item)

    def _day(self, text: str | None, what: str) -> str:
        today = self.clock().date()
        day = check_day(text, what=what, today=today)
        if day > today.isoformat():
            raise InvalidInput(f"{what} is in the future", value=day)
        return day

    # events -----------------------------------------------------------------

    def value(
        self, ref: str, *, fmv: str | None, insurance: str | None, currency_code: str, on: str | None, source: str
    ) -> ItemView:
        item = self._item(ref)
        if fmv is None and insurance is None:
            raise InvalidInput("give a value", hint="--fmv 1500 and/or --insurance 2000")
        data = {"fmv": amount(fmv, "the fair market value") if fmv is not None else None,
                "insurance": amount(insurance, "the insurance value") if insurance is not None else None,
                "currency": currency(currency_code), "source": printable(source)}  # fmt: skip
        return self._append(item, "valuation", self._day(on, "the valuation date"), data)

    def locate(self, ref: str, *, location: str, display: str = "", on: str | None = None) -> ItemView:
        item = self._item(ref)
        data = {"location": check_name(location, "the location"), "display": printable(display)}
        return self._append(item, "location", self._day(on, "the date"), data)

    def loan(self, ref: str, *, to: str, start: str, end: str) -> ItemView:
        item = self._item(ref)
        planned = date(9998, 12, 31)  # a loan is agreed before it starts: its days may be in the future
        first = check_day(start, what="the loan's start", today=planned)
        last = check_day(end, what="the loan's end", today=planned)
        if last < first:
            raise InvalidInput("the loan ends before it starts", value=f"{first} to {last}")
        borrower = self._party(check_name(to, "the borrower"))
        data = {
            "to": borrower["name"],
            "end": last,
            **({"to_contact": borrower["contact_id"]} if "contact_id" in borrower else {}),
        }
        return self._append(item, "loan", first, data)

    def exhibited(self, ref: str, *, title: str, venue: str, start: str, end: str | None = None) -> ItemView:
        """The item shown in an exhibition (its history is part of its provenance and its value)."""
        item = self._item(ref)
        planned = date(9998, 12, 31)
        first = check_day(start, what="the exhibition's start", today=planned)
        last = check_day(end, what="the exhibition's end", today=planned) if end else ""
        if last and last < first:
            raise InvalidInput("the exhibition ends before it starts", value=f"{first} to {last}")
        data = {
            "title": check_name(title, "the exhibition's title"),
            "venue": check_name(venue, "the venue"),
            "end": last,
        }
        return self._append(item, "exhibition", first, data)

    def published(
        self, ref: str, *, title: str, publisher: str = "", on: str | None = None, page: str = ""
    ) -> ItemView:
        """The item reproduced or discussed in a publication (a catalogue, a book, an article)."""
        item = self._item(ref)
        data = {"title": check_name(title, "the publication's title"), "publisher": printable(publisher),
                "page": printable(page)}  # fmt: skip
        return self._append(item, "publication", self._day(on, "the publication date"), data)

    def attach(self, ref: str, document: tuple[bytes, str], kind: str) -> ItemView:
        item = self._item(ref)
        if kind not in DOCUMENT_KINDS:
            raise InvalidInput("unknown kind of document", value=kind, hint=", ".join(DOCUMENT_KINDS))
        data, name = document
        if len(data) > MAX_DOCUMENT:
            raise InvalidInput("the document is too large", value=f"{len(data)} bytes", hint="at most 25 MB")
        media = _media_type(data, name)
        stored = {"kind": kind, "name": printable(os.path.basename(name)), "sha256": self.blobs.put(data),
                  "media_type": media, "bytes": len(data)}  # fmt: skip
        return self._append(item, "document", self.clock().date().isoformat(), stored)

    def condition(
        self, ref: str, *, note: str = "", photos: Sequence[tuple[bytes, str]] = (), check: bool = False,
        on: str | None = None,
    ) -> ItemView:  # fmt: skip
        """A dated condition entry: a note, photographs, and for a file, ``check`` re-verifies the stored
        file against what was recorded when it was added (bit rot or a swapped file is caught)."""
        item = self._item(ref)
        if not (note.strip() or photos or check):
            raise InvalidInput("say what the condition is", hint='--note "...", --photo p.jpg or --check')
        data: dict[str, Any] = {"note": printable(note), "photos": []}
        previous = self._last_photo(item.item_id)
        for photo, name in photos:
            picture = decode_image(photo, name=name)  # a photograph artproof can read
            entry: dict[str, Any] = {"name": printable(os.path.basename(name)), "sha256": self.blobs.put(photo)}
            if previous is not None:
                from artproof.catalog.condition import compare_photos
                from artproof.core.images import encode_png

                difference, facts = compare_photos(previous, picture)
                entry["compared"] = facts
                if difference is not None:
                    entry["difference_map"] = self.blobs.put(encode_png(difference))
            data["photos"].append(entry)
        if check:
            if item.file_blob is None:
                raise InvalidInput("--check needs a stored file", hint="an item added from a file")
            data["check"] = self._check_file(item)
        return self._append(item, "condition", self._day(on, "the date"), data)

    def _last_photo(self, item_id: str) -> Any:
        """The latest condition photograph of an item, to compare a new one with (None when there is none)."""
        for event in reversed(self._events(item_id).get(item_id, [])):
            photos = event.data.get("photos") if event.kind == "condition" else None
            if photos:
                return decode_image(self.blobs.get(photos[-1]["sha256"]), name=photos[-1]["name"])
        return None

    def _check_file(self, item: CatalogItem) -> dict[str, Any]:
        from artproof.core.hashing import content_id

        assert item.file_blob is not None
        try:
            stored = self.blobs.raw(item.file_blob)
        except (NotFound, StorageError) as exc:
            return {"result": "missing", "detail": f"the stored file cannot be read: {exc.what}"}
        if content_id(stored) != item.file_blob:
            return {
                "result": "changed",
                "detail": "the stored file's bytes differ from the ones added (bit rot or a swap)",
            }
        try:
            pixels = pixel_hash(decode_image(stored, name=item.file or "file"))
        except Exception as exc:  # a damaged file is the finding, not a crash
            return {"result": "changed", "detail": f"the stored file no longer decodes: {exc}"[:200]}
        if pixels != item.pixels:
            return {"result": "changed", "detail": "its pixels differ from the ones added"}
        return {"result": "intact", "detail": "file and pixel hashes as when it was added"}

    # contacts ---------------------------------------------------------------

    def add_contact(self, name: str, *, role: str, email: str = "", phone: str = "", note: str = "") -> Contact:
        if role not in ROLES:
            raise InvalidInput("unknown role", value=role, hint=", ".join(ROLES))
        if email and ("@" not in email or " " in email.strip()):
            raise InvalidInput("not an e-mail address", value=email)
        named = check_name(name, "the name")
        if any(c.name.casefold() == named.casefold() for c in self.contacts()):
            raise InvalidInput("a contact of this name exists", value=named, hint="artproof catalog contact list")
        now = self.clock().isoformat()
        contact = Contact(contact_id=short_id(os.urandom(16), 8), name=named, role=role, email=email.strip(),
                          phone=printable(phone), note=printable(note), added_at=now)  # fmt: skip
        with self.engine.begin() as c:
            c.execute(insert(catalog_contacts).values(contact_id=contact.contact_id, name=named,
                                                      contact=contact.model_dump_json(), added_at=now))  # fmt: skip
        return contact

    def contacts(self) -> list[Contact]:
        with self.engine.connect() as c:
            rows = c.execute(select(catalog_contacts.c.contact).order_by(catalog_contacts.c.name)).all()
        return [Contact.model_validate_json(r.contact) for r in rows]

    def _party(self, name: str) -> dict[str, str]:
        """A seller, a borrower: the contact it names when there is one (by name, any case)."""
        named = printable(name).strip()
        found = next((c for c in self.contacts() if c.name.casefold() == named.casefold()), None)
        return {"name": named, "contact_id": found.contact_id} if found else {"name": named}

    # views ------------------------------------------------------------------

    def listing(
        self, *, artist: str | None = None, series: str | None = None, location: str | None = None
    ) -> list[ItemView]:
        timelines = self._events()
        views = [self._view(i, timelines.get(i.item_id, [])) for i in self.items()]
        if series:
            views = [v for v in views if v.item.series.casefold() == series.strip().casefold()]
        if artist:
            views = [v for v in views if artist.casefold() in v.item.artist.casefold()]
        if location:
            views = [v for v in views if v.location and location.casefold() in v.location["location"].casefold()]
        return views

    def report(self, kind: str, refs: Sequence[str]) -> Report:
        """An insurance schedule (items, photographs, insurance values, totals per currency) or an
        inventory (items, acquisition, location, market value), as PDF, from the timelines."""
        from artproof.catalog.report import condition_pdf, labels_pdf, report_pdf, tearsheet_pdf

        if kind not in REPORTS:
            raise InvalidInput("unknown report", value=kind, hint=", ".join(REPORTS))
        views = [self.show(r) for r in refs] if refs else self.listing()
        if not views:
            raise InvalidInput("the catalog has no items", hint="artproof catalog add EDITION|FILE")
        links = {v.item.item_id: verify_link(v.item.edition_id, self.public_url) for v in views if v.item.edition_id}
        if kind == "labels":
            return Report(pdf=labels_pdf(views, links), items=len(views), totals={})
        if kind == "condition":
            shown: dict[str, Any] = {}
            for v in views:
                for e in v.events:
                    for photo in e.data.get("photos") or [] if e.kind == "condition" else []:
                        for key in ("sha256", "difference_map"):
                            if photo.get(key) and self.blobs.has(photo[key]):
                                shown[photo[key]] = decode_image(self.blobs.get(photo[key]), name=photo.get("name", ""))
            return Report(pdf=condition_pdf(views, shown, self.clock().date().isoformat()), items=len(views), totals={})
        totals: dict[str, Decimal] = {}
        for v in views:
            worth = v.insurance_value if kind == "insurance" else v.fair_market_value
            if worth:
                totals[worth["currency"]] = totals.get(worth["currency"], Decimal(0)) + Decimal(worth["amount"])
        pictures = {}
        for v in views:
            if v.item.file_blob is not None:
                with contextlib.suppress(Exception):  # a damaged file still appears in the report, unpictured
                    pictures[v.item.item_id] = decode_image(self.blobs.get(v.item.file_blob), name=v.item.file or "")
        text_totals = {k: format(t, "f") for k, t in sorted(totals.items())}
        if kind == "tearsheet":
            return Report(pdf=tearsheet_pdf(views, pictures, links), items=len(views), totals={})
        pdf = report_pdf(kind, views, pictures, text_totals, self.clock().date().isoformat())
        return Report(pdf=pdf, items=len(views), totals=text_totals)

    def market(self, query: str) -> MarketView:
        """Recorded sales of a series or an artist in this registry (see :mod:`.market`)."""
        if self.sales is None:
            raise InvalidInput("this installation has no registry of sales")
        return self.sales(query)

    def chart(self, ref: str | None) -> bytes:
        """A PNG of values over time: one item's market and insurance values (and what was paid), or the
        whole catalog's insured total per currency."""
        from artproof.catalog.charts import value_chart

        if ref is not None:
            view = self.show(ref)
            series: dict[str, list[tuple[str, Decimal]]] = {}
            for e in view.events:
                if e.kind == "valuation":
                    for key, label in (("fmv", "market value"), ("insurance", "insurance value")):
                        if e.data.get(key) is not None:
                            series.setdefault(f"{label} ({e.data['currency']})", []).append(
                                (e.on_day, Decimal(e.data[key]))
                            )
            bought = [(e.on_day, Decimal(e.data["price"]), e.data["currency"]) for e in view.events
                      if e.kind == "acquired" and e.data.get("price")]  # fmt: skip
            if not series and not bought:
                raise InvalidInput("this item has no values to chart", hint="artproof catalog value ITEM --fmv ...")
            return value_chart(f"{view.item.title}: value over time", series, bought)
        latest: dict[str, dict[str, Decimal]] = {}  # currency -> item -> its insured value
        points: dict[str, list[tuple[str, Decimal]]] = {}
        insured = [(e, v.item.item_id) for v in self.listing() for e in v.events
                   if e.kind == "valuation" and e.data.get("insurance") is not None]  # fmt: skip
        events = sorted(insured, key=lambda pair: (pair[0].on_day, pair[0].seq))
        for e, item in events:
            code = e.data["currency"]
            latest.setdefault(code, {})[item] = Decimal(e.data["insurance"])
            points.setdefault(f"insured in all ({code})", []).append((e.on_day, sum(latest[code].values(), Decimal(0))))
        if not points:
            raise InvalidInput("no insurance values to chart", hint="artproof catalog value ITEM --insurance ...")
        return value_chart("The collection: insured value over time", points, [])

    def export_csv(self) -> bytes:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["item", "kind", "title", "artist", "edition", "edition_id", "verdict", "acquired", "price",
                         "currency", "fair_market_value", "insurance_value", "value_currency", "location"])  # fmt: skip
        for v in self.listing():
            acquired = next((e for e in v.events if e.kind == "acquired"), None)
            paid = acquired.data if acquired else {}
            value = v.insurance_value or v.fair_market_value or {}
            writer.writerow([
                v.item.item_id, v.item.kind, v.item.title, v.item.artist, v.item.edition or "", v.item.edition_id or "",
                v.item.verdict or "", acquired.on_day if acquired else "", paid.get("price") or "",
                paid.get("currency") or "",
                (v.fair_market_value or {}).get("amount", ""), (v.insurance_value or {}).get("amount", ""),
                value.get("currency", ""), (v.location or {}).get("location", ""),
            ])  # fmt: skip
        return out.getvalue().encode("utf-8")
