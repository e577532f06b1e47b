"""Verify any file: four independent channels, one verdict.

1. Content Credentials: the C2PA state and codes (expiry judged at the ledger's
   time), the signer, and whether the claim is one this registry sealed.
2. Watermark: the edition id, read blind or aligned with a registered picture.
3. Fingerprint: the registered works and editions this image is a copy of.
4. Certificate and ledger: the edition's signed certificate, its inclusion
   proof against the signed checkpoint, the transfer chain, any revocation.

The verdict never averages channels: any channel that contradicts another
makes the file ``tampered`` and the reason says which; ``authentic_edition``
needs the mark, the fingerprint of that very edition and a clean ledger
record to agree.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image, ImageOps

from artproof.core.alignment import strip_bars, turn_back
from artproof.core.images import decode_image
from artproof.core.keys import b64decode
from artproof.core.signing import SignedDocument
from artproof.editions.certificate import (
    FINGERPRINT_RADIUS,
    certificate_hash,
    certified_features,
    load_certificate_file,
    parse_certificate_text,
    verify_certificate,
)
from artproof.editions.identify import Identification
from artproof.editions.ids import edition_id, parse_edition_id
from artproof.editions.ownership import Ownership
from artproof.editions.store import EditionRecord, EditionStore
from artproof.errors import ArtproofError, ImageError, IntegrityError, InvalidInput, KeyConflict, NotFound
from artproof.fingerprint.features import Features
from artproof.fingerprint.registry import FingerprintRegistry, Match, Query
from artproof.interop.c2pa import C2paReport, CredentialJudge, read_credentials
from artproof.interop.c2pa_manifest import CERTIFICATE_LABEL
from artproof.interop.metadata import FileMetadata, read_metadata
from artproof.interop.readers import MIME
from artproof.ledger.checkpoint import NoteVerifier
from artproof.ledger.mirror import Mirror
from artproof.ledger.proofs import check_bundle
from artproof.ledger.service import LedgerService, fetcher
from artproof.provenance.model import WorkManifest
from artproof.seal.registry import WorkRegistry
from artproof.studio.service import Studio
from artproof.verify.decide import EXIT_CODES, Evidence, Verdict, decide
from artproof.verify.likeness import FAITHFUL, RESEMBLES, WHOLE, likeness
from artproof.verify.logkeys import LogKeys
from artproof.verify.portable import CertificateCheck, check_certificate
from artproof.verify.report import (
    ChannelReport,
    Classification,
    EditionLabel,
    VerifyReport,
    VerifyRun,
    worst_exit,
)
from artproof.verify.said import file_says

__all__ = ["EXIT_CODES", "IMAGE_SUFFIXES", "Verdict", "VerifyReport", "VerifyRun", "VerifyService", "worst_exit"]

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".webp", ".tif", ".tiff", ".gif", ".bmp", ".avif", ".mpo"})


OTHER_SCALE = 0.05  # a detail's scale this far from a frame match's (relative) is another placement of the copy
DECODE_SHORT = 1024  # big JPEGs decode at a reduced scale: every channel looks at 512 px or less


@dataclass
class Channel:
    status: str
    summary: str
    details: dict[str, Any] = field(default_factory=dict)

    def report(self) -> ChannelReport:
        return ChannelReport(status=self.status, summary=self.summary, **self.details)


class VerifyService:
    def __init__(
        self,
        studio: Studio,
        ledger: LedgerService,
        registry: WorkRegistry,
        editions: EditionStore,
        identification: Identification,
        ownership: Ownership,
        fingerprints: FingerprintRegistry,
        anchors_pem: Any,
        judge: CredentialJudge,
        keys: LogKeys,
    ) -> None:
        self.keys = keys
        self.registry = registry
        self._mirrors: dict[str, Mirror] = {}
        self.studio = studio
        self.ledger = ledger
        self.editions = editions
        self.identification = identification
        self.ownership = ownership
        self.fingerprints = fingerprints
        self.anchors_pem = anchors_pem
        self.judge = judge

    # channels ------------------------------------------------------------------

    def _c2pa(self, data: bytes, meta: FileMetadata) -> tuple[Channel, C2paReport | None]:
        if meta.format not in MIME:
            return Channel("absent", "no Content Credentials (this format cannot carry them)"), None
        report = read_credentials(data, MIME[meta.format], self.anchors_pem(), claim_digest=True)
        self.judge(report)
        details: dict[str, Any] = {
            "validation_state": report.validation_state,
            "failures": report.failures,
            "informational": report.informational,
            "explanations": report.explanations,
            "signer": report.signer,
            "claim_generator": report.claim_generator,
            "digital_source_type": report.digital_source_type,
            "actions": [a.get("action") for a in report.actions],
        }
        if not report.present:
            return Channel("absent", "no Content Credentials"), report
        if report.validation_state is None:
            status = "remote" if report.remote_url else "unreadable"
            return Channel(status, report.note or "the manifest cannot be read", details), report
        recipe = report.assertions.get("org.artproof.recipe")
        ours = False
        if isinstance(recipe, dict) and isinstance(recipe.get("work_id"), str) and report.claim_digest:
            try:
                ours = self.registry.seal_record(recipe["work_id"], report.claim_digest) is not None
            except ArtproofError:
                ours = False
            details["work_id"] = recipe["work_id"]
            details["edition"] = recipe.get("edition")
        details["sealed_here"] = ours
        signer = (report.signer or {}).get("common_name") or "an unknown signer"
        if report.validation_state == "Invalid":
            words = "; ".join(report.explanations.get(code, code) for code in report.failures)
            return Channel("invalid", f"Content Credentials are broken: {words}", details), report
        trusted = "on a trust list" if report.validation_state == "Trusted" else "not on a trust list"
        return Channel("valid", f"valid Content Credentials signed by {signer} ({trusted})", details), report

    def _watermark(
        self, seen: Query, matches: list[Match], expected: Sequence[int] = (), certified: Features | None = None
    ) -> tuple[Channel, EditionRecord | None]:
        found, record = self.identification.read_mark(seen, matches, expected, certified)
        if not found.found or found.payload is None:
            return Channel("absent", "no artproof watermark read"), None
        eid = edition_id(found.payload)
        details = {
            "edition_id": eid,
            "registered": record is not None,
            "corrected_bits": found.errors,
            "aligned_with_master": found.informed,
        }
        if found.matched:
            details["matched_to_editions"] = True  # too damaged to decode alone; within 42 bits of this edition's code
        if found.angle:
            details["turned_deg"] = round(found.angle, 2)  # read blind after turning the copy back
        if found.mirrored:
            details["mirrored"] = True  # read from the copy flipped back: a mirror image of the edition
        if found.from_detail:
            details["detail_scale"] = round(found.scale or 0.0, 3)  # read blind from part of the picture, shown larger
        if record is None:
            return Channel(
                "unknown", f"a watermark names edition {eid}, not one issued in this home's registry", details
            ), None
        return Channel("found", f"watermark of edition {record.label} ({eid}){_damage(details)}", details), record

    def _fingerprint(self, matches: list[Match], named: str | None) -> tuple[Channel, list[Match]]:
        """Confirmed matches, the edition the watermark names first (identical editions match equally)."""
        confirmed = sorted((m for m in matches if m.confirmed), key=lambda m: m.entry.ref != named)
        if not confirmed:
            closest = matches[0] if matches else None
            details = {} if closest is None else {"closest": _match_json(closest)}
            return Channel("none", "matches no registered work or edition", details), []
        best = confirmed[0]
        if best.alignment is not None:  # found by its keypoints: a possible match, with its evidence
            summary = (
                f"possible match: registered {best.entry.kind} {best.entry.ref}, {_geometry(best)}, "
                f"aligned similarity {best.similarity:.2f}"
            )
        else:
            summary = (
                f"matches registered {best.entry.kind} {best.entry.ref} ({best.distance} pHash bits, "
                f"aligned similarity {best.similarity:.2f})"
            )
        return Channel("match", summary, {"matches": [_match_json(m) for m in confirmed]}), confirmed

    def _ledger(self, record: EditionRecord) -> Channel:
        body = verify_certificate(record.certificate)
        entry = self.ledger.ledger.entry(record.ledger_index)
        _checkpoint, logged = check_bundle(self.ledger.bundle(entry), self.ledger.verifier())
        if logged.payload["subject"].get("certificate_sha256") != certificate_hash(record.certificate):
            return Channel(
                "broken", "the ledger entry names a different certificate", {"ledger_index": record.ledger_index}
            )
        chain = self.ownership.chain(record)
        later = self.ledger.key_history().later(body.artist.key_id, record.ledger_index)
        details = {
            "certificate": "signature valid",
            "ledger_index": record.ledger_index,
            "inclusion": "proof checks against the signed checkpoint",
            "chain": chain.status,
            "transfers": len(chain.transfers),
            "owner_since": chain.since or record.issued_at[:10],
            "owner": record.owner.name,
            "artist": body.artist.name,
        }
        if later is not None:
            details["note"] = later
        if record.revoked_at:
            details["revoked"] = {"at": record.revoked_at, "reason": record.revoked_reason}
            return Channel("revoked", f"revoked by the artist: {record.revoked_reason}", details)
        if not chain.valid:
            return Channel("broken", f"the ownership record is {chain.status}", details)
        return Channel(
            "valid", "certificate signed by the artist, entered in the ledger, ownership chain intact", details
        )

    # the verdict -----------------------------------------------------------------

    def verify(
        self,
        data: bytes,
        name: str,
        certificate: bytes | None = None,
        *,
        log_key: NoteVerifier | None = None,
        mirror: str | None = None,
    ) -> VerifyReport:
        """The verdict for one file (raises :class:`ImageError` when it is no image at all).

        ``certificate`` (a ``.coa.json``), else the certificate embedded in the file's credentials,
        is checked with ``log_key`` / ``mirror`` (a folder or URL) wherever this registry does not
        know the edition itself: see :mod:`artproof.verify.portable`.
        """
        image = decode_image(data, name=name, min_short=DECODE_SHORT, upright=True)  # as viewers display it
        query = Query.of(image)
        meta = read_metadata(data, name=name)  # read once: the credentials' format, and the file's own settings
        c2pa, report = self._c2pa(data, meta)
        given = self._given_certificate(certificate, report)
        claimed_payloads, certified = _claimed(given)  # the mark the certificate says this picture carries, and where
        searched, found_on = self.fingerprints.search(query, limit=8), query  # the matches and their picture
        if not searched and (bare := strip_bars(image)) is not image:  # letterboxed, pillarboxed or framed
            found_on = Query.of(bare)
            searched = self.fingerprints.search(found_on, limit=8)
        if c2pa.status == "valid" and c2pa.details.get("sealed_here") and not c2pa.details.get("edition"):
            # intact credentials this registry signed for a work, not an edition: these are the very
            # bytes it sealed, which carry no mark (editions are sealed with theirs)
            watermark, marked = Channel("none", "not read: intact credentials of an unmarked sealed work"), None
        else:
            watermark, marked = self._watermark(query, searched, claimed_payloads, certified)
            if marked is None and (bare := strip_bars(image)) is not image:  # the mark's grid starts at the picture
                watermark, marked = self._watermark(Query.of(bare), searched, claimed_payloads)
        # how the mark was read: after turning the copy back, or flipping it (the edition's own orientation)
        turned, flipped = watermark.details.get("turned_deg"), bool(watermark.details.get("mirrored"))
        fingerprint, matches = self._fingerprint(searched, marked.edition_id if marked else None)
        reasons: list[str] = []
        unconfirmed = ""  # the mark's edition, which the picture could not be confirmed to be
        record: EditionRecord | None = marked
        claimed = (c2pa.details.get("edition") or {}).get("edition_id") if c2pa.status == "valid" else None
        if record is None and claimed and c2pa.details.get("sealed_here"):
            record = self.editions.get(claimed)  # intact credentials of ours naming an edition
        ledger = Channel("none", "no edition certificate involved")
        if c2pa.status == "invalid":
            reasons.append(c2pa.summary)
        if claimed and marked is not None and claimed != marked.edition_id:
            reasons.append(f"the watermark says edition {marked.edition_id}, the credentials say {claimed}")
        mark = watermark.details.get("edition_id")
        problem, manifest = self._work_record(
            record.work_id if record else (matches[0].entry.work_id if matches else None)
        )
        reasons += problem
        part = "detail_scale" in watermark.details or _a_detail_of(mark, searched)
        check = self._presented(given, data, image, query, mark, log_key, mirror, (turned, flipped), part)
        if check is not None:
            reasons += check.reasons
        if record is not None:
            try:
                ledger = self._ledger(record)
            except ArtproofError as exc:  # an edited or forged registry row: a verdict, not an error
                ledger = Channel("broken", f"the registry's record of this edition is altered: {exc.what}")
            own = self._own(found_on, searched, record.edition_id)  # a match's scale is that of its own picture
            if (own is None or not own.confirmed) and (bare := strip_bars(image)) is not image:
                own = self._own(Query.of(bare), [], record.edition_id)  # a letterboxed or framed copy: without its bars
            if (own is None or not own.confirmed) and (turned or flipped):  # compare it as the mark was read
                upright = self._own(Query.of(_as_read(image, turned, flipped)), [], record.edition_id)
                own = upright if upright is not None and (own is None or upright.similarity > own.similarity) else own
            if own is None or not own.confirmed:  # a photographed print or a page: its picture laid flat
                flat = self.fingerprints.outlined_as(found_on, record.edition_id)
                own = flat if flat is not None and (own is None or flat.similarity > own.similarity) else own
                if flat is not None and flat.confirmed and not matches:  # found that way, the search did not
                    fingerprint, matches = self._fingerprint([flat], record.edition_id)
            judged = likeness(record.edition_id, own)
            if judged.outcome in ("altered", "another"):
                reasons.append(judged.reason)
            elif judged.outcome == "unconfirmed":
                unconfirmed = judged.reason
            if ledger.status == "broken":
                reasons.append(ledger.summary)
        elif check is not None:
            ledger = Channel(check.status, check.summary, check.details)
            if check.body is not None and check.belongs and not check.reasons:
                # this home's registry does not know the edition; its certificate does: say so in those channels
                label = check.body.edition.label
                if mark == check.body.edition_id:
                    watermark = Channel(
                        "found",
                        f"watermark of edition {label} ({mark}), the edition its certificate names"
                        + _damage(watermark.details),
                        watermark.details,
                    )  # fmt: skip
                if fingerprint.status == "none":
                    fingerprint = Channel(
                        "match",
                        "not registered in this home; matches the picture its certificate describes",
                        fingerprint.details,
                    )
        signer_note = self._signer_note(report, check, record)
        if signer_note:
            c2pa.details["signer_is_artist"] = False
            c2pa.summary += f" ({signer_note})"
        verdict = decide(
            Evidence(
                reasons=reasons,
                edition_known=record is not None and (not unconfirmed or ledger.status == "revoked"),
                edition_revoked=record is not None and ledger.status == "revoked",
                certificate=check.status if check is not None else None,
                fingerprint_match=bool(matches),
                credentials=c2pa.status,
                sealed_here=bool(c2pa.details.get("sealed_here")),
            )
        )
        doc = self._report(
            name, verdict, reasons, c2pa, watermark, fingerprint, ledger,
            None if unconfirmed and verdict != "revoked" else record, matches, check, manifest,
        )  # fmt: skip
        if unconfirmed and verdict == "unverified":
            doc.headline = f"Unverified: {unconfirmed}. This does not mean it is fake."
        elif unconfirmed and verdict == "registered_work":  # the work is found; the edition is not vouched for
            doc.headline = f"Possible match: {unconfirmed}; not shown to be that edition."
        if signer_note and verdict == "authentic_edition":
            doc.headline += f" Note: {signer_note}."
        if record is not None and verdict == "authentic_edition" and query.grey:
            doc.headline += " This copy is in greyscale: it was compared with the edition in grey."
        if verdict in ("unverified", "external_credentials") and (said := file_says(data, name, meta)) is not None:
            doc.claimed = said.to_json()
            doc.headline += " " + said.sentence()
        if check is not None:
            doc.checks = check.checks
            if verdict in ("unverified", "external_credentials", "registered_work") and check.body is not None:
                body = check.body
                if check.belongs and check.status == "unchecked" and doc.title is None:
                    # signed by the artist and this picture's, its log entry not checked: what it says, said as
                    # the certificate's words (a catalog keeps the title and artist; the verdict says how far)
                    doc.title, doc.artist = body.work.title, body.artist.name
                    doc.headline += (
                        f' Its certificate, for edition {body.edition.label} of "{body.work.title}" by '
                        f"{body.artist.name}: {check.summary}."
                    )
                else:
                    doc.headline += f" Its certificate: {check.summary}."
        return doc

    def verify_file(self, path: Path, certificate: bytes | None = None, **where: Any) -> VerifyReport:
        """One file of a command line or a folder: its verdict, ``unreadable`` when it is no image we can read.

        A forged or broken record found on the way is ``tampered`` with its reason (never an abort), so
        a folder always ends with its table.
        """
        try:
            data = path.read_bytes()
        except OSError as exc:
            return VerifyReport.unreadable(str(path), f"cannot read: {exc.strerror}")
        try:
            doc = self.verify(data, path.name, certificate, **where)
        except ImageError as exc:
            return VerifyReport.unreadable(str(path), exc.diagnostics())
        except KeyConflict:
            raise  # the log's key itself is in question: no verdict for any file
        except IntegrityError as exc:
            return VerifyReport(
                file=str(path), verdict="tampered", headline=f"Tampered: {exc.what}.", reasons=[exc.diagnostics()]
            )
        doc.file = str(path)
        return doc

    def verify_path(
        self,
        path: Path,
        certificate: bytes | None = None,
        *,
        recursive: bool = False,
        progress: Callable[[float], None] | None = None,
        **where: Any,
    ) -> VerifyRun:
        """A file, or every image of a folder (``recursive``: and its sub-folders), in name order.

        The run's exit code is its most severe file's (:func:`worst_exit`); one file that cannot be
        read is ``unreadable`` in the table, never the end of the run.
        """
        if not path.is_dir():
            if not path.exists():
                raise InvalidInput("no such file", value=str(path), hint="give an image file or a folder")
            return VerifyRun(reports=[self.verify_file(path, certificate, **where)])
        pattern = path.rglob("*") if recursive else path.glob("*")
        files = sorted(p for p in pattern if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)
        if not files:
            raise InvalidInput("no image files in this folder", value=str(path), hint="use --recursive for sub-folders")
        reports = []
        for n, file in enumerate(files, start=1):
            reports.append(self.verify_file(file, certificate, **where))
            if progress is not None:
                progress(n / len(files))
        return VerifyRun(reports=reports)

    def _work_record(self, work_id: str | None) -> tuple[list[str], WorkManifest | None]:
        """The registry's checked record of a work (checked once per verify), or why it no longer checks:
        a record whose signature or derivation fails is a reason, never a silent gap."""
        if work_id is None:
            return [], None
        try:
            return [], self.studio.manifest(work_id)
        except NotFound:
            return [], None
        except ArtproofError as exc:
            return [f"the registry's signed record of work {work_id} is altered: {exc.what}"], None

    @staticmethod
    def _given_certificate(certificate: bytes | None, report: C2paReport | None) -> Given | CertificateCheck | None:
        """The certificate presented with the file, else the one embedded in its credentials, parsed (not checked)."""
        if certificate is not None:
            try:
                document, section = load_certificate_file(certificate)
            except IntegrityError as exc:
                return CertificateCheck("broken", exc.what, reasons=[f"the certificate file is damaged: {exc.what}"])
            return Given(document, section, "certificate presented with the file")
        embedded = (report.assertions if report is not None else {}).get(CERTIFICATE_LABEL)
        if not isinstance(embedded, dict) or not isinstance(embedded.get("certificate"), str):
            return None
        try:
            document = parse_certificate_text(embedded["certificate"])
        except IntegrityError as exc:
            return CertificateCheck("broken", exc.what, reasons=[f"the embedded certificate is damaged: {exc.what}"])
        return Given(document, None, "certificate in the file's credentials")

    def _presented(
        self,
        given: Given | CertificateCheck | None,
        data: bytes,
        image: Image.Image,
        query: Query,
        mark: str | None,
        log_key: NoteVerifier | None,
        mirror: str | None,
        read_as: tuple[float | None, bool] = (None, False),
        part: bool = False,
    ) -> CertificateCheck | None:
        """The certificate presented with the file (or embedded in it), checked as a stranger would.

        A copy whose mark was read turned or flipped (``read_as``: degrees, mirrored) is compared with
        the certificate's picture as the mark was read: upright, the right way round. ``part``: the mark
        was read from a detail of the picture (see :func:`check_certificate`).
        """
        if not isinstance(given, Given):
            return given  # none, or damaged
        if read_as[0] or read_as[1]:
            image = _as_read(image, *read_as)
            query = Query.of(image)
        reader = None
        if mirror:  # one reader per mirror and process: a folder re-hashes (and downloads) the log once
            reader = self._mirrors.setdefault(mirror, Mirror(mirror, fetcher(mirror)))
        return check_certificate(
            given.document,
            given.section,
            seen=query,
            data=data,
            mark=mark,
            keys=self.keys.with_given(log_key),
            mirror=reader,
            source=given.source,
            witness_keys=[b64decode(r.public_key) for r in self.ledger.identities.list()],
            part=part,
        )

    @staticmethod
    def _signer_note(report: C2paReport | None, check: CertificateCheck | None, record: EditionRecord | None) -> str:
        """Who signed the credentials, when it is not the certificate's artist (re-signed genuine pixels)."""
        if report is None or report.signer is None or check is None or check.body is None:
            return ""
        expected = check.body.signer_serial
        serial = str(report.signer.get("cert_serial_number") or "")
        if not expected or not serial or _serial(serial) == _serial(expected):
            return ""
        who = report.signer.get("common_name") or "an unknown signer"
        return f"the Content Credentials are signed by {who}, not by the artist {check.body.artist.name}"

    def _own(self, query: Query, searched: list[Match], ref: str) -> Match | None:
        """How this image compares with the picture registered under ``ref``: found already, or aligned now.

        The same frame (within the certificate's pHash radius) is judged by the global alignment, as
        a whole copy always was, and by the share of it showing something else (a stamp); only a copy
        whose frame moved (rotated, photographed, a detail) is judged by its keypoints, which see past
        what does not match. A greyscale copy is compared in grey (:meth:`Query.thumb`).
        """
        for match in searched:
            if match.entry.ref == ref and match.confirmed and match.alignment is None:
                return self._framed(query, match)
        entries = self.fingerprints.entries(ref)
        if not entries:
            return None
        plain = self.fingerprints.confirm(query, entries[0], local=False)
        if plain.confirmed:
            return self._framed(query, plain)
        found = [m for m in searched if m.entry.ref == ref and m.alignment is not None]
        local = found[0] if found else self.fingerprints.confirm(query, entries[0])
        if local.alignment is not None and local.confirmed and local.alignment.moved():
            return local  # turned, mirrored or photographed: the global alignment cannot judge it
        if local.confirmed and local.variant == "detail":
            # found as a detail: the whole copy correlated with the picture at its own scale, as strict as the
            # global alignment (a stamp lowers it too), which placed a smooth quarter detail at a wrong crop
            return local
        if plain.distance <= FINGERPRINT_RADIUS and plain.similarity >= RESEMBLES:
            return plain  # the same frame, partly something else
        return local

    def _framed(self, query: Query, match: Match) -> Match:
        """``match``, confirmed in the registered picture's own frame, with the share of it that shows something
        else there; or, where that share would accuse it, the same picture found as a detail at another scale.

        A smooth picture's quarter detail correlated 0.853-0.855 with the hashes' 80 % crops at their scale,
        and 0.998 as a detail at its own (half the side): compared at the wrong scale, 4-6 % of it "changed",
        and a faithful copy read ``tampered`` (5 of 34 editions). A detail at its own scale is judged by its
        correlation, as strict as the comparison (a stamp lowers it). A stamped copy found at its right scale
        is found as a detail at that same scale, if at all, and stays judged by what changed.
        """
        measured = self.fingerprints.with_changes(query, match)
        if (measured.changed or 0.0) < FAITHFUL:
            return measured
        detail = self.fingerprints.as_detail(query, match.entry)
        if detail is None or detail.similarity <= measured.similarity:
            return measured
        return detail if abs(detail.scale / max(measured.scale, 1e-6) - 1.0) > OTHER_SCALE else measured

    def _report(
        self,
        name: str,
        verdict: Verdict,
        reasons: list[str],
        c2pa: Channel,
        watermark: Channel,
        fingerprint: Channel,
        ledger: Channel,
        record: EditionRecord | None,
        matches: list[Match],
        check: CertificateCheck | None = None,
        known: WorkManifest | None = None,
    ) -> VerifyReport:
        body = check.body if check is not None and record is None else None
        work_id = record.work_id if record else (matches[0].entry.work_id if matches else c2pa.details.get("work_id"))
        if work_id is None and body is not None:
            work_id = body.work.work_id
        classification = None
        artist = None
        title = None
        if work_id:
            try:
                manifest = known if known is not None and known.work_id == work_id else self.studio.manifest(work_id)
                classification = Classification(
                    category=manifest.classification.category,
                    digital_source_type=manifest.classification.digital_source_type,
                    explanation=manifest.classification.explanation,
                )
                artist, title = manifest.artist["name"], manifest.title
            except (NotFound, ArtproofError):
                pass
        edition: EditionLabel | None = None
        owner = since = revoked_reason = None
        if record is not None:
            edition = EditionLabel(
                number=record.number,
                count=record.count,
                artist_proof=record.artist_proof,
                edition_id=record.edition_id,
            )
            owner = record.owner.name
            since = ledger.details.get("owner_since") or record.issued_at[:10]  # from the chain _ledger walked
            revoked_reason = record.revoked_reason
        elif body is not None and check is not None and verdict in ("authentic_edition", "revoked"):
            edition = EditionLabel(
                number=body.edition.number,
                count=body.edition.count,
                artist_proof=body.edition.artist_proof,
                edition_id=body.edition_id,
            )
            title, artist = title or body.work.title, artist or body.artist.name
            if classification is None:
                c = body.classification or {}
                classification = Classification(
                    **{k: c.get(k) for k in ("category", "digital_source_type", "explanation")}
                )
            first = body.first_owner
            if check.owner_key and check.owner_key == first.key_id:
                owner = f"{first.name} (key {check.owner_key})"  # still the first owner the artist named
            elif check.owner_key:
                owner = f"the holder of key {check.owner_key}"
            elif check.status_checked and check.transfers == 0:
                owner = first.name
            since = None if check.transfers else body.issued_at[:10]
            revoked_reason = (check.revoked or {}).get("reason")
        headline = _headline(
            verdict,
            reasons,
            edition,
            revoked_reason,
            title,
            artist,
            owner,
            since,
            classification,
            c2pa,
            matches,
            watermark,
            certified=check is not None and check.body is not None,
        )
        models = None
        if verdict in ("authentic_edition", "revoked"):
            from artproof.models.cards import certificate_models

            payload = body.document() if body is not None else (record.certificate.payload if record else {})
            models = certificate_models(payload) or None
        return VerifyReport(
            file=name,
            verdict=verdict,
            headline=headline,
            reasons=reasons,
            work_id=work_id if verdict in ("authentic_edition", "registered_work", "revoked", "tampered") else None,
            title=title,
            artist=artist,
            edition=edition,
            owner=owner,
            owner_since=since,
            classification=classification,
            channels={
                "c2pa": c2pa.report(),
                "watermark": watermark.report(),
                "fingerprint": fingerprint.report(),
                "ledger": ledger.report(),
            },
            models=models,
        )


def _serial(value: str) -> int | str:
    """A certificate serial number as a number, whether written in decimal or hex."""
    text = value.strip().lower().removeprefix("0x")
    for base in (10, 16):
        try:
            return int(text, base)
        except ValueError:
            continue
    return text


def _match_json(match: Match) -> dict[str, Any]:
    return {
        "kind": match.entry.kind,
        "ref": match.entry.ref,
        "work_id": match.entry.work_id,
        "variant": match.variant,
        "registered_at": match.entry.registered_at,
        "found_by": match.alignment.method if match.alignment is not None else "hashes",
        **match.evidence(),
    }


def _geometry(match: Match) -> str:
    """'found by 212 agreeing keypoints, turned 3.0 degrees, shown at 0.62x, in perspective' for a local match."""
    assert match.alignment is not None
    t = match.alignment.transform()
    if match.alignment.method == "outline":
        words = ["found by its outline (its four corners in the copy, laid flat)"]
    elif match.alignment.method == "outline+keypoints":
        words = [f"found by its outline laid flat and {match.alignment.inliers} agreeing keypoints there"]
    else:
        words = [f"found by {match.alignment.inliers} agreeing keypoints"]
    if t["mirrored"]:
        words.append("mirrored")
    if abs(t["rotation_deg"]) >= 0.5:
        words.append(f"turned {t['rotation_deg']:+.1f} degrees")
    if abs(t["scale"] - 1) >= 0.02:
        words.append(f"shown at {t['scale']:.2f}x")
    if t["perspective"] >= 0.02:
        words.append("in perspective")
    if match.region < 0.9:
        words.append(f"covering {match.region:.0%} of it")
    return ", ".join(words)


def _headline(
    verdict: str,
    reasons: list[str],
    edition: EditionLabel | None,
    revoked_reason: str | None,
    title: str | None,
    artist: str | None,
    owner: str | None,
    since: str | None,
    classification: Classification | None,
    c2pa: Channel,
    matches: list[Match],
    watermark: Channel | None = None,
    *,
    certified: bool = False,
) -> str:
    """The one line a reader sees first. ``certified``: a certificate came with the file (its own summary
    follows the line), so "unverified" says what this home could not find, not that nothing was found."""
    made = f" {classification.explanation}" if classification and classification.explanation else ""
    if verdict == "authentic_edition" and edition is not None:
        number = (
            f"artist's proof {edition.number}"
            if edition.artist_proof
            else f"edition {edition.number} of {edition.count}"
        )
        held = f", owned by {owner}" + (f" since {since}" if since else "") if owner else " (owner not checked)"
        return f'Authentic: {number} of "{title}" by {artist}{held}.{made}'
    if verdict == "revoked" and edition is not None:
        return f'Revoked: edition {edition.label} of "{title}" was withdrawn by the artist ({revoked_reason}).'
    if verdict == "tampered":
        return "Tampered: " + "; ".join(reasons) + "."
    if verdict == "registered_work":
        if matches:
            m = matches[0]
            if m.alignment is not None:
                return (
                    f'Possible match: a copy of registered {m.entry.kind} {m.entry.ref} ("{title}" by {artist}), '
                    f"{_geometry(m)}; its watermark was not read, so it is not shown to be an issued edition."
                )
            return (
                f'A copy or derivative of registered {m.entry.kind} {m.entry.ref} ("{title}" by {artist}), '
                f"not an issued edition ({m.distance} pHash bits from it)."
            )
        return f'Registered work "{title}" by {artist}, with intact Content Credentials; not an issued edition.'
    if verdict == "external_credentials":
        source = c2pa.details.get("digital_source_type") or "unknown"
        return f"Not registered here; {c2pa.summary}, saying source type {source}."
    nothing = (
        "no watermark read, and not registered in this home"
        if certified
        else "no credentials, mark or registered match"
    )
    note = c2pa.summary if c2pa.status in ("remote", "unreadable") else nothing
    if watermark is not None and watermark.status == "unknown":  # a mark of an edition this home never issued
        note = watermark.summary
    return f"Unverified: {note}. This does not mean it is fake."


def _a_detail_of(ref: str | None, searched: list[Match]) -> bool:
    """Whether this registry confirmed the copy as a detail of ``ref``'s picture: found as a detail, or placed by
    keypoints agreeing over less of it than a whole copy's do (:data:`artproof.verify.likeness.WHOLE`).

    A certificate holds the whole picture's hashes, which a detail's do not match (a quarter: 24-30 bits);
    a demo edition's quarter, given with its own certificate at home, read "a mark copied into another image"
    although the registry had found it as a detail at 0.996.
    """
    return ref is not None and any(
        m.entry.ref == ref and m.confirmed and (m.variant == "detail" or (m.alignment is not None and m.region < WHOLE))
        for m in searched
    )


def _as_read(image: Image.Image, turned: float | None, flipped: bool) -> Image.Image:
    """The copy as its mark was read: turned back by ``turned`` degrees, flipped back when ``flipped``."""
    if turned:
        image = turn_back(image, float(turned))
    return ImageOps.mirror(image) if flipped else image


@dataclass(frozen=True)
class Given:
    """A certificate that came with the file (presented beside it or embedded in it), parsed, not yet checked."""

    document: SignedDocument
    section: dict[str, Any] | None
    source: str


def _claimed(given: Given | CertificateCheck | None) -> tuple[list[int], Features | None]:
    """The watermark payload a genuine certificate says the picture carries ([] when none, or it does not verify),
    and the certified picture's keypoints (None when it carries none).

    Told what to look for, the reader names that edition from a mark too damaged to decode alone
    (a collector's WebP or halved JPEG copy): see :func:`artproof.watermark.code.match`; told where the
    picture is, it reads a photographed print or a detail laid back onto the certified frame.
    """
    if not isinstance(given, Given):
        return [], None
    try:
        body = verify_certificate(given.document)
    except ArtproofError:
        return [], None
    return [parse_edition_id(body.edition_id)], certified_features(body)


def _damage(details: dict[str, Any]) -> str:
    """What a reader should know of a mark too damaged to decode alone, named by the edition it was told to expect."""
    if not details.get("matched_to_editions"):
        return ""
    return (
        f"; damaged ({details.get('corrected_bits')} of 188 bits off), named by matching the expected "
        "edition's code, not decoded alone"
    )
