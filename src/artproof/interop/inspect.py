"""What a file says about itself, in one document: the answer of ``artproof inspect``."""

from __future__ import annotations

from typing import Any

from artproof.core.results import Result
from artproof.interop.c2pa import CredentialJudge
from artproof.interop.readers import read_file

__all__ = ["Inspection", "inspect_bytes"]


class Inspection(Result):
    """Everything a file says about itself: credentials, AI-tool settings (normalised), EXIF, XMP."""

    file: str
    format: str
    width: int
    height: int
    c2pa: dict[str, Any]  # {"present": false}, or the state, signer, actions and assertions
    source_tool: str | None = None
    generations: list[dict[str, Any]]
    digital_source_type: str | None = None
    exif: dict[str, Any]
    xmp: str | None = None
    warnings: list[str]


def inspect_bytes(data: bytes, name: str, trust_pem: str | None, judge: CredentialJudge | None = None) -> Inspection:
    if data[:5] == b"%PDF-":  # a provenance pack or any PDF: its Content Credentials, read as an image's are
        from artproof.interop.c2pa import read_credentials

        report = read_credentials(data, "application/pdf", trust_pem)
        if judge is not None and report.present:
            judge(report)
        return Inspection(
            file=name, format="PDF", width=0, height=0,
            c2pa=report.to_json() if report.present else {"present": False},
            generations=[], exif={}, warnings=[],
        )  # fmt: skip
    reading = read_file(data, name, trust_pem, judge)
    return Inspection(
        file=name,
        format=reading.format,
        width=reading.width,
        height=reading.height,
        c2pa=reading.c2pa.to_json() if reading.c2pa is not None else {"present": False},
        source_tool=reading.source_tool,
        generations=[g.model_dump(mode="json") for g in reading.generations],
        digital_source_type=reading.digital_source_type,
        exif=reading.exif,
        xmp=reading.xmp,
        warnings=reading.warnings,
    )
