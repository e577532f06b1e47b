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
from sqlalchemy import create_engine, func, select, text, update

from artproof.errors import IntegrityError, InvalidInput, NotFound
from artproof.ledger.checkpoint import verify_checkpoint
from artproof.ledger.entries import entry_id
from artproof.ledger.log import AppendItem, Ledger, fold
from artproof.ledger.merkle import leaf_hash, mth, node_hash, verify_consistency, verify_inclusion
from artproof.store.database import open_engine
from artproof.store.tables import ledger_entries, ledger_nodes
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


def test_lookups_and_duplicates_across_filled_epochs(database_url: str) -> None:
    """Past 65,536 entries ids and subjects are found in the sealed epoch, and duplicates refused through its filter.

    A batch that fills an epoch and then rolls back must leave no filter behind, in the database or
    in the process: the epoch is filled again by other entries, whose duplicates must still be refused.
    """
    ledger = make_ledger(database_url)
    shared = [
        AppendItem(data=d, entry_id=entry_id(d), kind="work.registered", subject="work-shared")
        for d in (f'{{"shared":{n}}}'.encode() for n in range(3))
    ]
    ledger.append([shared[0]] + [item("e", n) for n in range(30_000)], signer())
    ledger.append([shared[1]] + [item("e", n) for n in range(30_000, 60_000)], signer())

    def fail(_c: object, _indices: list[int]) -> None:
        raise RuntimeError("a record beside the entries could not be written")

    with pytest.raises(RuntimeError):  # this batch would fill epoch 0, then rolls back
        ledger.append([item("gone", n) for n in range(10_000)], signer(), also=fail)
    assert ledger.head()[0] == 60_002
    ledger.append([item("e", n) for n in range(60_000, 70_000)], signer())  # fills epoch 0 with other entries
    ledger.append([shared[2]], signer())
    size = ledger.head()[0]
    assert size == 70_003
    with ledger.engine.connect() as c:
        assert c.exec_driver_sql("SELECT epoch FROM ledger_filters").scalars().all() == [0]

    assert ledger.find(item("e", 5).entry_id).index == 6
    assert ledger.find(item("e", 69_000).entry_id).index == 69_002
    with pytest.raises(NotFound):
        ledger.find(item("gone", 3).entry_id)
    assert [e.index for e in ledger.by_subject("work-shared")] == [0, 30_001, 70_002]
    assert ledger.by_subject("no-such-work") == []
    for fresh in (ledger, make_ledger(database_url)):  # the filter cached, and read back by another process
        for old in (shared[0], item("e", 64_000), item("e", 69_000), shared[2]):  # epoch 0 (sealed), 1 (open)
            with pytest.raises(InvalidInput, match="already in the ledger") as refused:
                fresh.append([item("new", 0), old], signer())
            assert refused.value.value == old.entry_id
    assert ledger.head()[0] == size
    ledger.append([item("gone", n) for n in range(3)], signer())  # once rolled back, now welcome
    assert check_whole_log(ledger) == size + 3


def test_two_sequencers_refuse_each_others_duplicates(database_url: str) -> None:
    """A sequencer keeps the open epoch's ids it wrote; another process appending in between must not fool it.

    Each side's duplicates are refused whether its set is current (the head as it left it), stale
    (the other appended since) or not yet read back (after the other appended, then it did).
    """
    a, b = make_ledger(database_url), make_ledger(database_url)
    a.append([item("a", n) for n in range(10)], signer())
    a.append([item("a", n) for n in range(10, 20)], signer())  # a's own set, current
    with pytest.raises(InvalidInput, match="already in the ledger"):
        a.append([item("a", 99), item("a", 3)], signer())
    b.append([item("b", n) for n in range(10)], signer())  # b: first append, the database answers
    with pytest.raises(InvalidInput, match="already in the ledger") as refused:
        a.append([item("a", 20), item("b", 4)], signer())  # a's set is stale: b appended
    assert refused.value.value == item("b", 4).entry_id
    a.append([item("a", 20)], signer())
    for old in (item("b", 7), item("a", 15), item("a", 20)):  # a's set read back from the database
        with pytest.raises(InvalidInput, match="already in the ledger"):
            a.append([item("a", 21), old], signer())
    with pytest.raises(InvalidInput, match="already in the ledger"):
        b.append([item("b", 10), item("a", 20)], signer())  # b's set is stale: a appended
    b.append([item("b", 10)], signer())
    a.append([item("a", 21)], signer())
    assert a.head()[0] == 33
    assert check_whole_log(a) == 33


def test_a_log_from_before_epochs_is_migrated(database_url: str, tmp_path: Path) -> None:
    """A home at schema 0008 (UNIQUE entry ids, a subject index) keeps its log: found, proven, duplicates refused."""
    from alembic import command

    from artproof.store.database import alembic_config

    config = alembic_config()
    engine = create_engine(database_url)
    with engine.begin() as c:
        config.attributes["connection"] = c  # type: ignore[attr-defined]
        command.upgrade(config, "0008")  # type: ignore[arg-type]
    source = make_ledger(f"sqlite:///{tmp_path / 'new.db'}")  # the same entries, sequenced by today's code
    for start in range(0, 300, 100):
        source.append([item("m", n) for n in range(start, start + 100)], signer())
    with source.engine.connect() as src, engine.begin() as dst:
        dst.execute(text("DELETE FROM ledger_state"))
        for table, columns in (
            ("ledger_entries", ["idx", "entry_id", "kind", "subject", "data"]),
            ("ledger_nodes", ["level", "idx", "hash"]),
            ("ledger_checkpoints", ["size", "note", "created_at"]),
            ("ledger_state", ["id", "size", "root"]),
        ):
            rows = [dict(r._mapping) for r in src.execute(text(f"SELECT {', '.join(columns)} FROM {table}"))]
            marks = ", ".join(f":{c}" for c in columns)
            dst.execute(text(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"), rows)
    engine.dispose()

    ledger = make_ledger(database_url)  # migrates to the newest schema
    assert ledger.find(item("m", 250).entry_id).index == 250
    assert [e.index for e in ledger.by_subject("m-7")] == [7]
    with pytest.raises(InvalidInput, match="already in the ledger"):
        ledger.append([item("m", 10)], signer())
    ledger.append([item("m", 300)], signer())
    assert check_whole_log(ledger) == 301


def test_never_signs_a_checkpoint_that_does_not_extend_the_last(database_url: str) -> None:
    ledger = make_ledger(database_url)
    ledger.append([item("f", i) for i in range(12)], signer())
    stored = select(ledger_nodes.c.hash).where(ledger_nodes.c.level == 3, ledger_nodes.c.idx == 0)
    with ledger.engine.begin() as c:
        assert c.execute(select(func.min(ledger_nodes.c.level))).scalar_one() == 3  # small subtrees not stored
        kept = c.execute(stored).scalar_one()
        # damage a stored node under the log
        c.execute(
            update(ledger_nodes).where(ledger_nodes.c.level == 3, ledger_nodes.c.idx == 0).values(hash=b"\0" * 32)
        )
    with pytest.raises(IntegrityError, match="refusing to sign"):
        ledger.append([item("f", 12)], signer())
    with ledger.engine.begin() as c:  # then an entry whose small subtree is hashed again from the entries
        c.execute(update(ledger_nodes).where(ledger_nodes.c.level == 3, ledger_nodes.c.idx == 0).values(hash=kept))
        c.execute(update(ledger_entries).where(ledger_entries.c.idx == 10).values(data=b"forged"))
    with pytest.raises(IntegrityError, match="refusing to sign"):
        ledger.append([item("f", 12)], signer())
    assert ledger.head()[0] == 12 and len(ledger.checkpoints()) == 1


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
