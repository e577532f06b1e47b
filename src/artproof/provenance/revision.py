"""A work's record as it stood at an earlier revision: what was registered, or issued, then.

Each revision adds one step, so revision ``r`` is the first ``r`` steps, that revision's picture as
the master, and the classification of those steps. Packs use it for an edition (the record at issue)
and the public pages for a work whose latest revision is not registered yet (the registered one is
what the public sees; later steps stay private to the artist until they are registered).
"""

from __future__ import annotations

from artproof.provenance.model import WorkManifest

__all__ = ["as_issued", "visible_assets"]


def as_issued(manifest: WorkManifest, revision: int, base: str, title: str) -> WorkManifest:
    """The record as it stood when an edition was issued from revision ``revision`` (each revision adds
    one step): the steps up to it, that revision's image as the master, its classification."""
    from artproof.provenance.classify import classify
    from artproof.provenance.graph import ProcessGraph

    steps = manifest.steps[:revision]
    produced = {s.output for s in steps}
    master = base if base in produced else next(s.output for s in reversed(steps))
    return manifest.model_copy(
        update={"steps": steps, "revision": revision, "master": master, "title": title,
                "classification": classify(ProcessGraph(steps), master)}
    )  # fmt: skip


def visible_assets(manifest: WorkManifest) -> set[str]:
    """Every picture the record's steps name: their inputs, outputs and extra outputs (candidates, masks)."""
    return {a for s in manifest.steps for a in (*s.inputs, s.output, *s.extra_outputs)}
