"""ComfyUI: the ``prompt`` API graph (and the ``workflow`` UI graph kept verbatim).

Each sampler node is one generation: its seed, steps, cfg, sampler and
scheduler are its own inputs; the model input is traced back through LoRA
loaders to the checkpoint, the positive and negative inputs back through
conditioning nodes to the text encoders, and the latent input to the size.
"""

from __future__ import annotations

from typing import Any

from artproof.core.canonical import parse_json
from artproof.errors import InvalidInput
from artproof.interop.records import GenerationRecord, Lora

__all__ = ["parse_comfyui"]

_MAX_DEPTH = 64


def _is_ref(value: Any) -> bool:
    return isinstance(value, list) and len(value) == 2 and isinstance(value[0], str | int)


def _node(graph: dict[str, Any], ref: Any) -> dict[str, Any] | None:
    if not _is_ref(ref):
        return None
    node = graph.get(str(ref[0]))
    return node if isinstance(node, dict) else None


def _is_sampler(node: dict[str, Any]) -> bool:
    kind = str(node.get("class_type", ""))
    inputs = node.get("inputs", {})
    return (
        "Sampler" in kind
        and isinstance(inputs, dict)
        and ("seed" in inputs or "noise_seed" in inputs or "noise" in inputs)
    )


def _literal(graph: dict[str, Any], value: Any, keys: tuple[str, ...], depth: int = 0) -> Any:
    """A literal input, following references to primitive / string nodes."""
    if not _is_ref(value):
        return value
    node = _node(graph, value)
    if node is None or depth > _MAX_DEPTH:
        return None
    inputs = node.get("inputs", {})
    for key in keys:
        if key in inputs:
            return _literal(graph, inputs[key], keys, depth + 1)
    return None


def _text(graph: dict[str, Any], ref: Any, depth: int = 0) -> str | None:
    node = _node(graph, ref)
    if node is None or depth > _MAX_DEPTH:
        return None
    inputs = node.get("inputs", {})
    for key in ("text", "text_g", "prompt", "string", "value"):
        if key in inputs:
            value = _literal(graph, inputs[key], ("text", "string", "value"))
            if isinstance(value, str):
                return value.strip()
    for key in ("conditioning", "conditioning_1", "conditioning_to", "positive", "base"):
        if key in inputs:
            found = _text(graph, inputs[key], depth + 1)
            if found is not None:
                return found
    return None


def _model(graph: dict[str, Any], ref: Any) -> tuple[str | None, list[Lora]]:
    loras: list[Lora] = []
    node = _node(graph, ref)
    for _ in range(_MAX_DEPTH):
        if node is None:
            return None, loras
        inputs = node.get("inputs", {})
        if "lora_name" in inputs:
            weight = inputs.get("strength_model")
            loras.append(
                Lora(name=str(inputs["lora_name"]), weight=float(weight) if isinstance(weight, int | float) else None)
            )
        for key in ("ckpt_name", "unet_name", "model_name"):
            if isinstance(inputs.get(key), str):
                return str(inputs[key]), loras
        node = _node(graph, inputs.get("model"))
    return None, loras


def _size(graph: dict[str, Any], ref: Any) -> tuple[int | None, int | None]:
    node = _node(graph, ref)
    for _ in range(_MAX_DEPTH):
        if node is None:
            return None, None
        inputs = node.get("inputs", {})
        width = _literal(graph, inputs.get("width"), ("value", "width"))
        height = _literal(graph, inputs.get("height"), ("value", "height"))
        if isinstance(width, int) and isinstance(height, int):
            return width, height
        node = _node(graph, inputs.get("samples") or inputs.get("latent_image") or inputs.get("latent"))
    return None, None


def parse_comfyui(prompt_json: str) -> list[GenerationRecord]:
    graph = parse_json(prompt_json, what="ComfyUI prompt")
    if not isinstance(graph, dict):
        raise InvalidInput("ComfyUI prompt is not a JSON object (node id -> node)")
    samplers = sorted(
        ((key, node) for key, node in graph.items() if isinstance(node, dict) and _is_sampler(node)),
        key=lambda kv: (len(kv[0]), kv[0]),
    )
    vae = next(
        (
            str(n["inputs"]["vae_name"])
            for n in graph.values()
            if isinstance(n, dict)
            and isinstance(n.get("inputs"), dict)
            and isinstance(n["inputs"].get("vae_name"), str)
        ),
        None,
    )
    records = []
    for node_id, node in samplers:
        inputs = node["inputs"]
        model, loras = _model(graph, inputs.get("model"))
        width, height = _size(graph, inputs.get("latent_image"))
        seed = _literal(graph, inputs.get("seed", inputs.get("noise_seed")), ("seed", "noise_seed", "value"))
        records.append(
            GenerationRecord(
                source_tool="ComfyUI",
                prompt=_text(graph, inputs.get("positive")),
                negative_prompt=_text(graph, inputs.get("negative")),
                seed=seed if isinstance(seed, int) else None,
                steps=_literal(graph, inputs.get("steps"), ("steps", "value")),
                sampler=_literal(graph, inputs.get("sampler_name"), ("sampler_name", "value")),
                scheduler=_literal(graph, inputs.get("scheduler"), ("scheduler", "value")),
                cfg_scale=_literal(graph, inputs.get("cfg"), ("cfg", "value")),
                denoise=_literal(graph, inputs.get("denoise"), ("denoise", "value")),
                width=width,
                height=height,
                model=model,
                vae=vae,
                loras=loras,
                extra={"node": node_id, "class_type": node.get("class_type")},
            )
        )
    return records
