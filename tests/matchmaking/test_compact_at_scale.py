"""Breaks where the window search does not run: the breaks phase gets its work."""

import pytest

from benchmarks.generate import Size, generate
from matchmaking import check, greedy_by_value, load_problem, solve
from matchmaking.budget import Budget
from matchmaking.greedy import best_greedy
from matchmaking.lns import improve_value
from matchmaking.rules import Index, value_of


def optimal_within_budget(problem, work: float, most_breaks: int):
    """Solve with that much work (no wall-clock limit reached); check value, breaks, rules."""
    schedule = solve(problem, time_limit=300, work=work, seed=1, workers=1)
    stats = schedule.stats
    assert not stats.hit_wall_clock_limit
    assert stats.value >= stats.upper_bound - 1e-9
    assert 0 <= stats.breaks_lower_bound <= stats.breaks <= most_breaks
    assert check(problem, schedule) == []


@pytest.mark.slow
def test_two_workers_leave_work_for_the_breaks_at_300_participants():
    # The value level's solve with two interleaved workers used twice the work it asked for,
    # all that was left: the schedule kept more breaks than the greedy start (520 to 408).
    problem = load_problem(generate(Size(300, 12, 60, 6), seed=1))
    greedy = greedy_by_value(problem)

    schedule = solve(problem, time_limit=300, work=4.0, seed=1, workers=2)

    assert not schedule.stats.hit_wall_clock_limit
    assert schedule.stats.value >= greedy.stats.value
    assert schedule.stats.breaks < 0.6 * greedy.stats.breaks
    assert 0 <= schedule.stats.breaks_lower_bound <= schedule.stats.breaks
    assert check(problem, schedule) == []


@pytest.mark.slow
def test_one_worker_anneals_hot_when_the_work_allows_at_300_participants():
    # The default budget of a 10 s run. The cool anneal left 174 to 179 breaks here, and the
    # search for people without a meeting after the value reached its bound took 4 s of the
    # 10; now the run does not reach the clock and keeps about 135.
    optimal_within_budget(load_problem(generate(Size(300, 12, 60, 6), seed=1)), 8.5, 150)


def test_the_search_for_people_without_a_meeting_stops_once_it_stalls():
    problem = load_problem(generate(Size(300, 12, 60, 6), seed=1))
    index = Index(problem)
    board = best_greedy(index, {}, {})
    value = value_of(index, board.placed)
    budget = Budget.start(40.0, 300)

    got = improve_value(index, board, fixed=set(), budget=budget, target=value, seed=1)

    assert got >= value
    # Around people without a meeting only, and only while their number falls.
    assert budget.used < 0.2 * budget.total
    assert not budget.hit_wall


def test_more_pairs_than_the_tables_hold_go_to_the_anneal():
    # 60 participants, 260 candidate pairs, 120 meetings fill the 15 tables of the 8 slots:
    # the window ladder took the whole default budget of a 2 s run and left 29 or 30 breaks.
    optimal_within_budget(load_problem(generate(Size(60, 8, 15, 5), seed=1)), 1.7, 24)
