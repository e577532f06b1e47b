"""Finding ledger entries by id and by subject, and refusing duplicates, at a rate that does not decay.

An index keyed by a hash (an entry id, a random work id) takes each insert on a random page: once
it outgrows what one batch touches, every entry dirties a page of its own, written to the WAL and
again at the checkpoint. The log slowed from 39,571 to 17,722 appends/s over its first million
entries that way (measured, ``benchmarks/ledger.py``), and from 46,000 to 13,100 with the keys
shortened to 8 bytes (still random).

So the lookup terms are clustered by **epoch** (65,536 consecutive entries): the key is
``(epoch, term, idx)``, inserts land in the open epoch's small subtree, and the rate stays flat
(37,400/s over the last 100k of a million). A lookup seeks once per epoch (153 seeks at 10M
entries, about a millisecond). Refusing a duplicate must not cost that per entry, so each
epoch gets a **Bloom filter** of its entry ids when it fills (16 bits per id, 8 probes: about 1 in
2,000 false hits); a sealed epoch never changes, so a process caches its filters without them ever
going stale, and only the open epoch and the filters' hits are looked up exactly.

A term is ``i:`` and 16 hex digits of SHA-256(entry id), or ``s:`` and the subject. The filter's
probes are derived from the id term's 64 bits by double hashing (Kirsch and Mitzenmacher), so a
filter is built from the stored terms alone and a batch is probed in one vectorised step.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import Connection

__all__ = ["EPOCH_BITS", "EpochFilters", "OpenTerms", "id_term", "probes", "subject_term"]

EPOCH_BITS = 16  # 65,536 entries per epoch: a storage format constant, never change it on a live log
FILTER_BITS = 20  # 2^20 bits (128 KiB) per epoch: 16 bits per entry id
PROBES = 8  # bits set per id: false hits (1 - e^(-8/16))^8, about 1 in 2,000
_CHUNK = 400  # terms per IN (...) query, under SQLite's variable limit


def id_term(entry_id: str) -> str:
    return "i:" + hashlib.sha256(entry_id.encode()).hexdigest()[:16]


def probes(terms: Sequence[str]) -> np.ndarray:
    """The Bloom filter bit positions (len(terms), PROBES) of id terms: h1 + k * h2, modulo the filter."""
    # the terms' 16 hex digits read as big-endian 64-bit words in one step (a third of int(t, 16) each)
    hexed = bytes.fromhex("".join([t[2:] for t in terms]))
    if len(hexed) != 8 * len(terms):  # every id term is "i:" and 16 hex digits (id_term)
        raise ValueError("an entry-id term is not 16 hex digits")
    values = np.frombuffer(hexed, dtype=">u8").astype(np.uint64).reshape(-1, 1)
    h1, h2 = values >> np.uint64(32), (values & np.uint64(0xFFFFFFFF)) | np.uint64(1)
    k = np.arange(PROBES, dtype=np.uint64).reshape(1, -1)
    return ((h1 + k * h2) & np.uint64((1 << FILTER_BITS) - 1)).astype(np.int64)


def subject_term(subject: str) -> str:
    return "s:" + subject


def epoch_of(index: int) -> int:
    return index >> EPOCH_BITS


def epochs_of(size: int) -> list[int]:
    """Every epoch holding an entry of a log of ``size`` entries."""
    return list(range(epoch_of(size - 1) + 1)) if size else []


def rows_for(start: int, ids: Sequence[str], subjects: Sequence[str | None]) -> list[tuple[int, str, int]]:
    """The lookup rows (epoch, term, idx) of entries appended from index ``start``.

    (Inserting them in key order was measured interleaved against entry order: +5 % in one run,
    -3 % in another; not kept.)
    """
    rows = [(idx >> EPOCH_BITS, t, idx) for idx, t in enumerate(ids, start)]  # epoch_of, inlined: the hot path
    rows += [(idx >> EPOCH_BITS, subject_term(s), idx) for idx, s in enumerate(subjects, start) if s]
    return rows


def _mark(c: Connection) -> str:
    return "?" if c.dialect.paramstyle == "qmark" else "%s"


def _query(c: Connection, sql: str, params: tuple[object, ...]) -> list[tuple[object, ...]]:
    """Rows of a lookup straight from the driver's cursor, never from a prepared statement on PostgreSQL.

    psycopg prepares a statement after five runs, and PostgreSQL may then keep a generic plan
    made while the table was small: a sequential scan, 0.2 s per lookup (seen while a log filled
    its first epoch). Planned each time, the lookup stays an index seek. On SQLite the rows are
    fetched at once: SQLAlchemy's row-by-row fetch was most of the 0.15-0.27 s that reading a
    filled epoch's 65,536 ids took when the sequencer seals it (the cursor is the connection's, in
    its transaction).
    """
    if c.dialect.name == "postgresql":
        with c.connection.driver_connection.cursor() as cursor:  # type: ignore[union-attr]
            cursor.execute(sql, params, prepare=False)
            return [tuple(row) for row in cursor.fetchall()]
    cursor = c.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        return [tuple(row) for row in cursor.execute(sql, params).fetchall()]
    finally:
        cursor.close()


def find_terms(c: Connection, epochs: Iterable[int], terms: Sequence[str]) -> list[tuple[str, int]]:
    """(term, idx) of ``terms`` stored in ``epochs``: one index seek per epoch and term."""
    wanted = sorted(set(epochs))
    if not wanted or not terms:
        return []
    mark = _mark(c)
    in_epochs = ", ".join(str(int(e)) for e in wanted)  # integers of our own making, inlined
    found: list[tuple[str, int]] = []
    for start in range(0, len(terms), _CHUNK):
        chunk = list(terms[start : start + _CHUNK])
        rows = _query(
            c,
            f"SELECT term, idx FROM ledger_lookup WHERE epoch IN ({in_epochs}) "
            f"AND term IN ({', '.join([mark] * len(chunk))})",
            tuple(chunk),
        )
        found += [(str(term), int(idx)) for term, idx in rows]  # type: ignore[call-overload]
    return found


def id_terms(c: Connection, epoch: int) -> list[str]:
    """Every entry-id term stored in ``epoch``.

    On SQLite (binary collation) as a key range, which the primary key answers without reading the
    epoch's subject terms (LIKE is not turned into a range there: it is case-insensitive); other
    engines' collations may not order ':' before ';', so they keep LIKE.
    """
    mark = _mark(c)
    params: tuple[object, ...]
    if c.dialect.name == "sqlite":
        where, params = f"term >= {mark} AND term < {mark}", (epoch, "i:", "i;")
    else:
        where, params = f"term LIKE {mark}", (epoch, "i:%")
    rows = _query(c, f"SELECT term FROM ledger_lookup WHERE epoch = {mark} AND {where}", params)
    return [str(term) for (term,) in rows]


def find_pairs(c: Connection, pairs: Sequence[tuple[int, str]]) -> list[tuple[str, int]]:
    """(term, idx) of the (epoch, term) pairs stored: an OR of key equalities, answered from the key."""
    mark = _mark(c)
    found: list[tuple[str, int]] = []
    for start in range(0, len(pairs), _CHUNK):
        chunk = pairs[start : start + _CHUNK]
        where = " OR ".join([f"(epoch = {mark} AND term = {mark})"] * len(chunk))
        rows = _query(c, f"SELECT term, idx FROM ledger_lookup WHERE {where}", tuple(v for p in chunk for v in p))
        found += [(str(term), int(idx)) for term, idx in rows]  # type: ignore[call-overload]
    return found


@dataclass
class EpochFilters:
    """The sealed epochs' Bloom filters, cached per process (a sealed epoch never changes).

    Held bit-sliced: for each filter bit, one bit per epoch (``sliced[position, epoch // 64]``), so
    probing a batch against every epoch is 8 row gathers and ANDs, whatever the number of epochs
    (a filter per epoch, probed one by one, took 90 ms per 5,000 ids at 150 epochs).
    """

    epochs: set[int] = field(default_factory=set)
    sliced: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.uint64))

    def _add(self, epoch: int, packed: np.ndarray) -> None:
        words = epoch // 64 + 1
        if self.sliced.shape[1] < words:
            grown = np.zeros((1 << FILTER_BITS, words), dtype=np.uint64)
            grown[: self.sliced.shape[0], : self.sliced.shape[1]] = self.sliced
            self.sliced = grown
        positions = np.flatnonzero(np.unpackbits(packed, bitorder="little"))
        self.sliced[positions, epoch // 64] |= np.uint64(1 << (epoch % 64))
        self.epochs.add(epoch)

    def seal(self, c: Connection, size: int) -> None:
        """Store the filter of every epoch ``size`` has filled that has none yet (in the caller's transaction).

        Run by the sequencer as an append fills an epoch; epochs of a log migrated from before
        filters existed are filled in on its first append.
        """
        missing = [e for e in range(epoch_of(size)) if e not in self.epochs]
        if not missing:
            return
        stored = c.exec_driver_sql(
            f"SELECT epoch, bits FROM ledger_filters WHERE epoch IN ({', '.join(str(e) for e in missing)})"
        )
        for epoch, bits in stored:
            self._add(int(epoch), np.frombuffer(bytes(bits), dtype=np.uint8))
        mark = _mark(c)
        for epoch in missing:
            if epoch in self.epochs:
                continue
            packed = np.zeros(1 << (FILTER_BITS - 3), dtype=np.uint8)
            positions = probes(id_terms(c, epoch))
            if positions.size:
                np.bitwise_or.at(packed, positions >> 3, (1 << (positions & 7)).astype(np.uint8))
            c.exec_driver_sql(
                f"INSERT INTO ledger_filters (epoch, bits) VALUES ({mark}, {mark})", (epoch, packed.tobytes())
            )
            self._add(epoch, packed)

    def candidates(self, ids: Sequence[str]) -> list[tuple[int, str]]:
        """(sealed epoch, term) pairs its filter may hold: every true duplicate, and about 1 in 2,000 others."""
        if not ids or not self.epochs:
            return []
        positions = probes(ids)
        found = self.sliced[positions[:, 0]]
        for k in range(1, PROBES):
            found &= self.sliced[positions[:, k]]
        pairs = []
        for row, word in zip(*np.nonzero(found), strict=True):
            value = int(found[row, word])
            while value:
                bit = (value & -value).bit_length() - 1
                pairs.append((int(word) * 64 + bit, ids[int(row)]))
                value &= value - 1
        return pairs


@dataclass
class OpenTerms:
    """The open epoch's entry-id terms as this process's last append left the log: a cache, never the truth.

    Refusing duplicates looks a batch's ids up in the open epoch exactly: 5,000 index seeks a batch,
    about a tenth of an append (profiled at 8M entries). The sequencer appending batch after batch
    wrote those ids itself, so it keeps them, tagged with the head (size and root) its last commit
    left. When the head read under the write lock is that head, no one else appended (the root
    covers every entry) and the set is exactly the open epoch's; otherwise (another process
    appended, or this is the first append) the database answers, and the set is read back from it
    on the next append that finds the head as this process left it.
    """

    size: int = -1
    root: bytes = b""
    terms: set[str] | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)  # threads sharing one Ledger

    def find(self, c: Connection, size: int, root: bytes, terms: Sequence[str]) -> list[tuple[str, int]]:
        """(term, idx) of ``terms`` in the open epoch of the log whose head is (``size``, ``root``)."""
        epoch = epoch_of(size)
        with self._lock:
            if (size, root) != (self.size, self.root):
                hits = list(terms) if size else []
            else:
                if self.terms is None:  # the head is ours but the set was never read: read it once
                    self.terms = set(id_terms(c, epoch))
                hits = [t for t in terms if t in self.terms]
        return find_terms(c, [epoch], hits) if hits else []

    def committed(self, size: int, root: bytes, new_size: int, new_root: bytes, terms: Sequence[str]) -> None:
        """After a commit that took the log from (size, root) to (new_size, new_root) with ``terms``."""
        start = epoch_of(new_size) << EPOCH_BITS  # the first index of the new open epoch
        added = {t for i, t in enumerate(terms) if size + i >= start}
        with self._lock:
            if (size, root) != (self.size, self.root) or self.terms is None:
                self.terms = None if size > start else added  # what came before in the epoch is unknown here
            elif epoch_of(new_size) == epoch_of(size):
                self.terms |= added
            else:
                self.terms = added
            self.size, self.root = new_size, new_root
