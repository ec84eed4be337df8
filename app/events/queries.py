"""Reads of events and registrations, and the registrations' personal links."""

from datetime import datetime

from sqlalchemy import func, select

from app.auth.links import LINK_MARGIN, Linked, Purpose, open_token, sign
from app.db import utc_now
from app.events.models import Event, EventKind, EventStatus, Registration, RegistrationStatus
from app.extensions import db
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


def get_held_count(event: Event) -> int:
    """Count the places taken: confirmed people and pending people offered a freed place."""
    held = db.session.scalar(
        select(func.count(Registration.id)).where(
            Registration.event_id == event.id,
            Registration.status == RegistrationStatus.PENDING,
            Registration.offered_at.is_not(None)))
    return get_confirmed_count(event) + (held or 0)


def get_status_counts(event: Event) -> dict[RegistrationStatus, int]:
    """Count the registrations of an event by status."""
    rows = db.session.execute(
        select(Registration.status, func.count(Registration.id))
        .where(Registration.event_id == event.id).group_by(Registration.status))
    counts = dict.fromkeys(RegistrationStatus, 0)
    counts.update({status: number for status, number in rows})
    return counts


def places_left(event: Event) -> int | None:
    """Return the free places of an event, or None when it has no limit."""
    if event.capacity is None:
        return None
    return max(0, event.capacity - get_held_count(event))


def get_registration_for(event: Event, person: Person) -> Registration | None:
    """Return this person's registration for the event, whatever its status."""
    return db.session.scalar(select(Registration).where(
        Registration.event_id == event.id, Registration.person_id == person.id))


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


def make_manage_token(registration: Registration) -> str:
    """Sign the manage-link token of a registration, tied to the person's token version."""
    return sign(MANAGE_LINK, registration.id, registration.person.token_version)


def _linked_registration(registration_id: int) -> Linked | None:
    registration = db.session.get(Registration, registration_id)
    if registration is None:
        return None
    return Linked(registration, registration.event.ends_at + LINK_MARGIN,
                  registration.person.token_version)


def load_manage_token(token: str, *, now: datetime | None = None) -> Registration:
    """Return the registration of a valid manage-link token; raise LinkError otherwise."""
    return open_token(token, MANAGE_LINK, _linked_registration, now=now)
