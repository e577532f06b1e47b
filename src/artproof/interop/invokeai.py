"""InvokeAI: ``invokeai_metadata`` (3.x and later, JSON), and the legacy ``sd-metadata`` and ``Dream`` forms."""

from __future__ import annotations

import re
import shlex
from typing import Any

from artproof.core.canonical import parse_json
from artproof.errors import InvalidInput
from artproof.interop.records import GenerationRecord, Lora

__all__ = ["parse_dream", "parse_invokeai", "parse_sd_metadata"]


def _json(text: str, what: str) -> dict[str, Any]:
    data = parse_json(text, what=f"InvokeAI {what}")
    if not isinstance(data, dict):
        raise InvalidInput(f"InvokeAI {what} is not a JSON object")
    return data


def _name(value: Any) -> str | None:
    if isinstance(value, dict):
        return value.get("model_name") or value.get("name") or value.get("key")
    return value if isinstance(value, str) else None


def parse_invokeai(text: str) -> GenerationRecord:
    data = _json(text, "invokeai_metadata")
    model = data.get("model") or {}
    loras = []
    for item in data.get("loras") or []:
        if isinstance(item, dict):
            name = _name(item.get("lora") or item.get("model"))
            if name:
                loras.append(Lora(name=name, weight=item.get("weight")))
    known = {
        "positive_prompt",
        "negative_prompt",
        "seed",
        "steps",
        "cfg_scale",
        "scheduler",
        "width",
        "height",
        "model",
        "vae",
        "loras",
        "strength",
    }
    return GenerationRecord(
        source_tool="InvokeAI",
        prompt=data.get("positive_prompt"),
        negative_prompt=data.get("negative_prompt"),
        seed=data.get("seed"),
        steps=data.get("steps"),
        cfg_scale=data.get("cfg_scale"),
        scheduler=data.get("scheduler"),
        sampler=data.get("scheduler"),
        width=data.get("width"),
        height=data.get("height"),
        model=_name(model),
        model_hash=model.get("hash") if isinstance(model, dict) else None,
        vae=_name(data.get("vae")),
        loras=loras,
        denoise=data.get("strength"),
        extra={k: v for k, v in data.items() if k not in known},
    )


def parse_sd_metadata(text: str) -> GenerationRecord:
    """InvokeAI 2.x ``sd-metadata``: {"model_weights": ..., "image": {...}}."""
    data = _json(text, "sd-metadata")
    image = data.get("image") or {}
    prompt = image.get("prompt")
    if isinstance(prompt, list):
        prompt = " ".join(str(p.get("prompt", "")) for p in prompt if isinstance(p, dict))
    return GenerationRecord(
        source_tool="InvokeAI",
        prompt=prompt,
        seed=image.get("seed"),
        steps=image.get("steps"),
        cfg_scale=image.get("cfg_scale"),
        sampler=image.get("sampler"),
        width=image.get("width"),
        height=image.get("height"),
        model=data.get("model_weights"),
        model_hash=data.get("model_hash"),
        denoise=image.get("strength"),
        extra={"type": image.get("type"), "app_version": data.get("app_version")},
    )


_DREAM_FLAGS = {
    "-s": "steps",
    "-S": "seed",
    "-W": "width",
    "-H": "height",
    "-C": "cfg_scale",
    "-A": "sampler",
    "-f": "denoise",
}


def parse_dream(text: str) -> GenerationRecord:
    """InvokeAI 1.x ``Dream``: ``"a prompt" -s 50 -S 42 -W 512 -H 512 -C 7.5 -A k_lms``."""
    try:
        parts = shlex.split(text)
    except ValueError as exc:
        raise InvalidInput("InvokeAI Dream text is malformed", value=str(exc)) from None
    if not parts:
        raise InvalidInput("InvokeAI Dream text is empty")
    fields: dict[str, Any] = {"prompt": parts[0]}
    i = 1
    while i < len(parts) - 1:
        key = _DREAM_FLAGS.get(parts[i])
        if key is not None:
            value = parts[i + 1]
            if key in ("steps", "seed", "width", "height"):
                fields[key] = int(value) if re.fullmatch(r"-?\d+", value) else None
            elif key in ("cfg_scale", "denoise"):
                fields[key] = float(value) if re.fullmatch(r"-?[\d.]+", value) else None
            else:
                fields[key] = value
            i += 2
        else:
            i += 1
    return GenerationRecord(source_tool="InvokeAI", **fields)
