"""The cluster's year: membership history, board seats, follow-ups, advices, introductions,
projects, the yearly plan, communication figures and report paragraphs.

Revision ID: c0032c159260
Revises: b7d41e9a2c35
"""

import sqlalchemy as sa
from alembic import op

from app.db import UTCDateTime

revision = "c0032c159260"
down_revision = "b7d41e9a2c35"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "cluster_communication",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("website_visitors", sa.Integer(), nullable=True),
        sa.Column("open_rate_fr", sa.Integer(), nullable=True),
        sa.Column("open_rate_nl", sa.Integer(), nullable=True),
        sa.Column("open_rate_en", sa.Integer(), nullable=True),
        sa.Column("social_posts", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.CheckConstraint("ends_on >= starts_on", name=op.f("ck_cluster_communication_period")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cluster_communication")),
    )
    with op.batch_alter_table("cluster_communication", schema=None) as batch_op:
        batch_op.create_index(
            "ix_cluster_communication_period", ["starts_on", "ends_on"], unique=False
        )

    op.create_table(
        "cluster_plan_targets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("metric", sa.String(length=60), nullable=False),
        sa.Column("target", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cluster_plan_targets")),
        sa.UniqueConstraint("year", "metric", name=op.f("uq_cluster_plan_targets_year_metric")),
    )
    with op.batch_alter_table("cluster_plan_targets", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cluster_plan_targets_year"), ["year"], unique=False)

    op.create_table(
        "cluster_report_texts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("section", sa.String(length=40), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cluster_report_texts")),
        sa.UniqueConstraint("year", "section", name=op.f("uq_cluster_report_texts_year_section")),
    )
    op.create_table(
        "cluster_memberships",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("member", "partner", name="organisationkind", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("candidate_since", sa.Date(), nullable=True),
        sa.Column("member_since", sa.Date(), nullable=True),
        sa.Column("left_on", sa.Date(), nullable=True),
        sa.Column("left_reason", sa.String(length=300), nullable=False),
        sa.Column(
            "partner_type",
            sa.Enum(
                "academic",
                "institutional",
                "support",
                "financial",
                name="partnertype",
                native_enum=False,
                length=32,
            ),
            nullable=True,
        ),
        sa.CheckConstraint(
            "candidate_since IS NOT NULL OR member_since IS NOT NULL",
            name=op.f("ck_cluster_memberships_started"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_cluster_memberships_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cluster_memberships")),
    )
    with op.batch_alter_table("cluster_memberships", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_cluster_memberships_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "cluster_projects",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("sector_id", sa.Integer(), nullable=True),
        sa.Column(
            "stage",
            sa.Enum(
                "idea", "pilot", "industrialised", name="projectstage", native_enum=False, length=32
            ),
            nullable=False,
        ),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("break_even", sa.Boolean(), nullable=False),
        sa.Column("jobs_created", sa.Integer(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_cluster_projects_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["sector_id"],
            ["sectors.id"],
            name=op.f("fk_cluster_projects_sector_id_sectors"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cluster_projects")),
    )
    with op.batch_alter_table("cluster_projects", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_cluster_projects_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "cluster_advices",
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_cluster_advices_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_cluster_advices_person_id_people"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["users.id"],
            name=op.f("fk_cluster_advices_staff_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cluster_advices")),
    )
    with op.batch_alter_table("cluster_advices", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cluster_advices_held_on"), ["held_on"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_cluster_advices_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "cluster_board_seats",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("co_opted", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_cluster_board_seats_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_cluster_board_seats_person_id_people"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cluster_board_seats")),
    )
    with op.batch_alter_table("cluster_board_seats", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_cluster_board_seats_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "cluster_follow_ups",
        sa.Column(
            "kind",
            sa.Enum(
                "account_management",
                "rd_subsidy",
                "recruitment",
                "industrial_support",
                "export",
                "other",
                name="followupkind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_cluster_follow_ups_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_cluster_follow_ups_person_id_people"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["users.id"],
            name=op.f("fk_cluster_follow_ups_staff_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cluster_follow_ups")),
    )
    with op.batch_alter_table("cluster_follow_ups", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_cluster_follow_ups_held_on"), ["held_on"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_cluster_follow_ups_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "cluster_introductions",
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("to_organisation_id", sa.Integer(), nullable=True),
        sa.Column("to_person_id", sa.Integer(), nullable=True),
        sa.Column("outside_contact", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column(
            "outcome",
            sa.Enum(
                "pending",
                "no_reply",
                "contact_made",
                "meeting_held",
                "business",
                name="introductionoutcome",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("outcome_on", sa.Date(), nullable=True),
        sa.Column("mailed_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_cluster_introductions_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_cluster_introductions_person_id_people"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["users.id"],
            name=op.f("fk_cluster_introductions_staff_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["to_organisation_id"],
            ["organisations.id"],
            name=op.f("fk_cluster_introductions_to_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["to_person_id"],
            ["people.id"],
            name=op.f("fk_cluster_introductions_to_person_id_people"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cluster_introductions")),
    )
    with op.batch_alter_table("cluster_introductions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_cluster_introductions_held_on"), ["held_on"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_cluster_introductions_organisation_id"),
            ["organisation_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_cluster_introductions_to_organisation_id"),
            ["to_organisation_id"],
            unique=False,
        )


def downgrade():
    with op.batch_alter_table("cluster_introductions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cluster_introductions_to_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_cluster_introductions_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_cluster_introductions_held_on"))

    op.drop_table("cluster_introductions")
    with op.batch_alter_table("cluster_follow_ups", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cluster_follow_ups_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_cluster_follow_ups_held_on"))

    op.drop_table("cluster_follow_ups")
    with op.batch_alter_table("cluster_board_seats", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cluster_board_seats_organisation_id"))

    op.drop_table("cluster_board_seats")
    with op.batch_alter_table("cluster_advices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cluster_advices_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_cluster_advices_held_on"))

    op.drop_table("cluster_advices")
    with op.batch_alter_table("cluster_projects", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cluster_projects_organisation_id"))

    op.drop_table("cluster_projects")
    with op.batch_alter_table("cluster_memberships", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cluster_memberships_organisation_id"))

    op.drop_table("cluster_memberships")
    op.drop_table("cluster_report_texts")
    with op.batch_alter_table("cluster_plan_targets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cluster_plan_targets_year"))

    op.drop_table("cluster_plan_targets")
    with op.batch_alter_table("cluster_communication", schema=None) as batch_op:
        batch_op.drop_index("ix_cluster_communication_period")

    op.drop_table("cluster_communication")
