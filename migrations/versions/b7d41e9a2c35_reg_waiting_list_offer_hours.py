"""Waiting-list offers in approval mode hold the place for the organiser's number of hours.

Revision ID: b7d41e9a2c35
Revises: e5b7c3a9d1f2
"""

import sqlalchemy as sa
from alembic import op

from app.db import UTCDateTime

revision = "b7d41e9a2c35"
down_revision = "e5b7c3a9d1f2"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("events") as batch:
        batch.add_column(sa.Column("offer_hours", sa.Integer(), nullable=True))
    with op.batch_alter_table("registrations") as batch:
        batch.add_column(sa.Column("offer_expires_at", UTCDateTime(timezone=True),
                                   nullable=True))


def downgrade():
    with op.batch_alter_table("registrations") as batch:
        batch.drop_column("offer_expires_at")
    with op.batch_alter_table("events") as batch:
        batch.drop_column("offer_hours")
