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

A term is ``i:`` and 16 hex digits of SHA-256(entry id), or ``s:`` and the subject. The filter
and the term come from the same digest, so an entry id is hashed once.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import Connection

__all__ = ["EPOCH_BITS", "EpochFilters", "Term", "id_term", "subject_term"]

EPOCH_BITS = 16  # 65,536 entries per epoch: a storage format constant, never change it on a live log
FILTER_BITS = 20  # 2^20 bits (128 KiB) per epoch: 16 bits per entry id
PROBES = 8  # bits set per id: false hits (1 - e^(-8/16))^8, about 1 in 2,000
_CHUNK = 400  # terms per IN (...) query, under SQLite's variable limit


@dataclass(frozen=True, slots=True)
class Term:
    """An entry id's lookup term and the bit positions of its Bloom filter probes."""

    term: str
    bits: tuple[int, ...]


def id_term(entry_id: str) -> Term:
    digest = hashlib.sha256(entry_id.encode()).digest()
    mask = (1 << FILTER_BITS) - 1
    return Term("i:" + digest[:8].hex(), tuple(w & mask for w in struct.unpack(">8I", digest)[:PROBES]))


def subject_term(subject: str) -> str:
    return "s:" + subject


def epoch_of(index: int) -> int:
    return index >> EPOCH_BITS


def epochs_of(size: int) -> list[int]:
    """Every epoch holding an entry of a log of ``size`` entries."""
    return list(range(epoch_of(size - 1) + 1)) if size else []


def rows_for(start: int, ids: Sequence[Term], subjects: Sequence[str | None]) -> list[tuple[int, str, int]]:
    """The lookup rows (epoch, term, idx) of entries appended from index ``start``."""
    rows = [(epoch_of(start + i), t.term, start + i) for i, t in enumerate(ids)]
    rows += [(epoch_of(start + i), subject_term(s), start + i) for i, s in enumerate(subjects) if s]
    return rows


def _mark(c: Connection) -> str:
    return "?" if c.dialect.paramstyle == "qmark" else "%s"


def _query(c: Connection, sql: str, params: tuple[object, ...]) -> list[tuple[object, ...]]:
    """Rows of a lookup, never from a prepared statement on PostgreSQL.

    psycopg prepares a statement after five runs, and PostgreSQL may then keep a generic plan
    made while the table was small: a sequential scan, 0.2 s per lookup (seen while a log filled
    its first epoch). Planned each time, the lookup stays an index seek.
    """
    if c.dialect.name == "postgresql":
        with c.connection.driver_connection.cursor() as cursor:  # type: ignore[union-attr]
            cursor.execute(sql, params, prepare=False)
            return [tuple(row) for row in cursor.fetchall()]
    return [tuple(row) for row in c.exec_driver_sql(sql, params)]


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


@dataclass
class EpochFilters:
    """The sealed epochs' Bloom filters, cached per process (a sealed epoch never changes)."""

    filters: dict[int, np.ndarray] = field(default_factory=dict)  # epoch -> packed bits (uint8)
    _stack: tuple[list[int], np.ndarray] | None = None  # all filters as one array, for one gather per batch

    def seal(self, c: Connection, size: int) -> None:
        """Store the filter of every epoch ``size`` has filled that has none yet (in the caller's transaction).

        Run by the sequencer as an append fills an epoch; epochs of a log migrated from before
        filters existed are filled in on its first append.
        """
        sealed = epoch_of(size)
        missing = [e for e in range(sealed) if e not in self.filters]
        if not missing:
            return
        stored = c.exec_driver_sql(
            f"SELECT epoch, bits FROM ledger_filters WHERE epoch IN ({', '.join(str(e) for e in missing)})"
        )
        for epoch, bits in stored:
            self.filters[int(epoch)] = np.frombuffer(bytes(bits), dtype=np.uint8)
        self._stack = None
        mark = _mark(c)
        for epoch in missing:
            if epoch in self.filters:
                continue
            rows = _query(
                c,
                f"SELECT l.idx, e.entry_id FROM ledger_lookup l JOIN ledger_entries e ON e.idx = l.idx "
                f"WHERE l.epoch = {mark} AND l.term LIKE {mark}",
                (epoch, "i:%"),
            )
            bits = np.zeros(1 << (FILTER_BITS - 3), dtype=np.uint8)
            positions = np.array([id_term(str(entry_id)).bits for _, entry_id in rows], dtype=np.int64)
            if positions.size:
                np.bitwise_or.at(bits, positions >> 3, (1 << (positions & 7)).astype(np.uint8))
            c.exec_driver_sql(
                f"INSERT INTO ledger_filters (epoch, bits) VALUES ({mark}, {mark})", (epoch, bits.tobytes())
            )
            self.filters[epoch] = bits
        self._stack = None

    def candidates(self, ids: Sequence[Term]) -> dict[int, list[str]]:
        """Sealed epoch -> the terms its filter may hold (every true duplicate, and about 1 in 2,000 others)."""
        if not ids or not self.filters:
            return {}
        if self._stack is None:
            order = sorted(self.filters)
            self._stack = (order, np.stack([self.filters[e] for e in order]))
        order, stack = self._stack
        positions = np.array([t.bits for t in ids], dtype=np.int64)
        byte, mask = positions >> 3, (1 << (positions & 7)).astype(np.uint8)
        found = ((stack[:, byte] & mask) != 0).all(axis=2)  # (epochs, ids)
        hits: dict[int, list[str]] = {}
        for row, column in zip(*np.nonzero(found), strict=True):
            hits.setdefault(order[int(row)], []).append(ids[int(column)].term)
        return hits
