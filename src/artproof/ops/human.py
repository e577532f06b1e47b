"""A person's decisions about which image the work is: human.select and human.revert.

human.select: a person chooses one of the candidates they were shown. The
choice is the evidence of authorship, so it is a step of its own: its inputs
are every candidate that was on offer, its parameter the one chosen, its
output that candidate. A choice cannot be re-executed (replay cannot ask the
person again), so replay checks that the output is the chosen input.

human.revert: a person goes back to an earlier image of the work (``artproof
undo``): a background removal that kept only an eye, an upscale they did not
like. The process graph is append-only, so going back is a step too: its input
and output are the earlier image, its parameter the step that made it. The
steps undone stay in the record, but they are no longer the current image's
ancestors, so the classification no longer counts them.
"""

from __future__ import annotations

from collections.abc import Sequence

from PIL import Image
from pydantic import BaseModel, ConfigDict, Field

from artproof.errors import InvalidInput
from artproof.ops.registry import OpContext, Operation, OpOutput, Origin, operation

__all__ = ["Revert", "RevertParams", "Select", "SelectParams", "candidate_index"]


def candidate_index(choice: str, count: int) -> int:
    """``"c3"`` -> 2, checked against the number of candidates on offer."""
    number = int(choice[1:])
    if not 1 <= number <= count:
        raise InvalidInput("no such candidate", value=choice, hint=f"choose one of c1..c{count}")
    return number - 1


class SelectParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    choice: str = Field(pattern=r"^c[1-9][0-9]*$", description="the candidate chosen, c1..cN")


@operation("human.select", version="1.0.0", agency="human")
class Select(Operation):
    """Choose one candidate among several."""

    Params = SelectParams
    inputs = (1, 64)
    reexecutable = False
    summary = "a person's choice among candidates"

    def run(self, params: SelectParams, inputs: Sequence[Image.Image], ctx: OpContext) -> OpOutput:
        return OpOutput(inputs[candidate_index(params.choice, len(inputs))].copy())

    def passthrough(self, params: SelectParams, count: int) -> int | None:
        return candidate_index(params.choice, count)

    def check_recorded(self, params: SelectParams, input_pixels: Sequence[str], output_pixels: str) -> str | None:
        """The output must be the candidate the person chose."""
        if input_pixels[candidate_index(params.choice, len(input_pixels))] != output_pixels:
            return f"the recorded choice {params.choice} is not the output"
        return None

    def origin(self, params: SelectParams, input_origins: Sequence[Origin]) -> Origin:
        return dict(input_origins[candidate_index(params.choice, len(input_origins))])


class RevertParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    to_step: int = Field(ge=1, description="the step (1-based) whose image becomes the current one again")


@operation("human.revert", version="1.0.0", agency="human")
class Revert(Operation):
    """Go back to an earlier image of the work (undo)."""

    Params = RevertParams
    keeps_origin = True  # the earlier image's pixels, with their origin
    summary = "a person's return to an earlier image of the work (undo)"

    def run(self, params: RevertParams, inputs: Sequence[Image.Image], ctx: OpContext) -> OpOutput:
        return OpOutput(inputs[0].copy())

    def passthrough(self, params: RevertParams, count: int) -> int | None:
        return 0
