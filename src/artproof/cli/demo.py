"""``artproof demo``: the tour ``make run`` shows a newcomer, in a fresh temporary home."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

from PIL import Image

from artproof.cli.common import progress_bar, services
from artproof.cli.render import err, out, replay_table, work_panel
from artproof.editions.service import slug
from artproof.services import build_services
from artproof.settings import Settings

__all__ = ["run_demo"]


def run_demo(output: Path) -> None:
    """Identity, generation, variations, choice, crop, replay, ledger, sealing, editions, and two verdicts."""
    home = Path(tempfile.mkdtemp(prefix="artproof-demo-"))
    for product in ("editions", "mirror"):  # the demo's own folder: a new run replaces what the last one made
        shutil.rmtree(output / product, ignore_errors=True)
    os.environ["ARTPROOF_HOME"] = str(home)
    os.environ["ARTPROOF_PASSPHRASE"] = "demo passphrase"
    svc = services()
    err.print(f"[dim]demo data in {home} (your own ~/.artproof is untouched)[/dim]")
    me = svc.identities.init("Demo Studio", "demo passphrase")
    out.print(f"1. identity [bold]{me.name}[/bold], key {me.key_id}")
    with progress_bar("generating 1024x1024") as tick:
        manifest = svc.studio.create(
            engine="cppn",
            prompt="tidal dusk, copper and ink",
            seed=42,
            size="1024x1024",
            title=None,
            passphrase="demo passphrase",
            progress=tick,
        )
    work_id = manifest.work_id
    out.print(f"2. created '{manifest.title}' ({work_id}) from prompt 'tidal dusk, copper and ink', seed 42")
    with progress_bar("8 variations") as tick:
        manifest = svc.studio.vary(work_id, count=8, seed=7, strength=None, passphrase="demo passphrase", progress=tick)
    output.mkdir(parents=True, exist_ok=True)
    svc.studio.load_image(manifest.steps[-1].output).save(output / "candidates.png")
    out.print(f"3. 8 candidates c1..c8 (contact sheet: {output / 'candidates.png'})")
    svc.studio.select(work_id, "c3", passphrase="demo passphrase")
    out.print("4. chose c3 (recorded as a human decision)")
    manifest = svc.studio.edit(work_id, "edit.crop", {"box": [62, 62, 962, 962]}, passphrase="demo passphrase")
    svc.studio.load_image(manifest.master).save(output / "master.png")
    out.print(f"5. cropped to 900x900 (master: {output / 'master.png'})\n")
    work_panel(manifest)
    _, results = svc.studio.replay(work_id)
    replay_table(results)
    registration = svc.registry.register_work(work_id, "demo passphrase")
    bundle = svc.ledger.bundle(svc.ledger.resolve(work_id))
    (output / "proof.json").write_text(json.dumps(bundle.to_json(), indent=2) + "\n")
    (output / "log.pub").write_text(svc.ledger.verifier().vkey() + "\n")
    checked = svc.ledger.check(bundle)
    out.print(
        f"\n6. registered in the transparency ledger as entry {registration.index} "
        f"({checked.origin}, size {checked.tree_size}); inclusion proof {output / 'proof.json'} checked: "
        f"valid. Anyone can check it offline: "
        f"artproof ledger check {output / 'proof.json'} --log-key {output / 'log.pub'}"
    )
    sealed = svc.sealing.seal(work_id, output / "sealed.png", force=True, passphrase="demo passphrase")
    out.print(f"7. sealed with Content Credentials ({sealed.validation_state}): {sealed.file}")
    with progress_bar("issuing 5 editions + 1 artist's proof") as tick:
        issued = svc.editions.issue(
            work_id,
            output / "editions",
            count=5,
            proofs=1,
            licence_id="display-only",
            passphrase="demo passphrase",
            progress=lambda done, total: tick(done / total),
        )
    out.print(f"8. issued {len(issued.editions)} watermarked, sealed files with certificates into {issued.folder}")
    third = next(e for e in issued.editions if e.number == 3 and not e.artist_proof)
    picture = Image.open(output / "editions" / f"{slug(manifest.title, work_id)}-3of5.png").convert("RGB")
    copy = output / "marketplace-copy.jpg"  # what a marketplace makes of it: cropped, re-encoded, no metadata
    picture.crop((0, 0, int(picture.width * 0.85), picture.height)).save(copy, quality=70)
    verdict = svc.verifier.verify(copy.read_bytes(), copy.name)
    out.print(
        f"9. a marketplace copy ({copy}: cropped to 85%, JPEG q70, metadata stripped) verifies as "
        f"[bold]{verdict.verdict}[/bold]: {verdict.headline} (edition id {third.edition_id})",
        soft_wrap=True,
    )
    published = svc.ledger.publish(output / "mirror", svc.credentials.registry_ca_pem())
    certificate = output / "editions" / f"{slug(manifest.title, work_id)}-3of5.coa.json"
    collector = build_services(Settings.from_env({"ARTPROOF_HOME": str(home.parent / (home.name + "-collector"))}))
    theirs = collector.verifier.verify(
        copy.read_bytes(), copy.name, certificate.read_bytes(), mirror=str(output / "mirror")
    )
    out.print(
        f"10. published the log as a static mirror ({published.directory}, size {published.size}); a collector "
        f"in an empty home, with only the copy, its certificate and the mirror, reads "
        f"[bold]{theirs.verdict}[/bold]: {theirs.headline}",
        soft_wrap=True,
    )
    out.print(
        f"\nTry it yourself: export ARTPROOF_HOME={home} ARTPROOF_PASSPHRASE='demo passphrase'; "
        f"artproof work show {work_id}; artproof verify {copy}",
        soft_wrap=True,
    )
    out.print(
        f"As a collector: ARTPROOF_HOME=$(mktemp -d) artproof verify {copy} --certificate {certificate} "
        f"--mirror {output / 'mirror'}",
        soft_wrap=True,
    )
