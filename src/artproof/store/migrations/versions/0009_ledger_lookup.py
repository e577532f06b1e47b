"""Ledger appends that do not slow as the log grows (``artproof/ledger/lookup.py`` says why).

- ``ledger_entries`` loses its random-key indexes (UNIQUE entry_id, subject): entry ids and
  subjects move to ``ledger_lookup`` keyed by (epoch, term, idx), whose inserts stay in one small
  subtree; duplicates are refused by the sequencer through per-epoch Bloom filters
  (``ledger_filters``, filled in on the first append after this migration).
- On SQLite, ``idx`` becomes the rowid (it was a second B-tree: ``BIGINT PRIMARY KEY`` is not
  SQLite's rowid alias) and ``ledger_nodes`` a WITHOUT ROWID table (it was a table and an index).

The tables are rebuilt in place, rows copied as they are; the lookup terms are computed from the
entries in Python (SHA-256 of each entry id), a few seconds per million entries.

Revision ID: 0009
Revises: 0008
"""

import hashlib
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

EPOCH_BITS = 16  # as ledger/lookup.py: a storage format constant
_INDEX = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_BATCH = 20_000


def _rebuild(name: str, columns: list[sa.Column[Any]], copy: str, *, with_rowid: bool = True) -> None:
    op.create_table(f"{name}_new", *columns, sqlite_with_rowid=with_rowid)
    op.execute(f"INSERT INTO {name}_new ({copy}) SELECT {copy} FROM {name}")
    op.drop_table(name)
    op.rename_table(f"{name}_new", name)


def upgrade() -> None:
    bind = op.get_bind()
    _rebuild(
        "ledger_entries",
        [
            sa.Column("idx", _INDEX, primary_key=True, autoincrement=False),
            sa.Column("entry_id", sa.String(80), nullable=False),
            sa.Column("kind", sa.String(40), nullable=False),
            sa.Column("subject", sa.String(80), nullable=True),
            sa.Column("data", sa.LargeBinary, nullable=False),
        ],
        "idx, entry_id, kind, subject, data",
    )
    _rebuild(
        "ledger_nodes",
        [
            sa.Column("level", sa.Integer, primary_key=True, autoincrement=False),
            sa.Column("idx", sa.BigInteger, primary_key=True, autoincrement=False),
            sa.Column("hash", sa.LargeBinary(32), nullable=False),
        ],
        "level, idx, hash",
        with_rowid=False,
    )
    lookup = op.create_table(
        "ledger_lookup",
        sa.Column("epoch", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("term", sa.String(90), primary_key=True),
        sa.Column("idx", sa.BigInteger, primary_key=True, autoincrement=False),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "ledger_filters",
        sa.Column("epoch", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("bits", sa.LargeBinary, nullable=False),
    )
    last = -1
    while True:
        rows = bind.execute(
            sa.text(
                "SELECT idx, entry_id, subject FROM ledger_entries WHERE idx > :last ORDER BY idx LIMIT :n"
            ).bindparams(last=last, n=_BATCH)
        ).all()
        if not rows:
            break
        terms = []
        for idx, entry_id, subject in rows:
            digest = hashlib.sha256(entry_id.encode()).digest()
            terms.append({"epoch": idx >> EPOCH_BITS, "term": "i:" + digest[:8].hex(), "idx": idx})
            if subject:
                terms.append({"epoch": idx >> EPOCH_BITS, "term": "s:" + subject, "idx": idx})
        bind.execute(lookup.insert(), terms)
        last = rows[-1][0]


def downgrade() -> None:
    op.drop_table("ledger_filters")
    op.drop_table("ledger_lookup")
    op.create_index("ix_ledger_entries_subject", "ledger_entries", ["subject"])
    op.create_index("ix_ledger_entries_entry_id", "ledger_entries", ["entry_id"], unique=True)
