"""Building, signing and checking the work manifest.

The manifest is the artist's signed statement of the whole record: every step,
every image's hashes, the current image, and the classification. Checking it
re-derives the classification from the graph and refuses a manifest whose
stated classification differs: a classification is never taken on trust.
"""

from __future__ import annotations

from collections.abc import Sequence

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pydantic import ValidationError

from artproof.core.signing import SignedDocument, sign_document, verify_document
from artproof.errors import IntegrityError
from artproof.provenance.classify import classify
from artproof.provenance.graph import ProcessGraph
from artproof.provenance.model import AssetInfo, Step, WorkManifest

__all__ = ["MANIFEST_PURPOSE", "build_manifest", "check_manifest", "sign_manifest"]

MANIFEST_PURPOSE = "artproof.work"


def build_manifest(
    *,
    work_id: str,
    title: str,
    artist: dict[str, str],
    created_at: str,
    revision: int,
    steps: Sequence[Step],
    assets: dict[str, AssetInfo],
    master: str,
) -> WorkManifest:
    graph = ProcessGraph(steps)
    for step in steps:
        for asset in (*step.inputs, step.output, *step.extra_outputs):
            if asset not in assets:
                raise IntegrityError(f"the record of {step.op} names an image with no hashes", value=asset)
    return WorkManifest(
        work_id=work_id,
        title=title,
        artist=artist,
        created_at=created_at,
        revision=revision,
        steps=list(steps),
        assets=assets,
        master=master,
        classification=classify(graph, master),
    )


def sign_manifest(manifest: WorkManifest, key: Ed25519PrivateKey) -> SignedDocument:
    return sign_document(MANIFEST_PURPOSE, manifest.payload(), key)


def check_manifest(document: SignedDocument, *, expected_key_id: str | None = None) -> WorkManifest:
    """Verify the signature, the graph and the classification; return the manifest."""
    verify_document(document, purpose=MANIFEST_PURPOSE, expected_key_id=expected_key_id)
    try:
        manifest = WorkManifest.model_validate(document.payload)
    except ValidationError as exc:
        raise IntegrityError("the signed manifest is malformed", value=str(exc.errors()[0]["msg"])) from exc
    if manifest.artist.get("key_id") != document.signature.key_id:
        raise IntegrityError("the manifest is signed by someone other than its artist", value=document.signature.key_id)
    rebuilt = build_manifest(
        work_id=manifest.work_id,
        title=manifest.title,
        artist=manifest.artist,
        created_at=manifest.created_at,
        revision=manifest.revision,
        steps=manifest.steps,
        assets=manifest.assets,
        master=manifest.master,
    )
    if rebuilt.classification != manifest.classification:
        stated, derived = manifest.classification.model_dump(), rebuilt.classification.model_dump()
        field = next(k for k in stated if stated[k] != derived[k])
        raise IntegrityError(
            f"the manifest's classification does not follow from its process graph ({field})",
            value=stated[field],
            hint=f"the graph gives {derived[field]!r}; the record was altered",
        )
    return manifest
