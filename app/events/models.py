"""Events of every kind, their programme, custom questions and registrations."""

import enum
from datetime import date, datetime

from sqlalchemy import JSON, Column, ForeignKey, Index, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from app.db import enum_type, utc_now
from app.extensions import db
from app.members.models import LANGUAGES, Organisation, Person, Sector


class EventKind(enum.StrEnum):
    """What kind of event it is (the cluster's formats)."""

    CIRCLEMEET = "circlemeet"
    SITE_VISIT = "site_visit"
    SEMINAR = "seminar"
    STUDY_TRIP = "study_trip"
    AFTERWORK = "afterwork"
    KNOWLEDGE_SESSION = "knowledge_session"
    WORKING_GROUP = "working_group"
    ANNUAL_EVENT = "annual_event"
    BROKERAGE = "brokerage"


class EventStatus(enum.StrEnum):
    """Publication state of an event."""

    DRAFT = "draft"
    PUBLISHED = "published"
    CANCELLED = "cancelled"


class Audience(enum.StrEnum):
    """Who may register for an event."""

    MEMBERS = "members"
    MEMBERS_PARTNERS = "members_partners"
    PUBLIC = "public"


class QuestionKind(enum.StrEnum):
    """How a registration question is answered."""

    TEXT = "text"
    #: One option of a list.
    CHOICE = "choice"
    #: Any number of options of a list (the answer is a list).
    MULTIPLE = "multiple"
    #: A whole number, between the organiser's bounds if any (the answer is an int).
    NUMBER = "number"
    YES_NO = "yes_no"


#: The answers a yes/no question takes.
YES_NO_VALUES = ("yes", "no")


class RegistrationStatus(enum.StrEnum):
    """Where a registration stands."""

    #: Waiting for the person to confirm their address by the link mailed to them.
    UNCONFIRMED = "unconfirmed"
    #: Waiting for an organiser's approval (events that need approval).
    PENDING = "pending"
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"


event_sectors = Table(
    "event_sectors",
    db.metadata,
    Column("event_id", ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    Column("sector_id", ForeignKey("sectors.id", ondelete="CASCADE"), primary_key=True),
)


def _localised(obj, prefix: str, language: str) -> str:
    if language in LANGUAGES and getattr(obj, f"{prefix}_{language}", ""):
        return getattr(obj, f"{prefix}_{language}")
    return (
        getattr(obj, f"{prefix}_en", "")
        or getattr(obj, f"{prefix}_fr", "")
        or getattr(obj, f"{prefix}_nl", "")
    )


class Event(db.Model):
    """A circlemeet, visit, seminar, trip, afterwork, session, working group or annual event."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[EventKind] = mapped_column(enum_type(EventKind))
    status: Mapped[EventStatus] = mapped_column(enum_type(EventStatus), default=EventStatus.DRAFT)
    title_fr: Mapped[str] = mapped_column(String(200), default="")
    title_nl: Mapped[str] = mapped_column(String(200), default="")
    title_en: Mapped[str] = mapped_column(String(200), default="")
    description_fr: Mapped[str] = mapped_column(Text, default="")
    description_nl: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    venue: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    #: The member hosting a circlemeet or a site visit.
    host_organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL")
    )
    audience: Mapped[Audience] = mapped_column(enum_type(Audience), default=Audience.PUBLIC)
    #: Confirmed places; None means no limit.
    capacity: Mapped[int | None]
    registration_opens_at: Mapped[datetime | None]
    registration_closes_at: Mapped[datetime | None]
    requires_approval: Mapped[bool] = mapped_column(default=False)
    #: Public events with a capacity: a place is held only once the address is confirmed.
    confirm_by_link: Mapped[bool] = mapped_column(default=True)
    #: Approval mode: hours a place offered from the waiting list waits for the person to
    #: take it (None: held until the organisers decide).
    offer_hours: Mapped[int | None]
    #: The organiser's reminder text per language (None: the default sentence).
    reminder_text_fr: Mapped[str | None] = mapped_column(Text)
    reminder_text_nl: Mapped[str | None] = mapped_column(Text)
    reminder_text_en: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now, onupdate=utc_now)
    cancelled_at: Mapped[datetime | None]

    host_organisation: Mapped[Organisation | None] = relationship()
    sectors: Mapped[list[Sector]] = relationship(secondary=event_sectors)
    programme: Mapped[list["ProgrammeItem"]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="ProgrammeItem.starts_at"
    )
    questions: Mapped[list["Question"]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="Question.position"
    )
    registrations: Mapped[list["Registration"]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="Registration.created_at"
    )

    __table_args__ = (Index("ix_events_status_starts_at", "status", "starts_at"),)

    def title(self, language: str) -> str:
        """Return the title in the language, or in another one when missing."""
        return _localised(self, "title", language)

    def description(self, language: str) -> str:
        """Return the description in the language, or in another one when missing."""
        return _localised(self, "description", language)

    def __repr__(self) -> str:
        return f"<Event {self.id} {self.kind} {self.title_en or self.title_fr!r}>"


class ProgrammeItem(db.Model):
    """One item of a multi-day programme, with its own time and place."""

    __tablename__ = "programme_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    title_fr: Mapped[str] = mapped_column(String(200), default="")
    title_nl: Mapped[str] = mapped_column(String(200), default="")
    title_en: Mapped[str] = mapped_column(String(200), default="")
    location: Mapped[str] = mapped_column(String(200), default="")
    #: People are checked in at this item (a visit of a study trip), not only at the event.
    check_in: Mapped[bool] = mapped_column(default=False)

    event: Mapped[Event] = relationship(back_populates="programme")

    def title(self, language: str) -> str:
        """Return the title in the language, or in another one when missing."""
        return _localised(self, "title", language)

    def __repr__(self) -> str:
        return f"<ProgrammeItem {self.id} of event {self.event_id}>"


class Question(db.Model):
    """A custom question asked at registration (dietary needs, which workshop...)."""

    __tablename__ = "questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    kind: Mapped[QuestionKind] = mapped_column(enum_type(QuestionKind))
    label_fr: Mapped[str] = mapped_column(String(200), default="")
    label_nl: Mapped[str] = mapped_column(String(200), default="")
    label_en: Mapped[str] = mapped_column(String(200), default="")
    #: For choice and multiple-choice questions: one option per line.
    choices: Mapped[str] = mapped_column(Text, default="")
    required: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)
    #: Number questions: the smallest and the largest answer allowed (None: no bound).
    min_value: Mapped[int | None]
    max_value: Mapped[int | None]
    #: Conditional questions: asked only when the answer to this other question of the event
    #: (itself unconditional: one level) is one of condition_values.
    condition_question_id: Mapped[int | None] = mapped_column(
        ForeignKey("questions.id", ondelete="SET NULL"))
    #: The answers of the condition question that make this one asked, one per line.
    condition_values: Mapped[str] = mapped_column(Text, default="")

    event: Mapped[Event] = relationship(back_populates="questions")
    condition_question: Mapped["Question | None"] = relationship(remote_side="Question.id")

    def label(self, language: str) -> str:
        """Return the label in the language, or in another one when missing."""
        return _localised(self, "label", language)

    @property
    def choice_list(self) -> list[str]:
        """Return the options of a choice question, blank lines left out."""
        return [c.strip() for c in self.choices.splitlines() if c.strip()]

    @property
    def option_values(self) -> list[str]:
        """Return the answers a question with options takes (none for text and numbers)."""
        if self.kind == QuestionKind.YES_NO:
            return list(YES_NO_VALUES)
        if self.kind in (QuestionKind.CHOICE, QuestionKind.MULTIPLE):
            return self.choice_list
        return []

    @property
    def condition_value_list(self) -> list[str]:
        """Return the answers of the condition question that make this one asked."""
        return [v for v in self.condition_values.splitlines() if v]

    def asked_for(self, answers: dict) -> bool:
        """Tell whether the question is asked, given the answers to the other questions."""
        if self.condition_question_id is None:
            return True
        given = answers.get(str(self.condition_question_id))
        given = given if isinstance(given, list) else [given]
        wanted = self.condition_value_list
        return any(value in wanted for value in given if isinstance(value, str))

    def __repr__(self) -> str:
        return f"<Question {self.id} {self.kind}>"


class Registration(db.Model):
    """A person's registration for an event."""

    __tablename__ = "registrations"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    status: Mapped[RegistrationStatus] = mapped_column(enum_type(RegistrationStatus))
    #: Language of the mails about this registration.
    language: Mapped[str] = mapped_column(String(2), default="fr")
    #: Answers to the custom questions, keyed by question id (as text).
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    #: "online" or "organiser" (added by hand).
    source: Mapped[str] = mapped_column(String(20), default="online")
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    confirmed_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    consent_at: Mapped[datetime | None]
    #: Version of the privacy notice the person agreed to (app.privacy.notice).
    consent_notice_version: Mapped[int | None]
    attended_at: Mapped[datetime | None]
    no_show: Mapped[bool] = mapped_column(default=False)
    reminder_sent_at: Mapped[datetime | None]
    #: Set while a freed place is held for this pending person (approval mode).
    offered_at: Mapped[datetime | None]
    #: Until when an offered place waits for the person to take it (None: no limit, or taken).
    offer_expires_at: Mapped[datetime | None]
    #: Until when an unconfirmed registration holds a place (None: it holds none).
    hold_expires_at: Mapped[datetime | None]

    event: Mapped[Event] = relationship(back_populates="registrations")
    person: Mapped[Person] = relationship()

    __table_args__ = (
        UniqueConstraint("event_id", "person_id"),
        Index("ix_registrations_event_status", "event_id", "status"),
    )

    def __repr__(self) -> str:
        return (
            f"<Registration {self.id} event={self.event_id} person={self.person_id} {self.status}>"
        )


class DayAttendance(db.Model):
    """A confirmed participant checked in on one day of a multi-day event."""

    __tablename__ = "day_attendances"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), index=True)
    #: The Brussels day of the check-in.
    day: Mapped[date]
    checked_in_at: Mapped[datetime] = mapped_column(default=utc_now)

    registration: Mapped[Registration] = relationship(
        backref=backref("days", cascade="all, delete-orphan", passive_deletes=True))

    __table_args__ = (UniqueConstraint("registration_id", "day"),)


class ItemAttendance(db.Model):
    """A confirmed participant checked in at one programme item (a study trip's visit)."""

    __tablename__ = "item_attendances"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int] = mapped_column(
        ForeignKey("programme_items.id", ondelete="CASCADE"), index=True)
    checked_in_at: Mapped[datetime] = mapped_column(default=utc_now)

    registration: Mapped[Registration] = relationship(
        backref=backref("items", cascade="all, delete-orphan", passive_deletes=True))
    item: Mapped[ProgrammeItem] = relationship(
        backref=backref("attendances", cascade="all, delete-orphan", passive_deletes=True))

    __table_args__ = (UniqueConstraint("registration_id", "item_id"),)


class MailTemplate(db.Model):
    """An organiser's text for one registration mail, per event kind and language.

    Placeholders in braces (``{name}``...) are filled when the mail is built; the text is
    plain text (escaped in the HTML part). No row: the built-in text.
    """

    __tablename__ = "mail_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_kind: Mapped[EventKind] = mapped_column(enum_type(EventKind))
    #: The registration mail: "confirmed", "waitlisted", "promoted", "reminder", "cancelled".
    mail_kind: Mapped[str] = mapped_column(String(30))
    language: Mapped[str] = mapped_column(String(2))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now, onupdate=utc_now)

    __table_args__ = (UniqueConstraint("event_kind", "mail_kind", "language"),)
