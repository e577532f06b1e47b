"""generate.diffusion: Stable Diffusion (1.x, SDXL) from a local checkpoint, txt2img or img2img.

The optional extra ``artproof[diffusion]`` brings diffusers, transformers and torch (pinned to the
CPU build 2.13.0 by ``constraints.txt``; never torchvision). Nothing is downloaded: the model is a
folder in diffusers' layout (``model_index.json`` beside ``unet/``, ``vae/``, ``text_encoder/``,
``tokenizer/``, ``scheduler/``) or a single ``.safetensors``/``.ckpt`` file, given by its path, and is
loaded with ``local_files_only``.

The record is what a collector needs to know which network made the pixels and how: the model's
SHA-256 (of the file, or of every file of the folder with its relative path), its pipeline class,
the scheduler and its configuration, steps, guidance, seed, size, dtype, device, and the versions of
torch, diffusers and transformers. The generator is seeded on the CPU, so the same model, seed and
settings give the same pixels on this machine, bit for bit (tested with a tiny random-weight pipeline
built in the test); another device (a GPU) rounds differently and a replay there is compared
perceptually. With an input image (``create --init``, recorded as an import first) it is img2img with
``strength``. A replay whose model file differs from the recorded hash is refused, not compared.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TypeVar

from PIL import Image
from pydantic import BaseModel, ConfigDict, Field

from artproof.errors import IntegrityError, InvalidInput, ModelMissing
from artproof.ops.registry import OpContext, Operation, OpOutput, Origin, operation

__all__ = [
    "INSTALL",
    "DiffusionGenerate",
    "DiffusionParams",
    "DiffusionStep",
    "ModelSettings",
    "model_digest",
    "recorded_pipeline",
    "resolve_model",
    "same_device",
    "sampling",
]  # fmt: skip

INSTALL = "pip install -e '.[diffusion]' -c constraints.txt (torch 2.13.0, CPU; make test installs it)"
WEIGHT_SUFFIXES = (".safetensors", ".ckpt", ".bin", ".pt", ".pth")


class ModelSettings(BaseModel):
    """What every diffusion step records about the model and how it ran (filled in by :func:`resolve_model`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    model_path: str = Field(min_length=1, max_length=4096, description="a diffusers folder or a checkpoint file")
    negative_prompt: str = Field(default="", max_length=2000)
    seed: int = Field(ge=0, lt=2**53)
    steps: int = Field(default=25, ge=1, le=150)
    guidance: float = Field(default=7.5, ge=0.0, le=30.0)
    model_sha256: str | None = None
    model_name: str | None = None
    pipeline: str | None = None
    scheduler: str | None = None
    scheduler_config: dict[str, Any] | None = None
    dtype: str | None = None
    device: str | None = None
    libraries: dict[str, str] | None = None


class DiffusionParams(ModelSettings):
    prompt: str = Field(min_length=1, max_length=2000)
    width: int = Field(default=512, ge=64, le=2048, multiple_of=8)
    height: int = Field(default=512, ge=64, le=2048, multiple_of=8)
    strength: float = Field(default=0.6, gt=0.0, le=1.0, description="img2img: how far from the input image")


def model_digest(path: Path) -> str:
    """SHA-256 of a checkpoint file, or of a folder: every file's relative path and SHA-256, sorted."""
    if path.is_file():
        h = hashlib.sha256()
        with path.open("rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
        return f"sha256:{h.hexdigest()}"
    lines = []
    for file in sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")):
        lines.append(f"{file.relative_to(path).as_posix()} {model_digest(file)}")
    return "sha256:" + hashlib.sha256("\n".join(lines).encode()).hexdigest()


def _libraries() -> dict[str, str]:
    try:
        import diffusers
        import torch
        import transformers
    except ImportError as exc:
        raise ModelMissing("the diffusion engine is not installed", value=exc.name, hint=INSTALL) from None
    return {"torch": torch.__version__, "diffusers": diffusers.__version__, "transformers": transformers.__version__}


def _check_path(text: str) -> Path:
    path = Path(text).expanduser()
    if not path.exists():
        raise InvalidInput("no model at this path", value=text, hint="give a diffusers folder or a .safetensors file")
    if path.is_dir() and not (path / "model_index.json").is_file():
        raise InvalidInput(
            "this folder is not a diffusers model (no model_index.json)",
            value=text,
            hint="give the folder that holds model_index.json, unet/, vae/, text_encoder/ ...",
        )
    if path.is_file() and path.suffix.lower() not in WEIGHT_SUFFIXES:
        raise InvalidInput("not a checkpoint file", value=text, hint=f"one of {', '.join(WEIGHT_SUFFIXES)}")
    return path.resolve()


def _signature(path: Path) -> tuple[tuple[str, int, int], ...]:
    """What changes when a model's files change (names, sizes, modification times): a cache key."""
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    return tuple((str(f), f.stat().st_size, f.stat().st_mtime_ns) for f in files)


_DIGESTS: dict[tuple[tuple[str, int, int], ...], str] = {}
_PIPELINES: dict[tuple[tuple[tuple[str, int, int], ...], str], Any] = {}


def _digest(path: Path) -> str:
    """:func:`model_digest`, once per process for unchanged files (a checkpoint is gigabytes: a create
    resolves and then runs the step, and must not read it twice)."""
    key = _signature(path)
    if key not in _DIGESTS:
        _DIGESTS[key] = model_digest(path)
    return _DIGESTS[key]


def _pipeline(path: Path, device: str) -> Any:
    """The loaded pipeline, once per process for unchanged files and device."""
    key = (_signature(path), device)
    if key not in _PIPELINES:
        _PIPELINES.clear()  # one model in memory at a time
        _PIPELINES[key] = _load(path, device)
    return _PIPELINES[key]


def _load(path: Path, device: str) -> Any:
    import torch
    from diffusers import DiffusionPipeline, StableDiffusionPipeline

    try:
        if path.is_dir():
            pipe = DiffusionPipeline.from_pretrained(str(path), local_files_only=True, torch_dtype=torch.float32)  # type: ignore[no-untyped-call]
        else:
            pipe = StableDiffusionPipeline.from_single_file(str(path), local_files_only=True, torch_dtype=torch.float32)
    except (OSError, ValueError, KeyError) as exc:
        raise InvalidInput(
            "the model could not be loaded from its files",
            value=str(exc)[:160],
            hint="a single-file checkpoint may need its config offline: convert it to a diffusers folder",
        ) from None
    pipe.set_progress_bar_config(disable=True)
    if hasattr(pipe, "safety_checker"):
        pipe.safety_checker = None
    return pipe.to(device)


S = TypeVar("S", bound=ModelSettings)


def resolve_model(params: S) -> S:
    """``params`` with the model's hash, pipeline, scheduler, device and library versions filled in."""
    if params.model_sha256 is not None:
        return params
    libraries = _libraries()
    import torch

    path = _check_path(params.model_path)
    index = json.loads((path / "model_index.json").read_text()) if path.is_dir() else {}
    device = _device()
    pipe = _pipeline(path, device)
    return params.model_copy(
        update={
            "model_path": str(path),
            "model_sha256": _digest(path),
            "model_name": path.stem if path.is_file() else path.name,
            "pipeline": index.get("_class_name") or type(pipe).__name__,
            "scheduler": type(pipe.scheduler).__name__,
            "scheduler_config": json.loads(json.dumps(dict(pipe.scheduler.config), default=str)),
            "dtype": str(torch.float32).removeprefix("torch."),
            "device": device,
            "libraries": libraries,
        }
    )


def _device() -> str:
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


def recorded_pipeline(resolved: ModelSettings) -> Any:
    """The loaded pipeline for a resolved step, on the device at hand, refusing a model whose files
    are not the recorded ones (a replay is never compared against another network's pixels)."""
    _libraries()
    path = _check_path(resolved.model_path)
    if _digest(path) != resolved.model_sha256:
        raise IntegrityError(
            "the model at this path is not the one this step was made with",
            value=resolved.model_path,
            hint=f"the record names {str(resolved.model_sha256)[:23]}...: give that model's files",
        )
    return _pipeline(path, _device())  # here; the recorded device may differ (same_device)


def sampling(resolved: ModelSettings, prompt: str, ctx: OpContext) -> dict[str, Any]:
    """The arguments every pipeline call shares: prompt, steps, guidance, a CPU generator seeded with
    the recorded seed (the same on every device), and progress after each step."""
    import torch

    def step_end(_pipe: Any, index: int, _timestep: Any, kwargs: dict[str, Any]) -> dict[str, Any]:
        ctx.progress((index + 1) / resolved.steps)
        return kwargs

    return {
        "prompt": prompt,
        "negative_prompt": resolved.negative_prompt or None,
        "num_inference_steps": resolved.steps,
        "guidance_scale": resolved.guidance,
        "generator": torch.Generator("cpu").manual_seed(resolved.seed),
        "callback_on_step_end": step_end,
    }


def same_device(params: ModelSettings) -> bool:
    """Whether a replay runs where the step was recorded (else it is compared perceptually)."""
    try:
        import torch
    except ImportError:
        return True
    return (params.device or "cpu") == ("cuda" if torch.cuda.is_available() else "cpu")


class DiffusionStep(Operation):
    """What every diffusion operation shares: the model resolved into the record, and replay on
    another device compared perceptually."""

    def resolve(self, params: ModelSettings) -> ModelSettings:  # type: ignore[override]
        return resolve_model(params)

    def same_device(self, params: ModelSettings) -> bool:
        return same_device(params)


@operation("generate.diffusion", version="1.0.0", agency="trained")
class DiffusionGenerate(DiffusionStep):
    """Stable Diffusion from a local model: txt2img, or img2img from the work's image."""

    Params = DiffusionParams
    inputs = (0, 1)
    summary = "Stable Diffusion (1.x, SDXL) from a local model folder or file, txt2img or img2img, seeded"

    def run(self, params: DiffusionParams, inputs: Sequence[Image.Image], ctx: OpContext) -> OpOutput:
        resolved = resolve_model(params)
        pipe = recorded_pipeline(resolved)
        import torch
        from diffusers import AutoPipelineForImage2Image

        common = sampling(resolved, resolved.prompt, ctx)
        with torch.inference_mode():
            if inputs:
                init = inputs[0].convert("RGB").resize((resolved.width, resolved.height), Image.Resampling.LANCZOS)
                image2image = AutoPipelineForImage2Image.from_pipe(pipe)
                image = image2image(image=init, strength=resolved.strength, **common).images[0]
            else:
                image = pipe(width=resolved.width, height=resolved.height, **common).images[0]
        return OpOutput(image.convert("RGB"))

    def origin(self, params: DiffusionParams, input_origins: Sequence[Origin]) -> Origin:
        return {"trained": 1.0}  # img2img redraws every pixel from noise added to the input
