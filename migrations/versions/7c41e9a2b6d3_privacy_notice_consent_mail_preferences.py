"""privacy: notice versions, consent's notice version, preferences for optional mail

Revision ID: 7c41e9a2b6d3
Revises: 7c3e91a4b2d6
Create Date: 2026-12-03 06:50:00
"""

import sqlalchemy as sa
from alembic import op

import app.db

revision = "7c41e9a2b6d3"
down_revision = "7c3e91a4b2d6"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "privacy_notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("text_fr", sa.Text(), nullable=False),
        sa.Column("text_nl", sa.Text(), nullable=False),
        sa.Column("text_en", sa.Text(), nullable=False),
        sa.Column("created_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_by_name", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"],
                                name=op.f("fk_privacy_notices_created_by_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_privacy_notices")),
        sa.UniqueConstraint("version", name=op.f("uq_privacy_notices_version")),
    )
    op.create_table(
        "mail_preferences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("reminders", sa.Boolean(), nullable=False),
        sa.Column("b2b_digest", sa.Boolean(), nullable=False),
        sa.Column("news", sa.Boolean(), nullable=False),
        sa.Column("token_version", sa.Integer(), nullable=False),
        sa.Column("created_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_preferences")),
        sa.UniqueConstraint("email", name=op.f("uq_mail_preferences_email")),
    )
    # Consents given before this version keep an empty notice version: it is not known.
    with op.batch_alter_table("registrations") as batch_op:
        batch_op.add_column(sa.Column("consent_notice_version", sa.Integer(), nullable=True))
    with op.batch_alter_table("b2b_participants") as batch_op:
        batch_op.add_column(
            sa.Column("consent_at", app.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("consent_notice_version", sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table("b2b_participants") as batch_op:
        batch_op.drop_column("consent_notice_version")
        batch_op.drop_column("consent_at")
    with op.batch_alter_table("registrations") as batch_op:
        batch_op.drop_column("consent_notice_version")
    op.drop_table("mail_preferences")
    op.drop_table("privacy_notices")
