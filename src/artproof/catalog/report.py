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
