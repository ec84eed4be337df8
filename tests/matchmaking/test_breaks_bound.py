"""The proven lower bound on breaks that every schedule's stats report, at every size."""

import json

from matchmaking import dump_schedule, load_problem, load_schedule, solve
from matchmaking.rules import FREE, Index
from matchmaking.window_model import forced_breaks
from tests.matchmaking.builders import make_problem, request


def _gap_problem(extra_meeting: bool = False) -> dict:
    # P1 meets P2 only in the first slot and P3 only in the third: a break for P1.
    requests = [request("P1", "P2", slots=["S01"]), request("P1", "P3", slots=["S03"])]
    if extra_meeting:
        requests.append(request("P1", "P4"))
    return make_problem(people=4, slots=3, tables=2, requests=requests)


def _all_placed(index: Index) -> dict:
    return {(c.a, c.b): (index.pairs[(c.a, c.b)].slots[0], FREE) for c in index.candidates}


def test_a_participant_whose_meetings_fit_no_run_has_a_break_for_sure():
    index = Index(load_problem(_gap_problem()))

    assert forced_breaks(index, _all_placed(index), set()) == 1


def test_a_meeting_that_may_fill_the_gap_lifts_the_bound():
    index = Index(load_problem(_gap_problem(extra_meeting=True)))

    assert forced_breaks(index, _all_placed(index), set()) == 0


def test_the_schedule_reports_its_proven_lower_bound_on_breaks():
    schedule = solve(load_problem(_gap_problem()), time_limit=20, work=2.0, workers=1)

    assert schedule.stats.breaks == 1
    assert schedule.stats.breaks_lower_bound == 1
    again = load_schedule(json.loads(dump_schedule(schedule)))
    assert again.stats.breaks_lower_bound == 1


def test_the_lower_bound_never_exceeds_the_breaks_at_a_larger_size():
    from benchmarks.generate import Size, generate

    schedule = solve(load_problem(generate(Size(200, 10, 40, 5), seed=2)), time_limit=120,
                     work=3.0, workers=1)

    assert 0 <= schedule.stats.breaks_lower_bound <= schedule.stats.breaks
