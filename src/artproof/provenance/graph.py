"""The process graph: a DAG of steps linked by the assets they consume and produce."""

from __future__ import annotations

from collections.abc import Sequence

from artproof.errors import IntegrityError
from artproof.provenance.model import Step

__all__ = ["ProcessGraph"]


class ProcessGraph:
    """Steps in recorded order, checked to form a DAG whose every input was produced earlier.

    The same image can be produced twice (a person selects candidate c3: the
    selection's output is c3's bytes). An input is linked to the latest step
    that produced it before the step that uses it, so the selection, not the
    variation, is the parent of whatever follows.

    Valid once constructed: the rest of the code never re-checks these invariants.
    """

    def __init__(self, steps: Sequence[Step]) -> None:
        self.steps: list[Step] = list(steps)
        self.parents: dict[str, list[Step]] = {}
        self.producer: dict[str, Step] = {}
        for index, step in enumerate(self.steps):
            if not step.id_is_valid():
                raise IntegrityError(f"step {index + 1} ({step.op}) does not match its id", value=step.step_id)
            if step.step_id in self.parents:
                raise IntegrityError("the same step is recorded twice", value=step.step_id)
            parents = []
            for asset in step.inputs:
                if asset not in self.producer:
                    raise IntegrityError(
                        f"step {index + 1} ({step.op}) uses an image no earlier step produced", value=asset
                    )
                parents.append(self.producer[asset])
            self.parents[step.step_id] = parents
            for asset in (step.output, *step.extra_outputs):
                self.producer[asset] = step

    def ancestors(self, asset: str) -> list[Step]:
        """Every step that contributed to ``asset`` (as last produced), in recorded order."""
        wanted: set[str] = set()
        last = self.producer.get(asset)
        stack = [] if last is None else [last]
        while stack:
            step = stack.pop()
            if step.step_id in wanted:
                continue
            wanted.add(step.step_id)
            stack.extend(self.parents[step.step_id])
        return [s for s in self.steps if s.step_id in wanted]

    def origin_of(self, asset: str) -> dict[str, float]:
        step = self.producer.get(asset)
        if step is None:
            raise IntegrityError("no step produced this image", value=asset)
        return step.origin_of(asset)
