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
from matchmaking.budget import RESERVE_SECONDS, Budget
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


def test_a_part_may_run_until_the_cap_less_a_reserve_for_the_work_after_it():
    # A share of the wall clock in proportion to the work stopped phases long before the cap
    # when one ran a little slower per unit than the average (a tenth of a unit had 0.1 s):
    # those runs depended on the machine's load. Now a part keeps only RESERVE_SECONDS per
    # unit planned after it, and a solve may use all of its part's time.
    budget = Budget.start(25.0, 30.0)

    small = budget.part(0.1)
    last = budget.part(25.0)
    solver = small.share(0.5).solver(0.05, workers=1, seed=0, rate=1.0)

    assert small.wall_left() == pytest.approx(30.0 - 24.9 * RESERVE_SECONDS, abs=0.1)
    assert last.wall_deadline == budget.wall_deadline
    assert solver.parameters.max_time_in_seconds == pytest.approx(
        30.0 - 24.95 * RESERVE_SECONDS, abs=0.1)
    assert solver.parameters.max_deterministic_time == pytest.approx(0.05)
