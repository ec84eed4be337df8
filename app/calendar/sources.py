"""Calendar items of the feeds, read from the database (the builders stay pure).

Every entry is built by the same function as the invite of its UID (``registration_item``,
``meeting_item``, ``public_event_item``), and its SEQUENCE is the one last mailed to the
person, or one more when the entry changed since: the next invite will carry that number
and this very content, so feed and invite never describe one UID and SEQUENCE differently.
"""

from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import aliased, selectinload

from app.b2b.calendar_entries import meeting_item
from app.b2b.models import B2BSession, B2BTable, Participant, PublishedMeeting, Slot
from app.db import utc_now
from app.events.display import PUBLIC_FEED_RECIPIENT, public_event_item, registration_item
from app.events.models import Event, EventStatus, Registration, RegistrationStatus
from app.extensions import db
from app.invites.items import CalendarItem, content_fingerprint
from app.mail.models import InviteSequence
from app.members.models import Person

#: Past items kept in feeds, so last month's meetings stay in calendars.
FEED_HISTORY = timedelta(days=180)


def _records(uids: list[str], recipient: str) -> dict[str, InviteSequence]:
    if not uids:
        return {}
    return {record.uid: record for record in db.session.scalars(
        select(InviteSequence).where(
            InviteSequence.uid.in_(uids), InviteSequence.recipient == recipient.lower()))}


def _sequenced(item: CalendarItem, record: InviteSequence | None) -> CalendarItem:
    """Return the item with the SEQUENCE its content has (or will have when next mailed)."""
    if record is None:
        return item
    current = (record.method in ("REQUEST", "PUBLISH")
               and record.fingerprint == content_fingerprint(item))
    return replace(item, sequence=record.sequence if current else record.sequence + 1)


def _latest(*moments: datetime | None) -> datetime | None:
    known = [m for m in moments if m is not None]
    return max(known) if known else None


def person_feed(
    person: Person, *, now: datetime | None = None
) -> tuple[list[CalendarItem], list[datetime]]:
    """Return a person's confirmed registrations and published meetings, and removal times.

    Removal times include every CANCEL mailed to the person (a meeting taken off a
    schedule leaves no other trace), so Last-Modified moves when the feed shrinks.
    """
    since = (now or utc_now()) - FEED_HISTORY
    registrations = db.session.scalars(
        select(Registration)
        .join(Event)
        .where(Registration.person_id == person.id, Event.ends_at >= since)
        .options(selectinload(Registration.event))
    ).all()
    kept = [
        r
        for r in registrations
        if r.status == RegistrationStatus.CONFIRMED and r.event.status != EventStatus.CANCELLED
    ]
    removed = [
        moment
        for r in registrations
        if r not in kept
        for moment in (r.cancelled_at, r.event.cancelled_at)
        if moment
    ]
    removed += list(db.session.scalars(select(InviteSequence.updated_at).where(
        InviteSequence.recipient == person.email.lower(), InviteSequence.method == "CANCEL")))
    items = [
        registration_item(r, last_modified=_latest(
            r.event.updated_at, r.confirmed_at, r.created_at))
        for r in kept
    ]
    for published, slot, table, me, other, session in _published_meetings(person, since):
        items.append(meeting_item(
            me, other, slot, table, session, uid=published.uid,
            last_modified=_latest(published.published_at, table.updated_at,
                                  session.event.updated_at if session.event else None)))
    records = _records([item.uid for item in items], person.email)
    items = [_sequenced(item, records.get(item.uid)) for item in items]
    return items, [m for m in removed if m is not None]


def _published_meetings(person: Person, since: datetime) -> list[tuple]:
    me, other = aliased(Participant), aliased(Participant)
    stmt = (
        select(PublishedMeeting, Slot, B2BTable, me, other, B2BSession)
        .join(Slot, Slot.id == PublishedMeeting.slot_id)
        .join(B2BTable, B2BTable.id == PublishedMeeting.table_id)
        .join(me, or_(me.id == PublishedMeeting.a_id, me.id == PublishedMeeting.b_id))
        .join(other, or_(other.id == PublishedMeeting.a_id, other.id == PublishedMeeting.b_id))
        .join(B2BSession, B2BSession.id == PublishedMeeting.session_id)
        .where(me.person_id == person.id, other.id != me.id, Slot.ends_at >= since)
        .options(selectinload(other.person), selectinload(B2BSession.event))
    )
    return [tuple(row) for row in db.session.execute(stmt)]


def public_feed(
    *, now: datetime | None = None, include_drafts: bool = False
) -> tuple[list[CalendarItem], list[datetime]]:
    """Return the cluster's published events (all events but cancelled ones for organisers).

    SEQUENCE is the event's revision, raised whenever what its entry shows changed.
    """
    since = (now or utc_now()) - FEED_HISTORY
    events = db.session.scalars(select(Event).where(Event.ends_at >= since)).all()
    items, removed = [], []
    for event in events:
        if event.status == EventStatus.CANCELLED:
            if event.cancelled_at:
                removed.append(event.cancelled_at)
            continue
        if event.status == EventStatus.DRAFT and not include_drafts:
            continue
        items.append(public_event_item(event))
    records = _records([item.uid for item in items], PUBLIC_FEED_RECIPIENT)
    return [_sequenced(item, records.get(item.uid)) for item in items], removed
