"""Camera captures from EXIF, and the IPTC digital source type that AI tools write into XMP."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from artproof.interop.records import GenerationRecord

__all__ = ["parse_camera", "xmp_digital_source_type"]

_DST = re.compile(
    r"DigitalSourceType(?:>|=\")\s*(?:https?://cv\.iptc\.org/newscodes/digitalsourcetype/)?([A-Za-z]+)", re.S
)


def _gps(info: dict[str, Any]) -> dict[str, float] | None:
    def degrees(value: Any, ref: Any) -> float | None:
        if not isinstance(value, list) or len(value) != 3 or any(v is None for v in value):
            return None
        result = float(value[0]) + float(value[1]) / 60 + float(value[2]) / 3600
        return -result if str(ref).upper() in ("S", "W") else result

    lat = degrees(info.get("GPSLatitude"), info.get("GPSLatitudeRef"))
    lon = degrees(info.get("GPSLongitude"), info.get("GPSLongitudeRef"))
    if lat is None or lon is None:
        return None
    return {"latitude": round(lat, 7), "longitude": round(lon, 7)}


def _camera_text(value: Any) -> str | None:
    """A maker or model name; not the JSON graphs that ComfyUI stores in the same tags."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if text.startswith("{") or text.partition(":")[0] in ("prompt", "workflow"):
        return None
    return text


def parse_camera(exif: dict[str, Any]) -> GenerationRecord | None:
    make, model = (_camera_text(exif.get(tag)) for tag in ("Make", "Model"))
    if not make and not model:
        return None
    taken = exif.get("DateTimeOriginal") or exif.get("DateTime")
    captured = None
    if isinstance(taken, str):
        try:
            captured = datetime.strptime(taken.strip(), "%Y:%m:%d %H:%M:%S").isoformat()
        except ValueError:
            captured = taken
    keep = ("ExposureTime", "FNumber", "ISOSpeedRatings", "FocalLength", "Flash", "Software", "LensModel")
    return GenerationRecord(
        source_tool="camera",
        camera_make=str(make) if make else None,
        camera_model=str(model) if model else None,
        captured_at=captured,
        gps=_gps(exif.get("GPSInfo") or {}),
        extra={k: exif[k] for k in keep if k in exif},
    )


def xmp_digital_source_type(xmp: str | None) -> str | None:
    if not xmp:
        return None
    match = _DST.search(xmp)
    return match.group(1) if match else None
