"""The transparency ledger: entries, stored Merkle nodes, checkpoints, keys, openings, witness state.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ledger_state",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("root", sa.LargeBinary(32), nullable=False),
    )
    op.execute(
        sa.text("INSERT INTO ledger_state (id, size, root) VALUES (1, 0, :root)").bindparams(
            root=bytes.fromhex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        )
    )
    op.create_table(
        "ledger_entries",
        sa.Column("idx", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("entry_id", sa.String(80), nullable=False, unique=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("subject", sa.String(80), nullable=True),
        sa.Column("data", sa.LargeBinary, nullable=False),
    )
    op.create_index("ix_ledger_entries_subject", "ledger_entries", ["subject"])
    op.create_table(
        "ledger_nodes",
        sa.Column("level", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("idx", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("hash", sa.LargeBinary(32), nullable=False),
    )
    op.create_table(
        "ledger_checkpoints",
        sa.Column("size", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
    )
    op.create_table(
        "ledger_cosignatures",
        sa.Column("size", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("witness", sa.String(200), primary_key=True),
        sa.Column("note", sa.Text, nullable=False),
    )
    op.create_table(
        "ledger_keys",
        sa.Column("origin", sa.String(200), primary_key=True),
        sa.Column("public_key", sa.String(64), nullable=False),
        sa.Column("secret", sa.Text, nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
    )
    op.create_table(
        "ledger_openings",
        sa.Column("entry_id", sa.String(80), primary_key=True),
        sa.Column("field", sa.String(80), primary_key=True),
        sa.Column("opening", sa.Text, nullable=False),
    )
    op.create_table(
        "witness_state",
        sa.Column("origin", sa.String(200), primary_key=True),
        sa.Column("vkey", sa.Text, nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("root", sa.LargeBinary(32), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
    )


def downgrade() -> None:
    for table in (
        "witness_state",
        "ledger_openings",
        "ledger_keys",
        "ledger_cosignatures",
        "ledger_checkpoints",
        "ledger_nodes",
        "ledger_entries",
        "ledger_state",
    ):
        op.drop_table(table)
