"""users.session_version: logout and password change end every session of an account

Revision ID: 5b0c2e7a9d41
Revises: 1156384dea2c
Create Date: 2026-12-03 05:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "5b0c2e7a9d41"
down_revision = "1156384dea2c"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(
            sa.Column("session_version", sa.Integer(), server_default="0", nullable=False))


def downgrade():
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("session_version")
