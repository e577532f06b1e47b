"""What a file says of itself outside Content Credentials, in one line, for a verdict that has nothing better.

An A1111, ComfyUI, InvokeAI or NovelAI render carries its tool's settings (model, seed, prompt), a photograph
its camera's EXIF: unsigned, so they are no evidence (anyone can write them, or strip them), but they are what
a collector wants to read next to "unverified": who says they made it, with what. Said as the file's words.
"""

from __future__ import annotations

from dataclasses import dataclass

from artproof.errors import ArtproofError
from artproof.interop.metadata import FileMetadata
from artproof.interop.readers import read_settings

__all__ = ["Said", "file_says"]

PROMPT_SHOWN = 80  # characters of the prompt in the headline (the whole prompt is in the JSON)


@dataclass(frozen=True, slots=True)
class Said:
    """The file's own unsigned settings: its tool, and the first generation's model, seed and prompt."""

    source_tool: str
    model: str | None = None
    seed: int | str | None = None
    prompt: str | None = None
    camera: str | None = None

    def sentence(self) -> str:
        if self.camera is not None:
            return f"Its own EXIF says a {self.camera} took it: unsigned, anyone can write or strip it."
        facts = [f"model {self.model}" if self.model else "", f"seed {self.seed}" if self.seed is not None else ""]
        if self.prompt:
            short = self.prompt if len(self.prompt) <= PROMPT_SHOWN else self.prompt[: PROMPT_SHOWN - 3] + "..."
            facts.append(f'prompt "{short}"')
        detail = ", ".join(f for f in facts if f)
        return (
            f"Its own settings say {self.source_tool} made it{' (' + detail + ')' if detail else ''}: unsigned, "
            "anyone can write or strip them."
        )

    def to_json(self) -> dict[str, object]:
        return {k: v for k, v in {"source_tool": self.source_tool, "model": self.model, "seed": self.seed,
                                  "prompt": self.prompt, "camera": self.camera}.items() if v is not None}  # fmt: skip


def file_says(data: bytes, name: str, meta: FileMetadata | None = None) -> Said | None:
    """The file's own settings, None when it carries none (or they cannot be read: they are not evidence).
    ``meta``: the file's metadata when the caller read it already (decoding a 12 MP picture again is 0.12 s)."""
    try:
        reading = read_settings(data, name, meta)
    except ArtproofError:
        return None
    if not reading.generations:
        return None
    first = reading.generations[0]
    if first.camera_make or first.camera_model:
        camera = " ".join(p for p in (first.camera_make, first.camera_model) if p)
        if first.camera_make and first.camera_model and first.camera_model.startswith(first.camera_make):
            camera = first.camera_model
        return Said(source_tool=first.source_tool, camera=camera)
    return Said(source_tool=first.source_tool, model=first.model, seed=first.seed, prompt=first.prompt)
