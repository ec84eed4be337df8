"""Calendar items of the feeds, read from the database (the builders stay pure)."""

from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import aliased, selectinload

from app.b2b.models import B2BSession, B2BTable, Participant, PublishedMeeting, Slot
from app.db import utc_now
from app.events.display import calendar_end, event_location, invite_uid, is_all_day
from app.events.models import Event, EventStatus, Registration, RegistrationStatus
from app.extensions import db
from app.i18n import in_language
from app.invites.items import Attendee, CalendarItem, ItemStatus
from app.invites.uids import event_uid
from app.mail.identity import cluster_domain, cluster_organizer
from app.mail.models import InviteSequence
from app.members.models import Person
from app.urls import external_url

#: Past items kept in feeds, so last month's meetings stay in calendars.
FEED_HISTORY = timedelta(days=180)


def _event_item(event: Event, language: str, **values) -> CalendarItem:
    """Return an event's feed entry: its time, place and text, plus the entry's own values."""
    return CalendarItem(
        start=event.starts_at,
        end=calendar_end(event),
        description=event.description(language),
        location=event_location(event),
        url=external_url("events.detail", event_id=event.id),
        all_day=is_all_day(event),
        **values,
    )


def _sequences(uids: list[str], email: str) -> dict[str, int]:
    if not uids:
        return {}
    rows = db.session.execute(
        select(InviteSequence.uid, InviteSequence.sequence).where(
            InviteSequence.uid.in_(uids), InviteSequence.recipient == email.lower()
        )
    )
    return {uid: sequence for uid, sequence in rows}


def person_feed(
    person: Person, *, now: datetime | None = None
) -> tuple[list[CalendarItem], list[datetime]]:
    """Return a person's confirmed registrations and published meetings, and removal times.

    SEQUENCE is the one last mailed to the person for the same UID, so the feed and the
    invites describe one calendar object and never duplicate it.
    """
    since = (now or utc_now()) - FEED_HISTORY
    language = person.language
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
    meetings = _published_meetings(person, since)
    uids = [invite_uid(r) for r in kept] + [m[0].uid for m in meetings]
    sequences = _sequences(uids, person.email)
    items = []
    with in_language(language):
        for registration in kept:
            event = registration.event
            uid = invite_uid(registration)
            items.append(
                _event_item(
                    event,
                    language,
                    uid=uid,
                    sequence=sequences.get(uid, 0),
                    summary=event.title(language),
                    organizer=cluster_organizer(),
                    attendees=(Attendee(person.full_name, person.email),),
                    last_modified=max(
                        filter(
                            None,
                            (event.updated_at, registration.confirmed_at, registration.created_at),
                        )
                    ),
                )
            )
        for published, slot, table, _me, other, session in meetings:
            items.append(
                CalendarItem(
                    uid=published.uid,
                    sequence=sequences.get(published.uid, 0),
                    summary=_(
                        "B2B meeting: %(name)s (%(organisation)s)",
                        name=other.person.full_name,
                        organisation=other.organisation_label,
                    ),
                    start=slot.starts_at,
                    end=slot.ends_at,
                    description=_("Table %(table)s", table=table.name),
                    location=", ".join(
                        p for p in (table.name, table.location, event_location(session.event)) if p
                    ),
                    organizer=cluster_organizer(),
                    attendees=(
                        Attendee(person.full_name, person.email),
                        Attendee(other.person.full_name, other.person.email),
                    ),
                    last_modified=published.published_at,
                )
            )
    return items, removed


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
    """Return the cluster's published events (all events but cancelled ones for organisers)."""
    since = (now or utc_now()) - FEED_HISTORY
    events = db.session.scalars(select(Event).where(Event.ends_at >= since)).all()
    language = current_app.config["BABEL_DEFAULT_LOCALE"]
    items, removed = [], []
    for event in events:
        if event.status == EventStatus.CANCELLED:
            if event.cancelled_at:
                removed.append(event.cancelled_at)
            continue
        if event.status == EventStatus.DRAFT and not include_drafts:
            continue
        title = event.title(language)
        if event.status == EventStatus.DRAFT:
            title = f"[{_('Draft')}] {title}"
        items.append(
            _event_item(
                event,
                language,
                uid=event_uid(event.id, cluster_domain()),
                sequence=0,
                summary=title,
                status=ItemStatus.TENTATIVE
                if event.status == EventStatus.DRAFT
                else ItemStatus.CONFIRMED,
                last_modified=event.updated_at,
            )
        )
    return items, removed
