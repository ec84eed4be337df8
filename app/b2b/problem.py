"""Every conversion between the B2B tables and `matchmaking`: problems, schedules, files.

The file format is described in docs/b2b-format.md.

``build_problem_dict`` exports the session as b2b-problem/1 for the solver and for organisers'
spreadsheets; ``import_problem_dict`` reads such a file back, matching participants, slots and
tables by code (export, import, export gives the same file). ``build_run_problem``,
``schedule_of``, ``locked_of`` and ``store_run`` turn a run's meetings into a matchmaking
schedule and a solved schedule back into rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import delete, insert, select

from app.b2b import queries, services, suggestions
from app.b2b.models import (
    B2BSession,
    B2BTable,
    ForbiddenPair,
    Meeting,
    MeetingRequest,
    Participant,
    RequestStatus,
    RunStatus,
    ScheduleRun,
    Slot,
)
from app.db import utc_now
from app.extensions import db
from app.invites.timezone import BRUSSELS
from matchmaking import (
    PROBLEM_FORMAT,
    Locked,
    Problem,
    ProblemError,
    Schedule,
    load_problem,
    schedule_to_dict,
)
from matchmaking import Meeting as MatchMeeting

TIMEZONE = "Europe/Brussels"
#: Name used for the file in import error messages.
IMPORT_NAME = "problem"


def local_time(moment) -> str:
    """Return a UTC datetime as the local Brussels time of problem files ("2027-05-20T14:00")."""
    return moment.astimezone(BRUSSELS).strftime("%Y-%m-%dT%H:%M")


def effective_max_meetings(participant: Participant, session: B2BSession) -> int | None:
    """Return the participant's meeting limit, or the session's default."""
    if participant.max_meetings is not None:
        return participant.max_meetings
    return session.max_meetings_default


def automatic_unavailable(participant: Participant, slots: list[Slot],
                          locked_slots: frozenset[int] = frozenset(),
                          from_index: int = 0) -> set[int]:
    """Return ids of slots a participant cannot attend because of event-day facts.

    Absent (or a no-show at the event's check-in): every slot; arriving late: the slots
    starting before arrival; left early: the slots starting from then; with a re-plan from a
    slot, every earlier slot (it is past). Slots holding one of their locked meetings stay.
    """
    out = set()
    for position, slot in enumerate(slots):
        if slot.id in locked_slots:
            continue
        late = participant.arrives_at is not None and slot.starts_at < participant.arrives_at
        gone = participant.left_at is not None and slot.starts_at >= participant.left_at
        if participant.is_absent or position < from_index or late or gone:
            out.add(slot.id)
    return out


def _organisation_pairs(participants: list[Participant]) -> set[tuple[str, str]]:
    groups: dict[str, list[str]] = defaultdict(list)
    for participant in participants:
        key = queries.organisation_key(participant)
        if key:
            groups[key].append(participant.code)
    pairs = set()
    for codes in groups.values():
        codes.sort()
        for i, a in enumerate(codes):
            for b in codes[i + 1:]:
                pairs.add((a, b))
    return pairs


def _locked_row(meeting) -> dict[str, str]:
    row = {"a": meeting.a.code, "b": meeting.b.code, "slot": meeting.slot.code}
    if getattr(meeting, "table", None) is not None:
        row["table"] = meeting.table.code
    return row


def build_problem_dict(session: B2BSession, *, include_suggestions: bool = True,
                       locked_meetings: Iterable = (), from_slot: Slot | str | None = None
                       ) -> dict[str, Any]:
    """Return the session as a b2b-problem/1 JSON object.

    ``locked_meetings``: objects with ``a``, ``b`` (participants), ``slot`` and ``table``
    (Meeting rows, say), written as ``locked``. ``from_slot`` (a slot or its code) marks every
    earlier slot unavailable except where a participant has a locked meeting (a re-plan).
    """
    slots = sorted(session.slots, key=lambda s: s.starts_at)
    tables = sorted(session.tables, key=lambda t: (t.position, t.code))
    participants = queries.get_participants(session, with_items=False)
    by_id = {p.id: p for p in participants}
    locked_meetings = list(locked_meetings)
    from_index = 0
    if from_slot is not None:
        code = from_slot if isinstance(from_slot, str) else from_slot.code
        from_index = next((i for i, s in enumerate(slots) if s.code == code), 0)
    locked_slots: dict[int, set[int]] = defaultdict(set)
    for meeting in locked_meetings:
        locked_slots[meeting.a.id].add(meeting.slot.id)
        locked_slots[meeting.b.id].add(meeting.slot.id)
    slot_position = {s.id: i for i, s in enumerate(slots)}

    participant_rows = []
    for participant in participants:
        unavailable = {s.id for s in participant.unavailable}
        unavailable |= automatic_unavailable(participant, slots,
                                             frozenset(locked_slots[participant.id]), from_index)
        row: dict[str, Any] = {
            "id": participant.code,
            "name": participant.person.full_name,
            "organisation": participant.organisation_label,
            "languages": sorted(participant.languages),
            "unavailable": [slots[slot_position[i]].code
                            for i in sorted(unavailable, key=slot_position.__getitem__)
                            if i in slot_position],
        }
        limit = effective_max_meetings(participant, session)
        if limit is not None:
            row["max_meetings"] = limit
        if participant.table is not None:
            row["table"] = participant.table.code
        participant_rows.append(row)

    requests = sorted(
        ({"from": by_id[r.from_id].code, "to": by_id[r.to_id].code, "priority": r.priority,
          **({"interpreter": True} if r.interpreter else {})}
         for r in queries.get_scheduled_requests(session)),
        key=lambda r: (r["from"], r["to"]))

    forbidden = {tuple(sorted((by_id[f.a_id].code, by_id[f.b_id].code)))
                 for f in queries.get_forbidden(session)}
    forbidden |= _organisation_pairs(participants)

    data: dict[str, Any] = {
        "format": PROBLEM_FORMAT,
        "timezone": TIMEZONE,
        "slots": [{"id": s.code, "start": local_time(s.starts_at), "end": local_time(s.ends_at)}
                  for s in slots],
        "tables": [{"id": t.code, "name": t.name} for t in tables],
        "participants": participant_rows,
        "requests": requests,
    }
    if include_suggestions:
        data["suggestions"] = [{"a": g.a, "b": g.b, "score": round(g.score, 2)}
                               for g in suggestions.problem_suggestions(session)]
    data["forbidden"] = [{"a": a, "b": b} for a, b in sorted(forbidden)]
    data["locked"] = [_locked_row(m) for m in locked_meetings]
    data["options"] = {"min_meetings": session.min_meetings}
    return data


def build_problem(session: B2BSession, **kwargs) -> Problem:
    """Return the session as a validated matchmaking.Problem (same options as the dict)."""
    return load_problem(build_problem_dict(session, **kwargs), name=f"session {session.id}")


# --- runs: meetings to schedules and back -------------------------------------------------


def locked_of(run: ScheduleRun) -> list[Locked]:
    """Return the locked meetings of a run as the problem's `locked` entries."""
    return [Locked(a, b, slot, table)
            for a, b, slot, table, locked in _meetings_with_codes(run.id) if locked]


def schedule_of(run: ScheduleRun) -> Schedule:
    """Return the meetings of a run as a matchmaking schedule (codes, not ids)."""
    meetings = _meetings_with_codes(run.id)
    return Schedule(meetings=tuple(
        MatchMeeting(a, b, slot, table) for a, b, slot, table, _ in meetings))


def build_run_problem(run: ScheduleRun) -> tuple[Problem, set[frozenset[str]]]:
    """Return the problem a run solves, and the pairs (codes) it keeps locked.

    The base run's locked meetings are the problem's `locked`; for a re-plan its meetings
    before the first re-planned slot are locked too (they are past: they never move).
    """
    session = db.session.get(B2BSession, run.session_id)
    base = db.session.get(ScheduleRun, run.base_run_id) if run.base_run_id else None
    from_slot = db.session.get(Slot, run.from_slot_id) if run.from_slot_id else None
    meetings = queries.get_run_meetings(base) if base is not None else []
    locked = [m for m in meetings if m.locked]
    if from_slot is not None:
        locked += [m for m in meetings
                   if not m.locked and m.slot.starts_at < from_slot.starts_at]
    problem = build_problem(session, locked_meetings=locked, from_slot=from_slot)
    problem = replace(problem, options=replace(problem.options, min_meetings=run.min_meetings))
    return problem, {frozenset((m.a.code, m.b.code)) for m in meetings if m.locked}


def store_run(run: ScheduleRun, schedule: Schedule, *,
              locked: set[frozenset[str]] = frozenset()) -> ScheduleRun:
    """Save a schedule's meetings, stats and unscheduled pairs on a run; flush only.

    `locked` holds the pairs (participant codes) whose meetings stay locked.
    """
    session_id = run.session_id
    participants = dict(db.session.execute(
        select(Participant.code, Participant.id).where(Participant.session_id == session_id)).all())
    slots = dict(db.session.execute(
        select(Slot.code, Slot.id).where(Slot.session_id == session_id)).all())
    tables = dict(db.session.execute(
        select(B2BTable.code, B2BTable.id).where(B2BTable.session_id == session_id)).all())
    db.session.execute(delete(Meeting).where(Meeting.run_id == run.id))
    rows = []
    for m in schedule.meetings:
        a, b = participants[m.a], participants[m.b]
        rows.append({"run_id": run.id, "a_id": min(a, b), "b_id": max(a, b),
                     "slot_id": slots[m.slot], "table_id": tables[m.table],
                     "locked": frozenset((m.a, m.b)) in locked})
    if rows:
        db.session.execute(insert(Meeting), rows)
    stats = schedule_to_dict(schedule)["stats"]
    run.stats = stats
    run.unscheduled = [{"a": u.a, "b": u.b, "reason": u.reason} for u in schedule.unscheduled]
    run.best_value, run.bound = stats["value"], stats["upper_bound"]
    run.status, run.finished_at, run.error = RunStatus.DONE, utc_now(), ""
    run.progress_at = run.finished_at
    db.session.flush()
    db.session.expire(run, ["meetings"])
    return run


def _meetings_with_codes(run_id: int) -> list[tuple[str, str, str, str, bool]]:
    a_part = db.aliased(Participant)
    b_part = db.aliased(Participant)
    return [tuple(row) for row in db.session.execute(
        select(a_part.code, b_part.code, Slot.code, B2BTable.code, Meeting.locked)
        .select_from(Meeting)
        .join(a_part, a_part.id == Meeting.a_id)
        .join(b_part, b_part.id == Meeting.b_id)
        .join(Slot, Slot.id == Meeting.slot_id)
        .join(B2BTable, B2BTable.id == Meeting.table_id)
        .where(Meeting.run_id == run_id)
        .order_by(Meeting.id)).all()]


# --- problem files ----------------------------------------------------------------------------


@dataclass
class ImportReport:
    """What an import changed, and what it left aside."""

    participants: int = 0
    tables_created: int = 0
    requests_created: int = 0
    requests_updated: int = 0
    requests_withdrawn: int = 0
    forbidden_added: int = 0
    forbidden_removed: int = 0
    warnings: list[str] = field(default_factory=list)


def _fail(field_name: str, reason: str) -> ProblemError:
    return ProblemError(IMPORT_NAME, field_name, reason)


def _check_limits(problem) -> None:
    """Refuse the values the forms would refuse: caps, minimum, table codes and names."""
    if not 0 <= problem.options.min_meetings <= services.MAX_MIN_MEETINGS:
        raise _fail("options.min_meetings", f"must be 0 to {services.MAX_MIN_MEETINGS}")
    for i, row in enumerate(problem.participants):
        if row.max_meetings is not None and row.max_meetings > services.MAX_MEETINGS_LIMIT:
            raise _fail(f"participants[{i}].max_meetings",
                        f"must be {services.MAX_MEETINGS_LIMIT} or less")
    for i, row in enumerate(problem.tables):
        for name, column in (("id", B2BTable.code), ("name", B2BTable.name)):
            if len(getattr(row, name) or "") > column.type.length:
                raise _fail(f"tables[{i}].{name}",
                            f"longer than {column.type.length} characters")


def import_problem_dict(session: B2BSession, data: Mapping[str, Any]) -> ImportReport:
    """Apply a b2b-problem/1 object to the session, matching everything by code.

    Updates participants' languages, unavailable slots, max_meetings and stands, the tables'
    names (unknown tables are created), the requests that go to the scheduler (the file is
    the truth among its participants: missing ones are withdrawn, new ones are added as the
    organisers' accepted requests), the forbidden pairs and options.min_meetings.
    Raises ProblemError naming the field (``requests[12].to: unknown participant 'P999'``).
    """
    problem = load_problem(data, name=IMPORT_NAME)
    report = ImportReport()
    slots = {s.code: s for s in session.slots}
    for i, slot in enumerate(problem.slots):
        if slot.id not in slots:
            raise _fail(f"slots[{i}].id", f"unknown slot {slot.id!r} (add it in the session first)")
    participants = {p.code: p for p in queries.get_participants(session, with_items=False)}
    for i, row in enumerate(problem.participants):
        if row.id not in participants:
            raise _fail(f"participants[{i}].id", f"unknown participant {row.id!r}")
    if problem.locked:
        report.warnings.append("locked: ignored (lock meetings on the schedule page)")
    if any(r.slots is not None for r in problem.requests):
        report.warnings.append("requests[].slots: ignored (not kept by the application)")

    _check_limits(problem)
    tables = {t.code: t for t in session.tables}
    for row in problem.tables:
        table = tables.get(row.id)
        if table is None:
            numbers = [int(c[1:]) for c in tables if c[1:].isdigit()]
            table = B2BTable(session=session, code=row.id, name=row.name or row.id,
                             position=max(numbers, default=0) + 1)
            db.session.add(table)
            tables[row.id] = table
            report.tables_created += 1
        elif row.name and row.name != table.name:
            table.name = row.name
    db.session.flush()

    ordered_slots = sorted(session.slots, key=lambda s: s.starts_at)
    for i, row in enumerate(problem.participants):
        participant = participants[row.id]
        automatic = automatic_unavailable(participant, ordered_slots)
        participant.languages = list(row.languages)
        participant.unavailable = [slots[c] for c in sorted(row.unavailable)
                                   if slots[c].id not in automatic]
        limit = row.max_meetings
        participant.max_meetings = (None if limit == session.max_meetings_default else limit)
        table = tables[row.table] if row.table else None
        if table is not participant.table:
            try:
                services.assign_stand(participant, table)
            except services.B2BError as error:
                raise _fail(f"participants[{i}].table", error.message) from error
        report.participants += 1

    in_file = {p.id for p in problem.participants}
    wanted = {(r.frm, r.to): r.priority for r in problem.requests}
    scheduled = ((RequestStatus.ACCEPTED,) if session.requires_acceptance
                 else (RequestStatus.PENDING, RequestStatus.ACCEPTED))
    code_of = {p.id: code for code, p in participants.items()}
    for request in queries.get_requests(session):
        key = (code_of[request.from_id], code_of[request.to_id])
        if key in wanted:
            priority = wanted.pop(key)
            if request.priority != priority or request.status not in scheduled:
                request.priority = priority
                if request.status not in scheduled:
                    request.status = RequestStatus.ACCEPTED
                report.requests_updated += 1
        elif request.status in scheduled and key[0] in in_file and key[1] in in_file:
            request.status = RequestStatus.WITHDRAWN
            report.requests_withdrawn += 1
    for (frm, to), priority in sorted(wanted.items()):
        db.session.add(MeetingRequest(
            session_id=session.id, requester=participants[frm], recipient=participants[to],
            priority=priority, status=RequestStatus.ACCEPTED, by_organiser=True))
        report.requests_created += 1

    automatic_pairs = _organisation_pairs(list(participants.values()))
    wanted_forbidden = {tuple(sorted((f.a, f.b))) for f in problem.forbidden} - automatic_pairs
    for row in queries.get_forbidden(session):
        pair = tuple(sorted((code_of[row.a_id], code_of[row.b_id])))
        if pair in wanted_forbidden:
            wanted_forbidden.discard(pair)
        elif pair[0] in in_file and pair[1] in in_file:
            db.session.delete(row)
            report.forbidden_removed += 1
    for a, b in sorted(wanted_forbidden):
        first, second = sorted((participants[a], participants[b]), key=lambda p: p.id)
        db.session.add(ForbiddenPair(session_id=session.id, a_id=first.id, b_id=second.id))
        report.forbidden_added += 1

    session.min_meetings = problem.options.min_meetings
    db.session.flush()
    services.bump_profiles_version(session)
    return report


def get_slot_by_code(session: B2BSession, code: str) -> Slot | None:
    """Return the session's slot with this code."""
    return db.session.scalar(select(Slot).where(Slot.session_id == session.id, Slot.code == code))
