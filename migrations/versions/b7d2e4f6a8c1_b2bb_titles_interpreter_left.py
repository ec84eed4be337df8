"""B2B: session titles in FR/NL/EN, interpreter on must-meet pairs, leaving early.

Revision ID: b7d2e4f6a8c1
Revises: c0032c159260
"""

import sqlalchemy as sa
from alembic import op

from app.db import UTCDateTime

revision = "b7d2e4f6a8c1"
down_revision = "c0032c159260"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("b2b_sessions") as batch:
        for language in ("fr", "nl", "en"):
            batch.add_column(sa.Column(f"title_{language}", sa.String(length=200),
                                       nullable=False, server_default=""))
    # The one title written so far stands for every language until the organiser splits it.
    op.execute("UPDATE b2b_sessions SET title_fr = title, title_nl = title, title_en = title")
    with op.batch_alter_table("b2b_sessions") as batch:
        batch.drop_column("title")
    with op.batch_alter_table("b2b_requests") as batch:
        batch.add_column(sa.Column("interpreter", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
    with op.batch_alter_table("b2b_participants") as batch:
        batch.add_column(sa.Column("left_at", UTCDateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("b2b_participants") as batch:
        batch.drop_column("left_at")
    with op.batch_alter_table("b2b_requests") as batch:
        batch.drop_column("interpreter")
    with op.batch_alter_table("b2b_sessions") as batch:
        batch.add_column(sa.Column("title", sa.String(length=200), nullable=False,
                                   server_default=""))
    op.execute("UPDATE b2b_sessions SET title = COALESCE(NULLIF(title_en, ''), "
                "NULLIF(title_fr, ''), title_nl)")
    with op.batch_alter_table("b2b_sessions") as batch:
        for language in ("fr", "nl", "en"):
            batch.drop_column(f"title_{language}")
