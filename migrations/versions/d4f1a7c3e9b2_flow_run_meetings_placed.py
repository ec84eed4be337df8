"""B2B: meetings placed so far in a running schedule run.

Revision ID: d4f1a7c3e9b2
Revises: e5a1c3b7d9f2
"""

import sqlalchemy as sa
from alembic import op

revision = "d4f1a7c3e9b2"
down_revision = "e5a1c3b7d9f2"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("b2b_schedule_runs") as batch:
        batch.add_column(sa.Column("placed", sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table("b2b_schedule_runs") as batch:
        batch.drop_column("placed")
