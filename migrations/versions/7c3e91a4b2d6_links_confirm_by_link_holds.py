"""events.confirm_by_link and registrations.hold_expires_at: places held until the address is confirmed

Revision ID: 7c3e91a4b2d6
Revises: 8c3f5a1d2e64
Create Date: 2026-12-03 07:00:00
"""

import sqlalchemy as sa
from alembic import op

import app.db

revision = "7c3e91a4b2d6"
down_revision = "8c3f5a1d2e64"
branch_labels = None
depends_on = None


def upgrade():
    # Registration statuses are stored as VARCHAR (no native enum): "unconfirmed" needs no DDL.
    with op.batch_alter_table("events") as batch_op:
        batch_op.add_column(
            sa.Column("confirm_by_link", sa.Boolean(), server_default=sa.true(), nullable=False))
    with op.batch_alter_table("registrations") as batch_op:
        batch_op.add_column(sa.Column("hold_expires_at", app.db.UTCDateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("registrations") as batch_op:
        batch_op.drop_column("hold_expires_at")
    with op.batch_alter_table("events") as batch_op:
        batch_op.drop_column("confirm_by_link")
