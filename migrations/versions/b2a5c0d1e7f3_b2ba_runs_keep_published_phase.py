"""Schedule runs that keep the published meetings, and the phase a running run is in.

Revision ID: b2a5c0d1e7f3
Revises: e5b7c3a9d1f2
"""

import sqlalchemy as sa
from alembic import op

revision = "b2a5c0d1e7f3"
down_revision = "e5b7c3a9d1f2"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("b2b_schedule_runs") as batch:
        batch.add_column(sa.Column("keeps_published", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
        batch.add_column(sa.Column("phase", sa.String(length=20), nullable=False,
                                   server_default=""))


def downgrade():
    with op.batch_alter_table("b2b_schedule_runs") as batch:
        batch.drop_column("phase")
        batch.drop_column("keeps_published")
