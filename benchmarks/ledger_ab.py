"""The sequencer's cheap levers, each measured against the code without it, interleaved in one run.

On this machine (a VM on two cores) the same ledger benchmark gave 21,972 and 27,111 appends/s over
the last 100k of 1M on two idle runs an hour apart: the disk's speed moves more than a lever does.
So the variants here append the same batches to their own logs in turn, batch by batch, and the
noise falls on all of them alike:

- ``previous``: the sequencer before: the open epoch's ids looked up in the database for every
  batch (5,000 index seeks), the lookup rows inserted in entry order;
- ``current``: the ids this sequencer wrote kept in memory while the head is as it left it
  (``artproof.ledger.lookup.OpenTerms``);
- ``key order``: that, and the lookup rows inserted in key order (not kept: +5 % in one run, -3 %
  in another; kept here to be measured again);
- ``seal before``: the current sequencer, but sealing a filled epoch as before 2026-12-03 (its
  65,536 ids read through SQLAlchemy row by row with LIKE, their hex parsed one ``int`` at a time);
  one seal falls in every 65,536 entries, one of them in the last 100k of a million.

Run: .venv/bin/python benchmarks/ledger_ab.py [--entries 2000000] [--write]
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from ledger import BATCH, items, signer
from results import write_section

from artproof.ledger import log as ledger_log
from artproof.ledger import lookup as ledger_lookup
from artproof.ledger.log import Ledger
from artproof.ledger.lookup import FILTER_BITS, PROBES, OpenTerms, id_terms, probes, rows_for
from artproof.store.database import open_engine


class _Forgetful(OpenTerms):
    """Never keeps what it wrote: every batch's open-epoch lookup goes to the database (the previous code)."""

    def committed(self, size: int, root: bytes, new_size: int, new_root: bytes, terms: Sequence[str]) -> None:
        return None


def _key_order(start: int, ids: Sequence[str], subjects: Sequence[str | None]) -> list[tuple[int, str, int]]:
    """The lookup rows in key order, so the inserts walk the open epoch's subtree once, left to right."""
    return sorted(rows_for(start, ids, subjects))


def _id_terms_before(c: Any, epoch: int) -> list[str]:
    rows = c.exec_driver_sql("SELECT term FROM ledger_lookup WHERE epoch = ? AND term LIKE ?", (epoch, "i:%"))
    return [str(term) for (term,) in rows]


def _probes_before(terms: Sequence[str]) -> np.ndarray:
    values = np.array([int(t[2:], 16) for t in terms], dtype=np.uint64).reshape(-1, 1)
    h1, h2 = values >> np.uint64(32), (values & np.uint64(0xFFFFFFFF)) | np.uint64(1)
    k = np.arange(PROBES, dtype=np.uint64).reshape(1, -1)
    return ((h1 + k * h2) & np.uint64((1 << FILTER_BITS) - 1)).astype(np.int64)


VARIANTS = ("previous", "current", "key order", "seal before")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=2_000_000)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    work = Path(tempfile.mkdtemp(prefix="artproof-bench-"))
    logs = {}
    for n, name in enumerate(VARIANTS):
        logs[name] = Ledger(open_engine(f"sqlite:///{work / f'{n}.db'}"), lambda: datetime.now(UTC))
    logs["previous"]._open = _Forgetful()
    sign = signer()
    spent: dict[str, list[float]] = {name: [] for name in VARIANTS}
    done = 0
    try:
        while done < args.entries:
            batch = items(done, BATCH)
            turn = done // BATCH % len(VARIANTS)  # each goes first in turn: none always follows another's flush
            for name in VARIANTS[turn:] + VARIANTS[:turn]:
                setattr(ledger_log, "rows_for", _key_order if name == "key order" else rows_for)  # noqa: B010
                before = name == "seal before"
                setattr(ledger_lookup, "id_terms", _id_terms_before if before else id_terms)  # noqa: B010
                setattr(ledger_lookup, "probes", _probes_before if before else probes)  # noqa: B010
                started = time.perf_counter()
                logs[name].append(batch, sign)
                spent[name].append(time.perf_counter() - started)
            done += BATCH
            if done % 500_000 == 0:
                rates = {name: round(500_000 / sum(spent[name][-100:])) for name in VARIANTS}
                print(f"  {done:>9,} entries: appends/s over the last 500k {rates}", file=sys.stderr)
    finally:
        setattr(ledger_log, "rows_for", rows_for)  # noqa: B010
        setattr(ledger_lookup, "id_terms", id_terms)  # noqa: B010
        setattr(ledger_lookup, "probes", probes)  # noqa: B010
        shutil.rmtree(work, ignore_errors=True)
    tail = len(spent["current"]) // 4  # the last quarter of the run
    lines = [
        "## Ledger: the sequencer's levers, interleaved",
        "",
        f"- machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"load average {load:.2f} at the start",
        f"- date: {datetime.now(UTC).date().isoformat()}",
        f"- command: `.venv/bin/python benchmarks/ledger_ab.py --entries {args.entries} --write`",
        f"- {len(VARIANTS)} logs on SQLite (WAL, synchronous=FULL) get the same batches of {BATCH} in turn (each "
        "first in turn), so the disk's changing speed falls on all alike; the time is `Ledger.append` alone; "
        "`seal before`: the current sequencer sealing each filled epoch (65,536 entries) as before 2026-12-03, "
        "its ids read through SQLAlchemy row by row with LIKE and their hex parsed one at a time",
        "",
        f"| sequencer | appends/s over {args.entries:,} | appends/s over the last quarter | against previous |",
        "|---|---|---|---|",
    ]
    base = sum(spent["previous"][-tail:])
    for name in VARIANTS:
        whole = len(spent[name]) * BATCH / sum(spent[name])
        last = tail * BATCH / sum(spent[name][-tail:])
        lines.append(f"| {name} | {whole:,.0f} | {last:,.0f} | {base / sum(spent[name][-tail:]) - 1:+.1%} |")
    print("\n".join(lines))
    if args.write:
        write_section("ledger-ab", lines)


if __name__ == "__main__":
    main()
