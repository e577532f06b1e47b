"""The log: one sequencer appending batches, and readers answering proofs.

Storage holds the hash of every perfect subtree of ``2**LOWEST_STORED`` leaves or
more (``ledger_nodes``: level, index), so the hash of any range a proof needs
folds from at most log2(n) + 1 nodes, fetched in one query: a proof at any size
costs O(log n) reads. Smaller subtrees (at most 7 leaves a range) are hashed
again from their entries when asked for: storing them was seven node rows in
every eight and the largest share of an append's inserts.

An append is one transaction: it first takes the write lock (an update of the
single ``ledger_state`` row, which SQLite and PostgreSQL both serialise), then
reads the head and the right frontier, refuses duplicates, writes entries and
new nodes, checks that the new tree is consistent with the last signed
checkpoint, signs the new checkpoint and moves the head. A crash at any point
leaves the previous state; two processes appending at once are serialised, so
the tree never forks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Connection, Engine, func, insert, select, update
from sqlalchemy.exc import OperationalError

from artproof.errors import IntegrityError, InvalidInput, NotFound
from artproof.ledger.checkpoint import Checkpoint, NoteVerifier, verify_checkpoint
from artproof.ledger.lookup import (
    EpochFilters,
    OpenTerms,
    epochs_of,
    find_pairs,
    find_terms,
    id_term,
    rows_for,
    subject_term,
)
from artproof.ledger.merkle import (
    EMPTY_ROOT,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    mth,
    node_hash,
    range_nodes,
    verify_consistency,
)
from artproof.store.database import busy_error
from artproof.store.tables import (
    ledger_checkpoints,
    ledger_cosignatures,
    ledger_entries,
    ledger_nodes,
    ledger_openings,
    ledger_state,
)

__all__ = ["AppendItem", "Ledger", "LogSigner", "StoredEntry"]

_CHUNK = 400  # keys per IN (...) query, under SQLite's variable limit
LOWEST_STORED = 3  # subtrees of fewer than 8 leaves are hashed from their entries, not stored


@dataclass(frozen=True, slots=True)
class AppendItem:
    data: bytes  # the leaf data: a canonical signed entry
    entry_id: str
    kind: str
    subject: str | None = None
    openings: dict[str, str] = field(default_factory=dict)  # field -> Opening JSON, kept off the log


@dataclass(frozen=True, slots=True)
class StoredEntry:
    index: int
    entry_id: str
    kind: str
    subject: str | None
    data: bytes


@dataclass(frozen=True, slots=True)
class LogSigner:
    """The log's identity: its origin (also the key name) and a checkpoint signing function."""

    origin: str
    verifier: NoteVerifier
    sign: Callable[[Checkpoint], str]


def frontier_keys(size: int) -> list[tuple[int, int]]:
    """The perfect subtrees (level, index) that make up a tree of ``size`` leaves, left to right."""
    keys, offset = [], 0
    for level in range(size.bit_length() - 1, -1, -1):
        if size >> level & 1:
            keys.append((level, offset >> level))
            offset += 1 << level
    return keys


def fold(hashes: Sequence[bytes]) -> bytes:
    """Merkle root from perfect-subtree hashes, left to right (largest first)."""
    if not hashes:
        return EMPTY_ROOT
    acc = hashes[-1]
    for h in reversed(hashes[:-1]):
        acc = node_hash(h, acc)
    return acc


class Ledger:
    def __init__(self, engine: Engine, clock: Callable[[], datetime]) -> None:
        self.engine = engine
        self.clock = clock
        self._filters = EpochFilters()
        self._open = OpenTerms()

    # reading ------------------------------------------------------------

    def head(self) -> tuple[int, bytes]:
        with self.engine.connect() as c:
            row = c.execute(select(ledger_state.c.size, ledger_state.c.root).where(ledger_state.c.id == 1)).one()
        return int(row.size), bytes(row.root)

    @staticmethod
    def _nodes(c: Connection, keys: Iterable[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
        """Perfect subtrees' hashes by (level, index): stored ones read, small ones hashed from their entries.

        One raw query per few hundred keys (a proof: one query): an OR of primary-key equalities on the
        nodes, UNION ALL the entries of the small subtrees' ranges. Both SQLite and PostgreSQL answer it
        from the indexes, and skipping SQLAlchemy's compilation keeps a proof near half a millisecond.
        """
        wanted = sorted(set(keys))
        mark = "?" if c.dialect.paramstyle == "qmark" else "%s"
        found: dict[tuple[int, int], bytes] = {}
        leaves: dict[int, bytes] = {}
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            stored = [k for k in chunk if k[0] >= LOWEST_STORED]
            small = [k for k in chunk if k[0] < LOWEST_STORED]
            parts, params = [], []
            if stored:
                parts.append(
                    "SELECT level, idx, hash FROM ledger_nodes WHERE "
                    + " OR ".join([f"(level = {mark} AND idx = {mark})"] * len(stored))
                )
                params += [v for key in stored for v in key]
            if small:
                parts.append(
                    "SELECT -1, idx, data FROM ledger_entries WHERE "
                    + " OR ".join([f"(idx >= {mark} AND idx < {mark})"] * len(small))
                )
                params += [v for level, idx in small for v in (idx << level, (idx + 1) << level)]
            for level, idx, value in c.exec_driver_sql(" UNION ALL ".join(parts), tuple(params)):
                if int(level) < 0:
                    leaves[int(idx)] = leaf_hash(bytes(value))
                else:
                    found[(int(level), int(idx))] = bytes(value)
        for level, idx in wanted:
            span = range(idx << level, (idx + 1) << level)
            if level < LOWEST_STORED and all(i in leaves for i in span):
                found[(level, idx)] = mth([leaves[i] for i in span])
        if len(found) != len(wanted):
            missing = next(k for k in wanted if k not in found)
            raise IntegrityError(
                "the ledger is missing a stored node",
                value=f"level {missing[0]}, index {missing[1]}",
                hint="the database was damaged; restore it from a backup",
            )
        return found

    def _with_ranges(self, c: Connection, compute: Callable[[Callable[[int, int], bytes]], list[bytes]]) -> list[bytes]:
        """Run a proof computation twice: once to learn its ranges, once with their nodes fetched in one query."""
        ranges: list[tuple[int, int]] = []
        compute(lambda lo, hi: ranges.append((lo, hi)) or EMPTY_ROOT)  # type: ignore[func-returns-value]
        nodes = self._nodes(c, [k for lo, hi in ranges for k in range_nodes(lo, hi)])

        def hash_range(lo: int, hi: int) -> bytes:
            return fold([nodes[k] for k in range_nodes(lo, hi)])

        return compute(hash_range)

    def root_at(self, size: int, c: Connection | None = None) -> bytes:
        if c is None:
            with self.engine.connect() as conn:
                return self.root_at(size, conn)
        nodes = self._nodes(c, frontier_keys(size))
        return fold([nodes[k] for k in frontier_keys(size)])

    def inclusion(self, index: int, size: int) -> list[bytes]:
        with self.engine.connect() as c:
            self._check_size(c, size)
            return self._with_ranges(c, lambda hr: inclusion_proof(index, size, hr))

    def consistency(self, old: int, new: int) -> list[bytes]:
        with self.engine.connect() as c:
            self._check_size(c, new)
            return self._with_ranges(c, lambda hr: consistency_proof(old, new, hr))

    @classmethod
    def _check_size(cls, c: Connection, size: int) -> None:
        current = cls._size(c)
        if not 0 <= size <= current:
            raise InvalidInput(f"the log has {current} entries", value=size, hint=f"use a size from 0 to {current}")

    def entry(self, index: int) -> StoredEntry:
        with self.engine.connect() as c:
            row = c.execute(select(ledger_entries).where(ledger_entries.c.idx == index)).first()
        if row is None:
            raise NotFound("no ledger entry at this index", value=index, hint="'artproof ledger status' gives the size")
        return self._stored(row)

    def find(self, entry_id: str) -> StoredEntry:
        with self.engine.connect() as c:
            for _, index in find_terms(c, epochs_of(self._size(c)), [id_term(entry_id)]):
                row = c.execute(select(ledger_entries).where(ledger_entries.c.idx == index)).first()
                if row is not None and row.entry_id == entry_id:
                    return self._stored(row)
        raise NotFound("no ledger entry with this id", value=entry_id)

    def by_subject(self, subject: str) -> list[StoredEntry]:
        with self.engine.connect() as c:
            found = find_terms(c, epochs_of(self._size(c)), [subject_term(subject)])
            if not found:
                return []
            rows = c.execute(
                select(ledger_entries)
                .where(ledger_entries.c.idx.in_(sorted(i for _, i in found)), ledger_entries.c.subject == subject)
                .order_by(ledger_entries.c.idx)
            ).all()
        return [self._stored(r) for r in rows]

    @staticmethod
    def _size(c: Connection) -> int:
        return int(c.exec_driver_sql("SELECT size FROM ledger_state WHERE id = 1").scalar_one())

    def recent(self, kind: str | None, offset: int, limit: int) -> tuple[list[StoredEntry], int]:
        """Entries newest first (of one kind, if given), a page of them, and how many there are."""
        query = select(ledger_entries)
        counted = select(func.count()).select_from(ledger_entries)
        if kind:
            query = query.where(ledger_entries.c.kind == kind)
            counted = counted.where(ledger_entries.c.kind == kind)
        with self.engine.connect() as c:
            rows = c.execute(query.order_by(ledger_entries.c.idx.desc()).offset(offset).limit(limit)).all()
            total = int(c.execute(counted).scalar_one())
        return [self._stored(r) for r in rows], total

    def entries(self, start: int, stop: int) -> list[bytes]:
        with self.engine.connect() as c:
            return self._entries(c, start, stop)

    @staticmethod
    def _entries(c: Connection, start: int, stop: int) -> list[bytes]:
        rows = c.execute(
            select(ledger_entries.c.data)
            .where(ledger_entries.c.idx >= start, ledger_entries.c.idx < stop)
            .order_by(ledger_entries.c.idx)
        ).scalars()
        return [bytes(r) for r in rows]

    def level_hashes(self, level: int, start: int, stop: int) -> list[bytes]:
        """Hashes of the perfect subtrees ``[start, stop)`` of ``level`` (a tile's row)."""
        with self.engine.connect() as c:
            if level < LOWEST_STORED:  # not stored: one range of entries, hashed
                width = 1 << level
                leaves = [leaf_hash(d) for d in self._entries(c, start * width, stop * width)]
                return [mth(leaves[i : i + width]) for i in range(0, len(leaves) - width + 1, width)]
            rows = c.execute(
                select(ledger_nodes.c.hash)
                .where(ledger_nodes.c.level == level, ledger_nodes.c.idx >= start, ledger_nodes.c.idx < stop)
                .order_by(ledger_nodes.c.idx)
            ).scalars()
            return [bytes(r) for r in rows]

    @staticmethod
    def _stored(row: object) -> StoredEntry:
        m = row._mapping  # type: ignore[attr-defined]
        return StoredEntry(
            index=int(m["idx"]), entry_id=m["entry_id"], kind=m["kind"], subject=m["subject"], data=bytes(m["data"])
        )

    def checkpoint(self, size: int | None = None) -> str | None:
        """The signed checkpoint at ``size`` (default: the latest)."""
        query = select(ledger_checkpoints.c.note)
        query = (
            query.where(ledger_checkpoints.c.size == size)
            if size is not None
            else query.order_by(ledger_checkpoints.c.size.desc()).limit(1)
        )
        with self.engine.connect() as c:
            return c.execute(query).scalar()

    def first_checkpoint_covering(self, index: int) -> tuple[int, str, str] | None:
        """(size, note, created_at) of the first checkpoint whose tree holds entry ``index``."""
        with self.engine.connect() as c:
            row = c.execute(
                select(ledger_checkpoints.c.size, ledger_checkpoints.c.note, ledger_checkpoints.c.created_at)
                .where(ledger_checkpoints.c.size > index)
                .order_by(ledger_checkpoints.c.size)
                .limit(1)
            ).first()
        return None if row is None else (int(row.size), row.note, row.created_at)

    def checkpoints(self) -> list[tuple[int, str]]:
        with self.engine.connect() as c:
            rows = c.execute(
                select(ledger_checkpoints.c.size, ledger_checkpoints.c.note).order_by(ledger_checkpoints.c.size)
            ).all()
        return [(int(r.size), r.note) for r in rows]

    def opening(self, entry_id: str, name: str) -> str | None:
        with self.engine.connect() as c:
            return c.execute(
                select(ledger_openings.c.opening).where(
                    ledger_openings.c.entry_id == entry_id, ledger_openings.c.field == name
                )
            ).scalar()

    def forget_opening(self, entry_id: str, name: str) -> bool:
        with self.engine.begin() as c:
            done = c.execute(
                ledger_openings.delete().where(ledger_openings.c.entry_id == entry_id, ledger_openings.c.field == name)
            )
        return bool(done.rowcount)

    def cosignatures(self, size: int) -> list[str]:
        with self.engine.connect() as c:
            return list(
                c.execute(select(ledger_cosignatures.c.note).where(ledger_cosignatures.c.size == size)).scalars()
            )

    # writing ------------------------------------------------------------

    def append(
        self,
        items: Sequence[AppendItem],
        signer: LogSigner,
        also: Callable[[Connection, list[int]], None] | None = None,
    ) -> list[int]:
        """Append ``items`` in one transaction and sign the new checkpoint; returns their indices.

        ``also`` runs inside the same transaction with the new indices: records that
        must exist exactly when their entries do (an edition and its ``edition.issued``).
        """
        if not items:
            return []
        ids = [item.entry_id for item in items]
        if len(set(ids)) != len(ids):
            raise InvalidInput("the same entry appears twice in one batch", hint="each document enters the log once")
        terms = [id_term(i) for i in ids]
        writing = False  # past the duplicate check: a filter may be sealed in this transaction
        try:
            with self.engine.begin() as c:
                # (1) the write lock, before any read, so no other sequencer sees a stale head
                c.execute(update(ledger_state).where(ledger_state.c.id == 1).values(size=ledger_state.c.size))
                head = c.execute(select(ledger_state.c.size, ledger_state.c.root).where(ledger_state.c.id == 1)).one()
                size, old_root = int(head.size), bytes(head.root)
                self._refuse_duplicates(c, size, old_root, ids, terms)
                writing = True
                # (2) extend the tree from the right frontier
                frontier_nodes = self._nodes(c, frontier_keys(size))
                frontier = {level: frontier_nodes[(level, idx)] for level, idx in frontier_keys(size)}
                new_nodes: list[tuple[object, ...]] = []
                for offset, item in enumerate(items):
                    index = size + offset
                    carry = leaf_hash(item.data)
                    level = 0
                    while level in frontier:
                        carry = node_hash(frontier.pop(level), carry)
                        level += 1
                        if level >= LOWEST_STORED:
                            new_nodes.append((level, ((index + 1) >> level) - 1, carry))
                    frontier[level] = carry
                new_size = size + len(items)
                new_root = fold([frontier[level] for level in sorted(frontier, reverse=True)])
                # (3) bulk insert through the driver (the hot path), with the lookup terms
                rows = [(size + i, it.entry_id, it.kind, it.subject, it.data) for i, it in enumerate(items)]
                self._insert_many(c, "ledger_entries", ("idx", "entry_id", "kind", "subject", "data"), rows)
                self._insert_many(c, "ledger_nodes", ("level", "idx", "hash"), new_nodes)
                self._insert_many(
                    c, "ledger_lookup", ("epoch", "term", "idx"), rows_for(size, terms, [it.subject for it in items])
                )
                self._filters.seal(c, new_size)
                openings = [
                    {"entry_id": it.entry_id, "field": k, "opening": v} for it in items for k, v in it.openings.items()
                ]
                if openings:
                    c.execute(insert(ledger_openings), openings)
                # (4) never sign a checkpoint inconsistent with the last one signed
                self._check_extends_last(c, signer, new_size, new_root)
                note = signer.sign(Checkpoint(signer.origin, new_size, new_root))
                c.execute(
                    insert(ledger_checkpoints).values(size=new_size, note=note, created_at=self.clock().isoformat())
                )
                c.execute(update(ledger_state).where(ledger_state.c.id == 1).values(size=new_size, root=new_root))
                if also is not None:
                    also(c, list(range(size, new_size)))
        except BaseException as exc:
            if writing:  # a filter sealed in a rolled-back transaction must not stay cached (a refusal keeps them)
                self._filters = EpochFilters()
            if isinstance(exc, OperationalError):
                raise busy_error(exc, "the ledger") from exc
            raise
        self._open.committed(size, old_root, new_size, new_root, terms)  # only once the commit is done
        return list(range(size, size + len(items)))

    @staticmethod
    def _insert_many(c: Connection, table: str, columns: tuple[str, ...], rows: Sequence[tuple[object, ...]]) -> None:
        """``executemany`` straight through the driver: SQLAlchemy's per-row work costs half the append time."""
        if not rows:
            return
        mark = "?" if c.dialect.paramstyle == "qmark" else "%s"
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join([mark] * len(columns))})"
        c.exec_driver_sql(sql, list(rows))

    def _refuse_duplicates(self, c: Connection, size: int, root: bytes, ids: list[str], terms: list[str]) -> None:
        """Refuse a batch holding a document already in the log (under the write lock, before any write).

        The open epoch is looked up exactly (in this sequencer's own set when the head is as it left
        it: ``OpenTerms``); sealed epochs only where their Bloom filter hits.
        """
        self._filters.seal(c, size)
        found = self._open.find(c, size, root, terms)
        found += find_pairs(c, self._filters.candidates(terms))
        if not found:
            return
        wanted = set(ids)
        stored = c.execute(
            select(ledger_entries.c.entry_id, ledger_entries.c.idx)
            .where(ledger_entries.c.idx.in_(sorted({i for _, i in found})))
            .order_by(ledger_entries.c.idx)
        ).all()
        for row in stored:
            if row.entry_id in wanted:
                raise InvalidInput(
                    "this document is already in the ledger", value=row.entry_id, hint=f"it is entry {row.idx}"
                )

    def _check_extends_last(self, c: Connection, signer: LogSigner, new_size: int, new_root: bytes) -> None:
        last = c.execute(
            select(ledger_checkpoints.c.size, ledger_checkpoints.c.note)
            .order_by(ledger_checkpoints.c.size.desc())
            .limit(1)
        ).first()
        if last is None:
            return
        previous = verify_checkpoint(last.note, signer.verifier, origin=signer.origin)
        proof = self._with_ranges(c, lambda hr: consistency_proof(previous.size, new_size, hr))
        try:
            verify_consistency(previous.size, new_size, previous.root, new_root, proof)
        except IntegrityError as exc:
            raise IntegrityError(
                "refusing to sign a checkpoint that does not extend the last one",
                value=f"size {previous.size} -> {new_size}",
                hint=exc.diagnostics(),
            ) from exc

    def add_cosignature(self, size: int, witness: str, note: str) -> None:
        try:
            with self.engine.begin() as c:
                existing = c.execute(
                    select(ledger_cosignatures.c.note).where(
                        ledger_cosignatures.c.size == size, ledger_cosignatures.c.witness == witness
                    )
                ).scalar()
                if existing is None:
                    c.execute(insert(ledger_cosignatures).values(size=size, witness=witness, note=note))
        except OperationalError as exc:
            raise busy_error(exc, "the ledger") from exc
