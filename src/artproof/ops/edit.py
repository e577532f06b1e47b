"""Geometric edits a person decides: crop and resize.

The agency is ``human`` (the box and the size are a person's choice), yet the
execution is mechanical, so replay re-runs them. They create no pixels: the
output's origin is the input's.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from PIL import Image
from pydantic import BaseModel, ConfigDict, Field, model_validator

from artproof.errors import InvalidInput
from artproof.ops.registry import OpContext, Operation, OpOutput, operation

__all__ = ["Crop", "CropParams", "Resize", "ResizeParams"]


class CropParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    box: tuple[int, int, int, int] = Field(description="left, top, right, bottom in pixels")

    @model_validator(mode="after")
    def _ordered(self) -> CropParams:
        left, top, right, bottom = self.box
        if min(self.box) < 0:
            raise ValueError("box coordinates must be 0 or more")
        if right <= left or bottom <= top:
            raise ValueError("box must have right > left and bottom > top")
        return self


@operation("edit.crop", version="1.0.0", agency="human")
class Crop(Operation):
    """Keep the pixels inside a box."""

    Params = CropParams
    keeps_origin = True
    summary = "crop to a box chosen by a person"

    def run(self, params: CropParams, inputs: Sequence[Image.Image], ctx: OpContext) -> OpOutput:
        image = inputs[0]
        right, bottom = params.box[2], params.box[3]
        if right > image.width or bottom > image.height:
            raise InvalidInput(
                f"crop box reaches outside the {image.width}x{image.height} image",
                value=",".join(map(str, params.box)),
                hint=f"use right <= {image.width} and bottom <= {image.height}",
            )
        return OpOutput(image.crop(params.box))


class ResizeParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    width: int = Field(ge=1, le=8192, description="pixels")
    height: int = Field(ge=1, le=8192, description="pixels")
    resample: Literal["lanczos", "bicubic", "bilinear", "nearest"] = "lanczos"


_RESAMPLE = {
    "lanczos": Image.Resampling.LANCZOS,
    "bicubic": Image.Resampling.BICUBIC,
    "bilinear": Image.Resampling.BILINEAR,
    "nearest": Image.Resampling.NEAREST,
}


@operation("edit.resize", version="1.0.0", agency="human")
class Resize(Operation):
    """Scale to a size a person chose (classic resampling, no model)."""

    Params = ResizeParams
    keeps_origin = True
    summary = "resize with a classic filter"

    def run(self, params: ResizeParams, inputs: Sequence[Image.Image], ctx: OpContext) -> OpOutput:
        return OpOutput(inputs[0].resize((params.width, params.height), _RESAMPLE[params.resample]))
