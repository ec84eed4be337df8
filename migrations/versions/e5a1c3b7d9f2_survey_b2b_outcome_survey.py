"""B2B outcomes survey: answers per meeting and participant, delay per session, sent mark.

Revision ID: e5a1c3b7d9f2
Revises: 4f2a9c7e1b58
"""

import sqlalchemy as sa
from alembic import op

from app.db import UTCDateTime

revision = "e5a1c3b7d9f2"
down_revision = "4f2a9c7e1b58"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "b2b_meeting_survey_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("published_meeting_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("result", sa.Enum("no_contact", "knowledge", "contact", "negotiation",
                                    "agreement", name="surveyresult", native_enum=False,
                                    length=32), nullable=False),
        sa.Column("answered_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["published_meeting_id"], ["b2b_published_meetings.id"],
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["participant_id"], ["b2b_participants.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("published_meeting_id", "participant_id"),
    )
    with op.batch_alter_table("b2b_sessions") as batch:
        batch.add_column(sa.Column("outcome_survey_months", sa.Integer(), nullable=False,
                                   server_default="6"))
    with op.batch_alter_table("b2b_participants") as batch:
        batch.add_column(sa.Column("outcome_survey_sent_at", UTCDateTime(timezone=True),
                                   nullable=True))


def downgrade():
    with op.batch_alter_table("b2b_participants") as batch:
        batch.drop_column("outcome_survey_sent_at")
    with op.batch_alter_table("b2b_sessions") as batch:
        batch.drop_column("outcome_survey_months")
    op.drop_table("b2b_meeting_survey_answers")
