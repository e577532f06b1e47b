"""Classification of a work, derived from its process graph.

Two questions, answered from the record alone:

1. Where did the final pixels come from? Each step records the origin of its
   output's pixels (a trained model, an algorithm, a person's hand, a camera,
   physical work, or unknown); the master's origin gives the IPTC digital
   source type that C2PA uses.
2. What did people decide? Every step of ``human`` agency among the master's
   ancestors (a choice among candidates, a crop, a brush stroke) is a decision.
   Decisions are reported, but they create no pixels: choosing and cropping an
   AI image leaves it AI-generated, as IPTC and C2PA intend.
"""

from __future__ import annotations

from collections import Counter

from artproof.provenance.graph import ProcessGraph
from artproof.provenance.model import SOURCE_TYPE_BASE, Classification

__all__ = ["classify"]

_WHOLE = 0.999  # a share at or above this counts as "all of the pixels"

_ORIGIN_WORDS = {
    "trained": "a trained AI model",
    "algorithmic": "an algorithm with no trained model",
    "human": "a person's hand",
    "physical": "physical work",
    "capture": "a camera or scanner",
    "unknown": "an unknown source",
}

_DECISION_WORDS = {
    "human.select": "a choice among candidates",
    "human.revert": "a return to an earlier image",
    "edit.crop": "a crop",
    "edit.resize": "a resize",
    "edit.external": "a hand edit in another program",
}


_NOT_DECISIONS = {"work.describe"}  # words about the work (title, statement), not a decision about its pixels


def _source_type(shares: dict[str, float], human_steps: int) -> tuple[str | None, str]:
    trained = shares.get("trained", 0.0)
    algorithmic = shares.get("algorithmic", 0.0)
    capture = shares.get("capture", 0.0)
    handmade = shares.get("human", 0.0) + shares.get("physical", 0.0)
    if trained > 0:
        if trained >= _WHOLE:
            return "trainedAlgorithmicMedia", "AI-generated"
        return "compositeWithTrainedAlgorithmicMedia", "AI-assisted"
    if algorithmic > 0:
        if algorithmic >= _WHOLE:
            return "algorithmicMedia", "algorithmic"
        return "compositeSynthetic", "algorithmic composite"
    if capture > 0:
        if capture >= _WHOLE:
            return ("humanEdits" if human_steps else "digitalCapture"), "capture"
        return "compositeCapture", "capture composite"
    if handmade > 0:
        return "digitalCreation", "human"
    return None, "unknown"


def _percent(share: float) -> str:
    return f"{round(share * 100)}%"


def classify(graph: ProcessGraph, master: str) -> Classification:
    """The classification of the image ``master`` within ``graph``."""
    ancestors = graph.ancestors(master)
    raw = graph.origin_of(master)
    total = sum(raw.values()) or 1.0
    shares = {k: round(v / total, 6) for k, v in sorted(raw.items()) if v > 0}
    human_steps = [s for s in ancestors if s.agency == "human" and s.op not in _NOT_DECISIONS]
    physical = any(s.agency == "physical" for s in ancestors)
    source_type, category = _source_type(shares, len(human_steps))
    handmade = round(shares.get("human", 0.0) + shares.get("physical", 0.0), 6)

    origin_text = ", ".join(
        f"{_percent(v)} from {_ORIGIN_WORDS.get(k, k)}" for k, v in sorted(shares.items(), key=lambda kv: -kv[1])
    )
    parts = [f"{category[0].upper()}{category[1:]}: of the final pixels, {origin_text}."]
    if human_steps:
        kinds = Counter(_DECISION_WORDS.get(s.op, s.op) for s in human_steps)
        listed = ", ".join(f"{n} x {k}" if n > 1 else k for k, n in kinds.items())
        parts.append(f"A person made {len(human_steps)} recorded decision(s): {listed}.")
        if handmade == 0:
            parts.append("Those decisions chose and framed the image but painted none of its pixels.")
    else:
        parts.append("No human decision is recorded beyond the prompt and settings.")
    if physical:
        parts.append("It includes physical work: a physical hybrid.")
    if source_type is None:
        parts.append("Its provenance is unknown, so no digital source type can be given.")

    return Classification(
        digital_source_type=source_type,
        digital_source_type_uri=None if source_type is None else SOURCE_TYPE_BASE + source_type,
        category=category,
        physical_hybrid=physical,
        human_decisions=len(human_steps),
        human_pixel_share=handmade,
        pixel_origin=shares,
        explanation=" ".join(parts),
    )
