"""What a publication would change: a run's meetings against what participants were told."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from app.b2b.models import B2BSession, B2BTable, Meeting, PublishedMeeting, ScheduleRun, Slot
from app.extensions import db

Pair = tuple[int, int]


@dataclass
class Placement:
    """Where a pair meets: slot and table."""

    slot: Slot
    table: B2BTable


@dataclass
class Diff:
    """What changed between the published meetings and a run."""

    added: dict[Pair, Placement] = field(default_factory=dict)
    moved: dict[Pair, tuple[Placement, Placement]] = field(default_factory=dict)
    removed: dict[Pair, Placement] = field(default_factory=dict)
    first: bool = True

    @property
    def people(self) -> set[int]:
        """Return the participant ids concerned by a change."""
        return {p for pairs in (self.added, self.moved, self.removed) for pair in pairs
                for p in pair}

    @property
    def empty(self) -> bool:
        """Tell whether nothing was added, moved or removed."""
        return not (self.added or self.moved or self.removed)


def _pair(a_id: int, b_id: int) -> Pair:
    return (a_id, b_id) if a_id < b_id else (b_id, a_id)


def placements(session: B2BSession, run: ScheduleRun):
    """Return the run's placements, the published ones, and the published rows, per pair."""
    slots = {s.id: s for s in db.session.scalars(select(Slot).where(Slot.session_id == session.id))}
    tables = {t.id: t for t in db.session.scalars(
        select(B2BTable).where(B2BTable.session_id == session.id))}
    new = {_pair(a, b): Placement(slots[s], tables[t]) for a, b, s, t in db.session.execute(
        select(Meeting.a_id, Meeting.b_id, Meeting.slot_id, Meeting.table_id)
        .where(Meeting.run_id == run.id))}
    published = {(row.a_id, row.b_id): row for row in db.session.scalars(
        select(PublishedMeeting).where(PublishedMeeting.session_id == session.id))}
    old = {_pair(r.a_id, r.b_id): Placement(slots[r.slot_id], tables[r.table_id])
           for r in published.values()}
    return new, old, published


def diff_run(run: ScheduleRun) -> Diff:
    """Compare a run with what participants were last told."""
    session = db.session.get(B2BSession, run.session_id)
    new, old, _published = placements(session, run)
    return compare(session, new, old)


def compare(session: B2BSession, new, old) -> Diff:
    """Return what changed from the published placements `old` to the run's `new` ones."""
    diff = Diff(first=session.published_at is None)
    for pair, place in new.items():
        before = old.get(pair)
        if before is None:
            diff.added[pair] = place
        elif (before.slot.id, before.table.id) != (place.slot.id, place.table.id):
            diff.moved[pair] = (before, place)
    for pair, place in old.items():
        if pair not in new:
            diff.removed[pair] = place
    return diff


def start_of(places: dict[Pair, Placement], pair: Pair):
    """Return when a pair meets."""
    return places[pair].slot.starts_at
