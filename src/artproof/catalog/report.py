"""Catalog reports as PDF: the insurance schedule and the inventory, drawn from the items' timelines."""

from __future__ import annotations

import io
from typing import Any

from PIL import Image

from artproof import __version__
from artproof.pack.certificate_pdf import INK, MUTED, RULE, fonts

__all__ = ["report_pdf"]


def _thumb(picture: Image.Image, size: float) -> Any:
    from reportlab.platypus import Image as Flowable

    small = picture.convert("RGB")
    small.thumbnail((300, 300))
    data = io.BytesIO()
    small.save(data, format="PNG")
    data.seek(0)
    scale = min(size / small.width, size / small.height)
    return Flowable(data, small.width * scale, small.height * scale)


def report_pdf(
    kind: str, views: list[Any], pictures: dict[str, Image.Image], totals: dict[str, str], today: str
) -> bytes:
    from reportlab import rl_config
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    rl_config.invariant = 1
    regular, bold, _italic = fonts()
    ink, muted, rule = colors.Color(*INK), colors.Color(*MUTED), colors.Color(*RULE)
    body = ParagraphStyle("body", fontName=regular, fontSize=8.5, leading=11, textColor=ink)
    head = ParagraphStyle("head", parent=body, fontName=bold, fontSize=7.5, textColor=muted)
    title = ParagraphStyle("title", parent=body, fontName=bold, fontSize=16, leading=20)

    def esc(text: object) -> str:
        return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    heading = "Insurance schedule" if kind == "insurance" else "Inventory"
    story: list[Any] = [Paragraph(heading, title), Paragraph(f"{len(views)} item(s), as of {today}", body),
                        Spacer(1, 8)]  # fmt: skip
    columns = ["", "item", "work", "edition / verdict", "acquired", "location",
               "insurance value" if kind == "insurance" else "market value", "valued"]  # fmt: skip
    rows: list[list[Any]] = [[Paragraph(c.upper(), head) for c in columns]]
    for v in views:
        item = v.item
        acquired = next((e for e in v.events if e.kind == "acquired"), None)
        paid = ""
        if acquired is not None and acquired.data.get("price"):
            paid = f"<br/>{esc(acquired.data['price'])} {esc(acquired.data.get('currency', ''))}"
        worth = v.insurance_value if kind == "insurance" else v.fair_market_value
        rows.append([
            _thumb(pictures[item.item_id], 18 * mm) if item.item_id in pictures else "",
            Paragraph(esc(item.item_id), body),
            Paragraph(f"<b>{esc(item.title)}</b><br/>{esc(item.artist)}", body),
            Paragraph(esc(" ".join(x for x in (item.edition or "", item.edition_id or "") if x) or "-")
                      + f"<br/>{esc(item.verdict or '')}" + (f"<br/>marked: {esc(item.marked)}" if item.marked else ""),
                      body),
            Paragraph((esc(acquired.on_day) if acquired else "-") + paid, body),
            Paragraph(esc((v.location or {}).get("location", "-")), body),
            Paragraph(f"<b>{esc(worth['amount'])} {esc(worth['currency'])}</b>" if worth else "not valued", body),
            Paragraph(f"{esc(worth['date'])}<br/>{esc(worth['source'])}" if worth else "", body),
        ])  # fmt: skip
    table = Table(rows, colWidths=[22 * mm, 22 * mm, 55 * mm, 45 * mm, 28 * mm, 40 * mm, 30 * mm, 35 * mm],
                  repeatRows=1)  # fmt: skip
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LINEBELOW", (0, 0), (-1, -1), 0.3, rule)]))
    story.append(table)
    story.append(Spacer(1, 10))
    label = "Total insured" if kind == "insurance" else "Total market value"
    text = ", ".join(f"{amount} {code}" for code, amount in totals.items()) or "no values recorded"
    story.append(Paragraph(f"<b>{label}:</b> {esc(text)} (each currency on its own; no conversion)", body))

    def footer(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(regular, 7)
        canvas.setFillColor(muted)
        canvas.drawString(15 * mm, 10 * mm, f"{heading} · artproof {__version__} · drawn from the catalog's timelines")
        canvas.drawRightString(landscape(A4)[0] - 15 * mm, 10 * mm, f"page {doc.page}")
        canvas.restoreState()

    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=landscape(A4), leftMargin=15 * mm, rightMargin=15 * mm,
                                 topMargin=15 * mm, bottomMargin=18 * mm, title=heading,
                                 creator=f"artproof {__version__}")  # fmt: skip
    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


def tearsheet_pdf(views: list[Any], pictures: dict[str, Image.Image], links: dict[str, str]) -> bytes:
    """One page per item to share with a buyer: the picture, the facts, the verdict, a QR code to verify."""
    from reportlab import rl_config
    from reportlab.graphics import renderPDF
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen.canvas import Canvas

    from artproof.pack.certificate_pdf import qr_drawing

    rl_config.invariant = 1
    regular, bold, italic = fonts()
    width, height = A4
    buffer = io.BytesIO()
    pdf = Canvas(buffer, pagesize=A4)
    pdf.setTitle("Tear sheets")
    pdf.setCreator(f"artproof {__version__}")
    for v in views:
        item, margin = v.item, 56.0
        top = height - margin
        if item.item_id in pictures:
            picture = pictures[item.item_id].convert("RGB")
            picture.thumbnail((1400, 1400))
            scale = min((width - 2 * margin) / picture.width, height * 0.5 / picture.height)
            w, h = picture.width * scale, picture.height * scale
            pdf.drawImage(ImageReader(picture), (width - w) / 2, top - h, w, h)
            top -= h + 36
        pdf.setFillColorRGB(*INK)
        pdf.setFont(italic, 22)
        pdf.drawString(margin, top, item.title[:60])
        pdf.setFont(regular, 12)
        pdf.drawString(margin, top - 20, item.artist[:80])
        y = top - 50
        acquired = next((e for e in v.events if e.kind == "acquired"), None)
        facts = [("Edition", " ".join(x for x in (item.edition or "", item.edition_id or "") if x)),
                 ("Verified", item.verdict or ""), ("Marked", item.marked or ""),
                 ("Location", (v.location or {}).get("location", "")),
                 ("Acquired", acquired.on_day if acquired else "")]  # fmt: skip
        for label, value in facts:
            if value:
                pdf.setFillColorRGB(*MUTED)
                pdf.setFont(bold, 8)
                pdf.drawString(margin, y, label.upper())
                pdf.setFillColorRGB(*INK)
                pdf.setFont(regular, 10)
                pdf.drawString(margin + 80, y, str(value)[:80])
                y -= 16
        link = links.get(item.item_id)
        if link:
            renderPDF.draw(qr_drawing(link, 90), pdf, width - margin - 90, margin + 20)
            pdf.setFont(regular, 7)
            pdf.setFillColorRGB(*MUTED)
            pdf.drawRightString(width - margin, margin + 10, f"verify: {link}"[:70])
        pdf.setStrokeColorRGB(*RULE)
        pdf.line(margin, margin, width - margin, margin)
        pdf.setFont(regular, 7)
        pdf.drawString(margin, margin - 12, f"tear sheet · artproof {__version__}")
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def labels_pdf(views: list[Any], links: dict[str, str]) -> bytes:
    """Wall labels, eight to an A4 sheet (90 x 55 mm): title, artist, edition and a QR code to verify."""
    from reportlab import rl_config
    from reportlab.graphics import renderPDF
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    from artproof.pack.certificate_pdf import qr_drawing

    rl_config.invariant = 1
    regular, bold, italic = fonts()
    width, height = A4
    label_w, label_h = 90 * mm, 55 * mm
    left, bottom = (width - 2 * label_w) / 2, (height - 4 * label_h) / 2
    buffer = io.BytesIO()
    pdf = Canvas(buffer, pagesize=A4)
    pdf.setTitle("Wall labels")
    pdf.setCreator(f"artproof {__version__}")
    for n, v in enumerate(views):
        if n and n % 8 == 0:
            pdf.showPage()
        column, row = n % 2, (n % 8) // 2
        x, y = left + column * label_w, bottom + (3 - row) * label_h
        pdf.setStrokeColorRGB(*RULE)
        pdf.setLineWidth(0.3)
        pdf.rect(x, y, label_w, label_h)  # a cutting guide
        item = v.item
        pdf.setFillColorRGB(*INK)
        pdf.setFont(bold, 11)
        pdf.drawString(x + 8 * mm, y + label_h - 12 * mm, item.artist[:34])
        pdf.setFont(italic, 11)
        pdf.drawString(x + 8 * mm, y + label_h - 18 * mm, item.title[:34])
        pdf.setFont(regular, 8)
        pdf.setFillColorRGB(*MUTED)
        lines = [
            f"Edition {item.edition}" if item.edition else "",
            item.edition_id or "",
            (v.location or {}).get("display", ""),
        ]
        for k, line in enumerate(x for x in lines if x):
            pdf.drawString(x + 8 * mm, y + label_h - (25 + 5 * k) * mm, line[:40])
        link = links.get(item.item_id)
        if link:
            renderPDF.draw(qr_drawing(link, 22 * mm), pdf, x + label_w - 28 * mm, y + 6 * mm)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def condition_pdf(views: list[Any], photos: dict[str, Image.Image], today: str) -> bytes:
    """The condition history of each item: dated entries, notes, file checks, photographs and difference maps."""
    from reportlab import rl_config
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table

    rl_config.invariant = 1
    regular, bold, _italic = fonts()
    body = ParagraphStyle("body", fontName=regular, fontSize=9, leading=12)
    title = ParagraphStyle("title", parent=body, fontName=bold, fontSize=14, leading=18)
    story: list[Any] = []
    for n, v in enumerate(views):
        if n:
            story.append(PageBreak())
        story.append(Paragraph(f"Condition report: {_esc(v.item.title)} ({_esc(v.item.item_id)})", title))
        story.append(Paragraph(f"{_esc(v.item.artist)} · as of {today}", body))
        story.append(Spacer(1, 8))
        entries = [e for e in v.events if e.kind == "condition"]
        if not entries:
            story.append(Paragraph("No condition entry is recorded.", body))
        for e in entries:
            lines = [f"<b>{_esc(e.on_day)}</b> {_esc(e.data.get('note', ''))}"]
            check = e.data.get("check")
            if check:
                lines.append(f"file check: <b>{_esc(check['result'])}</b>, {_esc(check['detail'])}")
            story.append(Paragraph("<br/>".join(lines), body))
            cells = []
            for photo in e.data.get("photos") or []:
                compared = photo.get("compared") or {}
                if photo["sha256"] in photos:
                    cells.append(_thumb(photos[photo["sha256"]], 55 * mm))
                if photo.get("difference_map") in photos:
                    cells.append(_thumb(photos[photo["difference_map"]], 55 * mm))
                    cells.append(Paragraph(
                        f"changed: {compared.get('changed_share', 0) * 100:.2f}% of the piece, "
                        f"{compared.get('regions', 0)} region(s) (aligned on {compared.get('inliers', 0)} features)",
                        body))  # fmt: skip
                elif compared and not compared.get("aligned"):
                    cells.append(Paragraph(f"not compared: {_esc(compared.get('detail', ''))}", body))
            if cells:
                story.append(Table([cells]))
            story.append(Spacer(1, 8))
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, title="Condition report",
                      creator=f"artproof {__version__}").build(story)  # fmt: skip
    return buffer.getvalue()


def _esc(text: object) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
