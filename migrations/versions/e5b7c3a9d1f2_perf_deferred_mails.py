"""Deferred mails: a registration's mail stored with its seat, built after the commit.

Revision ID: e5b7c3a9d1f2
Revises: 5e0b7a93c1d4
"""

import sqlalchemy as sa
from alembic import op

from app.db import UTCDateTime

revision = "e5b7c3a9d1f2"
down_revision = "5e0b7a93c1d4"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "deferred_mails",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("renderer", sa.String(length=60), nullable=False),
        sa.Column("kind", sa.String(length=60), nullable=False),
        sa.Column("reference", sa.String(length=100), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deferred_mails")),
    )


def downgrade():
    op.drop_table("deferred_mails")
