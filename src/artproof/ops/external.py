"""edit.external: the picture, edited by hand in another tool, comes back as a step of its own.

A retouch in Photoshop, a sky painted in Krita: artproof cannot re-run it, so the step records
the file as it came back, the tool and the artist's note, and which pixels changed: a mask (white
where the edited picture differs from the one it was made from by more than ``threshold`` levels
in any channel, so the noise of a re-encode does not count) and the changed share. Those pixels'
origin becomes ``human``; the rest keep theirs. A work that was 100% trained-model pixels and is
31% repainted by hand is then AI-assisted (``compositeWithTrainedAlgorithmicMedia``), and a camera
picture retouched by hand ``humanEdits``. Replay checks the stored file, not a re-run.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PIL import Image, ImageFilter
from pydantic import BaseModel, ConfigDict, Field

from artproof.errors import InvalidInput
from artproof.ops.registry import OpContext, Operation, OpOutput, Origin, blend_origin, operation

__all__ = ["THRESHOLD", "ExternalEdit", "ExternalEditParams", "changed_mask"]

THRESHOLD = 12  # levels, after the blur: a JPEG re-save (q80-q95) of a busy painting stays below it


class ExternalEditParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    tool: str = Field(min_length=1, max_length=200, description="the program the edit was made in")
    note: str = Field(default="", max_length=2000, description="what the artist did, in their words")
    file: str = Field(max_length=1000, description="the edited file's name")
    file_sha256: str = Field(pattern=r"^sha256:[0-9a-f]{64}$", description="the edited file as given (stored)")
    threshold: int = Field(default=THRESHOLD, ge=1, le=128, description="levels a pixel must move to count")
    changed_share: float = Field(ge=0.0, le=1.0, description="share of the picture's pixels that changed")
    mask: str = Field(pattern=r"^sha256:[0-9a-f]{64}$", description="the stored mask of changed pixels (PNG)")


def changed_mask(before: Image.Image, after: Image.Image, threshold: int = THRESHOLD) -> Image.Image:
    """White where ``after`` differs from ``before`` by more than ``threshold`` levels in any channel.

    Both are compared through a Gaussian blur (sigma 1.5) and the mask cleaned with a 5x5 median: a
    JPEG re-save of a busy painting moves most single pixels by more than 12 levels (72% of them at
    q95, measured), but not their neighbourhoods; a painted stroke moves both. The pictures must
    have the same size (an edit that also resized is two steps: resize, then edit).
    """
    if before.size != after.size:
        raise InvalidInput(
            f"the edited picture is {after.width}x{after.height}, the work's is {before.width}x{before.height}",
            hint="edit at the work's size (resize it first with 'artproof edit WORK resize')",
        )
    soften = ImageFilter.GaussianBlur(1.5)
    a = np.asarray(before.convert("RGB").filter(soften), dtype=np.int16)
    b = np.asarray(after.convert("RGB").filter(soften), dtype=np.int16)
    moved = (np.abs(a - b).max(axis=2) > threshold).astype(np.uint8) * 255
    return Image.fromarray(moved, mode="L").filter(ImageFilter.MedianFilter(5))


@operation("edit.external", version="1.0.0", agency="human")
class ExternalEdit(Operation):
    """A hand edit made in another program, with the mask of the pixels it changed."""

    Params = ExternalEditParams
    reexecutable = False
    summary = "a hand edit made in another tool: the file, the tool, a note, and the mask of changed pixels"

    def run(self, params: ExternalEditParams, inputs: Sequence[Image.Image], ctx: OpContext) -> OpOutput:
        raise InvalidInput("a hand edit cannot be re-executed", hint="its stored file is its record")

    def check_recorded(self, params: ExternalEditParams, input_pixels: Sequence[str], output_pixels: str) -> str | None:
        if params.changed_share > 0 and input_pixels[0] == output_pixels:
            return "the record says pixels changed, but the output is its input"
        return None

    def origin(self, params: ExternalEditParams, input_origins: Sequence[Origin]) -> Origin:
        return blend_origin(input_origins[0], "human", params.changed_share)
