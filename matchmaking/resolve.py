"""Re-plan after the problem changed, keeping the past and moving as little as possible."""

from __future__ import annotations

import time
from dataclasses import replace

from matchmaking.assemble import build_schedule
from matchmaking.budget import Budget
from matchmaking.greedy import best_greedy, locked_placements, start_board
from matchmaking.io import ProblemError
from matchmaking.model import Problem, Schedule
from matchmaking.rules import FREE, VALUE_SCALE, Index, Placements, value_of
from matchmaking.solver import Progress, optimise, throttled, work_units


def _option(index: Index, key: tuple[int, int], table_id: str) -> int | None:
    """Return the table option a previous table stands for, or None if the pair can't use it."""
    table = index.tid.get(table_id)
    options = index.pairs[key].tables
    if table is None:
        return None
    if table in options:
        return table
    if FREE in options and table in index.free_tables:
        return FREE
    return None


def resolve(
    problem: Problem,
    previous: Schedule,
    *,
    from_slot: str | None = None,
    time_limit: float = 30.0,
    seed: int = 0,
    progress: Progress | None = None,
    workers: int | None = None,
    work: float | None = None,
    keep_valid: bool = False,
) -> Schedule:
    """Return a new schedule that keeps past meetings and moves others only to raise the value.

    ``keep_valid``: every previous meeting still possible stays exactly where it was, and
    only the places freed (an absentee's, say) are filled: the event day, where people
    already hold their agendas and a move costs more than any gain in value.
    """
    started = time.monotonic()
    budget = Budget.start(work_units(time_limit, work), time_limit)
    index = Index(problem)
    if from_slot is not None and from_slot not in index.sid:
        raise ProblemError("--from", "", f"unknown slot {from_slot!r}")
    first = 0 if from_slot is None else index.sid[from_slot]
    fixed, lock_tables = locked_placements(index)
    board = start_board(index, fixed, lock_tables)
    keep: Placements = {}
    prefer: dict[tuple[int, int], int] = {}
    # Previous meetings still valid are booked first: past ones fixed, the others kept if the
    # value allows. Past ones go first so a future meeting can't take their place.
    past_first = sorted(previous.meetings,
                        key=lambda meeting: index.sid.get(meeting.slot, -1) >= first)
    for meeting in past_first:
        if (meeting.a not in index.pid or meeting.b not in index.pid
                or meeting.slot not in index.sid):
            continue
        key = index.key(meeting.a, meeting.b)
        pair = index.pairs.get(key)
        slot = index.sid[meeting.slot]
        if pair is None or pair.reason is not None or key in board.placed or slot not in pair.slots:
            continue
        table = _option(index, key, meeting.table)
        if table is None or (slot, table) not in board.open_slots(pair):
            continue
        board.place(pair, slot, table)
        if table == FREE:
            prefer[key] = index.tid[meeting.table]
        if slot < first or keep_valid:
            fixed[key] = (slot, table)
            lock_tables[key] = index.tid[meeting.table] if table == FREE else table
        else:
            keep[key] = (slot, table)
    board = best_greedy(index, fixed, lock_tables, first, keep)
    out = optimise(index, board, fixed=fixed, budget=budget,
                   seed=seed, workers=workers, progress=throttled(progress), previous=keep,
                   from_slot=first)
    if progress is not None:
        progress(value_of(index, out.placed) / VALUE_SCALE, out.bound / VALUE_SCALE,
                 len(out.placed))
    lock_tables = {key: table for key, table in lock_tables.items()
                   if table in index.free_tables}
    schedule = build_schedule(
        index, out.placed, lock_tables, upper_bound=out.bound / VALUE_SCALE,
        status="optimal" if out.value_proven else "feasible",
        seconds=time.monotonic() - started, prefer=prefer, hit_wall_clock_limit=out.hit_wall,
        breaks_lower_bound=out.breaks_lower,
    )
    now = {(frozenset((meeting.a, meeting.b)), meeting.slot, meeting.table)
           for meeting in schedule.meetings}
    moved = sum(1 for meeting in previous.meetings
                if (frozenset((meeting.a, meeting.b)), meeting.slot, meeting.table) not in now)
    return replace(schedule, stats=replace(schedule.stats, moved=moved))
