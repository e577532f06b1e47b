"""Replay: run every recorded step again and compare what it makes with the record.

Each re-executable step is re-run from its recorded parameters on its recorded
input images (so one mismatch does not cascade), and its outputs' pixel
hashes are compared with the record: equal is a bit-for-bit ``match``. When
the step was recorded on another runtime (CPU architecture, NumPy or Pillow
version), floating point may round differently; then perceptual hashes within
the step's recorded tolerance give a ``perceptual_match``, and the report says
so. Steps that cannot be re-executed (a person's choice, an import, physical
work, a capture) are ``recorded``: their stored images are checked against
their hashes and, where the operation allows, against their inputs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from PIL import Image

from artproof.core.images import pixel_hash
from artproof.errors import ArtproofError
from artproof.fingerprint import hamming, perceptual_hash
from artproof.ops import OpContext, get_operation
from artproof.provenance.model import Runtime, WorkManifest, current_runtime

__all__ = ["ReplayStatus", "StepReplay", "replay_manifest"]

ReplayStatus = Literal["match", "perceptual_match", "mismatch", "recorded", "error"]


@dataclass(frozen=True, slots=True)
class StepReplay:
    index: int
    op: str
    version: str
    status: ReplayStatus
    detail: str

    @property
    def ok(self) -> bool:
        return self.status in ("match", "perceptual_match", "recorded")


def _compare(
    manifest: WorkManifest,
    produced: list[Image.Image],
    recorded: list[str],
    runtime: Runtime,
    tolerance: int,
    same_device: bool = True,
) -> tuple[ReplayStatus, str]:
    if len(produced) != len(recorded):
        return "mismatch", f"made {len(produced)} image(s), the record has {len(recorded)}"
    infos = [manifest.assets[a] for a in recorded]
    if all(pixel_hash(img) == info.pixels for img, info in zip(produced, infos, strict=True)):
        return "match", f"{len(produced)} image(s) identical, bit for bit"
    same_runtime = runtime.same_as(current_runtime()) and same_device
    distances = [hamming(perceptual_hash(img), info.phash) for img, info in zip(produced, infos, strict=True)]
    if not same_runtime and max(distances) <= tolerance:
        return "perceptual_match", (
            f"bits differ (recorded on {runtime.machine}/numpy {runtime.numpy}/Pillow {runtime.pillow}); "
            f"perceptual hashes within {max(distances)} of {tolerance} allowed bits"
        )
    first = next(i for i, (img, info) in enumerate(zip(produced, infos, strict=True)) if pixel_hash(img) != info.pixels)
    where = "on the same runtime" if same_runtime else f"beyond the {tolerance}-bit tolerance"
    return "mismatch", (
        f"output {first + 1} differs {where}: recorded pixels {infos[first].pixels[:19]}..., "
        f"replayed {pixel_hash(produced[first])[:19]}... (pHash distance {distances[first]})"
    )


def replay_manifest(
    manifest: WorkManifest,
    load_image: Callable[[str], Image.Image],
    on_step: Callable[[StepReplay], None] | None = None,
) -> list[StepReplay]:
    """Replay every step of ``manifest``; ``load_image`` fetches a recorded image by asset id."""
    results: list[StepReplay] = []
    for index, step in enumerate(manifest.steps, start=1):
        try:
            recorded = [step.output, *step.extra_outputs]
            if step.reexecutable:
                operation = get_operation(step.op, step.version)
                params = operation.parse_params(step.params)
                inputs = [load_image(a) for a in step.inputs]
                output = operation.run(params, inputs, OpContext())
                status, detail = _compare(
                    manifest, [output.image, *output.extra], recorded, step.runtime, step.replay_tolerance,
                    operation.same_device(params),
                )  # fmt: skip
                for asset in recorded:
                    load_image(asset)  # the stored copies must be intact too
            else:
                for asset in (*step.inputs, *recorded):
                    load_image(asset)  # checks the stored bytes against their hash
                status, detail = "recorded", f"recorded, not re-executable ({step.agency}); stored images intact"
                operation = get_operation(step.op, step.version)
                problem = operation.check_recorded(
                    operation.parse_params(step.params),
                    [manifest.assets[a].pixels for a in step.inputs],
                    manifest.assets[step.output].pixels,
                )
                if problem is not None:
                    status, detail = "mismatch", problem
        except ArtproofError as exc:
            status, detail = "error", exc.diagnostics()
        result = StepReplay(index=index, op=step.op, version=step.version, status=status, detail=detail)
        results.append(result)
        if on_step is not None:
            on_step(result)
    return results
