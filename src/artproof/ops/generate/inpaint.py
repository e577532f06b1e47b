"""restore.inpaint: masked damage repainted by a local diffusion model (``restore --fill diffusion``).

The classical fills continue what is around a hole; a diffusion model paints what could have been
there, which is what a missing section of a picture needs. The model is the same local checkpoint
``create --engine diffusion`` takes (extra ``artproof[diffusion]``), with the same record (hash,
pipeline, scheduler, seed, device, library versions). The picture is worked at most 768 px on its long
side (sizes a multiple of 8, what Stable Diffusion 1.x is trained near), the result brought back to
the picture's size, and only the masked pixels take the model's, blended into the picture across a
2-px band around them (so the seam is not seen): every pixel further out stays the picture's own,
bit for bit. The filled share
becomes ``trained`` in the picture's origin, so a restored work is AI-assisted, not AI-generated.

An inpainting checkpoint (UNet with 9 input channels) is used as one; an ordinary one runs diffusers'
inpainting by re-noising the kept area at every step, which works less well but works.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PIL import Image, ImageFilter
from pydantic import Field

from artproof.ops.generate.diffusion import DiffusionStep, ModelSettings, recorded_pipeline, resolve_model, sampling
from artproof.ops.registry import OpContext, OpOutput, Origin, blend_origin, operation
from artproof.ops.restore import recorded_mask

__all__ = ["DiffusionInpaint", "InpaintParams", "working_size"]

WORKING = 768  # px, the long side the model paints at


class InpaintParams(ModelSettings):
    prompt: str = Field(default="", max_length=2000, description="what the missing part shows (may be empty)")
    strength: float = Field(default=1.0, gt=0.0, le=1.0, description="1 repaints the masked area from noise")
    filled_share: float = Field(ge=0.0, le=1.0, description="share of the picture's pixels filled")


def working_size(width: int, height: int) -> tuple[int, int]:
    """The size the model paints at: the long side at most ``WORKING``, both a multiple of 8."""
    scale = min(1.0, WORKING / max(width, height))
    return max(64, round(width * scale / 8) * 8), max(64, round(height * scale / 8) * 8)


@operation("restore.inpaint", version="1.0.0", agency="trained")
class DiffusionInpaint(DiffusionStep):
    """Fill the masked pixels (the mask is the second input) with a local diffusion model."""

    Params = InpaintParams
    inputs = (2, 2)
    summary = "fill masked damage with a local Stable Diffusion model (inpainting), seeded; the rest kept exactly"

    def run(self, params: InpaintParams, inputs: Sequence[Image.Image], ctx: OpContext) -> OpOutput:
        picture = inputs[0].convert("RGB")
        damaged = recorded_mask(picture, inputs[1], params.filled_share)
        resolved = resolve_model(params)
        pipe = recorded_pipeline(resolved)
        import torch
        from diffusers import AutoPipelineForInpainting

        size = working_size(picture.width, picture.height)
        grown = Image.fromarray(damaged.astype(np.uint8) * 255, mode="L").filter(ImageFilter.MaxFilter(5))
        with torch.inference_mode():
            painter = AutoPipelineForInpainting.from_pipe(pipe)
            painted = painter(
                image=picture.resize(size, Image.Resampling.LANCZOS),
                mask_image=grown.resize(size, Image.Resampling.BILINEAR),
                width=size[0],
                height=size[1],
                strength=resolved.strength,
                **sampling(resolved, resolved.prompt, ctx),
            ).images[0]
        painted = painted.convert("RGB").resize(picture.size, Image.Resampling.LANCZOS)
        band = np.asarray(grown) > 127
        weight = np.asarray(grown.filter(ImageFilter.GaussianBlur(1.0)), dtype=np.float32) / 255.0
        weight[~band] = 0.0  # feathered inside the 2-px band only: beyond it every pixel is the picture's
        weight[damaged] = 1.0  # every damaged pixel is the model's
        weight = weight[..., None]
        mixed = np.asarray(painted, np.float32) * weight + np.asarray(picture, np.float32) * (1.0 - weight)
        return OpOutput(Image.fromarray((mixed + 0.5).astype(np.uint8), mode="RGB"))

    def origin(self, params: InpaintParams, input_origins: Sequence[Origin]) -> Origin:
        return blend_origin(input_origins[0], "trained", params.filled_share)
