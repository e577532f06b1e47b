"""The normalized generation record every reader returns, whatever the tool."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

__all__ = ["JSON_SAFE_INT", "GenerationRecord", "Lora", "ReadResult", "pixel_origin"]

JSON_SAFE_INT = 2**53 - 1


class Lora(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    weight: float | None = None


class GenerationRecord(BaseModel):
    """One generation (one sampler pass) found in a file, in the same shape for every tool."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    source_tool: str
    prompt: str | None = None
    negative_prompt: str | None = None
    seed: int | str | None = Field(default=None, description="a string when beyond 2^53 (canonical JSON)")
    steps: int | None = None
    sampler: str | None = None
    scheduler: str | None = None
    cfg_scale: float | None = None
    width: int | None = None
    height: int | None = None
    model: str | None = None
    model_hash: str | None = None
    vae: str | None = None
    loras: list[Lora] = Field(default_factory=list)
    denoise: float | None = None
    camera_make: str | None = None
    camera_model: str | None = None
    captured_at: str | None = None
    gps: dict[str, float] | None = None
    extra: dict[str, Any] = Field(default_factory=dict, description="other tool-specific fields")

    @field_validator("seed", mode="before")
    @classmethod
    def _json_safe_seed(cls, value: Any) -> Any:
        if isinstance(value, bool):
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, int) and not -JSON_SAFE_INT <= value <= JSON_SAFE_INT:
            return str(value)
        return value

    @property
    def is_trained_generation(self) -> bool:
        """A record that says a trained model made the pixels (not a camera)."""
        return self.camera_make is None and self.camera_model is None


class ReadResult(BaseModel):
    """What one reader found: the tool, its records, warnings, and the raw metadata verbatim."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    source_tool: str
    generations: list[GenerationRecord] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    raw: dict[str, Any] = Field(default_factory=dict)


_AI_SOURCE_TYPES = {"trainedAlgorithmicMedia", "compositeWithTrainedAlgorithmicMedia"}


def pixel_origin(generations: list[GenerationRecord], digital_source_type: str | None) -> dict[str, float]:
    """Where an imported file's pixels came from, as far as the file says (never more)."""
    if any(g.is_trained_generation for g in generations) or digital_source_type in _AI_SOURCE_TYPES:
        return {"trained": 1.0}
    if any(g.source_tool == "camera" for g in generations) or digital_source_type == "digitalCapture":
        return {"capture": 1.0}
    return {"unknown": 1.0}
