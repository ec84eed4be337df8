"""roles: users.role replaces is_admin, TOTP second factor, event check-in staff

Revision ID: 8c3f5a1d2e64
Revises: a7e3c91d2f40
Create Date: 2026-12-03 07:20:00
"""

import sqlalchemy as sa

import app.db
from alembic import op

revision = "8c3f5a1d2e64"
down_revision = "a7e3c91d2f40"
branch_labels = None
depends_on = None

# A portable VARCHAR, as app.db.enum_type stores enums (no native type).
ROLE = sa.Enum("checkin", "organiser", "administrator", name="role", native_enum=False,
               length=32)


def upgrade():
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(sa.Column("role", ROLE, server_default="organiser", nullable=False))
        batch_op.add_column(sa.Column("totp_secret", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("totp_enabled_at", app.db.UTCDateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column("totp_last_step", sa.Integer(), nullable=True))
    # Existing administrators stay administrators; every other account was an organiser.
    op.execute("UPDATE users SET role = 'administrator' WHERE is_admin")
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("is_admin")
    op.create_table(
        "event_staff",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"],
                                name=op.f("fk_event_staff_event_id_events"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_event_staff_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("event_id", "user_id", name=op.f("pk_event_staff")),
    )


def downgrade():
    op.drop_table("event_staff")
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(sa.Column("is_admin", sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
    op.execute("UPDATE users SET is_admin = (role = 'administrator')")
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("totp_last_step")
        batch_op.drop_column("totp_enabled_at")
        batch_op.drop_column("totp_secret")
        batch_op.drop_column("role")
