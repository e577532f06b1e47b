"""input.reference: a picture the artist gives as a reference (a painting whose style to borrow).

It enters the work's graph as an image of its own, not the current image, so the step that uses it
(a ``vary.grid`` candidate painted in its style) names it as an input and can be replayed, and the
record says whose picture lent its style: the file's name and SHA-256 are kept.
"""

from __future__ import annotations

from collections.abc import Sequence

from PIL import Image
from pydantic import BaseModel, ConfigDict, Field

from artproof.errors import InvalidInput
from artproof.ops.registry import OpContext, Operation, OpOutput, Origin, operation

__all__ = ["Reference", "ReferenceParams"]


class ReferenceParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    file: str = Field(max_length=1000, description="the reference file's name")
    file_sha256: str = Field(pattern=r"^sha256:[0-9a-f]{64}$", description="the file as given")
    use: str = Field(default="style", description="what it is for: style")


@operation("input.reference", version="1.0.0", agency="import")
class Reference(Operation):
    """A reference picture (whose style a candidate borrows), recorded as an image of the work."""

    Params = ReferenceParams
    inputs = (0, 0)
    reexecutable = False
    sets_master = False
    summary = "a reference picture the artist gives (a style to borrow), recorded with its file's SHA-256"

    def run(self, params: ReferenceParams, inputs: Sequence[Image.Image], ctx: OpContext) -> OpOutput:
        raise InvalidInput("a reference cannot be re-executed", hint="its stored picture is its record")

    def origin(self, params: ReferenceParams, input_origins: Sequence[Origin]) -> Origin:
        return {"unknown": 1.0}
