"""The log on SQLite and PostgreSQL: proofs at every size, duplicates, the fork guard, concurrency, crashes."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import update

from artproof.errors import IntegrityError, InvalidInput
from artproof.ledger.checkpoint import verify_checkpoint
from artproof.ledger.log import Ledger, fold
from artproof.ledger.merkle import leaf_hash, mth, node_hash, verify_consistency, verify_inclusion
from artproof.store.database import open_engine
from artproof.store.tables import ledger_nodes
from tests.integration.ledger_appender import item, signer

ROOT_DIR = Path(__file__).parents[2]


def make_ledger(url: str) -> Ledger:
    return Ledger(open_engine(url), lambda: datetime.now(UTC))


def check_whole_log(ledger: Ledger) -> int:
    """Every leaf, the head, and every signed checkpoint agree; returns the size."""
    size, root = ledger.head()
    leaves = [leaf_hash(d) for d in ledger.entries(0, size)]
    assert len(leaves) == size
    assert mth(leaves) == root == ledger.root_at(size)
    checkpoints = [verify_checkpoint(note, signer().verifier) for _, note in ledger.checkpoints()]
    if not checkpoints:
        assert size == 0
        return 0
    assert checkpoints[-1].size == size and checkpoints[-1].root == root
    # Roots at every checkpointed size, in one pass over the leaves (a right frontier of perfect subtrees).
    wanted = {cp.size for cp in checkpoints}
    roots: dict[int, bytes] = {}
    frontier: list[tuple[int, bytes]] = []
    for n, leaf in enumerate(leaves, start=1):
        height, value = 0, leaf
        while frontier and frontier[-1][0] == height:
            value = node_hash(frontier.pop()[1], value)
            height += 1
        frontier.append((height, value))
        if n in wanted:
            roots[n] = fold([h for _, h in frontier])
    for cp in checkpoints:
        assert roots[cp.size] == cp.root
        verify_consistency(cp.size, size, cp.root, root, ledger.consistency(cp.size, size))
    return size


def test_proofs_at_every_size(database_url: str) -> None:
    ledger = make_ledger(database_url)
    rng = random.Random(7)
    n = 0
    while n < 300:
        batch = rng.randint(1, 40)
        ledger.append([item("p", i) for i in range(n, n + batch)], signer())
        n += batch
    size = check_whole_log(ledger)
    leaves = [leaf_hash(d) for d in ledger.entries(0, size)]
    for tree_size in [1, 2, 3, 7, 8, 9, 64, 100, 255, 256, size]:
        root = mth(leaves[:tree_size])
        for index in {0, tree_size // 2, tree_size - 1}:
            proof = ledger.inclusion(index, tree_size)
            assert len(proof) <= max(0, (tree_size - 1).bit_length())
            verify_inclusion(index, tree_size, leaves[index], proof, root)


def test_duplicates_are_refused_and_nothing_is_appended(database_url: str) -> None:
    ledger = make_ledger(database_url)
    ledger.append([item("d", 0), item("d", 1)], signer())
    with pytest.raises(InvalidInput, match="already in the ledger"):
        ledger.append([item("d", 2), item("d", 1)], signer())
    with pytest.raises(InvalidInput, match="twice in one batch"):
        ledger.append([item("d", 5), item("d", 5)], signer())
    assert ledger.head()[0] == 2
    assert check_whole_log(ledger) == 2


def test_never_signs_a_checkpoint_that_does_not_extend_the_last(database_url: str) -> None:
    ledger = make_ledger(database_url)
    ledger.append([item("f", i) for i in range(4)], signer())
    with ledger.engine.begin() as c:  # damage the stored tree under the log
        c.execute(
            update(ledger_nodes).where(ledger_nodes.c.level == 2, ledger_nodes.c.idx == 0).values(hash=b"\x00" * 32)
        )
    with pytest.raises(IntegrityError, match="refusing to sign"):
        ledger.append([item("f", 4)], signer())
    assert ledger.head()[0] == 4 and len(ledger.checkpoints()) == 1


def _appender(url: str, label: str, count: int, batch: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.integration.ledger_appender", url, label, str(count), str(batch)],
        cwd=ROOT_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_concurrent_appenders_lose_nothing_and_never_fork(database_url: str) -> None:
    make_ledger(database_url)  # migrate once, before the race
    procs = [_appender(database_url, f"w{i}", 60, 1 + i) for i in range(4)]
    acked: list[str] = []
    for p in procs:
        stdout, stderr = p.communicate(timeout=300)
        assert p.returncode == 0, stderr[-2000:]
        acked += [e for line in stdout.splitlines() for e in line.split()[1:]]
    ledger = make_ledger(database_url)
    assert check_whole_log(ledger) == 240 == len(set(acked))
    assert all(ledger.find(e) for e in acked)


def crash_rounds(database_url: str, rounds: int, count: int, batch: int, until: int = 0) -> int:
    """Kill appenders with SIGKILL at random moments; after each restart the log must hold.

    Runs ``rounds`` rounds, and more until the log holds ``until`` entries; returns the number of kills.
    """
    make_ledger(database_url)
    rng = random.Random(11)
    acked: list[str] = []
    sizes: list[int] = []
    r = 0
    while r < rounds or (sizes and sizes[-1] < until):
        r += 1
        proc = _appender(database_url, f"crash{r}", count, batch)
        assert proc.stdout is not None
        first = proc.stdout.readline()  # appends are under way (start-up time varies with load)
        time.sleep(rng.uniform(0.0, 1.5))
        os.kill(proc.pid, signal.SIGKILL)
        rest, _ = proc.communicate(timeout=60)
        stdout = first + rest
        complete = stdout[: stdout.rfind("\n") + 1]  # a line cut by the kill was never acknowledged
        acked += [e for line in complete.splitlines() if line.startswith("ack ") for e in line.split()[1:]]
        ledger = make_ledger(database_url)
        sizes.append(check_whole_log(ledger))  # consistent, and consistent with every earlier checkpoint
        for e in acked:
            ledger.find(e)  # every acknowledged entry is present
    assert sizes == sorted(sizes) and sizes[-1] > 0
    print(f"{r} SIGKILLs, {sizes[-1]:,} entries, {len(acked):,} acknowledged and all present")
    return r


def test_crash_safety_under_sigkill(database_url: str) -> None:
    crash_rounds(database_url, rounds=4, count=100_000, batch=50)


@pytest.mark.stress
def test_crash_safety_stress(database_url: str) -> None:
    """make stress: SIGKILL during appends, round after round, until the log holds 100,000 entries."""
    crash_rounds(database_url, rounds=10, count=100_000, batch=100, until=100_000)
