"""audit_entries: the log of organisers' actions on personal data

Revision ID: a7e3c91d2f40
Revises: 5b0c2e7a9d41
Create Date: 2026-12-03 06:50:00
"""

import sqlalchemy as sa
from alembic import op

import app.db

revision = "a7e3c91d2f40"
down_revision = "5b0c2e7a9d41"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "audit_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_label", sa.String(length=254), nullable=False),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("target", sa.String(length=100), nullable=False),
        sa.Column("detail", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"],
                                name=op.f("fk_audit_entries_actor_id_users"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_entries")),
    )
    op.create_index("ix_audit_entries_action_created", "audit_entries",
                    ["action", "created_at"], unique=False)


def downgrade():
    op.drop_index("ix_audit_entries_action_created", table_name="audit_entries")
    op.drop_table("audit_entries")
