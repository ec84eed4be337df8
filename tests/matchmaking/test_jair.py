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
