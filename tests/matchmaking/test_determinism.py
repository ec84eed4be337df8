"""The same problem, seed, worker count and work budget give the same schedule on a busy machine.

Every phase of the solver is budgeted by deterministic work (CP-SAT's deterministic time and
counted steps), never by the wall clock, which is only the outer cap.
"""

import subprocess
import sys
import time

import pytest

from benchmarks.generate import Size, generate
from matchmaking import load_problem, solve
from matchmaking.budget import Budget
from matchmaking.compact import reduce_breaks
from matchmaking.greedy import best_greedy, locked_placements
from matchmaking.rules import Index

#: Moderate: large enough for every phase (LP rounding, neighbourhood search, the levels, the
#: window search and the anneal), small enough for two solves within the test's time.
MODERATE = Size(100, 10, 25, 5)
#: Spinning processes: one per core of the reference machine.
HOGS = 2


def _hogs() -> list[subprocess.Popen]:
    return [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(HOGS)]


def _stop(hogs: list[subprocess.Popen]) -> None:
    for hog in hogs:
        hog.kill()
    for hog in hogs:
        hog.wait()


def _solve(problem):
    started = time.monotonic()
    schedule = solve(problem, time_limit=120, work=4.0, seed=3, workers=1)
    return schedule, time.monotonic() - started


@pytest.mark.slow
def test_same_schedule_on_a_quiet_and_a_busy_machine():
    problem = load_problem(generate(MODERATE, seed=7))

    quiet, quiet_seconds = _solve(problem)
    hogs = _hogs()
    try:
        busy, busy_seconds = _solve(problem)
    finally:
        _stop(hogs)

    assert not quiet.stats.hit_wall_clock_limit
    assert not busy.stats.hit_wall_clock_limit
    assert busy.meetings == quiet.meetings, (quiet_seconds, busy_seconds)
    assert (busy.stats.value, busy.stats.breaks, busy.stats.idle_slots) == (
        quiet.stats.value, quiet.stats.breaks, quiet.stats.idle_slots)


def test_the_anneal_counts_steps_not_seconds():
    index = Index(load_problem(generate(Size(60, 8, 15, 5), seed=1)))
    fixed, lock_tables = locked_placements(index)
    boards = []
    for hogged in (False, True):
        board = best_greedy(index, fixed, lock_tables)
        hogs = _hogs() if hogged else []
        try:
            reduce_breaks(index, board, fixed=set(fixed), budget=Budget.start(0.5, 60.0), seed=2)
        finally:
            _stop(hogs)
        boards.append(dict(board.placed))

    assert boards[0] == boards[1]


def test_a_run_stopped_by_the_wall_clock_says_so():
    problem = load_problem(generate(MODERATE, seed=7))

    schedule = solve(problem, time_limit=0.5, work=1000.0, seed=0, workers=1)

    assert schedule.stats.hit_wall_clock_limit
    assert schedule.stats.meetings > 0


def test_a_part_cut_from_spent_work_does_not_report_the_wall_clock():
    budget = Budget.start(1.0, 60.0)
    budget.spend(1.0)

    part = budget.share(0.5)

    assert part.left() == 0.0
    assert part.steps() == 0
    assert not part.hit_wall
    assert not budget.hit_wall
