"""Re-plan after the problem changed, keeping the past and moving as little as possible."""

from __future__ import annotations

import time
from dataclasses import replace

from matchmaking.assemble import Placements, build_schedule
from matchmaking.io import ProblemError
from matchmaking.model import Problem, Schedule
from matchmaking.rules import FREE, VALUE_SCALE, Index
from matchmaking.solver import (
    Progress,
    best_greedy,
    locked_placements,
    optimise,
    start_board,
    throttled,
)


def _option(index: Index, k: tuple[int, int], table_id: str) -> int | None:
    """Return the table option a previous table stands for, or None if the pair can't use it."""
    t = index.tid.get(table_id)
    options = index.pairs[k].tables
    if t is None:
        return None
    if t in options:
        return t
    if FREE in options and t in index.free_tables:
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
) -> Schedule:
    """Return a new schedule that keeps past meetings and moves others only to raise the value."""
    started = time.monotonic()
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
    past_first = sorted(previous.meetings, key=lambda m: index.sid.get(m.slot, -1) >= first)
    for m in past_first:
        if m.a not in index.pid or m.b not in index.pid or m.slot not in index.sid:
            continue
        k = index.key(m.a, m.b)
        pair = index.pairs.get(k)
        s = index.sid[m.slot]
        if pair is None or pair.reason is not None or k in board.placed or s not in pair.slots:
            continue
        t = _option(index, k, m.table)
        if t is None or (s, t) not in board.open_slots(pair):
            continue
        board.place(pair, s, t)
        if t == FREE:
            prefer[k] = index.tid[m.table]
        if s < first:
            fixed[k] = (s, t)
            lock_tables[k] = index.tid[m.table] if t == FREE else t
        else:
            keep[k] = (s, t)
    board = best_greedy(index, fixed, lock_tables, first, keep)
    out = optimise(index, board, fixed=fixed, deadline=started + time_limit,
                   seed=seed, workers=workers, progress=throttled(progress), previous=keep,
                   from_slot=first)
    if progress is not None:
        progress(sum(index.pairs[k].value for k in out.placed) / VALUE_SCALE,
                 out.bound / VALUE_SCALE)
    lock_tables = {k: t for k, t in lock_tables.items() if t in index.free_tables}
    schedule = build_schedule(
        index, out.placed, lock_tables, upper_bound=out.bound / VALUE_SCALE,
        status="optimal" if out.value_proven else "feasible",
        seconds=time.monotonic() - started, prefer=prefer,
    )
    now = {(frozenset((m.a, m.b)), m.slot, m.table) for m in schedule.meetings}
    moved = sum(1 for m in previous.meetings if (frozenset((m.a, m.b)), m.slot, m.table) not in now)
    return replace(schedule, stats=replace(schedule.stats, moved=moved))
