"""The demo tour ``make run`` shows a newcomer: every step of the flow, in a fresh temporary home.

Identity, generation, eight variations, a human choice, a crop, replay, the ledger, sealing,
five editions and an artist's proof, a marketplace copy verified in the artist's home, the log
published as a static mirror, and the same copy verified by a collector in an empty home. The
tour returns what it made (``DemoTour``) and the shell prints it; the web app seeds its demo
content with the same function.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from artproof.editions.service import IssueResult, slug
from artproof.ledger.mirror import PublishResult
from artproof.ledger.results import ProofCheck
from artproof.provenance.model import WorkManifest
from artproof.provenance.replay import StepReplay
from artproof.seal.registry import Registration
from artproof.services import Services, build_services
from artproof.settings import Settings
from artproof.store.repository import IdentityRecord
from artproof.verify.report import VerifyReport

__all__ = ["DEMO_PASSPHRASE", "DEMO_PROMPT", "DEMO_SEED", "DEMO_STYLE", "DemoTour", "run_tour"]

DEMO_PASSPHRASE = "demo passphrase"
DEMO_PROMPT = "tidal dusk, copper and ink"
DEMO_SEED = 42
DEMO_STYLE = 19  # a trained painting style: the first picture a newcomer sees looks like a painting

Progress = Callable[[str], AbstractContextManager[Callable[[float], None]]]


@dataclass(frozen=True)
class DemoTour:
    home: Path  # the artist's temporary home
    output: Path
    identity: IdentityRecord
    created: WorkManifest  # as generated
    manifest: WorkManifest  # after the variations, the choice and the crop
    replay: list[StepReplay]
    registration: Registration
    proof: ProofCheck
    sealed_file: str
    sealed_state: str | None
    issued: IssueResult
    copy: Path  # the marketplace copy: cropped, re-encoded, metadata stripped
    copy_edition_id: str
    verdict: VerifyReport  # in the artist's home
    published: PublishResult
    certificate: Path
    collector_verdict: VerifyReport  # in an empty home, with the certificate and the mirror

    @property
    def work_id(self) -> str:
        return self.manifest.work_id


def _no_progress(_label: str) -> AbstractContextManager[Callable[[float], None]]:
    return nullcontext(lambda _fraction: None)


def run_tour(output: Path, *, progress: Progress = _no_progress, home: Path | None = None) -> DemoTour:
    """Run the whole flow in ``home`` (a new temporary one by default); the products go in ``output``.

    A new run replaces what the last one made in ``output`` (its editions and mirror folders).
    """
    home = home or Path(tempfile.mkdtemp(prefix="artproof-demo-"))
    for product in ("editions", "mirror"):
        shutil.rmtree(output / product, ignore_errors=True)
    output.mkdir(parents=True, exist_ok=True)
    svc = build_services(Settings.from_env({"ARTPROOF_HOME": str(home)}))
    return _tour(svc, home, output, progress)


def _tour(svc: Services, home: Path, output: Path, progress: Progress) -> DemoTour:
    secret = DEMO_PASSPHRASE
    me = svc.identities.init("Demo Studio", secret)
    with progress("generating 1024x1024") as tick:
        created = svc.studio.create(
            engine="neural", prompt=DEMO_PROMPT, seed=DEMO_SEED, size="1024x1024", title=None, passphrase=secret,
            progress=tick, style=DEMO_STYLE,
        )  # fmt: skip
    work_id = created.work_id
    with progress("8 variations") as tick:
        varied = svc.studio.vary(work_id, count=8, seed=7, strength=None, passphrase=secret, progress=tick)
    svc.studio.load_image(varied.steps[-1].output).save(output / "candidates.png")
    svc.studio.select(work_id, "c3", passphrase=secret)
    manifest = svc.studio.edit(work_id, "edit.crop", {"box": [62, 62, 962, 962]}, passphrase=secret)
    svc.studio.load_image(manifest.master).save(output / "master.png")
    _, replayed = svc.studio.replay(work_id)
    registration = svc.registry.register_work(work_id, secret)
    bundle = svc.ledger.bundle(svc.ledger.resolve(work_id))
    (output / "proof.json").write_text(json.dumps(bundle.to_json(), indent=2) + "\n")
    (output / "log.pub").write_text(svc.ledger.verifier().vkey() + "\n")
    checked = svc.ledger.check(bundle)
    sealed = svc.sealing.seal(work_id, output / "sealed.png", force=True, passphrase=secret)
    with progress("issuing 5 editions + 1 artist's proof") as tick:
        issued = svc.editions.issue(
            work_id, output / "editions", count=5, proofs=1, licence_id="display-only", passphrase=secret,
            progress=lambda done, total: tick(done / total),
        )  # fmt: skip
    third = next(e for e in issued.editions if e.number == 3 and not e.artist_proof)
    stem = slug(manifest.title, work_id) + "-3of5"
    picture = Image.open(output / "editions" / f"{stem}.png").convert("RGB")
    copy = output / "marketplace-copy.jpg"  # what a marketplace makes of it: cropped, re-encoded, no metadata
    picture.crop((0, 0, int(picture.width * 0.85), picture.height)).save(copy, quality=70)
    verdict = svc.verifier.verify(copy.read_bytes(), copy.name)
    published = svc.ledger.publish(output / "mirror", svc.credentials.registry_ca_pem())
    certificate = output / "editions" / f"{stem}.coa.json"
    collector = build_services(Settings.from_env({"ARTPROOF_HOME": str(home.parent / (home.name + "-collector"))}))
    theirs = collector.verifier.verify(
        copy.read_bytes(), copy.name, certificate.read_bytes(), mirror=str(output / "mirror")
    )
    return DemoTour(
        home=home, output=output, identity=me, created=created, manifest=manifest, replay=replayed,
        registration=registration, proof=checked, sealed_file=sealed.file, sealed_state=sealed.validation_state,
        issued=issued, copy=copy, copy_edition_id=third.edition_id, verdict=verdict, published=published,
        certificate=certificate, collector_verdict=theirs,
    )  # fmt: skip
