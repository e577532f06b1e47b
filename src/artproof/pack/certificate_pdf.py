"""The printable certificate: one page, A4 or Letter, to frame beside a print.

Drawn with reportlab on its canvas (exact placement, no layout engine) in Bitstream Vera, the
TrueType family that ships inside reportlab (embedded, so names outside Latin-1 print as written).
The picture sits in a thin frame; under it the title, the artist and the edition in large type; then
the facts in two columns; the QR code (reportlab's own vector QR, error correction M) encodes the
verify link, and the footer gives the certificate's SHA-256 and the artist key's fingerprint, which
anyone can compare with the ``.coa.json``. PDF metadata (title, author, subject, creator) is set;
nothing in the file is random (reportlab's invariant mode), so the same certificate prints to the
same bytes.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any, Literal

from PIL import Image

from artproof import __version__
from artproof.pack.facts import CertificateFacts

__all__ = ["INK", "MUTED", "PAPERS", "RULE", "certificate_pdf", "fonts", "qr_drawing"]

Paper = Literal["a4", "letter"]
PAPERS: dict[str, tuple[float, float]] = {"a4": (595.2756, 841.8898), "letter": (612.0, 792.0)}
INK = (0.13, 0.13, 0.15)
MUTED = (0.42, 0.42, 0.45)
RULE = (0.75, 0.72, 0.66)


def _fonts() -> tuple[str, str, str]:
    """Register Vera (regular, bold, italic) from reportlab's own fonts folder, once."""
    import reportlab
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    folder = Path(reportlab.__file__).parent / "fonts"
    names = ("ArtproofVera", "ArtproofVera-Bold", "ArtproofVera-Italic")
    if names[0] not in pdfmetrics.getRegisteredFontNames():
        for name, file in zip(names, ("Vera.ttf", "VeraBd.ttf", "VeraIt.ttf"), strict=True):
            pdfmetrics.registerFont(TTFont(name, str(folder / file)))
    return names


def qr_svg(link: str, size: float = 160) -> bytes:
    """The same QR code as SVG, for the certificate page (scannable from a screen)."""
    from reportlab.graphics import renderSVG

    svg = str(renderSVG.drawToString(qr_drawing(link, size)))
    # modules are drawn as separate rectangles at fractional sizes: without crisp edges a browser
    # anti-aliases hairline gaps between them, which phone cameras (and OpenCV) stumble over
    return svg.replace("<svg ", '<svg shape-rendering="crispEdges" ', 1).encode("utf-8")


def qr_drawing(link: str, size: float) -> Any:
    """reportlab's vector QR code (error correction M) for ``link``, ``size`` points square."""
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing

    qr = QrCodeWidget(link, barLevel="M")
    x0, y0, x1, y1 = qr.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(qr)
    return drawing


def fonts() -> tuple[str, str, str]:
    return _fonts()


def _fit(text: str, font: str, size: float, width: float) -> tuple[str, float]:
    """``text`` at ``size`` or smaller (down to 60 %), else cut with an ellipsis, so it fits ``width``."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    for scale in (1.0, 0.9, 0.8, 0.7, 0.6):
        if stringWidth(text, font, size * scale) <= width:
            return text, size * scale
    while text and stringWidth(text + "…", font, size * 0.6) > width:
        text = text[:-1]
    return text + "…", size * 0.6


def _wrap(text: str, font: str, size: float, width: float, lines: int) -> list[str]:
    from reportlab.lib.utils import simpleSplit

    out: list[str] = list(simpleSplit(text, font, size, width))
    if len(out) > lines:
        out = out[:lines]
        out[-1] = out[-1].rstrip(" .,;") + "…"
    return out


def certificate_pdf(facts: CertificateFacts, picture: Image.Image, paper: Paper = "a4") -> bytes:
    """The one-page certificate as PDF bytes."""
    from reportlab import rl_config
    from reportlab.graphics import renderPDF
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen.canvas import Canvas

    rl_config.invariant = 1  # no random ids or creation time in the file: the same certificate, the same bytes
    regular, bold, italic = _fonts()
    width, height = PAPERS[paper]
    margin = 56.0
    buffer = io.BytesIO()
    pdf = Canvas(buffer, pagesize=(width, height), pageCompression=1)
    pdf.setTitle(f"Certificate of authenticity: {facts.title}, {facts.edition}")
    pdf.setAuthor(facts.artist)
    pdf.setSubject(f"artproof edition {facts.edition_id}")
    pdf.setCreator(f"artproof {__version__}")
    pdf.setKeywords(["artproof", "certificate of authenticity", facts.edition_id])

    # heading
    pdf.setFillColorRGB(*MUTED)
    pdf.setFont(regular, 9)
    pdf.drawCentredString(width / 2, height - margin, "C E R T I F I C A T E   O F   A U T H E N T I C I T Y")
    pdf.setStrokeColorRGB(*RULE)
    pdf.setLineWidth(0.6)
    pdf.line(margin, height - margin - 10, width - margin, height - margin - 10)

    # the picture, in a thin frame
    box_w, box_h = width - 2 * margin - 60, height * 0.40
    scale = min(box_w / picture.width, box_h / picture.height)
    shown_w, shown_h = picture.width * scale, picture.height * scale
    left, top = (width - shown_w) / 2, height - margin - 30
    small = picture.convert("RGB")
    small.thumbnail((1600, 1600), Image.Resampling.LANCZOS)
    pdf.drawImage(ImageReader(small), left, top - shown_h, shown_w, shown_h)
    pdf.setStrokeColorRGB(*INK)
    pdf.setLineWidth(0.4)
    pdf.rect(left - 6, top - shown_h - 6, shown_w + 12, shown_h + 12)

    # title, artist, edition
    y = top - shown_h - 44
    pdf.setFillColorRGB(*INK)
    text, size = _fit(facts.title, italic, 24, width - 2 * margin)
    pdf.setFont(italic, size)
    pdf.drawCentredString(width / 2, y, text)
    y -= 22
    byline = facts.artist + (f", {facts.year}" if facts.year else "")
    text, size = _fit(byline, regular, 13, width - 2 * margin)
    pdf.setFont(regular, size)
    pdf.drawCentredString(width / 2, y, text)
    if facts.series:
        y -= 16
        text, size = _fit(f"from the series {facts.series}", regular, 10, width - 2 * margin)
        pdf.setFillColorRGB(*MUTED)
        pdf.setFont(regular, size)
        pdf.drawCentredString(width / 2, y, text)
    y -= 30
    pdf.setFillColorRGB(*INK)
    pdf.setFont(bold, 15)
    pdf.drawCentredString(width / 2, y, f"Edition {facts.edition}")
    y -= 15
    pdf.setFont(regular, 9.5)
    pdf.setFillColorRGB(*MUTED)
    pdf.drawCentredString(width / 2, y, f"edition id {facts.edition_id}   ·   issued {facts.issued}")
    if facts.status != "issued":
        y -= 16
        pdf.setFillColorRGB(0.62, 0.1, 0.1)
        pdf.setFont(bold, 11)
        pdf.drawCentredString(width / 2, y, f"STATUS: {facts.status.upper()}")
    pdf.setStrokeColorRGB(*RULE)
    y -= 18
    pdf.line(margin, y, width - margin, y)

    # facts, left; QR code, right
    qr_size = 104.0
    column = width - 2 * margin - qr_size - 24
    rows = [
        ("Medium", ", ".join(x for x in (facts.medium, facts.dimensions) if x)),
        ("Made", " ".join(x for x in (facts.category, f"({facts.source_type})" if facts.source_type else "") if x)),
        ("Models", "; ".join(facts.models)),
        ("Physical work", "; ".join(facts.physical)),
        ("Licence", facts.licence),
        ("First owner", facts.first_owner),
        ("Ledger entry", "" if facts.ledger_index is None else f"#{facts.ledger_index} of the artist's log"),
    ]  # fmt: skip
    y -= 18
    label_w = 84.0
    for label, value in rows:
        if not value:
            continue
        lines = _wrap(value, regular, 9, column - label_w, 3)
        pdf.setFillColorRGB(*MUTED)
        pdf.setFont(bold, 8)
        pdf.drawString(margin, y, label.upper())
        pdf.setFillColorRGB(*INK)
        pdf.setFont(regular, 9)
        for line in lines:
            pdf.drawString(margin + label_w, y, line)
            y -= 12
        y -= 5
    drawing = qr_drawing(facts.link, qr_size)
    qr_top = top - shown_h - 44 - 96 - (16 if facts.series else 0)
    renderPDF.draw(drawing, pdf, width - margin - qr_size, qr_top - qr_size - 20)
    pdf.setFillColorRGB(*MUTED)
    caption, size = _fit(facts.link, regular, 7, 220)
    pdf.setFont(regular, size)
    pdf.drawRightString(width - margin, qr_top - qr_size - 30, caption)

    # footer: what anyone can compare with the .coa.json
    pdf.setStrokeColorRGB(*RULE)
    pdf.line(margin, margin + 40, width - margin, margin + 40)
    pdf.setFillColorRGB(*MUTED)
    pdf.setFont(regular, 7)
    pdf.drawString(margin, margin + 28, f"Certificate SHA-256  {facts.certificate_sha256.removeprefix('sha256:')}")
    signed = f"Signed (Ed25519) by {facts.artist}: key fingerprint {facts.key_fingerprint}"
    pdf.drawString(margin, margin + 18, _fit(signed, regular, 7, width - 2 * margin)[0])
    pdf.drawString(
        margin,
        margin + 8,
        "Check this edition: artproof verify FILE --certificate EDITION.coa.json (any installation, offline)",
    )
    pdf.drawRightString(width - margin, margin - 6, f"artproof {__version__}")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
