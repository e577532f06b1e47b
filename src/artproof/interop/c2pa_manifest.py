"""From an artproof work to a C2PA manifest definition, and an XMP packet for tools that do not read C2PA.

Actions come from the steps behind the current image, oldest first: the first
is ``c2pa.created`` (a generation) or ``c2pa.opened`` (an import); crops and
resizes are ``c2pa.cropped`` / ``c2pa.resized``; the rest are ``org.artproof.*``.
Each carries the software agent, the digital source type of the work's
classification and the step's parameters (as disclosure allows).
"""

from __future__ import annotations

import base64
from typing import Any, Literal
from xml.sax.saxutils import escape, quoteattr

from artproof import __version__
from artproof.core.signing import SignedDocument
from artproof.ledger.entries import commit
from artproof.provenance.graph import ProcessGraph
from artproof.provenance.model import SOURCE_TYPE_BASE, WorkManifest

__all__ = ["PARENT_LABEL", "Disclosure", "TrainingMining", "build_definition", "xmp_packet"]

PARENT_LABEL = "artproof.parent"

Disclosure = Literal["full", "redacted", "minimal"]
TrainingMining = Literal["allowed", "notAllowed", "constrained"]

_ACTION = {"import.file": "c2pa.opened", "edit.crop": "c2pa.cropped", "edit.resize": "c2pa.resized"}
_AGENT = {"name": "artproof", "version": __version__}
_AGENCY_SOURCE = {"trained": "trainedAlgorithmicMedia", "algorithmic": "algorithmicMedia"}


def _action_name(op: str) -> str:
    if op.startswith("generate."):
        return "c2pa.created"
    return _ACTION.get(op, "org.artproof." + op.split(".", 1)[-1])


def build_definition(
    manifest: WorkManifest,
    signed: SignedDocument,
    *,
    media_type: str,
    disclosure: Disclosure,
    training_mining: TrainingMining,
    parent_label: str | None = None,
    edition: dict[str, Any] | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The manifest definition for c2pa's Builder, and the openings of redacted fields (kept by the artist).

    ``parent_label`` names the parent ingredient (an imported file's own credentials) that the
    ``c2pa.opened`` action must point to. ``edition`` (``edition_id``, ``number``, ``count``,
    ``artist_proof``, ``algorithm``, ``payload`` as 8 bytes hex) makes this an edition's file:
    a ``c2pa.watermarked`` action, a ``c2pa.soft-binding`` assertion naming the mark, and the
    edition in the recipe.
    """
    classification = manifest.classification
    source_uri = classification.digital_source_type_uri
    steps = ProcessGraph(manifest.steps).ancestors(manifest.master)
    openings: dict[str, Any] = {}
    actions = []
    for step in steps:
        params: Any = step.params
        if disclosure == "redacted":
            commitment, opening = commit(step.params)
            params, openings[step.step_id] = commitment.model_dump(), opening.model_dump()
        action: dict[str, Any] = {
            "action": _action_name(step.op),
            "when": step.at,
            "softwareAgent": _AGENT,
            "parameters": {
                "org.artproof.op": f"{step.op} {step.version}",
                "org.artproof.step": step.step_id,
                "org.artproof.agency": step.agency,
            },
        }
        if disclosure != "minimal":
            action["parameters"]["org.artproof.params"] = params
        if action["action"] == "c2pa.opened" and parent_label is not None:
            action["parameters"]["ingredientIds"] = [parent_label]
        step_source = _AGENCY_SOURCE.get(step.agency) if action["action"] == "c2pa.created" else None
        if step_source or source_uri:
            action["digitalSourceType"] = SOURCE_TYPE_BASE + step_source if step_source else source_uri
        actions.append(action)
    if edition is not None:
        actions.append(
            {
                "action": "c2pa.watermarked",
                "softwareAgent": _AGENT,
                "parameters": {"org.artproof.edition": edition["edition_id"], "alg": edition["algorithm"]},
            }
        )
    use: dict[str, str] = {"use": training_mining}
    if training_mining == "constrained":
        use["constraint_info"] = "ask the artist: see the work's licence"
    recipe: dict[str, Any] = {
        "disclosure": disclosure,
        "work_id": manifest.work_id,
        "revision": manifest.revision,
        "classification": classification.model_dump(),
    }
    if disclosure == "full":
        recipe["manifest"] = signed.model_dump(mode="json")
    elif disclosure == "redacted":
        recipe["steps"] = [
            {"op": a["parameters"]["org.artproof.op"], "params": a["parameters"]["org.artproof.params"]}
            for a in actions
        ]
        recipe["signature"] = signed.signature.model_dump()
    definition: dict[str, Any] = {
        "claim_generator_info": [_AGENT],
        "title": manifest.title,
        "format": media_type,
        "assertions": [
            {"label": "c2pa.actions.v2", "data": {"actions": actions}},
            {
                "label": "stds.schema-org.CreativeWork",
                "data": {
                    "@context": "https://schema.org",
                    "@type": "CreativeWork",
                    "name": manifest.title,
                    "author": [{"@type": "Person", "name": manifest.artist["name"]}],
                    "dateCreated": manifest.created_at,
                },
            },
            {
                "label": "cawg.training-mining",
                "data": {
                    "entries": {
                        "cawg.ai_generative_training": use,
                        "cawg.ai_training": use,
                        "cawg.ai_inference": use,
                        "cawg.data_mining": use,
                    }
                },
            },
            {"label": "org.artproof.recipe", "data": recipe},
        ],
    }
    if edition is not None:
        recipe["edition"] = {k: edition[k] for k in ("edition_id", "number", "count", "artist_proof")}
        definition["assertions"].append(
            {
                "label": "c2pa.soft-binding",
                "data": {
                    "alg": edition["algorithm"],
                    "blocks": [{"scope": {}, "value": base64.b64encode(bytes.fromhex(edition["payload"])).decode()}],
                    "pad": [],
                },
            }
        )
    return definition, openings


def xmp_packet(manifest: WorkManifest, *, disclosure: Disclosure, training_mining: TrainingMining) -> str:
    """XMP with the IPTC digital source type and the IPTC 2025 AI fields, for tools without C2PA."""
    c = manifest.classification
    attrs = {
        "xmp:CreatorTool": f"artproof {__version__}",
        "xmp:CreateDate": manifest.created_at,
        "Iptc4xmpExt:AISystemUsed": "artproof",
        "Iptc4xmpExt:AISystemVersionUsed": __version__,
    }
    if c.digital_source_type_uri:
        attrs["Iptc4xmpExt:DigitalSourceType"] = c.digital_source_type_uri
    prompts = [str(s.params["prompt"]) for s in manifest.steps if isinstance(s.params.get("prompt"), str)]
    if disclosure == "full" and prompts:
        attrs["Iptc4xmpExt:AIPromptInformation"] = prompts[-1]
        attrs["Iptc4xmpExt:AIPromptWriterName"] = manifest.artist["name"]
    mining = {"allowed": "DMI-ALLOWED", "notAllowed": "DMI-PROHIBITED", "constrained": "DMI-PROHIBITED-SEECONSTRAINT"}
    attributes = "\n   ".join(f"{k}={quoteattr(v)}" for k, v in attrs.items())
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
        '  <rdf:Description rdf:about=""\n'
        '   xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/"\n'
        '   xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/"\n'
        '   xmlns:plus="http://ns.useplus.org/ldf/xmp/1.0/"\n'
        f"   {attributes}>\n"
        f'   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{escape(manifest.title)}</rdf:li></rdf:Alt></dc:title>\n'
        f"   <dc:creator><rdf:Seq><rdf:li>{escape(manifest.artist['name'])}</rdf:li></rdf:Seq></dc:creator>\n"
        f'   <plus:DataMining rdf:resource="http://ns.useplus.org/ldf/vocab/{mining[training_mining]}"/>\n'
        "  </rdf:Description>\n </rdf:RDF>\n</x:xmpmeta>\n"
        '<?xpacket end="w"?>'
    )
