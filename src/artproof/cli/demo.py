"""``artproof demo``: prints the tour ``make run`` shows a newcomer (the tour itself is artproof.demo)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from artproof.cli.common import progress_bar
from artproof.cli.render import err, out, replay_table, work_panel

__all__ = ["prepare_web_demo", "run_demo"]


def run_demo(output: Path) -> None:
    """Identity, generation, variations, choice, crop, replay, ledger, sealing, editions, and two verdicts."""
    from artproof.demo import DEMO_PASSPHRASE, DEMO_PROMPT, DEMO_SEED, DEMO_STYLE, run_tour

    home = Path(tempfile.mkdtemp(prefix="artproof-demo-"))
    os.environ["ARTPROOF_HOME"] = str(home)  # the 'Try it yourself' commands below use this home
    os.environ["ARTPROOF_PASSPHRASE"] = DEMO_PASSPHRASE
    err.print(f"[dim]demo data in {home} (your own ~/.artproof is untouched)[/dim]")
    t = run_tour(output, progress=progress_bar, home=home)
    o = t.output
    out.print(f"1. identity [bold]{t.identity.name}[/bold], key {t.identity.key_id}")
    out.print(
        f"2. created '{t.created.title}' ({t.work_id}) from prompt '{DEMO_PROMPT}', seed {DEMO_SEED}: "
        f"a canvas painted by a trained network (style {DEMO_STYLE})"
    )
    out.print(f"3. 8 candidates c1..c8 (contact sheet: {o / 'candidates.png'})")
    out.print("4. chose c3 (recorded as a human decision)")
    out.print(f"5. cropped to 900x900 (master: {o / 'master.png'})\n")
    work_panel(t.manifest)
    replay_table(t.replay)
    out.print(
        f"\n6. registered in the transparency ledger as entry {t.registration.index} "
        f"({t.proof.origin}, size {t.proof.tree_size}); inclusion proof {o / 'proof.json'} checked: "
        f"valid. Anyone can check it offline: "
        f"artproof ledger check {o / 'proof.json'} --log-key {o / 'log.pub'}"
    )
    out.print(f"7. sealed with Content Credentials ({t.sealed_state}): {t.sealed_file}")
    out.print(f"8. issued {len(t.issued.editions)} watermarked, sealed files with certificates into {t.issued.folder}")
    out.print(
        f"9. a marketplace copy ({t.copy}: cropped to 85%, JPEG q70, metadata stripped) verifies as "
        f"[bold]{t.verdict.verdict}[/bold]: {t.verdict.headline} (edition id {t.copy_edition_id})",
        soft_wrap=True,
    )
    out.print(
        f"10. published the log as a static mirror ({t.published.directory}, size {t.published.size}); a collector "
        f"in an empty home, with only the copy, its certificate and the mirror, reads "
        f"[bold]{t.collector_verdict.verdict}[/bold]: {t.collector_verdict.headline}",
        soft_wrap=True,
    )
    out.print(
        f"\nTry it yourself: export ARTPROOF_HOME={home} ARTPROOF_PASSPHRASE='{DEMO_PASSPHRASE}'; "
        f"artproof work show {t.work_id}; artproof verify {t.copy}",
        soft_wrap=True,
    )
    out.print(
        f"As a collector: ARTPROOF_HOME=$(mktemp -d) artproof verify {t.copy} --certificate {t.certificate} "
        f"--mirror {o / 'mirror'}",
        soft_wrap=True,
    )


def prepare_web_demo(home: Path) -> None:
    """The registry's demo content (once), then what to type and whom to sign in as."""
    from artproof.demo_registry import DEMO_ACCOUNTS, OPERATOR_PASSPHRASE, prepare_registry

    demo = prepare_registry(home, progress=lambda message: err.print(f"[dim]{message}[/dim]"))
    state = "prepared" if demo.prepared_now else "already prepared"
    out.print(
        f"demo registry {state} in {demo.home}: {len(demo.works)} registered works, {len(demo.edition_ids)} "
        f"editions, the exhibition /exhibitions/{demo.exhibition}"
    )
    for username, (name, role, password) in DEMO_ACCOUNTS.items():
        out.print(f"  sign in as {username} / {password}  ({name}, {role})")
    out.print(
        f"serve it: ARTPROOF_HOME={demo.home} ARTPROOF_PASSPHRASE='{OPERATOR_PASSPHRASE}' artproof serve",
        soft_wrap=True,
    )
