"""The web registry's demo content, which ``make run`` prepares once before ``artproof serve``.

An operator identity (the registry itself: it signs the log and is the signing CA), an artist
account and a collector account, each with its own key; three works made with the neural and
pattern engines, one of them varied, chosen, described, sealed and issued as an edition of 5
plus an artist's proof, edition 1 sold to the collector; and a short published exhibition. It
all goes through the same services the pages call, acting as each account, so the demo is the
story a visitor then reads in the browser. Prepared into a fresh folder, marked ready at the end:
a run interrupted halfway is started again from nothing.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from artproof.errors import ConfigError
from artproof.services import Services, build_services
from artproof.settings import Settings

__all__ = ["DEMO_ACCOUNTS", "OPERATOR_PASSPHRASE", "RegistryDemo", "prepare_registry"]

OPERATOR_PASSPHRASE = "demo registry passphrase"
MARK, READY = ".artproof-demo", ".artproof-demo-ready"
DEMO_ACCOUNTS = {
    "ada": ("Ada Okonkwo", "artist", "ada-demo-password"),
    "grace": ("Grace Hopper Gallery", "collector", "grace-demo-password"),
}
WORKS = (
    # prompt, engine, style, seed, title, series, year, statement
    ("tidal dusk, copper and ink", "neural", 19, 42, "Tidal Dusk", "Low Water", 2026,
     "The hour when the estuary empties and the mud holds the sky.\n\nMade with a network trained on paintings; "
     "I chose the third of eight variations and cropped nothing."),
    ("salt marsh at first light", "neural", 7, 7, "Salt Marsh, First Light", "Low Water", 2026,
     "A study for the series: the same seed family, a cooler palette."),
    ("night garden, lattice and moss", "cppn", None, 3, "Night Garden", "", 2025,
     "A pattern network's drawing, kept as it came: no trained model touched it."),
)  # fmt: skip


@dataclass(frozen=True)
class RegistryDemo:
    home: Path
    prepared_now: bool
    works: list[str]
    edition_ids: list[str]
    exhibition: str


def prepare_registry(home: Path, progress: Callable[[str], None] = lambda _m: None) -> RegistryDemo:
    """The demo registry in ``home``, prepared unless it is already there (then read back)."""
    if (home / READY).exists():
        svc = build_services(Settings.from_env({"ARTPROOF_HOME": str(home)}))
        works = [w.work_id for w in svc.gallery.works()]
        editions = [e.edition_id for e in svc.edition_store.all()]
        shows = svc.exhibitions.list()
        return RegistryDemo(home, False, works, editions, shows[0].slug if shows else "")
    if home.exists() and any(home.iterdir()):
        if not (home / MARK).exists():
            raise ConfigError(
                "the demo's folder holds something that is not the demo", value=str(home), hint="move it away"
            )
        shutil.rmtree(home)  # an earlier run stopped halfway: start again
    home.mkdir(parents=True, exist_ok=True)
    (home / MARK).write_text("made by artproof's demo; safe to delete\n")
    svc = build_services(Settings.from_env({"ARTPROOF_HOME": str(home)}))
    svc.identities.init("artproof demo registry", OPERATOR_PASSPHRASE)
    svc.identities.operator_passphrase = OPERATOR_PASSPHRASE
    for username, (name, role, password) in DEMO_ACCOUNTS.items():
        svc.accounts.sign_up(username, name, password, role)
    demo = _story(svc, home, progress)
    (home / READY).write_text("ready\n")
    return demo


def _story(svc: Services, home: Path, progress: Callable[[str], None]) -> RegistryDemo:
    ada = svc.accounts.get("ada")
    secret = DEMO_ACCOUNTS["ada"][2]
    works, edition_ids = [], []
    with svc.identities.acting_as(svc.identities.get(ada.key_id)):
        for n, (prompt, engine, style, seed, title, series, year, statement) in enumerate(WORKS):
            progress(f"making “{title}” ({engine} engine)")
            made = svc.studio.create(
                engine=engine, prompt=prompt, seed=seed, size="1024x1024", title=title, passphrase=secret,
                style=style,
            )  # fmt: skip
            work_id = made.work_id
            if n == 0:
                progress("8 variations, and a choice")
                svc.studio.vary(work_id, count=8, seed=7, strength=None, passphrase=secret)
                svc.studio.select(work_id, "c3", passphrase=secret)
            svc.studio.describe(
                work_id, title=title, series=series, year=year, statement=statement,
                medium="pigment print on cotton rag" if n == 0 else "", passphrase=secret,
            )  # fmt: skip
            progress(f"sealing and registering “{title}”")
            revision = svc.studio.resolve(work_id).revision
            svc.sealing.seal(
                work_id, home / "web" / "sealed" / f"{work_id}-r{revision}.png", force=True, passphrase=secret
            )
            works.append(work_id)
        progress("issuing an edition of 5 and an artist's proof")
        issued = svc.editions.issue(
            works[0], home / "web" / "editions" / works[0], count=5, proofs=1, licence_id="display-only",
            passphrase=secret,
        )  # fmt: skip
        edition_ids = [e.edition_id for e in issued.editions]
        first = next(e for e in issued.editions if e.number == 1 and not e.artist_proof)
        progress("selling edition 1 to the collector")
        svc.ownership.transfer(
            first.edition_id, svc.accounts.party("grace"), price="1200", currency="EUR", passphrase=secret
        )
    progress("hanging an exhibition")
    show = svc.exhibitions.create(
        "Low Water",
        "Two pictures from a series about estuaries at the ebb, made with a trained painting network and "
        "then chosen, by hand, from among its variations.\n\nEach carries its own record: open a work to see "
        "every step, the human decisions among them, and its entry in the public ledger.",
        "ada",
    )
    svc.exhibitions.add(show.slug, works[0], "The first of the series; the third of eight variations.", "ada")
    svc.exhibitions.add(show.slug, works[1], "A cooler study, from a neighbouring seed.", "ada")
    svc.exhibitions.publish(show.slug, "ada")
    return RegistryDemo(home, True, works, edition_ids, show.slug)
