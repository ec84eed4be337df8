"""Organisers' reads: the event list, filtered registrations, check-in counts per day."""

from datetime import date, timedelta

from sqlalchemy import case, distinct, func, or_, select
from sqlalchemy.orm import contains_eager

from app.db import utc_now
from app.events.display import last_day
from app.events.models import (
    DayAttendance,
    Event,
    ItemAttendance,
    ProgrammeItem,
    Registration,
    RegistrationStatus,
)
from app.extensions import db
from app.members.models import Organisation, Person
from app.timezone import local_day


def get_organiser_events(*, past: bool = False) -> list[Event]:
    """Return the events (drafts too) not yet ended, soonest first, or the past ones."""
    now = utc_now()
    if past:
        stmt = select(Event).where(Event.ends_at <= now).order_by(Event.starts_at.desc())
    else:
        stmt = select(Event).where(Event.ends_at > now).order_by(Event.starts_at)
    return list(db.session.scalars(stmt))


def get_registrations(event: Event, *, status: str | None = None,
                      search: str | None = None) -> list[Registration]:
    """Return the event's registrations, filtered by status and name/email/organisation."""
    stmt = (
        select(Registration)
        .join(Registration.person)
        .outerjoin(Organisation, Person.organisation_id == Organisation.id)
        .where(Registration.event_id == event.id)
        # The page shows each person and organisation: load them in the same query.
        .options(contains_eager(Registration.person).contains_eager(Person.organisation))
        .order_by(func.lower(Person.last_name), func.lower(Person.first_name), Registration.id)
    )
    if status:
        stmt = stmt.where(Registration.status == status)
    if search and search.strip():
        like = f"%{search.strip().lower()}%"
        full_name = func.lower(Person.first_name + " " + Person.last_name)
        stmt = stmt.where(or_(
            full_name.like(like), func.lower(Person.last_name).like(like),
            func.lower(Person.email).like(like), func.lower(Person.organisation_name).like(like),
            func.lower(Organisation.name).like(like),
        ))
    return list(db.session.scalars(stmt))


def get_confirmed(event: Event) -> list[Registration]:
    """Return the confirmed registrations by name (the check-in list and attendance sheet)."""
    return get_registrations(event, status=RegistrationStatus.CONFIRMED.value)


def get_status_counts(event: Event) -> dict[str, int]:
    """Count the event's registrations per status, plus the checked-in and no-shows."""
    # One grouped query: the checked-in and no-show figures ride along as sums.
    rows = db.session.execute(
        select(Registration.status, func.count(),
               func.count(Registration.attended_at),
               func.sum(case((Registration.no_show.is_(True), 1), else_=0)))
        .where(Registration.event_id == event.id).group_by(Registration.status))
    counts = {status.value: 0 for status in RegistrationStatus}
    counts["checked_in"] = counts["no_show"] = 0
    for status, number, attended, no_show in rows:
        counts[status.value] = number
        if status == RegistrationStatus.CONFIRMED:
            counts["checked_in"], counts["no_show"] = attended, int(no_show or 0)
    return counts


def event_days(event: Event) -> list[date]:
    """Return the Brussels days an event runs on (one for a single-day event)."""
    first, last = local_day(event.starts_at), last_day(event)
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def default_day(event: Event) -> date:
    """Return the day the check-in page opens on: today during the event, else the first."""
    today = local_day(utc_now())
    days = event_days(event)
    return today if today in days else days[0]


def get_checked_in_on(event: Event, day: date) -> set[int]:
    """Return the ids of the registrations checked in on one day of a multi-day event."""
    return set(db.session.scalars(
        select(DayAttendance.registration_id).join(DayAttendance.registration)
        .where(Registration.event_id == event.id, DayAttendance.day == day)))


def day_figures(event: Event) -> tuple[list[tuple[date, int]], int]:
    """Return the people checked in on each day of an event, and over the whole event."""
    rows = dict(db.session.execute(
        select(DayAttendance.day, func.count(DayAttendance.id)).join(DayAttendance.registration)
        .where(Registration.event_id == event.id).group_by(DayAttendance.day)).all())
    people = db.session.scalar(
        select(func.count(distinct(DayAttendance.registration_id)))
        .join(DayAttendance.registration).where(Registration.event_id == event.id)) or 0
    return [(day, rows.get(day, 0)) for day in event_days(event)], people


def check_in_items(event: Event) -> list[ProgrammeItem]:
    """Return the programme items people are checked in at, in programme order."""
    return [item for item in event.programme if item.check_in]


def get_checked_in_at(item: ProgrammeItem) -> set[int]:
    """Return the ids of the registrations checked in at one programme item."""
    return set(db.session.scalars(
        select(ItemAttendance.registration_id).where(ItemAttendance.item_id == item.id)))


def item_figures(event: Event) -> list[tuple[ProgrammeItem, int]]:
    """Return the people checked in at each check-in item of the event (one query)."""
    rows = dict(db.session.execute(
        select(ItemAttendance.item_id, func.count(ItemAttendance.id))
        .join(ItemAttendance.item).where(ProgrammeItem.event_id == event.id)
        .group_by(ItemAttendance.item_id)).all())
    return [(item, rows.get(item.id, 0)) for item in check_in_items(event)]
