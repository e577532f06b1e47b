"""The process graph as W3C PROV-JSON (the ``prov`` package): images are entities, steps activities.

Each step ``used`` its input images and ``generated`` its outputs; human steps are associated with the
artist (a ``prov:Person``), the others with the artproof software agent; the current image is
attributed to the artist.
"""

from __future__ import annotations

import json
from typing import Any

from prov.model import ProvDocument

from artproof import __version__
from artproof.provenance.model import WorkManifest

__all__ = ["to_prov_json"]

NAMESPACE = "https://artproof.org/ns/prov#"


def _id(content_id: str) -> str:
    return content_id.removeprefix("sha256:")[:32]


def to_prov_json(manifest: WorkManifest) -> dict[str, Any]:
    doc = ProvDocument()
    doc.add_namespace("ap", NAMESPACE)
    artist = doc.agent(
        f"ap:agent-{manifest.artist['key_id']}",
        {"prov:type": "prov:Person", "ap:name": manifest.artist["name"], "ap:key_id": manifest.artist["key_id"]},
    )
    software = doc.agent("ap:software-artproof", {"prov:type": "prov:SoftwareAgent", "ap:version": __version__})
    entities = {}
    for asset_id, info in manifest.assets.items():
        entities[asset_id] = doc.entity(
            f"ap:image-{_id(asset_id)}",
            {
                "ap:sha256": asset_id,
                "ap:pixels": info.pixels,
                "ap:width": info.width,
                "ap:height": info.height,
                "ap:media_type": info.media_type,
            },
        )
    for step in manifest.steps:
        activity = doc.activity(
            f"ap:step-{_id(step.step_id)}",
            step.at,
            None,
            {
                "ap:op": step.op,
                "ap:version": step.version,
                "ap:agency": step.agency,
                "ap:params": json.dumps(step.params, sort_keys=True, ensure_ascii=False),
            },
        )
        for asset in step.inputs:
            doc.used(activity, entities[asset])
        for asset in (step.output, *step.extra_outputs):
            doc.wasGeneratedBy(entities[asset], activity)
        doc.wasAssociatedWith(activity, artist if step.agency in ("human", "physical") else software)
    doc.wasAttributedTo(entities[manifest.master], artist)
    text = doc.serialize(format="json")
    assert text is not None  # serialize returns the text when no destination is given
    result: dict[str, Any] = json.loads(text)
    return result
