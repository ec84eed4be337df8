"""Registration questions: number bounds and conditions (asked only for some answers).

The new kinds (multiple choice, number) need no change: kinds are stored as text.

Revision ID: 4f2a9c7e1b58
Revises: c0032c159260
"""

import sqlalchemy as sa
from alembic import op

revision = "4f2a9c7e1b58"
down_revision = "c0032c159260"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("questions") as batch:
        batch.add_column(sa.Column("min_value", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("max_value", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("condition_question_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("condition_values", sa.Text(), nullable=False,
                                   server_default=""))
        batch.create_foreign_key(op.f("fk_questions_condition_question_id_questions"),
                                 "questions", ["condition_question_id"], ["id"],
                                 ondelete="SET NULL")


def downgrade():
    with op.batch_alter_table("questions") as batch:
        batch.drop_constraint(op.f("fk_questions_condition_question_id_questions"),
                              type_="foreignkey")
        batch.drop_column("condition_values")
        batch.drop_column("condition_question_id")
        batch.drop_column("max_value")
        batch.drop_column("min_value")
