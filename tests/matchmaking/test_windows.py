"""The window search: schedules where all but k people meet in one run, and its lower bound."""


from hypothesis import given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model

from matchmaking import check, load_problem
from matchmaking.assemble import build_schedule
from matchmaking.budget import Budget
from matchmaking.greedy import best_greedy
from matchmaking.rules import Index, busy_slots, count_breaks
from matchmaking.window_model import WindowModel
from matchmaking.windows import _Race, breaks_lower_bound, search_windows
from tests.matchmaking.builders import make_problem, request
from tests.matchmaking.test_placement import _brute_force, drawn_case, placement_problems


def _breaks(index, placed):
    return count_breaks(index, busy_slots(index, placed))[0]


def _search(problem, placed, *, fixed=frozenset(), from_slot=0, workers=1, seconds=3.0):
    index = Index(problem)
    movable = {k for k, (s, _) in placed.items() if k not in fixed and s >= from_slot}
    out, lower = search_windows(index, placed, movable, from_slot=from_slot,
                                budget=Budget.start(seconds, 60.0),
                                workers=workers)
    return index, out, lower


def test_a_gap_is_closed_and_zero_breaks_proven():
    problem = load_problem(make_problem(
        people=3, slots=3, tables=1, requests=[request("P1", "P2"), request("P1", "P3")]))
    index = Index(problem)
    placed = {(0, 1): (0, -1), (0, 2): (2, -1)}

    _, out, lower = _search(problem, placed)

    assert set(out) == set(placed)
    assert _breaks(index, out) == 0
    assert lower == 0
    assert check(problem, build_schedule(index, out, {}, upper_bound=0.0)) == []


def test_someone_without_any_window_counts_as_a_break():
    # P1 meets P2 only in S01 and P3 only in S03: P1 cannot meet in one run.
    problem = load_problem(make_problem(
        people=3, slots=3, tables=1,
        participants=[{"id": "P1"}, {"id": "P2", "unavailable": ["S02", "S03"]},
                      {"id": "P3", "unavailable": ["S01", "S02"]}],
        requests=[request("P1", "P2"), request("P1", "P3")]))
    index = Index(problem)
    placed = {(0, 1): (0, -1), (0, 2): (2, -1)}

    assert WindowModel(index, placed, set(placed), 0).forced == 1
    _, out, lower = _search(problem, placed)

    assert lower == 1
    assert out == placed


def _triangle():
    """Three people who all meet each other: each could keep a run alone, not all three."""
    problem = load_problem(make_problem(
        people=3, slots=3, tables=1,
        requests=[request("P1", "P2"), request("P2", "P3"), request("P1", "P3")]))
    index = Index(problem)
    placed = dict(best_greedy(index, {}, {}).placed)
    assert len(placed) == 3
    return problem, index, placed


def test_a_triangle_proves_one_break():
    problem, index, placed = _triangle()

    model = WindowModel(index, placed, set(placed), 0)
    _, out, lower = _search(problem, placed)

    assert model.forced == 0
    assert lower == 1
    assert _breaks(index, out) == 1


@settings(deadline=None, max_examples=40)
@given(placement_problems(), st.sampled_from([1, 2]))
def test_random_problems_valid_and_bound_below_the_optimum(drawn, workers):
    problem, index, placed, fixed, from_slot = drawn_case(drawn)

    _, out, lower = _search(problem, placed, fixed=fixed, from_slot=from_slot, workers=workers,
                            seconds=1.0)

    assert set(out) == set(placed)
    for k, (s, t) in placed.items():
        if k in fixed or s < from_slot:
            assert out[k] == (s, t)
    assert check(problem, build_schedule(index, out, {}, upper_bound=0.0)) == []
    assert _breaks(index, out) <= _breaks(index, placed)
    optimum = _brute_force(index, placed, fixed, from_slot)
    if optimum is not None:
        assert lower <= optimum[0]


def test_race_waits_for_a_schedule_when_only_an_optional_model_is_infeasible():
    _, index, placed = _triangle()
    model = WindowModel(index, placed, set(placed), 0)
    race = _Race(model, workers=2, seed=0, budget=Budget.start(10.0, 60.0))

    statuses, got = race.run(
        [model.constrained(out_of_window=1), model.constrained(out_of_window=0)], 5.0,
        decisive={0})

    # The optional model's proof stops nothing; its status, after the answer, is dropped.
    assert statuses[0] in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    assert statuses[1] == cp_model.UNKNOWN
    assert set(got) == set(placed)
    assert _breaks(index, {**placed, **got}) == 1


def test_race_answers_with_the_first_model_in_order_whatever_finishes_first():
    _, index, placed = _triangle()
    model = WindowModel(index, placed, set(placed), 0)
    race = _Race(model, workers=2, seed=0, budget=Budget.start(10.0, 60.0))

    # The infeasible model may finish first; the answer is still the first model's, and the
    # second one's status, which depends on timing, is dropped.
    statuses, got = race.run(
        [model.constrained(out_of_window=1), model.constrained(out_of_window=0)], 5.0)

    assert statuses[0] in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    assert statuses[1] == cp_model.UNKNOWN
    assert got is not None


def test_breaks_lower_bound_of_a_set_of_meetings():
    _, index, placed = _triangle()

    assert breaks_lower_bound(index, set(placed), seconds=5.0) == 1
    assert breaks_lower_bound(index, set(list(placed)[:2]), seconds=5.0) == 0


def test_one_break_counts_runs_around_meetings_that_stay():
    # P1 meets P2 in S02 and P3 in S04, which stay; P4, P5, P6 only fit S01, S03, S05.
    problem = load_problem(make_problem(
        people=6, slots=5, tables=2,
        requests=[request("P1", "P2"), request("P1", "P3"),
                  request("P1", "P4", slots=["S01"]), request("P1", "P5", slots=["S03"]),
                  request("P1", "P6", slots=["S05"])]))
    index = Index(problem)
    key = {p: index.key("P1", p) for p in ("P2", "P3", "P4", "P5", "P6")}
    placed = {key["P2"]: (1, -1), key["P3"]: (3, -1), key["P4"]: (0, -1),
              key["P5"]: (2, -1), key["P6"]: (4, -1)}
    movable = {key["P4"], key["P5"], key["P6"]}
    model = WindowModel(index, placed, movable, 0)

    status, got = _Race(model, 1, 0, Budget.start(5.0, 60.0)).same(5.0, one_break=True,
                                                                   only=set())

    assert status == cp_model.FEASIBLE
    assert _breaks(index, {**placed, **got}) == 0
