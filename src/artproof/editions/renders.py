"""Unique renders: edition k re-runs the work's recipe with seed H(work id || k).

Like a generative series whose tokens each draw their own seed: anyone with the
recipe can re-render edition k and compare. The work's graph must start with a
deterministic generator; every later step on the way to the master is run
again on the new pictures with its recorded parameters (a person's choice of
"candidate 3" picks candidate 3 of the new set). A graph with an import, a
capture or physical work cannot be re-rendered and is refused.
"""

from __future__ import annotations

from PIL import Image

from artproof.core.prng import derive_seed
from artproof.errors import InvalidInput
from artproof.ops import OpContext, get_operation
from artproof.provenance.graph import ProcessGraph
from artproof.provenance.model import WorkManifest

__all__ = ["render_seed", "render_unique"]

_NOT_RERUNNABLE = {"import", "physical", "capture"}


def render_seed(work_id: str, number: int, artist_proof: bool) -> int:
    """The seed of edition ``number`` (artist's proofs draw from their own sequence)."""
    return derive_seed(f"artproof.edition/1/{work_id}/{'AP' if artist_proof else ''}{number}")


def check_renderable(manifest: WorkManifest) -> None:
    steps = ProcessGraph(manifest.steps).ancestors(manifest.master)
    if not steps or not steps[0].op.startswith("generate.") or "seed" not in steps[0].params:
        raise InvalidInput(
            "unique renders need a work made by a seeded generator",
            value=manifest.work_id,
            hint="issue identical editions instead (leave out --unique-renders)",
        )
    for step in steps:
        if step.agency in _NOT_RERUNNABLE or (
            step.agency == "human" and step.op not in ("human.select", "human.revert")
        ):
            raise InvalidInput(
                f"unique renders cannot re-run the step {step.op} ({step.agency})",
                hint="issue identical editions instead (leave out --unique-renders)",
            )


def render_unique(manifest: WorkManifest, seed: int) -> Image.Image:
    """The work's master as it comes out of its recipe with the generator's seed replaced."""
    check_renderable(manifest)
    steps = ProcessGraph(manifest.steps).ancestors(manifest.master)
    images: dict[str, Image.Image] = {}
    for position, step in enumerate(steps):
        operation = get_operation(step.op, step.version)
        params = dict(step.params)
        if position == 0:
            params["seed"] = seed
        output = operation.run(operation.parse_params(params), [images[a] for a in step.inputs], OpContext())
        images[step.output] = output.image
        for asset, extra in zip(step.extra_outputs, output.extra, strict=False):
            images[asset] = extra
    return images[manifest.master]
