"""The cluster's year: membership history, board seats, follow-ups, introductions, projects,
the yearly plan, communication figures and the organisers' report paragraphs."""

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.db import enum_type, utc_now
from app.extensions import db
from app.members.models import Organisation, OrganisationKind, PartnerType, Person, Sector


class FollowUpKind(enum.StrEnum):
    """What a follow-up of a member was about."""

    ACCOUNT_MANAGEMENT = "account_management"
    RD_SUBSIDY = "rd_subsidy"
    RECRUITMENT = "recruitment"
    INDUSTRIAL_SUPPORT = "industrial_support"
    EXPORT = "export"
    OTHER = "other"


class IntroductionOutcome(enum.StrEnum):
    """What came of an introduction, recorded later (pending until then)."""

    PENDING = "pending"
    NO_REPLY = "no_reply"
    CONTACT_MADE = "contact_made"
    MEETING_HELD = "meeting_held"
    BUSINESS = "business"


class ProjectStage(enum.StrEnum):
    """How far a member project has come."""

    IDEA = "idea"
    PILOT = "pilot"
    INDUSTRIALISED = "industrialised"


class Membership(db.Model):
    """One stretch of an organisation's ties with the cluster, as a member or a partner.

    A candidacy that stopped has `candidate_since` and `left_on` but no `member_since`; an
    organisation that leaves and comes back has two rows.
    """

    __tablename__ = "cluster_memberships"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[OrganisationKind] = mapped_column(enum_type(OrganisationKind))
    candidate_since: Mapped[date | None]
    #: For a partner: the day the partnership started.
    member_since: Mapped[date | None]
    left_on: Mapped[date | None]
    left_reason: Mapped[str] = mapped_column(String(300), default="")
    partner_type: Mapped[PartnerType | None] = mapped_column(enum_type(PartnerType))

    organisation: Mapped[Organisation] = relationship()

    __table_args__ = (
        CheckConstraint("candidate_since IS NOT NULL OR member_since IS NOT NULL", name="started"),
    )

    def __repr__(self) -> str:
        return f"<Membership org={self.organisation_id} {self.kind} {self.member_since}>"


class BoardSeat(db.Model):
    """A seat of an organisation on the advisory board, from its start to its end."""

    __tablename__ = "cluster_board_seats"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    starts_on: Mapped[date]
    ends_on: Mapped[date | None]
    co_opted: Mapped[bool] = mapped_column(default=False)

    organisation: Mapped[Organisation] = relationship()
    person: Mapped[Person | None] = relationship()

    def __repr__(self) -> str:
        return f"<BoardSeat org={self.organisation_id} {self.starts_on}-{self.ends_on}>"


class _Contact:
    """Columns shared by follow-ups and advices: when, with whom, by which staff member."""

    id: Mapped[int] = mapped_column(primary_key=True)
    held_on: Mapped[date] = mapped_column(index=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utc_now)


class FollowUp(_Contact, db.Model):
    """A follow-up of a member by the cluster team."""

    __tablename__ = "cluster_follow_ups"

    kind: Mapped[FollowUpKind] = mapped_column(enum_type(FollowUpKind))
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    organisation: Mapped[Organisation] = relationship()
    person: Mapped[Person | None] = relationship()
    staff: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<FollowUp {self.kind} org={self.organisation_id} {self.held_on}>"


class Advice(_Contact, db.Model):
    """A simple advice given to an organisation (an introduction has its own table)."""

    __tablename__ = "cluster_advices"

    subject: Mapped[str] = mapped_column(String(200))
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    organisation: Mapped[Organisation] = relationship()
    person: Mapped[Person | None] = relationship()
    staff: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<Advice org={self.organisation_id} {self.held_on}>"


class Introduction(_Contact, db.Model):
    """A simple advice putting a member in touch with a member, a partner or an outside contact."""

    __tablename__ = "cluster_introductions"

    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    #: The other side: a known organisation (member or partner) or an outside contact's name.
    to_organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    to_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    outside_contact: Mapped[str] = mapped_column(String(200), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    outcome: Mapped[IntroductionOutcome] = mapped_column(
        enum_type(IntroductionOutcome), default=IntroductionOutcome.PENDING
    )
    outcome_on: Mapped[date | None]
    #: Set when the app proposed it and mailed both sides.
    mailed_at: Mapped[datetime | None]

    organisation: Mapped[Organisation] = relationship(foreign_keys=[organisation_id])
    person: Mapped[Person | None] = relationship(foreign_keys=[person_id])
    to_organisation: Mapped[Organisation | None] = relationship(foreign_keys=[to_organisation_id])
    to_person: Mapped[Person | None] = relationship(foreign_keys=[to_person_id])
    staff: Mapped[User | None] = relationship()

    @property
    def whom(self) -> str:
        """Return the name of the other side."""
        return self.to_organisation.name if self.to_organisation else self.outside_contact

    def __repr__(self) -> str:
        return f"<Introduction {self.organisation_id}->{self.to_organisation_id} {self.outcome}>"


class Project(db.Model):
    """A member's circular project, counted by the five-year indicators."""

    __tablename__ = "cluster_projects"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    sector_id: Mapped[int | None] = mapped_column(ForeignKey("sectors.id", ondelete="SET NULL"))
    stage: Mapped[ProjectStage] = mapped_column(enum_type(ProjectStage), default=ProjectStage.IDEA)
    started_on: Mapped[date]
    break_even: Mapped[bool] = mapped_column(default=False)
    jobs_created: Mapped[int] = mapped_column(default=0)
    notes: Mapped[str] = mapped_column(Text, default="")

    organisation: Mapped[Organisation] = relationship()
    sector: Mapped[Sector | None] = relationship()

    def __repr__(self) -> str:
        return f"<Project {self.id} {self.title!r} {self.stage}>"


class PlanTarget(db.Model):
    """One target of a year's plan: an event kind (``event:<kind>``) or a key figure."""

    __tablename__ = "cluster_plan_targets"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(index=True)
    metric: Mapped[str] = mapped_column(String(60))
    target: Mapped[int]

    __table_args__ = (UniqueConstraint("year", "metric"),)

    def __repr__(self) -> str:
        return f"<PlanTarget {self.year} {self.metric}={self.target}>"


class CommunicationFigures(db.Model):
    """Figures the app cannot see, typed in per period (open rates are indicative)."""

    __tablename__ = "cluster_communication"

    id: Mapped[int] = mapped_column(primary_key=True)
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    website_visitors: Mapped[int | None]
    open_rate_fr: Mapped[int | None]  #: percent
    open_rate_nl: Mapped[int | None]
    open_rate_en: Mapped[int | None]
    social_posts: Mapped[int | None]
    notes: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="period"),
        Index("ix_cluster_communication_period", "starts_on", "ends_on"),
    )

    def __repr__(self) -> str:
        return f"<CommunicationFigures {self.starts_on}..{self.ends_on}>"


class ReportText(db.Model):
    """An organiser's paragraph for one section of a year's annual report."""

    __tablename__ = "cluster_report_texts"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    section: Mapped[str] = mapped_column(String(40))
    body: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (UniqueConstraint("year", "section"),)

    def __repr__(self) -> str:
        return f"<ReportText {self.year} {self.section}>"
