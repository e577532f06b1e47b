"""Jobs of the shared registry's queue: what was asked, by whom, how far it got, how it ended.

The queue itself (which worker takes what, retries, heartbeats) is procrastinate's, in its own
tables; this row is artproof's record of the job, read by ``artproof job show`` and the web.

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "jobs",
        sa.Column("job_id", sa.String(40), primary_key=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("args", sa.Text, nullable=False),  # JSON
        sa.Column("owner", sa.String(80), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("state", sa.String(12), nullable=False),  # queued | running | done | failed
        sa.Column("done", sa.Integer, nullable=False),
        sa.Column("total", sa.Integer, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("result", sa.Text, nullable=True),  # JSON: the service's result document
        sa.Column("error", sa.Text, nullable=True),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.Column("updated_at", sa.String(40), nullable=False),
    )
    op.create_index("ix_jobs_state", "jobs", ["state", "created_at"])


def downgrade() -> None:
    op.drop_table("jobs")
