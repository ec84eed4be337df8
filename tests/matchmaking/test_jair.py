"""One real instance of Bofill et al., JAIR 2022, when the optional data set is present."""

import os
from pathlib import Path

import pytest

from matchmaking import check, load_problem, solve

REPO = Path(__file__).resolve().parents[2]
JAIR_DIR = Path(os.environ.get("CLUSTERMEET_JAIR_DIR", REPO.parent / "shared/benchmarks/jair2022"))


@pytest.mark.slow
def test_solve_jair_tic12_places_every_meeting():
    path = JAIR_DIR / "tic-12.json"
    if not path.is_file():
        pytest.skip(f"optional data set absent: {path}")
    problem = load_problem(path)

    schedule = solve(problem, time_limit=10)

    assert schedule.stats.meetings == 125
    assert schedule.stats.value == 375.0
    assert schedule.stats.status == "optimal"
    assert schedule.unscheduled == ()
    assert check(problem, schedule) == []


@pytest.mark.slow
@pytest.mark.parametrize(("seed", "workers"), [(1, 1), (2, 1), (0, 2)])
def test_ticf13crafb_reaches_the_papers_optimum(seed, workers):
    # One thread, seed 1 ended at 10 breaks: the rung's schedule has the right number of
    # people out of their window, but not the right ones. Seed 2 ended at 4 while a try of the
    # hold took the candidate search's work; with two threads, seed 0 at 10 while the hold was
    # tried twice.
    path = JAIR_DIR / "ticf-13crafb.json"
    if not path.is_file():
        pytest.skip(f"optional data set absent: {path}")
    problem = load_problem(path)

    # The default budget of a 30 s run, under a generous cap for a busy machine.
    schedule = solve(problem, time_limit=900, work=25.5, seed=seed, workers=workers)

    assert not schedule.stats.hit_wall_clock_limit
    assert schedule.stats.meetings == 194
    assert schedule.stats.breaks <= 3
    assert schedule.stats.breaks_lower_bound == 3
