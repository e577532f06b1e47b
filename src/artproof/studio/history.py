"""The work's current image over its steps, and which earlier image an undo goes back to.

The process graph is append-only: going back to an earlier image is a step of its own
(``human.revert``, :mod:`artproof.ops.human`). What "back" means is read from the steps: the
image as it stood before the step that made the current one. Undoing twice walks further back
(the revert only brings an image back, it did not make it), as an editor's history does; a
named step (``--to``) brings back the image that step made, whichever it was.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from artproof.errors import ArtproofError, InvalidInput, NotFound
from artproof.ops import latest_operation
from artproof.provenance.model import Step, WorkManifest

__all__ = ["Target", "current_images", "undo_target"]

REVERT = "human.revert"


@dataclass(frozen=True, slots=True)
class Target:
    """The image an undo brings back: the step (1-based) that made it, its operation and its asset."""

    step: int
    op: str
    asset: str


def current_images(steps: Sequence[Step]) -> list[str]:
    """The work's current image after each step (a variation leaves it as it was until a choice)."""
    current: list[str] = []
    for step in steps:
        current.append(step.output if _sets_current(step.op) or not current else current[-1])
    return current


def _sets_current(op: str) -> bool:
    try:
        return latest_operation(op).sets_master
    except ArtproofError:  # an operation this installation does not know: its output was the current image
        return True


def _made(steps: Sequence[Step], current: list[str], asset: str) -> int:
    """The first step (0-based) after which ``asset`` was the current image and before which it was not."""
    for index, now in enumerate(current):
        if now == asset and (index == 0 or current[index - 1] != asset) and steps[index].op != REVERT:
            return index
    raise NotFound("no step of this work made that image", value=asset)


def undo_target(manifest: WorkManifest, to_step: int | None = None) -> Target:
    """The earlier image an undo brings back: the one before the step that made the current image, or the one
    step ``to_step`` made. Refused when there is none, or when it is the current image already."""
    steps = manifest.steps
    current = current_images(steps)
    if to_step is not None:
        if not 1 <= to_step <= len(steps):
            raise InvalidInput("no such step", value=to_step, hint=f"a step from 1 to {len(steps)}: artproof work show")
        step = steps[to_step - 1]
        if step.op == REVERT or current[to_step - 1] != step.output:
            raise InvalidInput(
                f"step {to_step} ({step.op}) made no image that was the work's current one",
                hint="name a step that made or chose the picture: artproof work show",
            )
        if step.output == manifest.master:
            raise InvalidInput(f"the image of step {to_step} is the current one already")
        return Target(to_step, step.op, step.output)
    made = _made(steps, current, manifest.master)
    if made == 0:
        raise NotFound("nothing to undo: this is the work's first image", value=manifest.work_id)
    earlier = current[made - 1]
    first = _made(steps, current, earlier)
    return Target(first + 1, steps[first].op, earlier)
