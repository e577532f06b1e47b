"""NovelAI: ``Description`` (the prompt), ``Comment`` (JSON settings), ``Source`` (model and hash)."""

from __future__ import annotations

import re
from typing import Any

from artproof.core.canonical import parse_json
from artproof.errors import InvalidInput
from artproof.interop.records import GenerationRecord

__all__ = ["is_novelai", "parse_novelai"]


def is_novelai(text: dict[str, str]) -> bool:
    return text.get("Software", "").startswith("NovelAI") or (
        "Comment" in text and '"uc"' in text.get("Comment", "") and "Description" in text
    )


def parse_novelai(text: dict[str, str]) -> GenerationRecord:
    comment: Any = parse_json(text.get("Comment") or "{}", what="NovelAI Comment")
    if not isinstance(comment, dict):
        raise InvalidInput("NovelAI Comment is not a JSON object")
    source = text.get("Source", "")
    match = re.match(r"^(.*?)\s+([0-9A-Fa-f]{8})$", source)
    model, model_hash = (match.group(1), match.group(2)) if match else (source or None, None)
    known = {"steps", "sampler", "seed", "scale", "uc", "width", "height", "prompt", "strength"}
    return GenerationRecord(
        source_tool="NovelAI",
        prompt=text.get("Description") or comment.get("prompt"),
        negative_prompt=comment.get("uc"),
        seed=comment.get("seed"),
        steps=comment.get("steps"),
        sampler=comment.get("sampler"),
        cfg_scale=comment.get("scale"),
        width=comment.get("width"),
        height=comment.get("height"),
        model=model,
        model_hash=model_hash,
        denoise=comment.get("strength"),
        extra={k: v for k, v in comment.items() if k not in known},
    )
