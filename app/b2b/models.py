"""B2B sessions: slots, tables, participants, requests, schedule runs, meetings, feedback."""

import enum
from datetime import datetime

from sqlalchemy import (
    JSON,
    Column,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import enum_type, utc_now
from app.events.models import Event, Registration
from app.extensions import db
from app.i18n import current_language
from app.members.models import Person, ProfileItemKind, Tag

#: Languages a session's title is written in.
TITLE_LANGUAGES = ("fr", "nl", "en")


class SessionStatus(enum.StrEnum):
    """Stage of a B2B session, from preparation to a published schedule."""

    DRAFT = "draft"
    #: Participants fill profiles and make requests.
    OPEN = "open"
    #: A schedule was published to the participants.
    PUBLISHED = "published"
    CLOSED = "closed"


class RequestStatus(enum.StrEnum):
    """Answer given to a meeting request."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


class RunStatus(enum.StrEnum):
    """Progress of a schedule run in the background worker."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class MeetingOutcome(enum.StrEnum):
    """What a meeting led to, in a participant's feedback."""

    NONE = "none"
    FOLLOW_UP = "follow_up"
    DEAL = "deal"


class SurveyResult(enum.StrEnum):
    """What came of a meeting, months later, in the outcomes survey."""

    NO_CONTACT = "no_contact"
    KNOWLEDGE = "knowledge"
    CONTACT = "contact"
    NEGOTIATION = "negotiation"
    AGREEMENT = "agreement"


participant_unavailable = Table(
    "b2b_participant_unavailable",
    db.metadata,
    Column(
        "participant_id", ForeignKey("b2b_participants.id", ondelete="CASCADE"), primary_key=True
    ),
    Column("slot_id", ForeignKey("b2b_slots.id", ondelete="CASCADE"), primary_key=True),
)

participant_item_tags = Table(
    "b2b_participant_item_tags",
    db.metadata,
    Column("item_id", ForeignKey("b2b_participant_items.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True),
)


class B2BSession(db.Model):
    """A B2B session of an event (annual event, study trip or a brokerage event)."""

    __tablename__ = "b2b_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    #: The session's own title in each language (empty: the event's title stands for it).
    title_fr: Mapped[str] = mapped_column(String(200), default="")
    title_nl: Mapped[str] = mapped_column(String(200), default="")
    title_en: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[SessionStatus] = mapped_column(
        enum_type(SessionStatus), default=SessionStatus.DRAFT
    )
    slot_minutes: Mapped[int] = mapped_column(default=20)
    #: Guests from outside the cluster may take part.
    open_to_guests: Mapped[bool] = mapped_column(default=True)
    max_meetings_default: Mapped[int | None]
    min_meetings: Mapped[int] = mapped_column(default=0)
    profile_deadline_at: Mapped[datetime | None]
    request_deadline_at: Mapped[datetime | None]
    #: A request goes to the scheduler only once the other side accepted it.
    requires_acceptance: Mapped[bool] = mapped_column(default=False)
    #: The run whose meetings were last published.
    published_run_id: Mapped[int | None] = mapped_column(
        ForeignKey("b2b_schedule_runs.id", ondelete="SET NULL", use_alter=True)
    )
    published_at: Mapped[datetime | None]
    #: Raised by every profile or request change; keys the suggestion cache.
    profiles_version: Mapped[int] = mapped_column(default=0)
    #: Months after the event's end when participants get the outcomes survey.
    outcome_survey_months: Mapped[int] = mapped_column(default=6)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)

    event: Mapped[Event] = relationship()
    slots: Mapped[list["Slot"]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="Slot.starts_at"
    )
    tables: Mapped[list["B2BTable"]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="B2BTable.position"
    )
    participants: Mapped[list["Participant"]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="Participant.id"
    )

    def title_in(self, language: str) -> str:
        """Return the title in the language, or in another one when missing."""
        own = getattr(self, f"title_{language}", "") if language in TITLE_LANGUAGES else ""
        return own or self.title_en or self.title_fr or self.title_nl

    @property
    def title(self) -> str:
        """Return the title in the language pages and mails are being written in."""
        return self.title_in(current_language())

    @title.setter
    def title(self, value: str) -> None:
        """Use one title for every language (scripts and benchmarks name a session once)."""
        self.title_fr = self.title_nl = self.title_en = value

    def __repr__(self) -> str:
        return f"<B2BSession {self.id} of event {self.event_id}>"


class Slot(db.Model):
    """A meeting slot; a pause (lunch) is simply a gap between slots."""

    __tablename__ = "b2b_slots"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("b2b_sessions.id", ondelete="CASCADE"))
    #: Identifier in b2b-problem files ("S01").
    code: Mapped[str] = mapped_column(String(20))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]

    session: Mapped[B2BSession] = relationship(back_populates="slots")

    __table_args__ = (UniqueConstraint("session_id", "code"),)

    def __repr__(self) -> str:
        return f"<Slot {self.code} of session {self.session_id}>"


class B2BTable(db.Model):
    """A table or room where meetings take place; may be an exhibitor's fixed stand."""

    __tablename__ = "b2b_tables"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("b2b_sessions.id", ondelete="CASCADE"))
    #: Identifier in b2b-problem files ("T01").
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(100))
    location: Mapped[str] = mapped_column(String(200), default="")
    position: Mapped[int] = mapped_column(default=0)
    #: Moves the calendar feeds' Last-Modified when the table is renamed or moved.
    updated_at: Mapped[datetime | None] = mapped_column(default=utc_now, onupdate=utc_now)

    session: Mapped[B2BSession] = relationship(back_populates="tables")

    __table_args__ = (UniqueConstraint("session_id", "code"),)

    def __repr__(self) -> str:
        return f"<B2BTable {self.code} {self.name!r}>"


class Participant(db.Model):
    """A person taking part in a session, representing their organisation."""

    __tablename__ = "b2b_participants"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("b2b_sessions.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("registrations.id", ondelete="SET NULL")
    )
    #: Identifier in b2b-problem files ("P001"), stable for the session.
    code: Mapped[str] = mapped_column(String(20))
    #: Organisation name as shown to others (the person's organisation or free text).
    organisation_label: Mapped[str] = mapped_column(String(200), default="")
    #: Comma-separated ISO 639-1 codes; empty means any language.
    languages_raw: Mapped[str] = mapped_column(String(60), default="")
    #: Comma-separated sector codes.
    sectors_raw: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    #: The people this participant meets may see their e-mail address (invites, feed).
    share_email: Mapped[bool] = mapped_column(default=False)
    max_meetings: Mapped[int | None]
    #: Fixed stand: the participant meets only here (or at the other's stand).
    table_id: Mapped[int | None] = mapped_column(ForeignKey("b2b_tables.id", ondelete="SET NULL"))
    profile_completed_at: Mapped[datetime | None]
    #: When the person joined the session themself, and the privacy notice version then.
    consent_at: Mapped[datetime | None]
    consent_notice_version: Mapped[int | None]
    #: Event day: marked absent (no-show) or arriving late.
    absent: Mapped[bool] = mapped_column(default=False)
    arrives_at: Mapped[datetime | None]
    #: Event day: left before the end; slots starting from then are not theirs any more.
    left_at: Mapped[datetime | None]
    #: When the outcomes survey was mailed (once per participant).
    outcome_survey_sent_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utc_now)

    session: Mapped[B2BSession] = relationship(back_populates="participants")
    person: Mapped[Person] = relationship()
    registration: Mapped[Registration | None] = relationship()
    table: Mapped[B2BTable | None] = relationship()
    unavailable: Mapped[list[Slot]] = relationship(secondary=participant_unavailable)
    items: Mapped[list["ParticipantItem"]] = relationship(
        back_populates="participant", cascade="all, delete-orphan", order_by="ParticipantItem.id"
    )

    __table_args__ = (
        UniqueConstraint("session_id", "person_id"),
        UniqueConstraint("session_id", "code"),
    )

    @property
    def is_absent(self) -> bool:
        """Tell whether the participant is away: marked absent, or a no-show at the event."""
        return self.absent or (self.registration is not None and self.registration.no_show)

    @property
    def languages(self) -> list[str]:
        """Return the codes of the languages the participant speaks."""
        return [c for c in self.languages_raw.split(",") if c]

    @languages.setter
    def languages(self, values) -> None:
        """Store the language codes once each, sorted."""
        self.languages_raw = ",".join(sorted(set(values)))

    @property
    def sectors(self) -> list[str]:
        """Return the codes of the participant's sectors."""
        return [c for c in self.sectors_raw.split(",") if c]

    @sectors.setter
    def sectors(self, values) -> None:
        """Store the sector codes once each, sorted."""
        self.sectors_raw = ",".join(sorted(set(values)))

    def __repr__(self) -> str:
        return f"<Participant {self.code} person={self.person_id}>"


class ParticipantItem(db.Model):
    """An offer or a need in a participant's profile, tagged from the shared vocabulary."""

    __tablename__ = "b2b_participant_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("b2b_participants.id", ondelete="CASCADE")
    )
    kind: Mapped[ProfileItemKind] = mapped_column(enum_type(ProfileItemKind))
    title: Mapped[str] = mapped_column(String(200))
    tags: Mapped[list[Tag]] = relationship(secondary=participant_item_tags)

    participant: Mapped[Participant] = relationship(back_populates="items")

    def __repr__(self) -> str:
        return f"<ParticipantItem {self.kind} {self.title!r}>"


class MeetingRequest(db.Model):
    """A request to meet: could (1), should (2) or must (3)."""

    __tablename__ = "b2b_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("b2b_sessions.id", ondelete="CASCADE"))
    from_id: Mapped[int] = mapped_column(ForeignKey("b2b_participants.id", ondelete="CASCADE"))
    to_id: Mapped[int] = mapped_column(ForeignKey("b2b_participants.id", ondelete="CASCADE"))
    priority: Mapped[int] = mapped_column(default=1)
    status: Mapped[RequestStatus] = mapped_column(
        enum_type(RequestStatus), default=RequestStatus.PENDING
    )
    #: Added by an organiser (a must-meet pair set by hand).
    by_organiser: Mapped[bool] = mapped_column(default=False)
    #: The organiser brings an interpreter: the pair meets without a common language.
    interpreter: Mapped[bool] = mapped_column(default=False)
    message: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    responded_at: Mapped[datetime | None]

    requester: Mapped[Participant] = relationship(foreign_keys=[from_id])
    recipient: Mapped[Participant] = relationship(foreign_keys=[to_id])

    __table_args__ = (UniqueConstraint("session_id", "from_id", "to_id"),)

    def __repr__(self) -> str:
        return f"<MeetingRequest {self.from_id}->{self.to_id} p{self.priority} {self.status}>"


class ForbiddenPair(db.Model):
    """A pair the organisers never want scheduled together."""

    __tablename__ = "b2b_forbidden_pairs"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("b2b_sessions.id", ondelete="CASCADE"))
    a_id: Mapped[int] = mapped_column(ForeignKey("b2b_participants.id", ondelete="CASCADE"))
    b_id: Mapped[int] = mapped_column(ForeignKey("b2b_participants.id", ondelete="CASCADE"))

    __table_args__ = (UniqueConstraint("session_id", "a_id", "b_id"),)

    def __repr__(self) -> str:
        return f"<ForbiddenPair {self.a_id}x{self.b_id}>"


class ScheduleRun(db.Model):
    """One solver run for a session, kept beside the others for comparison."""

    __tablename__ = "b2b_schedule_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("b2b_sessions.id", ondelete="CASCADE"))
    job_id: Mapped[int | None] = mapped_column(ForeignKey("jobs.id", ondelete="SET NULL"))
    status: Mapped[RunStatus] = mapped_column(enum_type(RunStatus), default=RunStatus.QUEUED)
    time_limit: Mapped[int] = mapped_column(default=30)
    min_meetings: Mapped[int] = mapped_column(default=0)
    #: A re-plan from this slot on (event day); None for a full run.
    from_slot_id: Mapped[int | None] = mapped_column(
        ForeignKey("b2b_slots.id", ondelete="SET NULL")
    )
    #: The run this one starts from: its locked meetings are kept (and, for a re-plan from
    #: `from_slot_id`, its other meetings are the previous schedule).
    base_run_id: Mapped[int | None] = mapped_column(
        ForeignKey("b2b_schedule_runs.id", ondelete="SET NULL")
    )
    #: After publication: every published meeting still valid stays where it is.
    keeps_published: Mapped[bool] = mapped_column(default=False)
    #: While running: "preparing", "found" (a first schedule) or "improving".
    phase: Mapped[str] = mapped_column(String(20), default="")
    best_value: Mapped[float | None]
    bound: Mapped[float | None]
    #: Meetings in the best schedule so far, while the run goes on.
    placed: Mapped[int | None]
    progress_at: Mapped[datetime | None]
    #: The schedule's `stats` as the solver reported them.
    stats: Mapped[dict] = mapped_column(JSON, default=dict)
    #: `unscheduled` pairs with their reason codes.
    unscheduled: Mapped[list] = mapped_column(JSON, default=list)
    error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]

    meetings: Mapped[list["Meeting"]] = relationship(
        back_populates="run", cascade="all, delete-orphan", order_by="Meeting.id"
    )

    def __repr__(self) -> str:
        return f"<ScheduleRun {self.id} {self.status}>"


class Meeting(db.Model):
    """A meeting of a run: a pair, a slot and a table."""

    __tablename__ = "b2b_meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("b2b_schedule_runs.id", ondelete="CASCADE"))
    a_id: Mapped[int] = mapped_column(ForeignKey("b2b_participants.id", ondelete="CASCADE"))
    b_id: Mapped[int] = mapped_column(ForeignKey("b2b_participants.id", ondelete="CASCADE"))
    slot_id: Mapped[int] = mapped_column(ForeignKey("b2b_slots.id", ondelete="CASCADE"))
    table_id: Mapped[int] = mapped_column(ForeignKey("b2b_tables.id", ondelete="CASCADE"))
    #: Kept exactly here by later runs.
    locked: Mapped[bool] = mapped_column(default=False)

    run: Mapped[ScheduleRun] = relationship(back_populates="meetings")
    a: Mapped[Participant] = relationship(foreign_keys=[a_id])
    b: Mapped[Participant] = relationship(foreign_keys=[b_id])
    slot: Mapped[Slot] = relationship()
    table: Mapped[B2BTable] = relationship()

    __table_args__ = (
        UniqueConstraint("run_id", "a_id", "b_id"),
        Index("ix_b2b_meetings_run_slot", "run_id", "slot_id"),
    )

    def __repr__(self) -> str:
        return f"<Meeting {self.a_id}x{self.b_id} slot={self.slot_id} table={self.table_id}>"


class PublishedMeeting(db.Model):
    """What participants were last told: the diff of the next publication starts here."""

    __tablename__ = "b2b_published_meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("b2b_sessions.id", ondelete="CASCADE"))
    a_id: Mapped[int] = mapped_column(ForeignKey("b2b_participants.id", ondelete="CASCADE"))
    b_id: Mapped[int] = mapped_column(ForeignKey("b2b_participants.id", ondelete="CASCADE"))
    slot_id: Mapped[int] = mapped_column(ForeignKey("b2b_slots.id", ondelete="CASCADE"))
    table_id: Mapped[int] = mapped_column(ForeignKey("b2b_tables.id", ondelete="CASCADE"))
    uid: Mapped[str] = mapped_column(String(255))
    published_at: Mapped[datetime] = mapped_column(default=utc_now)

    __table_args__ = (UniqueConstraint("session_id", "a_id", "b_id"),)

    def __repr__(self) -> str:
        return f"<PublishedMeeting {self.uid}>"


class MeetingFeedback(db.Model):
    """A participant's short feedback on one published meeting, after the event."""

    __tablename__ = "b2b_meeting_feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    published_meeting_id: Mapped[int] = mapped_column(
        ForeignKey("b2b_published_meetings.id", ondelete="CASCADE")
    )
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("b2b_participants.id", ondelete="CASCADE")
    )
    happened: Mapped[bool] = mapped_column(default=True)
    #: 1 (not useful) to 5 (very useful).
    usefulness: Mapped[int | None]
    #: The type keeps its first name, "outcome", so the schema did not change with the class.
    outcome: Mapped[MeetingOutcome] = mapped_column(
        enum_type(MeetingOutcome, name="outcome"), default=MeetingOutcome.NONE
    )
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utc_now)

    __table_args__ = (UniqueConstraint("published_meeting_id", "participant_id"),)

    def __repr__(self) -> str:
        return f"<MeetingFeedback meeting={self.published_meeting_id} p={self.participant_id}>"


class MeetingSurveyAnswer(db.Model):
    """A participant's answer, months later, on what came of one published meeting."""

    __tablename__ = "b2b_meeting_survey_answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    published_meeting_id: Mapped[int] = mapped_column(
        ForeignKey("b2b_published_meetings.id", ondelete="CASCADE")
    )
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("b2b_participants.id", ondelete="CASCADE")
    )
    result: Mapped[SurveyResult] = mapped_column(enum_type(SurveyResult))
    answered_at: Mapped[datetime] = mapped_column(default=utc_now)

    __table_args__ = (UniqueConstraint("published_meeting_id", "participant_id"),)

    def __repr__(self) -> str:
        return f"<MeetingSurveyAnswer meeting={self.published_meeting_id} p={self.participant_id}>"


class B2BNotification(db.Model):
    """Something to tell a participant in their next daily digest (a request, an answer)."""

    __tablename__ = "b2b_notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("b2b_participants.id", ondelete="CASCADE")
    )
    #: "request" (new request received), "accepted", "declined", "deadline".
    kind: Mapped[str] = mapped_column(String(20))
    request_id: Mapped[int | None] = mapped_column(
        ForeignKey("b2b_requests.id", ondelete="CASCADE")
    )
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    #: Set when a digest claimed it (the digest is queued in the same transaction).
    sent_at: Mapped[datetime | None]

    participant: Mapped[Participant] = relationship()
    request: Mapped[MeetingRequest | None] = relationship()

    __table_args__ = (Index("ix_b2b_notifications_pending", "sent_at", "participant_id"),)

    def __repr__(self) -> str:
        return f"<B2BNotification {self.kind} p={self.participant_id} sent={self.sent_at}>"
