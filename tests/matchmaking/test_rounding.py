"""Rounding the LP relaxation into schedules, and the exact re-solves around it."""

import time

import pytest

from benchmarks.generate import Size, generate
from matchmaking import check, load_problem
from matchmaking.assemble import build_schedule
from matchmaking.bound import BackgroundBound, coverage_bound, solve_relaxation
from matchmaking.budget import Budget
from matchmaking.greedy import best_greedy, fill_greedy, locked_placements, start_board
from matchmaking.lns import resolve_part
from matchmaking.rounding import polish_doubtful, round_columns, round_pairs
from matchmaking.rules import FREE, VALUE_SCALE, Index, value_of
from tests.matchmaking.builders import make_problem, request

SMALL = Size(participants=40, slots=6, tables=6, requests_per_person=4)


def small_index(seed=3):
    return Index(load_problem(generate(SMALL, seed)))


def schedule_of(index, board):
    return build_schedule(index, board.placed, board.lock_tables, upper_bound=0.0)


@pytest.mark.parametrize("method", ["GLOP", "PDLP"])
def test_rounded_relaxation_is_a_valid_schedule_below_the_bound(method):
    index = small_index()
    fixed, lock_tables = locked_placements(index)
    relaxation = solve_relaxation(index, 30, method)
    board = start_board(index, fixed, lock_tables)

    (round_columns if relaxation.exact else round_pairs)(index, board, relaxation.columns)
    fill_greedy(index, board)

    assert relaxation.exact == (method == "GLOP")
    assert check(index.problem, schedule_of(index, board)) == []
    assert 0 < value_of(index, board.placed) <= relaxation.bound


def test_exact_relaxation_rounds_close_to_its_bound():
    index = small_index()
    relaxation = solve_relaxation(index, 30, "GLOP")
    board = start_board(index, {}, {})

    round_columns(index, board, relaxation.columns)
    fill_greedy(index, board)

    # The time-indexed LP is nearly integral on realistic instances.
    assert value_of(index, board.placed) >= 0.97 * relaxation.bound


def test_polish_never_lowers_the_value_and_stays_valid():
    index = small_index(seed=5)
    relaxation = solve_relaxation(index, 30, "GLOP")
    board = best_greedy(index, {}, {})
    before = value_of(index, board.placed)

    polish_doubtful(index, board, relaxation.columns, fixed=set(),
                    budget=Budget.start(5.0, 60.0))

    assert before <= value_of(index, board.placed) <= relaxation.bound
    assert check(index.problem, schedule_of(index, board)) == []


def test_background_relaxations_arrive_pdlp_then_exact():
    index = small_index()

    pending = BackgroundBound(index, 20, exact=True)
    got = []
    deadline = time.monotonic() + 30
    while not pending.done and time.monotonic() < deadline:
        got += pending.arrived(timeout=1.0)
    pending.close()

    exact = solve_relaxation(index, 30, "GLOP").bound
    # At this size GLOP alone runs: the exact relaxation, once.
    assert [r.exact for r in got] == [True]
    assert got[0].bound == exact


def test_resolve_part_prefers_more_people_met_at_equal_value():
    # One table, two slots: P1 meets P2 and P3 (value 6, three people) or P4 and P5 meet
    # instead of one of them (value 6, four people).
    index = Index(load_problem(make_problem(
        people=5, slots=2, tables=1,
        requests=[request("P1", "P2"), request("P1", "P3"), request("P4", "P5")])))
    board = start_board(index, {}, {})
    board.place(index.pairs[(0, 1)], 0, FREE)
    board.place(index.pairs[(0, 2)], 1, FREE)

    budget = Budget.start(5.0, 60.0)
    improved = resolve_part(index, board, index.candidates, None, set(), budget, 5.0, 0)

    met = {p for k in board.placed for p in k}
    assert improved is True
    assert value_of(index, board.placed) == 6 * VALUE_SCALE
    assert met >= {3, 4} and len(met) == 4


def test_coverage_bound_counts_who_can_meet_at_that_value():
    # One table, one slot: keeping the value of the must-meet pair leaves P3 and P4 out.
    index = Index(load_problem(make_problem(
        people=4, slots=1, tables=1,
        requests=[request("P1", "P2", 3), request("P3", "P4", 1)])))

    assert coverage_bound(index, 3 * VALUE_SCALE) == 2
    assert coverage_bound(index, 0) == 2
    assert coverage_bound(index, 4 * VALUE_SCALE) is None  # no schedule is worth that much


def test_resolve_part_with_a_pair_listed_twice_counts_it_once():
    # One table, two slots. Counted twice, P3-P4 in both slots would look worth 6.
    index = Index(load_problem(make_problem(
        people=6, slots=2, tables=1,
        requests=[request("P1", "P2", 2), request("P5", "P6", 2), request("P3", "P4", 3)])))
    board = start_board(index, {}, {})
    board.place(index.pairs[(0, 1)], 0, FREE)
    board.place(index.pairs[(4, 5)], 1, FREE)
    twice = [index.pairs[(2, 3)]] * 2

    resolve_part(index, board, index.candidates + twice, None, set(), Budget.start(5.0, 60.0),
                 5.0, 0)

    assert len(board.placed) == 2 and (2, 3) in board.placed
    assert value_of(index, board.placed) == 5 * VALUE_SCALE
