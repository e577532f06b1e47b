"""From an artproof work to a C2PA manifest definition, and an XMP packet for tools that do not read C2PA.

Actions come from the steps behind the current image, oldest first: the first
is ``c2pa.created`` (a generation) or ``c2pa.opened`` (an import); crops and
resizes are ``c2pa.cropped`` / ``c2pa.resized``; the rest are ``org.artproof.*``.
Each carries the software agent, the digital source type of the work's
classification and the step's parameters (as disclosure allows).

Parameters and the signed manifest travel as canonical JSON *text*: c2pa
stores a flat array of numbers inside a map as a byte string (a crop box
``[0, 0, 900, 900]`` reads back as ``"AACEhA=="``, floats come back empty),
so structured values would not survive the round trip; text does, exactly,
and the manifest's signature can be checked from the file alone
(:func:`recipe_manifest`).
"""

from __future__ import annotations

import base64
from typing import Any, Literal
from xml.sax.saxutils import escape, quoteattr

from artproof import __version__
from artproof.core.canonical import canonical_json, parse_json
from artproof.core.commitments import commit
from artproof.core.signing import SignedDocument
from artproof.errors import ArtproofError, IntegrityError
from artproof.provenance.graph import ProcessGraph
from artproof.provenance.model import SOURCE_TYPE_BASE, WorkManifest

__all__ = [
    "CERTIFICATE_LABEL",
    "PARENT_LABEL",
    "Disclosure",
    "TrainingMining",
    "action_params",
    "build_definition",
    "json_text",
    "recipe_manifest",
    "xmp_packet",
]

PARENT_LABEL = "artproof.parent"
PACK_INGREDIENT = "artproof.picture"  # the label of the picture a pack places
CERTIFICATE_LABEL = "org.artproof.certificate"

Disclosure = Literal["full", "redacted", "minimal"]
TrainingMining = Literal["allowed", "notAllowed", "constrained"]

_ACTION = {
    "import.file": "c2pa.opened",
    "edit.crop": "c2pa.cropped",
    "edit.resize": "c2pa.resized",
    "edit.external": "c2pa.edited",
}
_AGENT = {"name": "artproof", "version": __version__}
_AGENCY_SOURCE = {"trained": "trainedAlgorithmicMedia", "algorithmic": "algorithmicMedia"}


def json_text(value: Any) -> str:
    """The canonical JSON text of a value: what an assertion carries so that c2pa keeps it exactly."""
    return canonical_json(value).decode("utf-8")


def action_params(action: dict[str, Any]) -> Any:
    """The recorded step parameters an action carries (``org.artproof.params``), decoded; None if absent."""
    value = (action.get("parameters") or {}).get("org.artproof.params")
    if isinstance(value, str):
        try:
            return parse_json(value.encode("utf-8"), what="action parameters")
        except ArtproofError:
            return None
    return value


def recipe_manifest(recipe: Any) -> SignedDocument | None:
    """The signed work manifest inside an ``org.artproof.recipe`` assertion (full disclosure), or None.

    Raises :class:`IntegrityError` when the recipe holds a manifest that cannot be parsed; the
    caller checks its signature (:func:`artproof.provenance.manifest.check_manifest`).
    """
    if not isinstance(recipe, dict) or not isinstance(recipe.get("manifest"), str):
        return None
    try:
        return SignedDocument.model_validate(parse_json(recipe["manifest"].encode("utf-8"), what="recipe manifest"))
    except (ArtproofError, ValueError):
        raise IntegrityError("the signed manifest in the file's recipe is malformed") from None


def _action_name(op: str) -> str:
    if op.startswith("generate."):
        return "c2pa.created"
    return _ACTION.get(op, "org.artproof." + op.split(".", 1)[-1])


def document_definition(title: str, author: str, work_title: str) -> dict[str, Any]:
    """The Content Credentials of a document artproof generated from a work's record (the provenance
    pack's PDF): created by artproof from the record, with the work's picture placed as a component."""
    return {
        "claim_generator_info": [_AGENT],
        "title": title,
        "format": "application/pdf",
        "assertions": [
            {
                "label": "c2pa.actions.v2",
                "data": {
                    "actions": [
                        {"action": "c2pa.created", "softwareAgent": _AGENT,
                         "digitalSourceType": SOURCE_TYPE_BASE + "algorithmicMedia",
                         "parameters": {"org.artproof.document": "provenance pack, generated from the signed record"}},
                        {"action": "c2pa.placed", "softwareAgent": _AGENT,
                         "parameters": {"ingredientIds": [PACK_INGREDIENT]}},
                    ]
                },
            },
            {
                "label": "stds.schema-org.CreativeWork",
                "data": {"@context": "https://schema.org", "@type": "CreativeWork", "name": title,
                         "author": [{"@type": "Person", "name": author}],
                         "about": {"@type": "VisualArtwork", "name": work_title}},
            },
        ],
    }  # fmt: skip


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
    ``artist_proof``, ``algorithm``, ``payload`` as 8 bytes hex, and ``certificate``, its signed
    text) makes this an edition's file: a ``c2pa.watermarked`` action, a ``c2pa.soft-binding``
    assertion naming the mark, the edition in the recipe, and the certificate
    (``org.artproof.certificate``).
    """
    classification = manifest.classification
    source_uri = classification.digital_source_type_uri
    steps = ProcessGraph(manifest.steps).ancestors(manifest.master)
    openings: dict[str, Any] = {}
    shown: list[Any] = []  # what each action shows of its step's parameters (redacted: the commitment)
    actions = []
    for step in steps:
        params: Any = step.params
        if disclosure == "redacted":
            commitment, opening = commit(step.params)
            params, openings[step.step_id] = commitment.model_dump(), opening.model_dump()
        shown.append(params)
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
            action["parameters"]["org.artproof.params"] = json_text(params)
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
        recipe["manifest"] = json_text(signed.model_dump(mode="json"))
    elif disclosure == "redacted":
        recipe["steps"] = json_text(
            [{"op": f"{s.op} {s.version}", "params": p} for s, p in zip(steps, shown, strict=True)]
        )
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
        if edition.get("certificate"):
            # the artist's signed certificate (coa/2 binds pixels, not file bytes, so it can live in the file)
            definition["assertions"].append(
                {"label": CERTIFICATE_LABEL, "data": {"certificate": edition["certificate"]}}
            )
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
