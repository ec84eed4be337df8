"""Registration questions: number bounds and conditions (asked only for some answers);
check-in per programme item (a study trip's visits).

The new question kinds (multiple choice, number) need no change: kinds are stored as text.

Revision ID: 4f2a9c7e1b58
Revises: b7d2e4f6a8c1
"""

import sqlalchemy as sa
from alembic import op

from app.db import UTCDateTime

revision = "4f2a9c7e1b58"
down_revision = "b7d2e4f6a8c1"
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
    with op.batch_alter_table("programme_items") as batch:
        batch.add_column(sa.Column("check_in", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
    op.create_table(
        "item_attendances",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("checked_in_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["registration_id"], ["registrations.id"],
                                name=op.f("fk_item_attendances_registration_id_registrations"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["item_id"], ["programme_items.id"],
                                name=op.f("fk_item_attendances_item_id_programme_items"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_item_attendances")),
        sa.UniqueConstraint("registration_id", "item_id",
                            name=op.f("uq_item_attendances_registration_id_item_id")),
    )
    op.create_index(op.f("ix_item_attendances_registration_id"), "item_attendances",
                    ["registration_id"])
    op.create_index(op.f("ix_item_attendances_item_id"), "item_attendances", ["item_id"])


def downgrade():
    op.drop_index(op.f("ix_item_attendances_item_id"), table_name="item_attendances")
    op.drop_index(op.f("ix_item_attendances_registration_id"), table_name="item_attendances")
    op.drop_table("item_attendances")
    with op.batch_alter_table("programme_items") as batch:
        batch.drop_column("check_in")
    with op.batch_alter_table("questions") as batch:
        batch.drop_constraint(op.f("fk_questions_condition_question_id_questions"),
                              type_="foreignkey")
        batch.drop_column("condition_values")
        batch.drop_column("condition_question_id")
        batch.drop_column("max_value")
        batch.drop_column("min_value")
