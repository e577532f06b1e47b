"""Content Credentials (C2PA) in and out. The only module that imports ``c2pa``.

Reading never touches the network: remote manifests are not fetched (reported
as "remote manifest, not fetched (offline)", never as valid), OCSP is not
fetched, and no host is allowed. Trust anchors are only those artproof is
given: none by default (a good signature is then ``Valid``, "signer not on a
trust list"), the registry's own CA, and any PEM the user adds.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import c2pa

from artproof.core.canonical import canonical_json
from artproof.core.hashing import content_id
from artproof.errors import ImageError, InvalidInput

__all__ = ["EXPLANATIONS", "C2paReport", "read_credentials", "sign_credentials"]

# Plain-language sentences for the codes collectors meet most.
EXPLANATIONS = {
    "assertion.dataHash.mismatch": "the pixels were changed after signing",
    "assertion.boxesHash.mismatch": "the file's contents were changed after signing",
    "assertion.bmffHash.mismatch": "the file's contents were changed after signing",
    "assertion.hashedURI.mismatch": "an assertion was changed after signing",
    "assertion.missing": "an assertion the claim refers to is missing",
    "claimSignature.mismatch": "the signed claim was altered after signing: its signature does not match",
    "claimSignature.missing": "the claim has no signature",
    "claimSignature.outsideValidity": "the signing certificate was not valid when it signed",
    "signingCredential.untrusted": "the signer is not on a trust list (the signature itself is intact)",
    "signingCredential.invalid": "the signing certificate is malformed or not allowed for signing",
    "signingCredential.expired": "the signing certificate has expired",
    "signingCredential.revoked": "the signing certificate was revoked",
    "signingCredential.ocsp.skipped": "certificate revocation was not checked (offline)",
    "timeStamp.mismatch": "the timestamp does not match the signature",
    "timeStamp.untrusted": "the timestamp authority is not on a trust list",
    "timeStamp.outsideValidity": "the timestamp authority's certificate was not valid",
    "ingredient.unknownProvenance": "an ingredient has no Content Credentials of its own",
    "ingredient.hashedURI.mismatch": "an ingredient was changed after it was recorded",
    "manifest.inaccessible": "the manifest could not be read",
    "algorithm.unsupported": "the manifest uses a signature algorithm this reader does not support",
    "general.error": "the manifest could not be validated",
}
# Not failures of integrity: reported as information (the state still says Valid, not Trusted).
_NOT_INTEGRITY = {"signingCredential.untrusted", "signingCredential.ocsp.skipped"}
_REMOTE = re.compile(r"(https?://\S+)")


@dataclass
class C2paReport:
    present: bool
    validation_state: str | None = None
    failures: list[str] = field(default_factory=list)
    informational: list[str] = field(default_factory=list)
    explanations: dict[str, str] = field(default_factory=dict)
    active_manifest: str | None = None
    signer: dict[str, Any] | None = None
    digital_source_type: str | None = None
    actions: list[dict[str, Any]] = field(default_factory=list)
    ingredients: list[dict[str, Any]] = field(default_factory=list)
    claim_generator: str | None = None
    title: str | None = None
    remote_url: str | None = None
    note: str | None = None
    assertions: dict[str, Any] = field(default_factory=dict)
    claim_digest: str | None = None  # sha256 of the active claim's canonical JSON: what a ledger seal entry names
    ledger_seal: dict[str, Any] | None = None  # the ledger's record of this claim, when one was consulted

    def to_json(self) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "present": self.present,
            "failures": self.failures,
            "informational": self.informational,
            "explanations": self.explanations,
            "active_manifest": self.active_manifest,
            "signer": self.signer,
            "digital_source_type": self.digital_source_type,
            "ingredients": self.ingredients,
            "actions": self.actions,
            "claim_generator": self.claim_generator,
            "title": self.title,
        }
        if self.validation_state is not None:
            doc["validation_state"] = self.validation_state
        if self.remote_url is not None:
            doc["remote_url"] = self.remote_url
        if self.note is not None:
            doc["note"] = self.note
        if self.claim_digest is not None:
            doc["claim_digest"] = self.claim_digest
        if self.ledger_seal is not None:
            doc["ledger_seal"] = self.ledger_seal
        return doc


CredentialJudge = Callable[[C2paReport], None]
"""A second look at a validated report by someone who knows more than the file (the ledger: see expiry)."""


def _context(trust_pem: str | None, extra: dict[str, Any] | None = None) -> c2pa.Context:
    settings: dict[str, Any] = {
        "verify": {"remote_manifest_fetch": False, "ocsp_fetch": False, "verify_trust": True},
        "core": {"allowed_network_hosts": []},
    }
    if trust_pem:
        settings["trust"] = {"trust_anchors": trust_pem}
    if extra:
        for key, value in extra.items():
            settings.setdefault(key, {}).update(value)
    return c2pa.Context.from_dict(settings)


def _codes(entries: list[dict[str, Any]] | None) -> list[tuple[str, str]]:
    return [(str(e.get("code")), str(e.get("explanation") or "")) for e in entries or []]


def _source_type(actions: list[dict[str, Any]]) -> str | None:
    for action in actions:
        value = action.get("digitalSourceType")
        if value:
            return str(value).rsplit("/", 1)[-1]
    return None


def _claim_digest(reader: c2pa.Reader, label: str) -> str | None:
    """A digest of the active claim (its assertion hashes, the data hash among them, and its instance id).

    The claim is what the certificate signs; a ledger entry naming this digest proves the claim
    existed when the entry was logged, which is how expiry is judged without a timestamp authority.
    """
    try:
        claim = json.loads(reader.detailed_json())["manifests"][label]["claim"]
        return content_id(canonical_json(claim))
    except (c2pa.C2paError, KeyError, TypeError, ValueError, InvalidInput):
        return None


def read_credentials(data: bytes, mime: str, trust_pem: str | None = None, *, claim_digest: bool = False) -> C2paReport:
    """Read and validate the Content Credentials in ``data`` (offline).

    The claim digest is computed when asked for, or when the signing certificate has expired
    (the case a ledger record of the claim can explain).
    """
    try:
        reader = c2pa.Reader(mime, io.BytesIO(data), context=_context(trust_pem))
    except c2pa.C2paError as exc:
        text = str(exc)
        if text.startswith("Remote") or "remote manifest" in text.lower():
            url = _REMOTE.search(text)
            return C2paReport(
                present=True, remote_url=url.group(1) if url else None, note="remote manifest, not fetched (offline)"
            )
        if "JumbfNotFound" in text or "ManifestNotFound" in text or "no JUMBF" in text:
            return C2paReport(present=False)
        if "NotSupported" in text or "Unsupported" in text:
            return C2paReport(present=False, note=f"format not supported for Content Credentials: {mime}")
        return C2paReport(present=True, note=f"the manifest cannot be read: {text[:200]}")
    try:
        state = reader.get_validation_state()
        results = reader.get_validation_results() or {}
        store = json.loads(reader.json())
        active_label = store.get("active_manifest")
        active = results.get("activeManifest") or {}
        report = C2paReport(present=True, validation_state=state, active_manifest=active_label)
        for code, explanation in _codes(active.get("failure")):
            (report.informational if code in _NOT_INTEGRITY else report.failures).append(code)
            report.explanations[code] = EXPLANATIONS.get(code, explanation)
        if active_label and (claim_digest or "signingCredential.expired" in report.failures):
            report.claim_digest = _claim_digest(reader, active_label)
    finally:
        reader.close()
    manifest = (store.get("manifests") or {}).get(active_label, {}) if active_label else {}
    for code, explanation in _codes(active.get("informational")):
        report.informational.append(code)
        report.explanations[code] = EXPLANATIONS.get(code, explanation)
    signature = manifest.get("signature_info") or {}
    report.signer = (
        {k: signature.get(k) for k in ("issuer", "common_name", "alg", "time", "cert_serial_number")}
        if signature
        else None
    )
    report.title = manifest.get("title")
    generators = manifest.get("claim_generator_info") or []
    report.claim_generator = manifest.get("claim_generator") or (
        " ".join(str(g.get(k, "")) for g in generators[:1] for k in ("name", "version")).strip() or None
    )
    for assertion in manifest.get("assertions") or []:
        label = str(assertion.get("label", ""))
        report.assertions[label] = assertion.get("data")
        if label.startswith("c2pa.actions"):
            report.actions.extend((assertion.get("data") or {}).get("actions") or [])
    report.digital_source_type = _source_type(report.actions)
    deltas = {
        d.get("ingredientAssertionURI", ""): d.get("validationDeltas", {})
        for d in results.get("ingredientDeltas") or []
    }
    for n, ingredient in enumerate(manifest.get("ingredients") or []):
        own: dict[str, Any] = next(
            (v for k, v in deltas.items() if k.endswith("c2pa.ingredient" + (f"__{n}" if n else ""))), {}
        )
        report.ingredients.append(
            {
                "title": ingredient.get("title"),
                "relationship": ingredient.get("relationship"),
                "format": ingredient.get("format"),
                "active_manifest": ingredient.get("active_manifest"),
                "validation_state": ingredient.get("validation_state") or ("Invalid" if own.get("failure") else None),
                "failures": [c for c, _ in _codes(own.get("failure"))],
                "informational": [c for c, _ in _codes(own.get("informational"))],
            }
        )
    if state in ("Valid", "Trusted") and "signingCredential.untrusted" in report.informational:
        report.explanations.setdefault("signingCredential.untrusted", EXPLANATIONS["signingCredential.untrusted"])
    return report


def sign_credentials(
    data: bytes,
    mime: str,
    definition: dict[str, Any],
    *,
    certificate_chain_pem: str,
    sign: Callable[[bytes], bytes],
    ingredients: list[tuple[dict[str, Any], str, bytes]] | None = None,
    thumbnail: bool = True,
    tsa_url: str | None = None,
) -> bytes:
    """Embed a signed manifest (``definition``) into ``data``. ``sign`` returns raw ES256 r||s."""
    context = _context(None, {"builder": {"thumbnail": {"enabled": thumbnail}}})
    try:
        signer = c2pa.Signer.from_callback(sign, c2pa.C2paSigningAlg.ES256, certificate_chain_pem, tsa_url)
        builder = c2pa.Builder(definition, context=context)
        for ingredient_json, ingredient_mime, ingredient_data in ingredients or []:
            builder.add_ingredient(json.dumps(ingredient_json), ingredient_mime, io.BytesIO(ingredient_data))
        output = io.BytesIO()
        builder.sign(signer, mime, io.BytesIO(data), output)
    except c2pa.C2paError as exc:
        if tsa_url:
            raise ImageError(
                "the timestamp authority could not be reached to countersign the seal",
                value=tsa_url,
                hint="unset ARTPROOF_TSA_URL to seal offline",
            ) from exc
        raise ImageError(
            "Content Credentials could not be embedded",
            value=str(exc)[:200],
            hint="check the image format (PNG, JPEG or WebP)",
        ) from exc
    return output.getvalue()


def ingredient_thumbnails(data: bytes, mime: str, trust_pem: str | None = None) -> dict[int, tuple[str, bytes]]:
    """The thumbnails of the active manifest's ingredients that may be shown: ``{index: (whose, bytes)}``.

    An ingredient with credentials of its own shows the thumbnail its own claim signed. An ingredient
    without them has only the thumbnail the outer signer put beside it, which says something only if
    that signer is trusted: from an untrusted signer it is not shown (anyone can sign any picture as
    "the original").
    """
    try:
        reader = c2pa.Reader(mime, io.BytesIO(data), context=_context(trust_pem))
    except c2pa.C2paError:
        return {}
    shown: dict[int, tuple[str, bytes]] = {}
    try:
        state = reader.get_validation_state()
        store = json.loads(reader.json())
        manifests = store.get("manifests") or {}
        active = manifests.get(store.get("active_manifest") or "", {})
        for n, ingredient in enumerate(active.get("ingredients") or []):
            own = manifests.get(ingredient.get("active_manifest") or "") or {}
            if (own.get("thumbnail") or {}).get("identifier"):
                whose, identifier = "its own credentials", own["thumbnail"]["identifier"]
            elif state == "Trusted" and (ingredient.get("thumbnail") or {}).get("identifier"):
                whose, identifier = "the trusted signer", ingredient["thumbnail"]["identifier"]
            else:
                continue
            stream = io.BytesIO()
            try:
                reader.resource_to_stream(identifier, stream)
            except c2pa.C2paError:
                continue
            shown[n] = (whose, stream.getvalue())
    except c2pa.C2paError:
        return shown
    finally:
        reader.close()
    return shown
