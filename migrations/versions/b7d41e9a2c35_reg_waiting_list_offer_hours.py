"""Waiting-list offers hold the place for the organiser's hours; check-in per day; the
organiser's reminder text per language; mail templates per event kind and language.

Revision ID: b7d41e9a2c35
Revises: b2a5c0d1e7f3
"""

import sqlalchemy as sa
from alembic import op

from app.db import UTCDateTime

revision = "b7d41e9a2c35"
down_revision = "b2a5c0d1e7f3"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("events") as batch:
        batch.add_column(sa.Column("offer_hours", sa.Integer(), nullable=True))
        for language in ("fr", "nl", "en"):
            batch.add_column(sa.Column(f"reminder_text_{language}", sa.Text(), nullable=True))
    with op.batch_alter_table("registrations") as batch:
        batch.add_column(sa.Column("offer_expires_at", UTCDateTime(timezone=True),
                                   nullable=True))
    op.create_table(
        "day_attendances",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("checked_in_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["registration_id"], ["registrations.id"],
                                name=op.f("fk_day_attendances_registration_id_registrations"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_day_attendances")),
        sa.UniqueConstraint("registration_id", "day",
                            name=op.f("uq_day_attendances_registration_id_day")),
    )
    op.create_index(op.f("ix_day_attendances_registration_id"), "day_attendances",
                    ["registration_id"])
    op.create_table(
        "mail_templates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_kind", sa.Enum(
            "circlemeet", "site_visit", "seminar", "study_trip", "afterwork",
            "knowledge_session", "working_group", "annual_event", "brokerage",
            name="eventkind", native_enum=False, length=32), nullable=False),
        sa.Column("mail_kind", sa.String(length=30), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_templates")),
        sa.UniqueConstraint("event_kind", "mail_kind", "language",
                            name=op.f("uq_mail_templates_event_kind_mail_kind_language")),
    )


def downgrade():
    op.drop_table("mail_templates")
    op.drop_index(op.f("ix_day_attendances_registration_id"), table_name="day_attendances")
    op.drop_table("day_attendances")
    with op.batch_alter_table("registrations") as batch:
        batch.drop_column("offer_expires_at")
    with op.batch_alter_table("events") as batch:
        batch.drop_column("offer_hours")
        for language in ("fr", "nl", "en"):
            batch.drop_column(f"reminder_text_{language}")
