"""physical.print, physical.finish, physical.sign: work done by hand on a physical object.

A hybrid work leaves the screen: printed on paper, varnished, signed in ink. These steps record
what was done (material and method, free text as people write them), when (a real day, not in
the future), and the evidence photographs (stored, named by their SHA-256). The digital picture
is handed on unchanged, so its pixels keep their origin; the work becomes a physical hybrid, which
the classification, the Content Credentials (``org.artproof.print`` ...), the certificate and
``work show`` say.
"""

from __future__ import annotations

from collections.abc import Sequence

from PIL import Image
from pydantic import BaseModel, ConfigDict, Field

from artproof.errors import InvalidInput
from artproof.ops.registry import OpContext, Operation, OpOutput, operation

__all__ = ["KINDS", "Photo", "PhysicalParams"]

KINDS = ("print", "finish", "sign")


class Photo(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    sha256: str = Field(pattern=r"^sha256:[0-9a-f]{64}$", description="the stored photograph")
    media_type: str
    name: str = Field(max_length=1000)
    width: int
    height: int


class PhysicalParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    method: str = Field(default="", max_length=200, description="e.g. giclée, hand-varnished, signed in pencil")
    material: str = Field(default="", max_length=200, description="e.g. Hahnemühle Photo Rag 308")
    date: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$", description="the day it was done")
    note: str = Field(default="", max_length=2000)
    photos: list[Photo] = Field(default_factory=list, max_length=20, description="evidence photographs")


class _Physical(Operation):
    Params = PhysicalParams
    keeps_origin = True
    reexecutable = False

    def run(self, params: PhysicalParams, inputs: Sequence[Image.Image], ctx: OpContext) -> OpOutput:
        raise InvalidInput("physical work cannot be re-executed", hint="its photographs are its evidence")

    def passthrough(self, params: PhysicalParams, count: int) -> int | None:
        return 0  # the digital picture is handed on as it is

    def check_recorded(self, params: PhysicalParams, input_pixels: Sequence[str], output_pixels: str) -> str | None:
        if input_pixels[0] != output_pixels:
            return "a physical step must hand on the picture unchanged"
        return None


@operation("physical.print", version="1.0.0", agency="physical")
class Print(_Physical):
    """The picture printed: material, method, date, photographs of the print."""

    summary = "printed: material and method (e.g. giclée on Hahnemühle Photo Rag 308), date, photographs"


@operation("physical.finish", version="1.0.0", agency="physical")
class Finish(_Physical):
    """The print finished by hand: varnish, mounting, paint."""

    summary = "finished by hand (varnish, mounting, paint): method, date, photographs"


@operation("physical.sign", version="1.0.0", agency="physical")
class Sign(_Physical):
    """The print signed by the artist."""

    summary = "signed by the artist: method, date, photographs of the signature"
