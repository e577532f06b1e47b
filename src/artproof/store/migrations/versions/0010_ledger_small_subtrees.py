"""The ledger stops storing subtrees of fewer than eight leaves.

Their hashes are recomputed from the entries when a proof or a tile asks for them
(``ledger/log.py``, ``LOWEST_STORED``): they were seven node rows in every eight and
the largest share of an append's inserts. They are derived data, never a record, so
the rows already stored are dropped to give their space back.

Revision ID: 0010
Revises: 0009
"""

import hashlib

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("DELETE FROM ledger_nodes WHERE level < 3")


def downgrade() -> None:
    """Store the small subtrees again, hashed from the entries (RFC 9162: leaves 0x00, nodes 0x01)."""
    bind = op.get_bind()
    nodes = sa.table("ledger_nodes", sa.column("level"), sa.column("idx"), sa.column("hash"))
    start, chunk = 0, 8 * 2500  # whole eight-leaf blocks, so every small subtree falls inside one chunk
    while True:
        rows = bind.execute(
            sa.text("SELECT idx, data FROM ledger_entries WHERE idx >= :a AND idx < :b ORDER BY idx"),
            {"a": start, "b": start + chunk},
        ).all()
        if not rows:
            return
        layer = [(int(i), hashlib.sha256(b"\x00" + bytes(d)).digest()) for i, d in rows]
        out = []
        for level in range(3):
            out += [{"level": level, "idx": i, "hash": h} for i, h in layer]
            pairs = {i: h for i, h in layer}
            layer = [
                (i // 2, hashlib.sha256(b"\x01" + pairs[i] + pairs[i + 1]).digest())
                for i in pairs
                if i % 2 == 0 and i + 1 in pairs
            ]
        bind.execute(nodes.insert(), out)
        start += chunk
