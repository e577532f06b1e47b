"""work.describe: the work's title, series, year, statement, medium and dimensions, as a signed step.

Collectors of contemporary work look for a named series, a conceptual frame and the artist's own words;
a certificate and a provenance pack print them. They are part of the record, not a side table: a
change is a new revision of the signed manifest with a step that carries the whole description after
the change (so the latest ``work.describe`` step is the work's description, and every earlier one
stays readable in the history). The picture is handed on unchanged and its pixels keep their origin;
describing a work is not a decision about its pixels, so it is not counted among the human decisions
of the classification.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PIL import Image
from pydantic import BaseModel, ConfigDict, Field

from artproof.errors import InvalidInput
from artproof.ops.registry import OpContext, Operation, OpOutput, operation

if TYPE_CHECKING:
    from artproof.provenance.model import WorkManifest

__all__ = ["DESCRIBE", "WorkDetails", "details_of"]

DESCRIBE = "work.describe"


class WorkDetails(BaseModel):
    """What a person says about the work (every field but the title may be empty)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str = Field(min_length=1, max_length=200)
    series: str = Field(default="", max_length=200)
    year: int | None = Field(default=None, ge=1000, le=9999)
    statement: str = Field(default="", max_length=20_000, description="the artist's statement")
    medium: str = Field(default="", max_length=300, description="e.g. pigment print on cotton rag")
    dimensions: str = Field(default="", max_length=200, description="e.g. 60 x 45 cm")


def details_of(manifest: WorkManifest) -> WorkDetails:
    """The work's description: its latest ``work.describe`` step, else its title alone."""
    for step in reversed(manifest.steps):
        if step.op == DESCRIBE:
            return WorkDetails.model_validate(step.params)
    return WorkDetails(title=manifest.title)


@operation(DESCRIBE, version="1.0.0", agency="human")
class Describe(Operation):
    """The work described by its artist: title, series, year, statement, medium, dimensions."""

    Params = WorkDetails
    keeps_origin = True
    reexecutable = False
    summary = "the work described: title, series, year, statement, medium, dimensions (the picture unchanged)"

    def run(self, params: WorkDetails, inputs: Sequence[Image.Image], ctx: OpContext) -> OpOutput:
        raise InvalidInput("a description cannot be re-executed", hint="it is what the artist wrote")

    def passthrough(self, params: WorkDetails, count: int) -> int | None:
        return 0

    def check_recorded(self, params: WorkDetails, input_pixels: Sequence[str], output_pixels: str) -> str | None:
        if input_pixels[0] != output_pixels:
            return "a description must hand on the picture unchanged"
        return None
