"""Hand edits of a run: move, swap, remove, add and lock meetings, checked against the rules.

Every edit is applied to the run as a matchmaking schedule and checked by `matchmaking.check`
before it is made; a refused edit raises `EditRefused` with a stable `code` and a translated
message naming who or what is in the way. Edits hold the session lock, so two organisers
editing at once never both pass a check against the schedule as it was. Services flush,
never commit.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import replace

from flask_babel import gettext as _
from sqlalchemy import select

import matchmaking
from app.b2b.locking import lock_session
from app.b2b.meeting_requests import add_pair
from app.b2b.models import (
    B2BSession,
    B2BTable,
    Meeting,
    Participant,
    ScheduleRun,
    Slot,
)
from app.b2b.problem import build_problem, schedule_of
from app.b2b.services import B2BError
from app.extensions import db
from matchmaking import Meeting as MatchMeeting
from matchmaking import Problem, Request, Schedule

#: Reason codes in the order an organiser is told about them (the first one found wins).
REASONS = ("pair_twice", "forbidden", "language", "not_requested", "unavailable", "busy",
           "table_busy", "max_meetings", "stand_taken", "fixed_stand")
#: The rules about who may meet whom, which `check_pair=False` leaves aside.
PAIR_REASONS = frozenset(REASONS[:4])
#: The checker's words for each broken rule, per reason code.
CHECKER_WORDS = (
    ("the pair meets more than once", "pair_twice"),
    ("forbidden pair", "forbidden"),
    ("no shared language", "language"),
    ("no request or suggestion", "not_requested"),
    ("is unavailable", "unavailable"),
    ("already meets in", "busy"),
    ("already hosts a meeting", "table_busy"),
    ("max_meetings is", "max_meetings"),
    ("fixed stands rule", "stand"),
)


class EditRefused(ValueError):
    """An edit that breaks a hard rule; `code` is stable, `message` is for the organiser."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def _name(p: Participant) -> str:
    return p.person.full_name


def run_session(run: ScheduleRun) -> B2BSession:
    """Return the session of a run."""
    return db.session.get(B2BSession, run.session_id)


def _with_request(problem: Problem, a: str, b: str) -> Problem:
    """Return the problem with a request from a to b (the checker judges requested pairs)."""
    return replace(problem, requests=problem.requests + (Request(a, b, 3),))


def _allow_pair(problem: Problem, a: str, b: str) -> Problem:
    """Return the problem where a and b may meet whatever the pair rules say.

    A moved meeting was already placed, and an organiser's must-meet pair is added with the
    meeting: only where and when they meet is checked then.
    """
    pair = {a, b}
    participants = tuple(replace(p, languages=()) if p.id in pair else p
                         for p in problem.participants)
    return replace(_with_request(problem, a, b), participants=participants,
                   forbidden=tuple(f for f in problem.forbidden if {f.a, f.b} != pair))


def _broken_rules(problem: Problem, before: list[MatchMeeting],
                  added: MatchMeeting) -> list[str]:
    """Return the checker's lines that adding the meeting makes appear."""

    def rules(meetings) -> Counter:
        # Stats lines compare the file's figures, which an edit has none of.
        lines = matchmaking.check(problem, Schedule(meetings=tuple(meetings)))
        return Counter(line for line in lines if not line.startswith("stats."))

    return list((rules([*before, added]) - rules(before)).elements())


def _refusal(code: str, line: str, problem: Problem, people: dict[str, Participant],
             a: Participant, b: Participant, slot: Slot, table: B2BTable) -> EditRefused:
    """Turn one of the checker's lines into the organiser's reason and message."""
    rows = {p.id: p for p in problem.participants}
    if code == "pair_twice":
        return EditRefused(code, _("%(a)s and %(b)s already meet in this schedule.",
                                   a=_name(a), b=_name(b)))
    if code == "forbidden":
        return EditRefused(code, _("The organisers excluded a meeting between %(a)s and %(b)s.",
                                   a=_name(a), b=_name(b)))
    if code == "language":
        return EditRefused(code, _("%(a)s and %(b)s share no language.", a=_name(a), b=_name(b)))
    if code == "not_requested":
        return EditRefused(code, _("%(a)s and %(b)s have no request or suggestion to meet.",
                                   a=_name(a), b=_name(b)))
    if code == "unavailable":
        who = next((p for p in (a, b) if slot.code in rows[p.code].unavailable), a)
        return EditRefused(code, _("%(name)s is not available in this slot.", name=_name(who)))
    if code == "busy":
        who = people[line.split(": ", 1)[1].split(" ", 1)[0]]
        return EditRefused(code, _("%(name)s already has a meeting in this slot.",
                                   name=_name(who)))
    if code == "table_busy":
        return EditRefused(code, _("%(table)s already hosts a meeting in this slot.",
                                   table=table.name))
    if code == "max_meetings":
        who = people[line.split(":", 1)[0].removeprefix("participant ")]
        return EditRefused(code, _(
            "%(name)s already has the maximum number of meetings (%(max)s).",
            name=_name(who), max=rows[who.code].max_meetings))
    owners = [p.id for p in problem.participants if p.table == table.code]
    if owners and not {a.code, b.code} & set(owners):
        owner = db.session.scalar(select(Participant).where(
            Participant.session_id == a.session_id, Participant.code == owners[0]))
        return EditRefused("stand_taken", _("%(table)s is the fixed stand of %(name)s.",
                                            table=table.name, name=_name(owner)))
    who = next((p for p in (a, b) if p.table_id is not None), a)
    return EditRefused("fixed_stand", _(
        "%(name)s meets only at their own stand (%(table)s).", name=_name(who),
        table=who.table.name if who.table else ""))


def check_placement(run: ScheduleRun, a: Participant, b: Participant, slot: Slot,
                    table: B2BTable, *, ignore: Iterable[Meeting] = (),
                    check_pair: bool = True) -> None:
    """Raise EditRefused if a meeting of a and b at slot and table breaks a hard rule.

    `ignore` lists meetings of the run that the edit takes away (the one being moved, say);
    with `check_pair` false only the placement is checked, not whether the two may meet.
    """
    session = run_session(run)
    if a.id == b.id:
        raise EditRefused("self", _("A participant cannot meet themselves."))
    if slot.session_id != session.id or table.session_id != session.id:
        raise EditRefused("other_session", _("This slot or table belongs to another session."))
    problem = build_problem(session)
    if not check_pair:
        problem = _allow_pair(problem, a.code, b.code)
    taken = Counter(MatchMeeting(m.a.code, m.b.code, m.slot.code, m.table.code) for m in ignore)
    before = []
    for meeting in schedule_of(run).meetings:
        if taken[meeting]:
            taken[meeting] -= 1
        else:
            before.append(meeting)
    added = MatchMeeting(a.code, b.code, slot.code, table.code)
    lines = _broken_rules(problem, before, added)
    if check_pair and any("no request or suggestion" in line for line in lines):
        # The checker says no more about a pair nobody asked for: ask again as if someone
        # had, to tell a forbidden pair or one without a shared language apart.
        lines += _broken_rules(_with_request(problem, a.code, b.code), before, added)
    found = []
    for line in lines:
        code = next((code for words, code in CHECKER_WORDS if words in line), None)
        if code is not None and (check_pair or code not in PAIR_REASONS):
            found.append((REASONS.index(code) if code in REASONS else len(REASONS), code, line))
    if found:
        _rank, code, line = min(found)
        people = {p.code: p for p in (a, b)}
        raise _refusal(code, line, problem, people, a, b, slot, table)


def _unlocked(meeting: Meeting) -> None:
    if meeting.locked:
        raise EditRefused("locked", _("This meeting is locked: unlock it first."))


def move_meeting(meeting: Meeting, slot: Slot, table: B2BTable) -> Meeting:
    """Move a meeting to another slot and/or table; flush only."""
    lock_session(run_session(meeting.run))
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
    lock_session(run_session(first.run))
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
    lock_session(run_session(meeting.run))
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
    lock_session(run_session(run))
    needs_request = False
    try:
        check_placement(run, a, b, slot, table)
    except EditRefused as refused:
        if refused.code != "not_requested" or not add_request:
            raise
        needs_request = True
        check_placement(run, a, b, slot, table, check_pair=False)
    if needs_request:
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
    lock_session(run_session(meeting.run))
    meeting.locked = locked
    db.session.flush()
    return meeting
