"""Reads of events and registrations, and the registrations' personal links."""

from datetime import datetime

from sqlalchemy import and_, bindparam, case, func, or_, select
from sqlalchemy.orm import joinedload

from app.auth.links import PersonalLink, Purpose
from app.db import UTCDateTime, utc_now
from app.events.models import (
    Audience,
    Event,
    EventKind,
    EventStatus,
    Registration,
    RegistrationStatus,
)
from app.extensions import db
from app.mail.models import DeferredMail, OutboxMessage
from app.members.models import Person, Sector


def get_upcoming_events(kind: EventKind | str | None = None,
                        sector_id: int | None = None) -> list[Event]:
    """Return published events that have not ended, soonest first."""
    stmt = (select(Event)
            .where(Event.status == EventStatus.PUBLISHED, Event.ends_at > utc_now())
            .order_by(Event.starts_at, Event.id))
    if kind:
        stmt = stmt.where(Event.kind == EventKind(kind))
    if sector_id:
        stmt = stmt.where(Event.sectors.any(Sector.id == sector_id))
    return list(db.session.scalars(stmt))


#: A registration post's first statement: the event, its questions and the id of the person
#: with the address typed (NULL for a new one), so that claiming the person needs no read of
#: its own (a round trip fewer under a rush). Built once: ``session.get`` with a loader option
#: built its statement and cache key anew at every call (a twelfth of a post's CPU).
_EVENT_FOR_REGISTRATION = (
    select(Event, select(Person.id).where(Person.email == bindparam("email")).scalar_subquery())
    .options(joinedload(Event.questions)).where(Event.id == bindparam("event_id")))


def get_event_for_registration(event_id: int, email: str) -> tuple[Event | None, int | None]:
    """Return a public event with its questions, and the id of the person with this address.

    `email` is compared as stored (``members.queries.normalise_email``); the id is None when
    nobody has that address, or when the event is not public (a draft).
    """
    row = db.session.execute(_EVENT_FOR_REGISTRATION,
                             {"event_id": event_id, "email": email}).unique().one_or_none()
    if row is None or row[0].status == EventStatus.DRAFT:
        return None, None
    return row[0], row[1]


def get_public_event(event_id: int) -> Event | None:
    """Return a published or cancelled event (never a draft) by id."""
    event = db.session.get(Event, event_id)
    if event is None or event.status == EventStatus.DRAFT:
        return None
    return event


def get_confirmed_count(event: Event) -> int:
    """Count the confirmed registrations of an event."""
    return _count(event, RegistrationStatus.CONFIRMED)


def _count(event: Event, status: RegistrationStatus) -> int:
    return db.session.scalar(select(func.count(Registration.id)).where(
        Registration.event_id == event.id, Registration.status == status)) or 0


def _holds_place(now: datetime):
    """The condition of a registration that takes a place (see ``get_held_count``)."""
    return or_(Registration.status == RegistrationStatus.CONFIRMED,
               and_(Registration.status == RegistrationStatus.PENDING,
                    Registration.offered_at.is_not(None),
                    or_(Registration.offer_expires_at.is_(None),
                        Registration.offer_expires_at > now)),
               and_(Registration.status == RegistrationStatus.UNCONFIRMED,
                    Registration.hold_expires_at > now))


def get_held_count(event: Event, now: datetime | None = None) -> int:
    """Count the places taken: confirmed people, pending people offered a freed place, and
    unconfirmed people whose hold has not expired."""
    return db.session.scalar(
        select(func.count(Registration.id)).where(
            Registration.event_id == event.id, _holds_place(now or utc_now()))) or 0


def get_places_left(events: list[Event], now: datetime | None = None) -> dict[int, int | None]:
    """Return the free places of each event by id (None: no limit), counted in one query."""
    limited = [event.id for event in events if event.capacity is not None]
    held: dict[int, int] = {}
    if limited:
        held = dict(db.session.execute(
            select(Registration.event_id, func.count(Registration.id))
            .where(Registration.event_id.in_(limited), _holds_place(now or utc_now()))
            .group_by(Registration.event_id)).all())
    return {event.id: None if event.capacity is None
            else max(0, event.capacity - held.get(event.id, 0)) for event in events}


def get_status_counts(event: Event) -> dict[RegistrationStatus, int]:
    """Count the registrations of an event by status."""
    rows = db.session.execute(
        select(Registration.status, func.count(Registration.id))
        .where(Registration.event_id == event.id).group_by(Registration.status))
    counts = dict.fromkeys(RegistrationStatus, 0)
    counts.update({status: number for status, number in rows})
    return counts


def places_left(event: Event, now: datetime | None = None) -> int | None:
    """Return the free places of an event, or None when it has no limit."""
    if event.capacity is None:
        return None
    return max(0, event.capacity - get_held_count(event, now))


def needs_address_confirmation(event: Event) -> bool:
    """Tell whether online registrations hold a place only once the address is confirmed."""
    return (event.confirm_by_link and event.audience == Audience.PUBLIC
            and event.capacity is not None)


def online_outcome(event: Event, now: datetime | None = None) -> RegistrationStatus:
    """Return the status a new online registration gets now (the register service's rule)."""
    if needs_address_confirmation(event):
        return RegistrationStatus.UNCONFIRMED
    return outcome_after_confirmation(event, now)


def outcome_after_confirmation(event: Event, now: datetime | None = None) -> RegistrationStatus:
    """Return the status an address confirmation leads to now (approval, a place, the list)."""
    if event.requires_approval:
        return RegistrationStatus.PENDING
    left = places_left(event, now)
    return RegistrationStatus.CONFIRMED if left is None or left > 0 else (
        RegistrationStatus.WAITLISTED)


def holds_place(registration: Registration, now: datetime | None = None) -> bool:
    """Tell whether an unconfirmed registration holds a place now."""
    return (registration.status == RegistrationStatus.UNCONFIRMED
            and registration.hold_expires_at is not None
            and registration.hold_expires_at > (now or utc_now()))


def offer_open(registration: Registration, now: datetime | None = None) -> bool:
    """Tell whether a place offered from the waiting list still waits for the person."""
    return (registration.status == RegistrationStatus.PENDING
            and registration.offered_at is not None
            and registration.offer_expires_at is not None
            and registration.offer_expires_at > (now or utc_now()))


def get_events_with_expired_offers(now: datetime) -> list[Event]:
    """Return the events where an offered place was not taken in time."""
    return list(db.session.scalars(select(Event).where(Event.registrations.any(and_(
        Registration.status == RegistrationStatus.PENDING,
        Registration.offered_at.is_not(None),
        Registration.offer_expires_at <= now))).order_by(Event.id)))


def _expired_claim(now: datetime):
    """The condition of a claim on a place that ran out: a hold or an offer past its time."""
    return or_(and_(Registration.status == RegistrationStatus.UNCONFIRMED,
                    Registration.hold_expires_at <= now),
               and_(Registration.status == RegistrationStatus.PENDING,
                    Registration.offered_at.is_not(None),
                    Registration.offer_expires_at <= now))


def get_expired_claims(event: Event,
                       now: datetime) -> tuple[list[Registration], list[Registration]]:
    """Return an event's expired claims on a place, read in one statement: (the unconfirmed
    registrations whose hold has expired, the offers from the waiting list not taken in time,
    oldest offer first)."""
    rows = db.session.scalars(select(Registration).where(
        Registration.event_id == event.id, _expired_claim(now))
        .order_by(Registration.offer_expires_at, Registration.id)).all()
    holds = [row for row in rows if row.status == RegistrationStatus.UNCONFIRMED]
    return holds, [row for row in rows if row.status == RegistrationStatus.PENDING]


def _number_of(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


#: Built once: the statement of every seat decision (SQLAlchemy keeps its cache key with it).
_NOW = bindparam("now", type_=UTCDateTime())
_PLACE_COUNTS = select(_number_of(_holds_place(_NOW)), _number_of(_expired_claim(_NOW))).where(
    Registration.event_id == bindparam("event_id"))


def get_place_counts(event: Event, now: datetime) -> tuple[int, int]:
    """Return (the places taken, the expired claims to release) of an event, in one statement.

    Taken is ``get_held_count``; the expired claims are those ``get_expired_claims`` returns.
    """
    # On the session's connection: the statement loads no objects, so it needs no ORM step.
    taken, expired = db.session.connection().execute(
        _PLACE_COUNTS, {"now": now, "event_id": event.id}).one()
    return int(taken), int(expired)


def get_events_with_expired_holds(now: datetime) -> list[Event]:
    """Return the events that have unconfirmed registrations whose hold has expired."""
    return list(db.session.scalars(select(Event).where(Event.registrations.any(and_(
        Registration.status == RegistrationStatus.UNCONFIRMED,
        Registration.hold_expires_at <= now))).order_by(Event.id)))


def get_registration_for(event: Event, person_id: int) -> Registration | None:
    """Return the registration of the person with this id for the event, whatever its status."""
    return db.session.scalar(select(Registration).where(
        Registration.event_id == event.id, Registration.person_id == person_id))


def has_mail_since(reference: str, since: datetime, *, kind: str | None = None,
                   recipient: str | None = None) -> bool:
    """Tell whether the outbox holds a mail about ``reference`` queued after ``since``.

    A mail stored to be built after its commit (``DeferredMail``) counts as queued. Both
    tables are read in one statement (one snapshot): a mail moving from one to the other
    meanwhile is seen in one of them, never in neither.
    """
    found = []
    for model in (OutboxMessage, DeferredMail):
        if recipient is not None and model is DeferredMail:
            continue  # deferred mails go to registrations, never to a bare address
        stmt = select(model.id).where(model.reference == reference, model.created_at > since)
        if kind is not None:
            stmt = stmt.where(model.kind == kind)
        if recipient is not None:
            stmt = stmt.where(model.recipient == recipient)
        found.append(stmt.exists())
    return bool(db.session.scalar(select(or_(*found))))


def get_waitlist(event: Event) -> list[Registration]:
    """Return the waitlisted registrations in the order they came in."""
    return list(db.session.scalars(
        select(Registration)
        .where(Registration.event_id == event.id,
               Registration.status == RegistrationStatus.WAITLISTED)
        .order_by(Registration.created_at, Registration.id)))


def get_active_registrations(event: Event) -> list[Registration]:
    """Return the confirmed, waitlisted and pending registrations of an event."""
    return list(db.session.scalars(
        select(Registration)
        .where(Registration.event_id == event.id,
               Registration.status != RegistrationStatus.CANCELLED)
        .order_by(Registration.created_at, Registration.id)))


def get_reminder_candidates(now: datetime, until: datetime) -> list[Registration]:
    """Return confirmed registrations without a reminder for events starting in (now, until]."""
    return list(db.session.scalars(
        select(Registration).join(Registration.event)
        .where(Registration.status == RegistrationStatus.CONFIRMED,
               Registration.reminder_sent_at.is_(None),
               Event.status == EventStatus.PUBLISHED,
               Event.starts_at > now, Event.starts_at <= until)
        .order_by(Event.starts_at, Registration.id)))


def get_unreminded(event: Event) -> list[Registration]:
    """Return the event's confirmed registrations that got no reminder yet."""
    return list(db.session.scalars(
        select(Registration).where(Registration.event_id == event.id,
                                   Registration.status == RegistrationStatus.CONFIRMED,
                                   Registration.reminder_sent_at.is_(None))
        .order_by(Registration.id)))


def get_reminders_sent(event: Event) -> list[tuple[datetime, int]]:
    """Return when the event's reminders went, with how many at each moment, in order."""
    return [tuple(row) for row in db.session.execute(
        select(Registration.reminder_sent_at, func.count(Registration.id))
        .where(Registration.event_id == event.id, Registration.reminder_sent_at.is_not(None))
        .group_by(Registration.reminder_sent_at).order_by(Registration.reminder_sent_at))]


def get_refusal(event: Event, now: datetime | None = None) -> str | None:
    """Return why online registration is refused now ("closed"...), or None when open."""
    now = now or utc_now()
    if event.status == EventStatus.CANCELLED:
        return "cancelled"
    if event.status != EventStatus.PUBLISHED:
        return "not_published"
    if event.ends_at <= now:
        return "ended"
    if event.registration_opens_at is not None and now < event.registration_opens_at:
        return "not_open"
    if now >= (event.registration_closes_at or event.starts_at):
        return "closed"
    return None


def can_change(registration: Registration, now: datetime | None = None) -> bool:
    """Tell whether the attendee may still change or cancel their registration."""
    return (registration.status != RegistrationStatus.CANCELLED
            and registration.event.status == EventStatus.PUBLISHED
            and registration.event.starts_at > (now or utc_now()))


#: The personal "manage my registration" links (salt and payload key: keep old links working).
MANAGE_LINK = Purpose(salt="registration-manage", key="r")
_MANAGE = PersonalLink(MANAGE_LINK, lambda registration_id: db.session.get(
    Registration, registration_id), lambda registration: registration.event.ends_at)


def make_manage_token(registration: Registration) -> str:
    """Sign the manage-link token of a registration, tied to the person's token version."""
    return _MANAGE.make(registration)


def load_manage_token(token: str, *, now: datetime | None = None) -> Registration:
    """Return the registration of a valid manage-link token; raise LinkError otherwise."""
    return _MANAGE.load(token, now=now)
