"""Editions and their ownership transfers.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "editions",
        sa.Column("edition_id", sa.String(20), primary_key=True),
        sa.Column("work_id", sa.String(32), sa.ForeignKey("works.work_id"), nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("count", sa.Integer, nullable=False),
        sa.Column("artist_proof", sa.Boolean, nullable=False),
        sa.Column("file_blob", sa.String(80), nullable=False),
        sa.Column("base_blob", sa.String(80), nullable=False),
        sa.Column("reference_blob", sa.String(80), nullable=False),
        sa.Column("phash", sa.String(16), nullable=False),
        sa.Column("seed", sa.BigInteger, nullable=True),
        sa.Column("licence", sa.String(40), nullable=False),
        sa.Column("certificate", sa.Text, nullable=False),
        sa.Column("ledger_index", sa.BigInteger, nullable=False),
        sa.Column("issued_at", sa.String(40), nullable=False),
        sa.Column("owner", sa.Text, nullable=False),
        sa.Column("revoked_at", sa.String(40), nullable=True),
        sa.Column("revoked_reason", sa.Text, nullable=True),
        sa.UniqueConstraint("work_id", "artist_proof", "number", name="uq_editions_number"),
    )
    op.create_index("ix_editions_work", "editions", ["work_id"])
    op.create_table(
        "transfers",
        sa.Column("edition_id", sa.String(20), sa.ForeignKey("editions.edition_id"), primary_key=True),
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("document", sa.Text, nullable=False),
        sa.Column("acceptance", sa.Text, nullable=True),
        sa.Column("ledger_index", sa.BigInteger, nullable=False),
        sa.Column("at", sa.String(40), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("transfers")
    op.drop_index("ix_editions_work", table_name="editions")
    op.drop_table("editions")
