"""Organisers' reads: the event list, filtered registrations, check-in counts."""

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import contains_eager

from app.db import utc_now
from app.events.models import Event, Registration, RegistrationStatus
from app.extensions import db
from app.members.models import Organisation, Person


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
