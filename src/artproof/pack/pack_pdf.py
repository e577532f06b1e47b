"""The provenance pack as a PDF: the human-readable record of one work or edition.

Collectors are told to ask for "a single PDF with the prompt logs, seed numbers, model specs, edit
history, high-resolution files, and a signed statement". Sections, each from signed material: the
cover (picture, title, series, artist, year, medium, edition, classification with its plain-language
why and the human-agency measures); the artist's statement; the process timeline (one row per step:
thumbnail and mask thumbnail, operation and version, agency, the parameters that matter, actor and
time); each model's card; the files and their hashes; the certificate and its licence; the ledger
entry with its inclusion proof and checkpoint; the transfer history; the QR code to the verify page.
reportlab's platypus lays it out (A4, Vera fonts from reportlab, page numbers, PDF metadata, invariant
mode so the same record packs to the same bytes).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

from PIL import Image

from artproof import __version__
from artproof.ops.describe import WorkDetails
from artproof.pack.certificate_pdf import INK, MUTED, RULE, fonts, qr_drawing
from artproof.provenance.model import WorkManifest

__all__ = ["PackContents", "pack_pdf", "step_parameters"]

_SKIP = {"scheduler_config", "libraries", "photos", "runtime", "model_path", "dtype", "pipeline", "extra"}
_FIRST = ("prompt", "negative_prompt", "seed", "model_name", "model", "model_sha256", "steps", "guidance",
          "scheduler", "style", "strength", "method", "file", "tool", "note")  # fmt: skip


def step_parameters(params: dict[str, Any], limit: int = 9) -> list[tuple[str, str]]:
    """The parameters of a step worth printing, the ones people look for first, each shortened."""
    shown: list[tuple[str, str]] = []
    keys = [k for k in _FIRST if k in params] + sorted(k for k in params if k not in _FIRST)
    for key in keys:
        value = params[key]
        if key in _SKIP or value in (None, "", [], {}):
            continue
        if key == "generations" and isinstance(value, list):
            first = value[0] if value else {}
            text = f"{len(value)} recorded; first: " + "; ".join(
                f"{k} {first[k]}" for k in ("prompt", "seed", "steps", "sampler", "model", "model_hash") if first.get(k)
            )
        elif isinstance(value, str) and value.startswith("sha256:"):
            text = value[:23] + "…"
        elif isinstance(value, float):
            text = f"{value:.6g}"
        else:
            text = str(value)
        shown.append((key.replace("_", " "), text if len(text) <= 300 else text[:299] + "…"))
        if len(shown) >= limit:
            break
    return shown


@dataclass
class PackContents:
    """Everything the pack prints, gathered and checked by the service."""

    manifest: WorkManifest
    details: WorkDetails
    picture: Image.Image
    thumbnails: dict[str, Image.Image]  # asset id -> picture (step outputs and masks)
    models: list[Any]  # StepModel
    link: str
    registration: dict[str, Any] | None = None  # ledger index, entry id, proof (InclusionBundle json)
    edition: dict[str, Any] | None = None  # label, id, issued, certificate sha256, licence title/text, proof
    transfers: list[dict[str, Any]] = field(default_factory=list)
    files: list[tuple[str, str]] = field(default_factory=list)  # (label, value)


def _image(picture: Image.Image, width: float, height: float) -> Any:
    from reportlab.platypus import Image as Flowable

    small = picture.convert("RGB")
    small.thumbnail((1600, 1600), Image.Resampling.LANCZOS)
    data = io.BytesIO()
    small.save(data, format="PNG")
    data.seek(0)
    scale = min(width / small.width, height / small.height)
    return Flowable(data, small.width * scale, small.height * scale)


def pack_pdf(contents: PackContents) -> tuple[bytes, int]:
    """The provenance pack, A4: (PDF bytes, number of pages)."""
    from reportlab import rl_config
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
    from reportlab.platypus.flowables import HRFlowable

    rl_config.invariant = 1
    regular, bold, italic = fonts()
    ink, muted, rule = colors.Color(*INK), colors.Color(*MUTED), colors.Color(*RULE)
    body = ParagraphStyle("body", fontName=regular, fontSize=9.5, leading=13, textColor=ink)
    small = ParagraphStyle("small", parent=body, fontSize=8, leading=10.5)
    tiny = ParagraphStyle("tiny", parent=body, fontSize=6.8, leading=8.6, textColor=muted)
    heading = ParagraphStyle("heading", parent=body, fontName=bold, fontSize=13, leading=17, spaceBefore=10,
                             spaceAfter=6)  # fmt: skip
    title_style = ParagraphStyle("title", parent=body, fontName=italic, fontSize=26, leading=31, alignment=1)
    centred = ParagraphStyle("centred", parent=body, fontSize=12, leading=16, alignment=1)
    centred_muted = ParagraphStyle("centred_muted", parent=centred, fontSize=9.5, textColor=muted)
    label = ParagraphStyle("label", parent=small, fontName=bold, textColor=muted)
    m, d = contents.manifest, contents.details
    c = m.classification

    def esc(text: object) -> str:
        return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    story: list[Any] = []
    kicker = ParagraphStyle("kicker", parent=centred_muted, fontSize=8)
    story.append(Paragraph("P R O V E N A N C E &nbsp;&nbsp; P A C K", kicker))
    story.append(Spacer(1, 8))
    story.append(_image(contents.picture, 170 * mm, 125 * mm))
    story.append(Spacer(1, 14))
    story.append(Paragraph(esc(d.title), title_style))
    story.append(Paragraph(esc(m.artist.get("name", "")) + (f", {d.year}" if d.year else ""), centred))
    if d.series:
        story.append(Paragraph(f"from the series {esc(d.series)}", centred_muted))
    medium = ", ".join(x for x in (d.medium, d.dimensions) if x)
    if medium:
        story.append(Paragraph(esc(medium), centred_muted))
    if contents.edition:
        story.append(Spacer(1, 6))
        story.append(Paragraph(f"<b>Edition {esc(contents.edition['label'])}</b>", centred))
        story.append(Paragraph(f"edition id {esc(contents.edition['edition_id'])}", centred_muted))
    story.append(Spacer(1, 10))
    badge = f"{c.category} · {c.digital_source_type or 'source unknown'}"
    measures = (
        f"human decisions: {c.human_decisions} · pixels by hand: {round(c.human_pixel_share * 100)}% · "
        f"physical hybrid: {'yes' if c.physical_hybrid else 'no'}"
    )
    cover = Table(
        [
            [Paragraph(f"<b>{esc(badge)}</b>", body), qr_drawing(contents.link, 26 * mm)],
            [Paragraph(esc(c.explanation), small), ""],
            [Paragraph(esc(measures), small), Paragraph(esc(contents.link), tiny)],
        ],
        colWidths=[140 * mm, 30 * mm],
    )
    cover.setStyle(
        TableStyle(
            [
                ("SPAN", (1, 0), (1, 1)),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEABOVE", (0, 0), (-1, 0), 0.6, rule),
                ("LINEBELOW", (0, -1), (-1, -1), 0.6, rule),
            ]
        )
    )
    story.append(cover)

    if d.statement:
        story.append(PageBreak())
        story.append(Paragraph("Artist's statement", heading))
        for paragraph in d.statement.split("\n\n"):
            story.append(Paragraph(esc(paragraph).replace("\n", "<br/>"), body))
            story.append(Spacer(1, 6))

    story.append(PageBreak())
    story.append(Paragraph("How it was made: the process, step by step", heading))
    story.append(Paragraph(
        f"{len(m.steps)} signed step(s), oldest first. Revision {m.revision} of work {esc(m.work_id)}, "
        f"signed by {esc(m.artist.get('name', ''))} (key {esc(m.artist.get('key_id', ''))})"
        + (", as it stood when this edition was issued." if contents.edition else "."), small))  # fmt: skip
    story.append(Spacer(1, 6))
    rows: list[list[Any]] = [[Paragraph(h, label) for h in ("#", "image", "step", "parameters", "who, when")]]
    for i, step in enumerate(m.steps, start=1):
        pictures: list[Any] = []
        if step.output in contents.thumbnails:
            pictures.append(_image(contents.thumbnails[step.output], 22 * mm, 18 * mm))
        mask = step.inputs[1] if step.op in ("restore.fill", "restore.inpaint") and len(step.inputs) > 1 else None
        mask = mask or (step.params.get("mask") if step.op == "edit.external" else None)
        if mask in contents.thumbnails:
            pictures.append(Paragraph("mask", tiny))
            pictures.append(_image(contents.thumbnails[mask], 22 * mm, 18 * mm))
        photos = [ph["sha256"] for ph in step.params.get("photos") or []] if step.op.startswith("physical.") else []
        for n, photo in enumerate(p for p in photos if p in contents.thumbnails):
            pictures.append(Paragraph("photograph" if n == 0 else "", tiny))
            pictures.append(_image(contents.thumbnails[photo], 22 * mm, 18 * mm))
        params = "<br/>".join(f"<b>{esc(k)}</b> {esc(v)}" for k, v in step_parameters(step.params))
        rows.append([
            Paragraph(str(i), small), pictures or "",
            Paragraph(f"<b>{esc(step.op)}</b> {esc(step.version)}<br/>{esc(step.agency)}", small),
            Paragraph(params or "—", small),
            Paragraph(f"key {esc(step.actor)}<br/>{esc(step.at.replace('T', ' ')[:19])}", tiny),
        ])  # fmt: skip
    timeline = Table(rows, colWidths=[8 * mm, 25 * mm, 38 * mm, 72 * mm, 27 * mm], repeatRows=1)
    timeline.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LINEBELOW", (0, 0), (-1, -1), 0.3, rule),
                                  ("BOTTOMPADDING", (0, 0), (-1, -1), 5)]))  # fmt: skip
    story.append(timeline)

    story.append(Paragraph("Models", heading))
    if not contents.models:
        trained = m.classification.pixel_origin.get("trained", 0) > 0  # AI-generated or AI-assisted
        story.append(Paragraph(
            "The files it was made from name no model: the trained model that made it is not identified."
            if trained else "No trained model made or changed these pixels.", body))  # fmt: skip
    for model in contents.models:
        card = model.card
        lines = [f"<b>step {model.step}, {esc(model.op)}</b>: {esc(model.name)} ({esc(model.weights)})"]
        if card is None:
            lines.append("No model card. Training data: not declared.")
        else:
            source = "ships with artproof" if card.source == "artproof" else "added by the artist"
            for name, value in (
                ("version", card.version), ("architecture", card.architecture), ("licence", card.licence),
                ("training data", card.training_text), ("url", card.url), ("card", source),
            ):  # fmt: skip
                if value:
                    lines.append(f"<b>{name}</b> {esc(value)}")
        story.append(KeepTogether([Paragraph("<br/>".join(lines), small), Spacer(1, 6)]))

    story.append(Paragraph("Files and hashes", heading))
    facts = Table([[Paragraph(esc(k), label), Paragraph(esc(v), small)] for k, v in contents.files],
                  colWidths=[40 * mm, 130 * mm])  # fmt: skip
    facts.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story.append(facts)

    if contents.edition:
        e = contents.edition
        story.append(Paragraph("Certificate of authenticity", heading))
        cert = [("edition", f"{e['label']} ({e['edition_id']})"), ("issued", e["issued"]),
                ("certificate SHA-256", e["certificate_sha256"]), ("licence", e["licence_title"])]  # fmt: skip
        table = Table([[Paragraph(esc(k), label), Paragraph(esc(v), small)] for k, v in cert],
                      colWidths=[40 * mm, 130 * mm])  # fmt: skip
        story.append(table)
        if e.get("licence_text"):
            story.append(Spacer(1, 6))
            story.append(Paragraph("Licence", label))
            for paragraph in str(e["licence_text"]).split("\n\n"):
                story.append(Paragraph(esc(paragraph), small))
                story.append(Spacer(1, 3))

    proof = (contents.edition or {}).get("proof") or (contents.registration or {}).get("proof")
    if proof:
        story.append(Paragraph("Transparency ledger", heading))
        what = "the edition's issuance" if contents.edition else "the work's registration"
        story.append(Paragraph(
            f"Entry #{proof['leaf_index']} ({what}) is included in the artist's append-only log of "
            f"{proof['tree_size']} entries; the inclusion proof below checks against the signed checkpoint "
            "with <i>artproof ledger check</i>, offline.", body))  # fmt: skip
        story.append(Spacer(1, 4))
        story.append(Paragraph(f"<b>leaf hash</b> {esc(proof['leaf_hash'])}", tiny))
        for n, h in enumerate(proof.get("hashes") or []):
            story.append(Paragraph(f"<b>proof {n}</b> {esc(h)}", tiny))
        story.append(Spacer(1, 4))
        story.append(Paragraph("<b>checkpoint</b><br/>" + esc(proof["checkpoint"]).replace("\n", "<br/>"), tiny))

    if contents.edition:
        story.append(Paragraph("Ownership", heading))
        if not contents.transfers:
            story.append(Paragraph("Held by its first owner; no transfer is recorded.", body))
        else:
            rows = [[Paragraph(h, label) for h in ("#", "date", "from", "to", "price")]]
            for t in contents.transfers:
                price = f"{t.get('price')} {t.get('currency') or ''}".strip() if t.get("price") else "not disclosed"
                rows.append([Paragraph(str(t.get("seq")), small), Paragraph(esc(t.get("date", "")), small),
                             Paragraph(esc(t.get("from", "")), small), Paragraph(esc(t.get("to", "")), small),
                             Paragraph(esc(price), small)])  # fmt: skip
            table = Table(rows, colWidths=[10 * mm, 25 * mm, 50 * mm, 50 * mm, 35 * mm])
            table.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, -1), 0.3, rule)]))
            story.append(table)

    story.append(Spacer(1, 14))
    story.append(HRFlowable(width="100%", thickness=0.6, color=rule))
    story.append(Paragraph(
        f"Verify: {esc(contents.link)}. Anyone can check the files with <i>artproof verify FILE</i> (with the "
        "certificate and the log key, in any installation, offline). This document is generated from the "
        f"signed record by artproof {__version__}; where it and the signed files differ, the signed files rule.",
        tiny))  # fmt: skip

    def footer(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(regular, 7)
        canvas.setFillColor(muted)
        canvas.drawString(20 * mm, 12 * mm, f"{d.title} · {m.artist.get('name', '')} · provenance pack")
        canvas.drawRightString(A4[0] - 20 * mm, 12 * mm, f"page {doc.page}")
        canvas.restoreState()

    edition_id = (contents.edition or {}).get("edition_id")
    subject = f"artproof work {m.work_id}" + (f", edition {edition_id}" if edition_id else "")
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=18 * mm, bottomMargin=20 * mm,
        title=f"Provenance pack: {d.title}", author=str(m.artist.get("name", "")),
        subject=subject,
        creator=f"artproof {__version__}", keywords="artproof, provenance, C2PA",
    )  # fmt: skip
    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue(), int(document.page)
