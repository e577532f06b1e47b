"""What looking for a detail costs a picture nobody registered, under three rules, side by side (issue 16).

When keypoints place nothing, the registry searches the copy as a detail of some shortlisted works
(a correlation at every scale and place: 30-60 ms a work). Which works:

- ``first three`` (the anchor): the keypoint shortlist's first three, whatever they hold;
- ``screen``: the three that hold the copy best at a coarse size (64 px; 3 ms a work), which finds
  details whose work keypoints rank lower;
- ``screen + floor`` (the registry's rule): of those, only works that hold it at least
  ``DETAIL_FLOOR`` at the screen.

Each never-registered picture (``fingerprint_copies.picture(i, held_out=True)``) is searched once
per rule, the rules in turn (their order rotated picture by picture) and the registry's cache of
finer descriptions emptied before each search, as in a fresh ``verify``. Reports search time and
full detail searches per picture.

Needs the registry ``fingerprint_copies.py --keep DIR`` made (2,000 pictures by default).

Run: OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/detail_screen.py --registry DIR
     [--first 7000] [--pictures 16] [--write]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from results import write_section

sys.path.insert(0, str(Path(__file__).parent))
from fingerprint_copies import picture

from artproof.fingerprint import registry as registry_module
from artproof.fingerprint.registry import DETAIL_FLOOR, FingerprintRegistry, Query
from artproof.store.blobs import BlobStore
from artproof.store.database import open_engine

Rule = Callable[..., list[str]]
SCREEN_AND_FLOOR: Rule = FingerprintRegistry._likely_details


def screen_only(self: Any, query: Any, groups: dict[str, Any], screened: dict[str, float]) -> list[str]:
    """The screen without the floor: every screened work, best first."""
    SCREEN_AND_FLOOR(self, query, groups, screened)
    return sorted((work for work in groups if work in screened), key=lambda work: -screened[work])


def first_three(self: Any, query: Any, groups: dict[str, Any], screened: dict[str, float]) -> list[str]:
    """The anchor: the shortlist's order, nothing screened."""
    return list(groups)


RULES: dict[str, Rule] = {"first three": first_three, "screen": screen_only, "screen + floor": SCREEN_AND_FLOOR}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--registry", type=Path, required=True, help="a folder fingerprint_copies.py --keep made")
    parser.add_argument("--first", type=int, default=7000, help="the first never-registered picture's number")
    parser.add_argument("--pictures", type=int, default=16)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    if not (args.registry / "fp.db").exists():
        parser.error(f"{args.registry} holds no registry: run fingerprint_copies.py --keep {args.registry} first")
    registry = FingerprintRegistry(
        open_engine(f"sqlite:///{args.registry / 'fp.db'}"), BlobStore(args.registry / "blobs")
    )
    searched: list[str] = []
    detail = FingerprintRegistry._detail

    def counted(self: Any, query: Any, group: list[Any]) -> Any:
        searched.append(group[0].work_id)
        return detail(self, query, group)

    registry_module.FingerprintRegistry._detail = counted  # type: ignore[method-assign]
    pictures = [picture(i, held_out=True)[1] for i in range(args.first, args.first + args.pictures)]
    registry.search(Query.of(pictures[0]))  # warm: the shortlist loaded, the code paths imported
    times: dict[str, list[float]] = {name: [] for name in RULES}
    full: dict[str, list[int]] = {name: [] for name in RULES}
    confirmed = dict.fromkeys(RULES, 0)
    names = list(RULES)
    for n, image in enumerate(pictures):
        for name in names[n % 3 :] + names[: n % 3]:
            registry_module.FingerprintRegistry._likely_details = RULES[name]  # type: ignore[method-assign]
            registry._fine_cache.clear()
            searched.clear()
            start = time.perf_counter()
            matches = registry.search(Query.of(image))
            times[name].append(time.perf_counter() - start)
            full[name].append(len(searched))
            confirmed[name] += any(m.confirmed for m in matches)
        print(n, {k: round(v[-1] * 1000) for k, v in times.items()}, file=sys.stderr, flush=True)
    rows = [
        f"| {name} | {statistics.median(times[name]) * 1000:.0f} ms | {statistics.mean(times[name]) * 1000:.0f} ms | "
        f"{sum(full[name]) / len(pictures):.1f} | {confirmed[name]} |"
        for name in RULES
    ]
    lines = [
        "## Looking for a detail in a picture nobody registered (issue 16)",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"{datetime.now(UTC).date().isoformat()}.",
        f"Command: `OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/detail_screen.py --registry DIR "
        f"--first {args.first} --pictures {args.pictures} --write` (DIR: `fingerprint_copies.py --keep DIR`'s "
        "registry of 2,000).",
        "",
        f"{args.pictures} never-registered pictures (numbers {args.first}-{args.first + args.pictures - 1}), each "
        "searched once per rule, the rules in turn, the cache of finer descriptions emptied before each search. "
        f"Floor: {DETAIL_FLOOR} at the 64-px screen.",
        "",
        "| works searched as holding a detail | search p50 | mean | full detail searches per picture | confirmed |",
        "|---|---|---|---|---|",
        *rows,
    ]
    print(write_section("detail-screen", lines) if args.write else "\n".join(lines))


if __name__ == "__main__":
    main()
