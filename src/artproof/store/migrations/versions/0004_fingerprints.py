"""The fingerprint registry: perceptual hashes of registered works and issued editions.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "fingerprints",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(10), nullable=False),  # work | edition
        sa.Column("ref", sa.String(32), nullable=False),  # the work id or edition id
        sa.Column("work_id", sa.String(32), nullable=False),
        sa.Column("artist_key_id", sa.String(32), nullable=False),
        sa.Column("phash", sa.String(16), nullable=False),
        sa.Column("dhash", sa.String(16), nullable=False),
        sa.Column("colorhash", sa.String(16), nullable=False),
        sa.Column("crops", sa.Text, nullable=False),  # JSON: the five crop pHashes
        sa.Column("image_blob", sa.String(80), nullable=False),  # the picture itself
        sa.Column("thumb", sa.LargeBinary, nullable=False),  # the picture at 128 px (short side), PNG: the second stage
        sa.Column("registered_at", sa.String(40), nullable=False),
    )
    op.create_index("ix_fingerprints_ref", "fingerprints", ["ref"])


def downgrade() -> None:
    op.drop_index("ix_fingerprints_ref", table_name="fingerprints")
    op.drop_table("fingerprints")
