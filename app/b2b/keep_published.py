"""Re-runs after publication that keep every published meeting still valid where it is.

Participants plan their day around the published agenda: a late registration, a new
request or a cancellation must not move the meetings it does not concern. The published
meetings that still obey every rule are locked for the solver (after the organiser's own
locked meetings); it only places new pairs around them, and drops the published meetings
that are no longer possible (a withdrawn request, an absent participant, a removed slot).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import select

from app.b2b import queries
from app.b2b.models import (
    B2BSession,
    B2BTable,
    Participant,
    PublishedMeeting,
    ScheduleRun,
    Slot,
)
from app.b2b.problem import automatic_unavailable, build_problem_dict
from app.extensions import db
from matchmaking import Index, Locked, Problem, Schedule, load_problem, lock_violations
from matchmaking import Meeting as MatchMeeting


@dataclass(frozen=True)
class HeldMeeting:
    """A published meeting offered to the solver as locked: pair, slot and table."""

    a: Participant
    b: Participant
    slot: Slot
    table: B2BTable


def published_meetings(session: B2BSession) -> list[HeldMeeting]:
    """Return what the participants were told, in time order."""
    rows = db.session.scalars(select(PublishedMeeting).where(
        PublishedMeeting.session_id == session.id).order_by(PublishedMeeting.id)).all()
    people = queries.get_participants_by_ids({r.a_id for r in rows} | {r.b_id for r in rows})
    slots = {s.id: s for s in session.slots}
    tables = {t.id: t for t in session.tables}
    held = [HeldMeeting(people[r.a_id], people[r.b_id], slots[r.slot_id], tables[r.table_id])
            for r in rows if r.slot_id in slots and r.table_id in tables]
    held.sort(key=lambda h: (h.slot.starts_at, h.table.position, h.a.code, h.b.code))
    return held


def published_schedule(held: list[HeldMeeting]) -> Schedule:
    """Return the published meetings as the previous schedule of a re-solve."""
    return Schedule(meetings=tuple(MatchMeeting(h.a.code, h.b.code, h.slot.code, h.table.code)
                                   for h in held))


def _still_there(meeting: HeldMeeting, slots: list[Slot]) -> bool:
    # Absent or late people keep a locked meeting's slot open (a locked meeting is the
    # organiser's decision); a published one is not: it goes when its people cannot come.
    return not any(meeting.slot.id in automatic_unavailable(p, slots)
                   for p in (meeting.a, meeting.b))


def build_keeping_problem(run: ScheduleRun) -> tuple[Problem, set[frozenset[str]], Schedule]:
    """Return the problem of a run that keeps the published meetings, its locked pairs, and
    the published schedule (the previous one of the re-solve).

    The base run's locked meetings come first; then every published meeting that still
    obeys the rules is locked too; those that no longer do are left to the solver.
    """
    session = db.session.get(B2BSession, run.session_id)
    base = db.session.get(ScheduleRun, run.base_run_id) if run.base_run_id else None
    locked = [m for m in queries.get_run_meetings(base) if m.locked] if base else []
    locked_pairs = {frozenset((m.a.code, m.b.code)) for m in locked}
    slots = sorted(session.slots, key=lambda s: s.starts_at)
    held = published_meetings(session)
    candidates = locked + [h for h in held
                           if frozenset((h.a.code, h.b.code)) not in locked_pairs
                           and _still_there(h, slots)]
    data = build_problem_dict(session, locked_meetings=candidates)
    rows, data["locked"] = data["locked"], []
    problem = load_problem(data, name=f"session {session.id}")
    offered = replace(problem, locked=tuple(
        Locked(row["a"], row["b"], row["slot"], row.get("table")) for row in rows))
    broken = {position for position, _reason in lock_violations(Index(offered))}
    problem = replace(offered, locked=tuple(
        lk for position, lk in enumerate(offered.locked) if position not in broken),
        options=replace(problem.options, min_meetings=run.min_meetings))
    return problem, locked_pairs, published_schedule(held)
