"""Breaks beyond the window search's 150 participants: the breaks phase gets its work."""

import pytest

from benchmarks.generate import Size, generate
from matchmaking import check, greedy_by_value, load_problem, solve


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
