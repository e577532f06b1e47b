"""Local features for the fingerprint registry: each registered picture's ORB keypoints.

Rows registered before this revision have none; the registry describes their pictures from the
blob store the first time it builds its index and writes them back (derived data, never a record).

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("fingerprints") as batch:
        batch.add_column(sa.Column("features", sa.LargeBinary, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("fingerprints") as batch:
        batch.drop_column("features")
