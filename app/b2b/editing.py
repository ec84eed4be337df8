"""Hand edits of a run: move, swap, remove, add and lock meetings, checked against the rules.

Every edit is checked against the hard rules of b2b-format.md before it is made; a refused
edit raises `EditRefused` with a stable `code` and a translated message naming who or what
is in the way. Services flush, never commit.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from app.b2b import queries
from app.b2b.models import (
    B2BSession,
    B2BTable,
    ForbiddenPair,
    Meeting,
    Participant,
    ScheduleRun,
    Slot,
)
from app.extensions import db


class EditRefused(ValueError):
    """An edit that breaks a hard rule; `code` is stable, `message` is for the organiser."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def _name(p: Participant) -> str:
    return p.person.full_name


def max_meetings_of(participant: Participant, session: B2BSession) -> int:
    """Return how many meetings a participant may have in all."""
    if participant.max_meetings is not None:
        return participant.max_meetings
    if session.max_meetings_default is not None:
        return session.max_meetings_default
    return db.session.scalar(select(func.count(Slot.id)).where(Slot.session_id == session.id))


def is_available(participant: Participant, slot: Slot) -> bool:
    """Tell whether a participant can meet in a slot (not unavailable, absent or not yet come)."""
    if participant.absent:
        return False
    if participant.arrives_at is not None and slot.starts_at < participant.arrives_at:
        return False
    return all(s.id != slot.id for s in participant.unavailable)


def has_request_or_suggestion(a: Participant, b: Participant) -> bool:
    """Tell whether the scheduler may pair these two: a live request or a suggestion."""
    session = a.session
    requests = queries.get_scheduled_requests(session)
    if any({r.from_id, r.to_id} == {a.id, b.id} for r in requests):
        return True
    from app.b2b.problem import build_problem

    problem = build_problem(session)
    return any({s.a, s.b} == {a.code, b.code} for s in problem.suggestions)


def check_placement(run: ScheduleRun, a: Participant, b: Participant, slot: Slot,
                    table: B2BTable, *, ignore: Iterable[Meeting] = (),
                    check_pair: bool = True) -> None:
    """Raise EditRefused if a meeting of a and b at slot and table breaks a hard rule.

    `ignore` lists meetings of the run that the edit takes away (the one being moved, say).
    """
    session = run_session(run)
    if a.id == b.id:
        raise EditRefused("self", _("A participant cannot meet themselves."))
    if slot.session_id != session.id or table.session_id != session.id:
        raise EditRefused("other_session", _("This slot or table belongs to another session."))
    ignored = {m.id for m in ignore}
    others = [m for m in db.session.scalars(
        select(Meeting).where(Meeting.run_id == run.id,
                              or_(Meeting.slot_id == slot.id,
                                  Meeting.a_id.in_((a.id, b.id)),
                                  Meeting.b_id.in_((a.id, b.id)))))
        if m.id not in ignored]
    if check_pair:
        if any({m.a_id, m.b_id} == {a.id, b.id} for m in others):
            raise EditRefused("pair_twice", _(
                "%(a)s and %(b)s already meet in this schedule.", a=_name(a), b=_name(b)))
        if _is_forbidden(a, b) or queries.same_organisation(a, b):
            raise EditRefused("forbidden", _(
                "The organisers excluded a meeting between %(a)s and %(b)s.",
                a=_name(a), b=_name(b)))
        if a.languages and b.languages and not set(a.languages) & set(b.languages):
            raise EditRefused("language", _(
                "%(a)s and %(b)s share no language.", a=_name(a), b=_name(b)))
        if not has_request_or_suggestion(a, b):
            raise EditRefused("not_requested", _(
                "%(a)s and %(b)s have no request or suggestion to meet.",
                a=_name(a), b=_name(b)))
    for p in (a, b):
        if not is_available(p, slot):
            raise EditRefused("unavailable", _(
                "%(name)s is not available in this slot.", name=_name(p)))
    for p in (a, b):
        if any(m.slot_id == slot.id and p.id in (m.a_id, m.b_id) for m in others):
            raise EditRefused("busy", _(
                "%(name)s already has a meeting in this slot.", name=_name(p)))
    if any(m.slot_id == slot.id and m.table_id == table.id for m in others):
        raise EditRefused("table_busy", _(
            "%(table)s already hosts a meeting in this slot.", table=table.name))
    for p in (a, b):
        count = sum(1 for m in others if p.id in (m.a_id, m.b_id))
        limit = max_meetings_of(p, session)
        if count + 1 > limit:
            raise EditRefused("max_meetings", _(
                "%(name)s already has the maximum number of meetings (%(max)s).",
                name=_name(p), max=limit))
    _check_stands(a, b, table)


def _check_stands(a: Participant, b: Participant, table: B2BTable) -> None:
    owners = db.session.scalars(select(Participant).where(Participant.table_id == table.id)).all()
    if owners and not any(o.id in (a.id, b.id) for o in owners):
        raise EditRefused("stand_taken", _(
            "%(table)s is the fixed stand of %(name)s.", table=table.name,
            name=_name(owners[0])))
    for p, other in ((a, b), (b, a)):
        if p.table_id is not None and table.id not in (p.table_id, other.table_id):
            raise EditRefused("fixed_stand", _(
                "%(name)s meets only at their own stand (%(table)s).", name=_name(p),
                table=p.table.name if p.table else ""))


def _is_forbidden(a: Participant, b: Participant) -> bool:
    return db.session.scalar(select(func.count(ForbiddenPair.id)).where(
        or_((ForbiddenPair.a_id == a.id) & (ForbiddenPair.b_id == b.id),
            (ForbiddenPair.a_id == b.id) & (ForbiddenPair.b_id == a.id)))) > 0


def run_session(run: ScheduleRun) -> B2BSession:
    """Return the session of a run."""
    return db.session.get(B2BSession, run.session_id)


def _unlocked(meeting: Meeting) -> None:
    if meeting.locked:
        raise EditRefused("locked", _("This meeting is locked: unlock it first."))


def move_meeting(meeting: Meeting, slot: Slot, table: B2BTable) -> Meeting:
    """Move a meeting to another slot and/or table; flush only."""
    _unlocked(meeting)
    check_placement(meeting.run, meeting.a, meeting.b, slot, table, ignore=[meeting],
                    check_pair=False)
    meeting.slot, meeting.table = slot, table
    db.session.flush()
    return meeting


def swap_meetings(first: Meeting, second: Meeting) -> tuple[Meeting, Meeting]:
    """Swap the slots and tables of two meetings of one run; flush only."""
    if first.run_id != second.run_id or first.id == second.id:
        raise EditRefused("swap", _("Choose two different meetings of the same schedule."))
    _unlocked(first)
    _unlocked(second)
    both = [first, second]
    check_placement(first.run, first.a, first.b, second.slot, second.table, ignore=both,
                    check_pair=False)
    check_placement(second.run, second.a, second.b, first.slot, first.table, ignore=both,
                    check_pair=False)
    # The two new placements cannot clash with each other: they only exchange places.
    (first.slot, first.table, second.slot, second.table) = (
        second.slot, second.table, first.slot, first.table)
    db.session.flush()
    return first, second


def remove_meeting(meeting: Meeting) -> None:
    """Take a meeting out of a run; flush only."""
    _unlocked(meeting)
    db.session.delete(meeting)
    db.session.flush()


def add_meeting(run: ScheduleRun, a: Participant, b: Participant, slot: Slot,
                table: B2BTable, *, add_request: bool = False) -> Meeting:
    """Add a meeting by hand; with `add_request`, a pair without a request gets a must-meet one.

    Rule 2 only lets requested or suggested pairs meet: an organiser who adds another pair
    adds a must-meet request, so later runs keep it too.
    """
    if a.session_id != run.session_id or b.session_id != run.session_id:
        raise EditRefused("other_session", _("This participant takes part in another session."))
    needs_request = False
    try:
        check_placement(run, a, b, slot, table)
    except EditRefused as refused:
        if refused.code != "not_requested" or not add_request:
            raise
        needs_request = True
        check_placement(run, a, b, slot, table, check_pair=False)
    if needs_request:
        from app.b2b.services import B2BError, add_pair

        try:
            add_pair(a, b)
        except B2BError as error:
            raise EditRefused(error.code, error.message) from error
    first, second = sorted((a, b), key=lambda p: p.id)
    meeting = Meeting(run_id=run.id, a_id=first.id, b_id=second.id, slot_id=slot.id,
                      table_id=table.id)
    db.session.add(meeting)
    db.session.flush()
    return meeting


def set_locked(meeting: Meeting, locked: bool) -> Meeting:
    """Lock a meeting (later runs keep it exactly) or unlock it; flush only."""
    meeting.locked = locked
    db.session.flush()
    return meeting
