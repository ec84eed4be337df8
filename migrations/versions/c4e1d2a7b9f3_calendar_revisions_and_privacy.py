"""Calendar: tables' updated_at (feed Last-Modified), participants' share_email (privacy).

Revision ID: c4e1d2a7b9f3
Revises: 7c41e9a2b6d3
"""

import sqlalchemy as sa
from alembic import op

from app.db import UTCDateTime

revision = "c4e1d2a7b9f3"
down_revision = "7c41e9a2b6d3"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("b2b_tables") as batch:
        batch.add_column(sa.Column("updated_at", UTCDateTime(timezone=True), nullable=True))
    with op.batch_alter_table("b2b_participants") as batch:
        batch.add_column(sa.Column("share_email", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))


def downgrade():
    with op.batch_alter_table("b2b_participants") as batch:
        batch.drop_column("share_email")
    with op.batch_alter_table("b2b_tables") as batch:
        batch.drop_column("updated_at")
