"""The event day: no-shows, late arrivals, and re-planning the rest of the day."""

from __future__ import annotations

from datetime import datetime, time

from flask_babel import gettext as _
from sqlalchemy import select

from app.b2b.models import B2BSession, Participant, ScheduleRun, Slot
from app.b2b.queries import get_first_slot
from app.b2b.runs import RunError, start_run
from app.db import utc_now
from app.extensions import db
from app.timezone import LocalTimeError, combine, local_day

#: Seconds the solver gets for an event-day re-plan: people are waiting, so the whole re-plan
#: (problem, solve, storing) stays under 5 s for a session of some 60 people.
REPLAN_TIME_LIMIT = 4


#: Filters of the event-day list: presence as the event's check-in records it.
PRESENCE_FILTERS = ("not_arrived", "arrived", "left")


def set_absent(participant: Participant, absent: bool) -> Participant:
    """Mark a participant as a no-show (or present again); flush only.

    A registered participant's absence is the event's no-show mark, so the event's check-in
    and this page read and write one fact: checking the person in makes them present here.
    """
    registration = participant.registration
    if registration is None:
        participant.absent = absent
    else:
        participant.absent = False
        registration.no_show = absent
        if absent:
            registration.attended_at = None
    db.session.flush()
    return participant


def set_left(participant: Participant, left: bool, *, now: datetime | None = None) -> Participant:
    """Record that a participant left early (now), or came back; flush only."""
    participant.left_at = (now or utc_now()) if left else None
    db.session.flush()
    return participant


def presence(participant: Participant) -> str:
    """Return where a participant stands today: left, absent, arrived or expected."""
    if participant.left_at is not None:
        return "left"
    if participant.is_absent:
        return "absent"
    registration = participant.registration
    if registration is not None and registration.attended_at is not None:
        return "arrived"
    return "expected"


def filter_participants(participants: list[Participant], *, search: str = "",
                        state: str | None = None) -> list[Participant]:
    """Keep the participants matching a name, organisation or code, and a presence filter."""
    words = search.casefold().split()
    wanted = {"not_arrived": {"expected", "absent"}, "arrived": {"arrived"},
              "left": {"left"}}.get(state or "")
    out = []
    for participant in participants:
        text = " ".join((participant.code, participant.person.full_name,
                         participant.organisation_label)).casefold()
        if all(word in text for word in words) and (
                wanted is None or presence(participant) in wanted):
            out.append(participant)
    return out


def set_arrival(participant: Participant, arrives_at: datetime | None) -> Participant:
    """Record when a late participant arrives (None: on time); flush only."""
    if arrives_at is not None and arrives_at.utcoffset() is None:
        raise ValueError("arrives_at must be timezone-aware")
    participant.arrives_at = arrives_at
    db.session.flush()
    return participant


class ArrivalError(ValueError):
    """An arrival time that is not HH:MM; the message is shown to the organiser."""


def set_arrival_time(participant: Participant, raw: str, *,
                     now: datetime | None = None) -> Participant:
    """Record a late arrival typed as local HH:MM (empty: on time); flush only.

    The time is on the event day: today, or the day of the first slot when that is later.
    """
    raw = raw.strip()
    if not raw:
        return set_arrival(participant, None)
    try:
        moment = time.fromisoformat(raw)
    except ValueError as error:
        raise ArrivalError(_("Give the arrival time as HH:MM.")) from error
    day = local_day(now or utc_now())
    first = get_first_slot(participant.session_id)
    if first is not None and local_day(first.starts_at) > day:
        day = local_day(first.starts_at)
    try:
        arrives_at = combine(day, moment)
    except LocalTimeError as error:
        raise ArrivalError(error.message) from error
    return set_arrival(participant, arrives_at)


def next_slot(session: B2BSession, now: datetime | None = None) -> Slot | None:
    """Return the first slot of the session starting after now (None when the day is over)."""
    now = now or utc_now()
    return db.session.scalars(
        select(Slot).where(Slot.session_id == session.id, Slot.starts_at > now)
        .order_by(Slot.starts_at).limit(1)).first()


def start_replan(session: B2BSession, *, now: datetime | None = None,
                 time_limit: int = REPLAN_TIME_LIMIT) -> ScheduleRun:
    """Queue a re-plan of the published schedule from the next slot on; flush only."""
    if session.published_run_id is None:
        raise RunError("publish a schedule before re-planning it")
    base = db.session.get(ScheduleRun, session.published_run_id)
    slot = next_slot(session, now)
    if slot is None:
        raise RunError("no slot is left to re-plan")
    return start_run(session, time_limit=time_limit, min_meetings=base.min_meetings,
                     base_run=base, from_slot=slot)
