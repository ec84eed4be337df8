"""Attendance at the sector working groups across a year: who came to which meeting.

A working group is the set of the year's published working-group events of one sector (an
event of several sectors belongs to each; one of no sector to a group of its own). Its list
holds everyone with a confirmed or checked-in registration at one of its meetings; a cell is
"present" when the registration has a check-in, "absent" when confirmed but not checked in.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from app.events.models import Event, EventKind, EventStatus, Registration, RegistrationStatus
from app.extensions import db
from app.members.models import Person, Sector
from app.reports.period import Period


@dataclass
class Line:
    """A person of a working group and their registration at each meeting (None: none)."""

    person: Person
    attended: dict[int, bool] = field(default_factory=dict)

    @property
    def present(self) -> int:
        """Count the meetings the person was checked in at."""
        return sum(self.attended.values())


@dataclass
class Group:
    """A sector's working group over the year: its meetings in date order and its people."""

    sector: Sector | None
    meetings: list[Event]
    lines: list[Line]


def attendance(year: int) -> list[Group]:
    """Return the year's working groups with their attendance lists, in two queries."""
    start, end = Period.year(year).utc_bounds
    events = db.session.scalars(
        select(Event).options(selectinload(Event.sectors))
        .where(Event.kind == EventKind.WORKING_GROUP, Event.status == EventStatus.PUBLISHED,
               Event.starts_at >= start, Event.starts_at < end)
        .order_by(Event.starts_at, Event.id)).all()
    if not events:
        return []
    rows = db.session.execute(
        select(Registration.event_id, Registration.attended_at.is_not(None), Person)
        .join(Person, Person.id == Registration.person_id)
        .where(Registration.event_id.in_([e.id for e in events]),
               or_(Registration.status == RegistrationStatus.CONFIRMED,
                   Registration.attended_at.is_not(None)))
        .options(selectinload(Person.organisation))).all()
    by_event: dict[int, list[tuple[Person, bool]]] = defaultdict(list)
    for event_id, came, person in rows:
        by_event[event_id].append((person, bool(came)))
    meetings: dict[int | None, list[Event]] = defaultdict(list)
    sectors: dict[int | None, Sector | None] = {None: None}
    for event in events:
        for sector in event.sectors or [None]:
            key = sector.id if sector is not None else None
            sectors[key] = sector
            meetings[key].append(event)
    groups = []
    for key, group_events in meetings.items():
        lines: dict[int, Line] = {}
        for event in group_events:
            for person, came in by_event[event.id]:
                lines.setdefault(person.id, Line(person)).attended[event.id] = came
        ordered = sorted(lines.values(), key=lambda line: (
            line.person.last_name.lower(), line.person.first_name.lower(), line.person.id))
        groups.append(Group(sectors[key], group_events, ordered))
    return sorted(groups, key=lambda g: (g.sector is None, g.sector.position if g.sector else 0,
                                         g.sector.id if g.sector else 0))
