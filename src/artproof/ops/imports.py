"""import.file: a work made elsewhere enters artproof with the provenance its file carries.

The parameters are what the file says: the tool, the normalized generation
records (one per sampler pass), the IPTC digital source type from XMP, the raw
metadata verbatim, and any reading warnings. The pixels' origin follows from
them (a trained-model generation -> ``trained``, a camera -> ``capture``, no
metadata -> ``unknown``). An import cannot be re-executed: replay checks the
stored original file against its hash.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PIL import Image
from pydantic import BaseModel, ConfigDict, Field

from artproof.errors import InvalidInput
from artproof.interop.records import GenerationRecord, pixel_origin
from artproof.ops.registry import OpContext, Operation, OpOutput, Origin, operation

__all__ = ["ImportFile", "ImportParams"]


class ImportParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    file: str = Field(max_length=1000, description="the imported file's name")
    format: str
    source_tool: str
    generations: list[GenerationRecord] = Field(default_factory=list)
    digital_source_type: str | None = None
    c2pa: dict[str, Any] | None = Field(default=None, description="the file's own Content Credentials, if any")
    raw: dict[str, Any] = Field(default_factory=dict, description="the metadata as found, verbatim")
    warnings: list[str] = Field(default_factory=list)


@operation("import.file", version="1.0.0", agency="import")
class ImportFile(Operation):
    """A file made elsewhere, with the provenance it carries."""

    Params = ImportParams
    inputs = (0, 0)
    reexecutable = False
    summary = "import a file made elsewhere (A1111, ComfyUI, InvokeAI, NovelAI, Fooocus, camera, C2PA)"

    def run(self, params: ImportParams, inputs: Sequence[Image.Image], ctx: OpContext) -> OpOutput:
        raise InvalidInput("an import cannot be re-executed", hint="its stored original file is its record")

    def origin(self, params: ImportParams, input_origins: Sequence[Origin]) -> Origin:
        return pixel_origin(params.generations, params.digital_source_type)
