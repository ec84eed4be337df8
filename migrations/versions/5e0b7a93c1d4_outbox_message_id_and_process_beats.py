"""Outbox: each message's Message-ID; process beats (worker loops, reminders runs) for /healthz.

Revision ID: 5e0b7a93c1d4
Revises: c4e1d2a7b9f3
"""

import sqlalchemy as sa
from alembic import op

from app.db import UTCDateTime

revision = "5e0b7a93c1d4"
down_revision = "c4e1d2a7b9f3"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("outbox_messages") as batch:
        batch.add_column(sa.Column("message_id", sa.String(length=255), nullable=False,
                                   server_default=""))
    op.create_table(
        "process_beats",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("beat_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_process_beats")),
        sa.UniqueConstraint("name", name=op.f("uq_process_beats_name")),
    )


def downgrade():
    op.drop_table("process_beats")
    with op.batch_alter_table("outbox_messages") as batch:
        batch.drop_column("message_id")
