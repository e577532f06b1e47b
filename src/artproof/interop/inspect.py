"""What a file says about itself, in one document: the answer of ``artproof inspect``."""

from __future__ import annotations

from typing import Any

from artproof.interop.c2pa import CredentialJudge
from artproof.interop.readers import read_file

__all__ = ["inspect_bytes"]


def inspect_bytes(
    data: bytes, name: str, trust_pem: str | None, judge: CredentialJudge | None = None
) -> dict[str, Any]:
    reading = read_file(data, name, trust_pem, judge)
    c2pa = reading.c2pa.to_json() if reading.c2pa is not None else {"present": False}
    return {
        "file": name,
        "format": reading.format,
        "width": reading.width,
        "height": reading.height,
        "c2pa": c2pa,
        "source_tool": reading.source_tool,
        "generations": [g.model_dump(mode="json") for g in reading.generations],
        "digital_source_type": reading.digital_source_type,
        "exif": reading.exif,
        "xmp": reading.xmp,
        "warnings": reading.warnings,
    }
