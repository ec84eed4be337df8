"""Erase a person: remove or anonymise every personal field, keep the rows that figures count.

What goes: names, address, phone, job title, typed organisation, answers, B2B profile texts,
offers and needs, request messages, feedback comments, pending digest items, calendar feed,
personal links (their version is raised), invite records, the bodies of mails sent to the
address, and the person's name and notes on the team's records (follow-ups, advices,
introductions, board seats: see team_records). What stays: the person row (anonymous), past
registrations with their status and dates, B2B participations, requests and meetings, and
the team's records without the person, so attendance, participation, follow-up and meeting
figures do not change. Registrations for events not over yet are cancelled first
(the seat goes to the waiting list; the cancellation mail is cleared, never sent), and
participations in B2B sessions to come are marked absent. The
organisation link of a directory contact stays (it is the company's figure, not the
person's).

Every step flushes, so the caller's single commit makes the whole erasure, and a rollback
after any failure leaves everything as it was.
"""

from dataclasses import dataclass

from sqlalchemy import delete, or_, select, update

from app.audit.services import record
from app.b2b.models import (
    B2BNotification,
    B2BSession,
    MeetingFeedback,
    MeetingRequest,
    Participant,
    ParticipantItem,
)
from app.db import utc_now
from app.events.models import Event, Registration, RegistrationStatus
from app.events.services import cancel_registration
from app.extensions import db
from app.mail.models import InviteSequence, OutboxMessage
from app.mail.retention import clear_bodies
from app.members.models import Person
from app.personal_data import team_records
from app.privacy.preferences import get_preference

#: Addresses of erased people: unique per row, and never deliverable (RFC 2606).
ERASED_DOMAIN = "erased.invalid"


class ErasureError(Exception):
    """The person cannot be erased (already erased)."""


@dataclass(frozen=True)
class ErasureResult:
    """What an erasure changed, in counts (for the flash message and the audit detail)."""

    registrations: int = 0
    cancelled: int = 0
    participations: int = 0
    mails: int = 0
    team_records: int = 0

    def detail(self) -> str:
        """Return the counts as a short note for the audit log."""
        return (f"registrations={self.registrations} cancelled={self.cancelled} "
                f"participations={self.participations} mails={self.mails} "
                f"team_records={self.team_records}")


def erased_email(person: Person) -> str:
    """Return the placeholder address of an erased person."""
    return f"erased-{person.id}@{ERASED_DOMAIN}"


def is_erased(person: Person) -> bool:
    """Tell whether the person was erased already."""
    return person.email.endswith("@" + ERASED_DOMAIN)


def _cancel_upcoming(person: Person) -> int:
    """Cancel the registrations for events not over yet: an anonymous seat helps nobody."""
    registrations = list(db.session.scalars(
        select(Registration).join(Event, Event.id == Registration.event_id)
        .where(Registration.person_id == person.id, Event.ends_at > utc_now(),
               Registration.status != RegistrationStatus.CANCELLED)))
    for registration in registrations:
        cancel_registration(registration)  # frees the seat for the waiting list
    return len(registrations)


def _erase_registrations(person: Person) -> int:
    result = db.session.execute(update(Registration).where(Registration.person_id == person.id)
                                .values(answers={}))
    db.session.flush()
    return result.rowcount or 0


def _erase_participations(person: Person) -> int:
    ids = list(db.session.scalars(select(Participant.id).where(Participant.person_id == person.id)))
    if not ids:
        return 0
    db.session.execute(update(Participant).where(Participant.id.in_(ids))
                       .values(organisation_label="", description=""))
    # In a session still to come, an anonymous participant can meet nobody: out of the
    # catalogue, the schedule and the reminders, as if absent.
    coming = select(B2BSession.id).join(Event, Event.id == B2BSession.event_id).where(
        Event.ends_at > utc_now())
    db.session.execute(update(Participant).where(
        Participant.id.in_(ids), Participant.session_id.in_(coming)).values(absent=True))
    db.session.execute(delete(ParticipantItem).where(ParticipantItem.participant_id.in_(ids)))
    # Messages in both directions: one written to the person usually names them.
    db.session.execute(update(MeetingRequest).where(
        or_(MeetingRequest.from_id.in_(ids), MeetingRequest.to_id.in_(ids))).values(message=""))
    db.session.execute(update(MeetingFeedback).where(MeetingFeedback.participant_id.in_(ids))
                       .values(comment=""))
    db.session.execute(delete(B2BNotification).where(
        B2BNotification.participant_id.in_(ids), B2BNotification.sent_at.is_(None)))
    db.session.flush()
    return len(ids)


def _erase_mail(address: str) -> int:
    db.session.execute(delete(InviteSequence).where(InviteSequence.recipient == address))
    return clear_bodies(OutboxMessage.recipient == address)


def _erase_person_row(person: Person) -> None:
    person.first_name = person.last_name = ""
    person.phone = person.job_title = person.organisation_name = ""
    person.consent_contact = False
    person.feed_token_hash = None
    person.feed_token_created_at = None
    person.token_version = (person.token_version or 1) + 1  # every link sent so far dies
    person.email = erased_email(person)
    db.session.flush()


def _erase_preferences(address: str) -> None:
    preference = get_preference(address)
    if preference is not None:
        db.session.delete(preference)


def erase_person(person: Person, actor, *, action: str = "person.erase") -> ErasureResult:
    """Erase the person's personal data and log it; flush only (the caller commits once)."""
    if is_erased(person):
        raise ErasureError("already erased")
    address = person.email
    cancelled = _cancel_upcoming(person)  # first: its mails are cleared below, never sent
    result = ErasureResult(registrations=_erase_registrations(person), cancelled=cancelled,
                           participations=_erase_participations(person),
                           mails=_erase_mail(address),
                           team_records=team_records.erase(person))
    _erase_preferences(address)
    # Last: the address is the key of the steps above.
    _erase_person_row(person)
    record(actor, action, person, result.detail())
    return result


def describe_erasure(person: Person) -> dict:
    """Return the counts of what an erasure would touch (the confirmation page)."""
    return {
        "registrations": db.session.scalar(
            select(db.func.count(Registration.id)).where(Registration.person_id == person.id)),
        "participations": db.session.scalar(
            select(db.func.count(Participant.id)).where(Participant.person_id == person.id)),
        "mails": db.session.scalar(
            select(db.func.count(OutboxMessage.id)).where(
                OutboxMessage.recipient == person.email)),
        "team_records": team_records.count(person),
    }
