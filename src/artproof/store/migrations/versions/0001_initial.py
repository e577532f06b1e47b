"""Identities, assets, works and their steps.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "identities",
        sa.Column("key_id", sa.String(32), primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("public_key", sa.String(64), nullable=False),
        sa.Column("secret", sa.Text, nullable=True),
        sa.Column("is_self", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
    )
    op.create_table(
        "assets",
        sa.Column("asset_id", sa.String(80), primary_key=True),
        sa.Column("info", sa.Text, nullable=False),
    )
    op.create_table(
        "works",
        sa.Column("work_id", sa.String(32), primary_key=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("artist_key_id", sa.String(32), sa.ForeignKey("identities.key_id"), nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.Column("updated_at", sa.String(40), nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("master", sa.String(80), nullable=False),
        sa.Column("manifest", sa.Text, nullable=False),
    )
    op.create_table(
        "steps",
        sa.Column("work_id", sa.String(32), sa.ForeignKey("works.work_id"), primary_key=True),
        sa.Column("seq", sa.Integer, primary_key=True),
        sa.Column("step_id", sa.String(80), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
    )


def downgrade() -> None:
    for table in ("steps", "works", "assets", "identities"):
        op.drop_table(table)
