"""AUTOMATIC1111 / Forge / SD.Next ``parameters`` text, and Fooocus (whose ``parameters`` is JSON).

The A1111 text is the prompt, an optional ``Negative prompt:`` paragraph, and
a settings line of ``Key: value`` pairs separated by commas, where a value may
be a double-quoted string holding commas (``Lora hashes: "a: 1f2e, b: 9c8d"``).
LoRAs also appear in the prompt as ``<lora:name:weight>``.
"""

from __future__ import annotations

import json
import re
from typing import Any

from artproof.core.canonical import parse_json
from artproof.errors import InvalidInput
from artproof.interop.records import GenerationRecord, Lora

__all__ = ["is_fooocus", "parse_a1111", "parse_fooocus"]

_PAIR = re.compile(r'\s*([A-Za-z][\w .\-/()]*?):\s*("(?:\\.|[^"\\])*"|[^,]*)(?:,|$)')
_LORA = re.compile(r"<lora:([^:>]+)(?::([-\d.]+))?[^>]*>")
_KNOWN = {
    "Steps": "steps",
    "Sampler": "sampler",
    "Schedule type": "scheduler",
    "CFG scale": "cfg_scale",
    "Seed": "seed",
    "Model hash": "model_hash",
    "Model": "model",
    "VAE": "vae",
    "Denoising strength": "denoise",
}


def _settings(line: str) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for match in _PAIR.finditer(line):
        key, value = match.group(1).strip(), match.group(2).strip()
        if value.startswith('"') and value.endswith('"') and len(value) >= 2:
            value = json.loads(value) if value.count('"') >= 2 else value.strip('"')
        if key:
            pairs[key] = value
    return pairs


def _number(value: str, kind: type, field: str) -> Any:
    try:
        return kind(value)
    except ValueError:
        raise InvalidInput(f"A1111 parameters: {field} is not a number", value=value) from None


def parse_a1111(text: str, source_tool: str = "AUTOMATIC1111") -> GenerationRecord:
    lines = text.strip().replace("\r\n", "\n").split("\n")
    settings_at = max((i for i, line in enumerate(lines) if line.startswith("Steps:")), default=None)
    if settings_at is None:
        raise InvalidInput("A1111 parameters have no settings line (Steps: ...)", value=text[:60])
    body, settings = lines[:settings_at], _settings(", ".join(lines[settings_at:]))
    negative_at = next((i for i, line in enumerate(body) if line.startswith("Negative prompt:")), None)
    if negative_at is None:
        prompt, negative = "\n".join(body), None
    else:
        prompt = "\n".join(body[:negative_at])
        negative = "\n".join([body[negative_at][len("Negative prompt:") :].lstrip(), *body[negative_at + 1 :]])
    fields: dict[str, Any] = {"source_tool": source_tool, "prompt": prompt.strip(), "negative_prompt": negative}
    extra: dict[str, Any] = {}
    for key, value in settings.items():
        target = _KNOWN.get(key)
        if target == "steps":
            fields["steps"] = _number(value, int, key)
        elif target == "seed":
            fields["seed"] = _number(value, int, key)
        elif target in ("cfg_scale", "denoise"):
            fields[target] = _number(value, float, key)
        elif target is not None:
            fields[target] = value
        elif key == "Size":
            try:
                width, height = (int(v) for v in value.lower().split("x"))
            except ValueError:
                raise InvalidInput("A1111 parameters: Size is not WIDTHxHEIGHT", value=value) from None
            fields["width"], fields["height"] = width, height
        else:
            extra[key] = value
    loras = [Lora(name=m.group(1), weight=float(m.group(2)) if m.group(2) else None) for m in _LORA.finditer(prompt)]
    if "Version" in extra and str(extra["Version"]).startswith("f"):
        fields["source_tool"] = "Forge"
    return GenerationRecord(**fields, loras=loras, extra=extra)


def is_fooocus(text_chunks: dict[str, str]) -> bool:
    return "fooocus_scheme" in text_chunks or text_chunks.get("parameters", "").lstrip().startswith("{")


def _pair(value: Any) -> tuple[int, int] | None:
    numbers = re.findall(r"\d+", str(value))
    return (int(numbers[0]), int(numbers[1])) if len(numbers) >= 2 else None


def parse_fooocus(text: str) -> GenerationRecord:
    """Fooocus writes JSON in ``parameters`` (and ``fooocus_scheme``): never mistake it for A1111."""
    data = parse_json(text, what="Fooocus parameters")
    if not isinstance(data, dict):
        raise InvalidInput("Fooocus parameters are not a JSON object")
    size = _pair(data.get("resolution"))
    loras = []
    for item in data.get("loras") or []:
        if isinstance(item, list | tuple) and item:
            loras.append(Lora(name=str(item[0]), weight=float(item[1]) if len(item) > 1 else None))
    known = {
        "prompt",
        "negative_prompt",
        "seed",
        "steps",
        "sampler",
        "scheduler",
        "guidance_scale",
        "resolution",
        "base_model",
        "base_model_hash",
        "vae",
        "loras",
    }
    return GenerationRecord(
        source_tool="Fooocus",
        prompt=data.get("prompt"),
        negative_prompt=data.get("negative_prompt"),
        seed=int(data["seed"]) if str(data.get("seed", "")).isdigit() else data.get("seed"),
        steps=data.get("steps"),
        sampler=data.get("sampler"),
        scheduler=data.get("scheduler"),
        cfg_scale=data.get("guidance_scale"),
        width=size[0] if size else None,
        height=size[1] if size else None,
        model=data.get("base_model"),
        model_hash=data.get("base_model_hash"),
        vae=data.get("vae"),
        loras=loras,
        extra={k: v for k, v in data.items() if k not in known},
    )
