"""One entry point for reading what a file says about how it was made.

Every reader is tried on what the file holds; a reader that finds its field
malformed adds a warning naming the file and the field, and the others go on.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from artproof.core.canonical import parse_json
from artproof.errors import ArtproofError, ImageError
from artproof.interop.a1111 import is_fooocus, parse_a1111, parse_fooocus
from artproof.interop.c2pa import C2paReport, CredentialJudge, read_credentials
from artproof.interop.camera import parse_camera, xmp_digital_source_type
from artproof.interop.comfyui import parse_comfyui
from artproof.interop.invokeai import parse_dream, parse_invokeai, parse_sd_metadata
from artproof.interop.metadata import FileMetadata, read_metadata, stealth_payload
from artproof.interop.novelai import is_novelai, parse_novelai
from artproof.interop.records import GenerationRecord, pixel_origin

__all__ = ["Reading", "read_file", "read_settings"]

# Raw text kept verbatim in the record, per field, at most (larger is noted, not kept).
MAX_RAW_FIELD = 256 * 1024


@dataclass
class Reading:
    file: str
    format: str
    width: int
    height: int
    source_tool: str = "unknown"
    generations: list[GenerationRecord] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)
    exif: dict[str, Any] = field(default_factory=dict)
    xmp: str | None = None
    digital_source_type: str | None = None
    metadata: FileMetadata | None = None
    c2pa: C2paReport | None = None

    @property
    def origin(self) -> dict[str, float]:
        return pixel_origin(self.generations, self.digital_source_type)


def _try(reading: Reading, field_name: str, parse: Callable[[], list[GenerationRecord]]) -> None:
    try:
        found = parse()
    except ArtproofError as exc:
        reading.warnings.append(f"{reading.file}: field {field_name!r}: {exc.diagnostics()}")
        return
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError) as exc:  # odd values, deep nesting
        reading.warnings.append(f"{reading.file}: field {field_name!r} is malformed: {str(exc).splitlines()[0][:160]}")
        return
    reading.generations.extend(found)


def _keep_raw(reading: Reading, key: str, value: str) -> None:
    if len(value) > MAX_RAW_FIELD:
        reading.raw[key] = f"<{len(value)} characters, not kept>"
        reading.warnings.append(f"{reading.file}: field {key!r} is {len(value):,} characters; not kept verbatim")
    else:
        reading.raw[key] = value


def _from_text(reading: Reading, text: dict[str, str], where: str) -> None:
    if "parameters" in text:
        if is_fooocus(text):
            _try(reading, f"{where}parameters", lambda: [parse_fooocus(text["parameters"])])
        else:
            _try(reading, f"{where}parameters", lambda: [parse_a1111(text["parameters"])])
    if "prompt" in text:
        _try(reading, f"{where}prompt", lambda: parse_comfyui(text["prompt"]))
    elif "workflow" in text:
        reading.warnings.append(f"{reading.file}: ComfyUI workflow without its prompt graph; settings not read")
    if "invokeai_metadata" in text:
        _try(reading, f"{where}invokeai_metadata", lambda: [parse_invokeai(text["invokeai_metadata"])])
    elif "sd-metadata" in text:
        _try(reading, f"{where}sd-metadata", lambda: [parse_sd_metadata(text["sd-metadata"])])
    elif "Dream" in text:
        _try(reading, f"{where}Dream", lambda: [parse_dream(text["Dream"])])
    if is_novelai(text):
        _try(reading, f"{where}Comment", lambda: [parse_novelai(text)])


# The formats that carry Content Credentials; MPO (multi-picture JPEG, what many cameras write) is a JPEG.
def _from_exif_text(reading: Reading, exif: dict[str, Any]) -> None:
    """ComfyUI and A1111 settings in EXIF text tags (WebP and JPEG exports).

    ComfyUI writes its API graph and its UI workflow into whichever string tags it likes
    (``Make``, ``Model``, ``ImageDescription``, ``UserComment``), with or without a
    ``prompt:`` / ``workflow:`` prefix; the graph is the one whose nodes have ``class_type``.
    """
    workflow_only = False
    found_graph = False
    for tag in EXIF_TEXT_TAGS:
        value = exif.get(tag)
        if not isinstance(value, str):
            continue
        text = value.strip().strip("\x00").strip()
        prefix, _, rest = text.partition(":")
        if prefix in ("prompt", "workflow") and rest.lstrip().startswith("{"):
            text = rest.strip()
        if text.startswith("{") and '"class_type"' in text:
            if tag != "UserComment":
                _keep_raw(reading, f"EXIF {tag}", value)
            _try(reading, f"EXIF {tag}", lambda text=text: parse_comfyui(text))  # type: ignore[misc]
            found_graph = True
        elif text.startswith("{") and '"nodes"' in text:
            if tag != "UserComment":
                _keep_raw(reading, f"EXIF {tag}", value)
            workflow_only = True
        elif tag == "UserComment" and "Steps:" in text:
            _try(reading, "EXIF UserComment", lambda text=text: [parse_a1111(text)])  # type: ignore[misc]
    if workflow_only and not found_graph:
        reading.warnings.append(f"{reading.file}: ComfyUI workflow without its prompt graph; settings not read")


MIME = {"PNG": "image/png", "JPEG": "image/jpeg", "MPO": "image/jpeg", "WEBP": "image/webp"}
EXIF_TEXT_TAGS = ("ImageDescription", "Make", "Model", "UserComment")


def read_settings(data: bytes, name: str, meta: FileMetadata | None = None) -> Reading:
    """What the file says of itself outside Content Credentials: the AI tools' settings (text chunks, EXIF, the
    alpha channel), a camera's EXIF, the XMP source type. Unsigned, so anyone could have written them.
    ``meta``: the file's metadata (:func:`read_metadata`), when the caller has it already."""
    meta = meta if meta is not None else read_metadata(data, name=name)
    reading = Reading(
        file=name,
        format=meta.format,
        width=meta.width,
        height=meta.height,
        warnings=list(meta.warnings),
        exif=meta.exif,
        xmp=meta.xmp,
        metadata=meta,
    )
    for key, value in meta.text.items():
        _keep_raw(reading, key, value)
    _from_text(reading, meta.text, "")
    if meta.user_comment:
        _keep_raw(reading, "EXIF UserComment", meta.user_comment)
    _from_exif_text(reading, {**meta.exif, "UserComment": meta.user_comment or meta.exif.get("UserComment")})
    if meta.image is not None and not reading.generations:
        try:
            hidden = stealth_payload(meta.image)
        except ImageError as exc:
            reading.warnings.append(f"{name}: alpha-channel metadata: {exc.diagnostics()}")
            hidden = None
        if hidden is not None:
            kind, payload = hidden
            _keep_raw(reading, f"alpha:{kind}", payload)
            if payload.lstrip().startswith("{"):
                try:
                    fields = parse_json(payload, what="alpha-channel metadata")
                except ArtproofError as exc:
                    reading.warnings.append(f"{name}: {exc.diagnostics()}")
                    fields = {}
                if isinstance(fields, dict):
                    texts = {k: v if isinstance(v, str) else json.dumps(v) for k, v in fields.items()}
                    _from_text(reading, texts, "alpha:")
            else:
                _try(reading, f"alpha:{kind}", lambda: [parse_a1111(payload)])
    camera = parse_camera(meta.exif)
    if camera is not None and not reading.generations:
        reading.generations.append(camera)
    reading.digital_source_type = xmp_digital_source_type(meta.xmp)
    tools = [g.source_tool for g in reading.generations]
    reading.source_tool = tools[0] if tools else ("xmp" if reading.digital_source_type else "unknown")
    return reading


def read_file(data: bytes, name: str, trust_pem: str | None = None, judge: CredentialJudge | None = None) -> Reading:
    """Read ``data`` (the bytes of file ``name``); raises :class:`ImageError` only if it is no image at all.

    Content Credentials are read and validated offline against ``trust_pem`` (none: no trust list).
    """
    reading = read_settings(data, name)
    meta = reading.metadata
    assert meta is not None  # read_settings keeps it
    if meta.format in MIME:
        reading.c2pa = read_credentials(data, MIME[meta.format], trust_pem)
        if judge is not None:
            judge(reading.c2pa)
        if reading.c2pa.note and reading.c2pa.present:
            reading.warnings.append(f"{name}: Content Credentials: {reading.c2pa.note}")
    credentials = reading.c2pa if reading.c2pa is not None and reading.c2pa.validation_state else None
    if credentials is not None and credentials.failures:
        # A manifest that fails validation (changed after signing, its pixels changed since) is kept in the
        # record as found, but what it says is not the work's provenance: no tool, no source type from it.
        said = "; ".join(credentials.explanations.get(code, code) for code in credentials.failures)
        reading.warnings.append(
            f"{name}: Content Credentials fail validation ({', '.join(credentials.failures)}: {said}): kept in the "
            "record as found, not used as its provenance"
        )
        credentials = None
    if credentials is not None and credentials.digital_source_type and not reading.digital_source_type:
        reading.digital_source_type = credentials.digital_source_type
    if not reading.generations and credentials is not None:
        reading.source_tool = credentials.claim_generator or "C2PA"
    return reading
