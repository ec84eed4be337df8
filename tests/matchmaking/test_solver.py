"""Solver behaviour on small fixed instances."""

from ortools.sat.python import cp_model

from matchmaking import check, load_problem, solve, upper_bound
from matchmaking.bound import solve_relaxation, time_indexed_bound
from matchmaking.levels import LevelModel, LevelWatcher
from matchmaking.rules import FREE, Index
from tests.matchmaking.builders import brute_force, make_problem, request


def solve_raw(raw, limit=5.0):
    problem = load_problem(raw)
    return problem, solve(problem, time_limit=limit, workers=1)


def meetings_of(schedule):
    return {frozenset((m.a, m.b)): (m.slot, m.table) for m in schedule.meetings}


def test_solve_mutual_must_meet_worth_six():
    problem, schedule = solve_raw(make_problem(
        people=2, requests=[request("P1", "P2", 3), request("P2", "P1", 3)]))

    assert schedule.stats.value == 6.0
    assert schedule.stats.status == "optimal"
    assert check(problem, schedule) == []


def test_solve_suggestion_worth_its_score():
    problem, schedule = solve_raw(make_problem(
        people=4, slots=1, tables=1,
        requests=[request("P1", "P2", 1)],
        suggestions=[{"a": "P3", "b": "P4", "score": 0.75}, {"a": "P2", "b": "P1", "score": 0.9}]))

    assert schedule.stats.value == 1.0  # the suggestion on a requested pair is ignored
    assert [(m.a, m.b) for m in schedule.meetings] == [("P1", "P2")]
    assert [(u.a, u.b, u.reason) for u in schedule.unscheduled] == []


def test_solve_fixed_stands_respected():
    problem, schedule = solve_raw(make_problem(
        people=5, slots=3, tables=3,
        participants=[{"id": "P1", "table": "T1"}, {"id": "P2", "table": "T2"}, {"id": "P3"},
                      {"id": "P4"}, {"id": "P5"}],
        requests=[request("P1", "P3"), request("P2", "P3"), request("P1", "P2"),
                  request("P4", "P5"), request("P3", "P4")]))

    got = meetings_of(schedule)
    assert len(got) == 5
    assert got[frozenset(("P1", "P3"))][1] == "T1"
    assert got[frozenset(("P2", "P3"))][1] == "T2"
    assert got[frozenset(("P1", "P2"))][1] in ("T1", "T2")
    assert got[frozenset(("P4", "P5"))][1] == "T3"
    assert got[frozenset(("P3", "P4"))][1] == "T3"
    assert check(problem, schedule) == []


def test_solve_languages_and_reasons():
    problem, schedule = solve_raw(make_problem(
        people=7, slots=2, tables=1,
        participants=[{"id": "P1", "languages": ["fr"]}, {"id": "P2", "languages": ["nl"]},
                      {"id": "P3", "languages": ["nl", "en"]}, {"id": "P4"},
                      {"id": "P5", "unavailable": ["S01", "S02"]}, {"id": "P6"}, {"id": "P7"}],
        requests=[request("P1", "P2", 3), request("P2", "P3", 3), request("P1", "P4", 3),
                  request("P4", "P5", 3), request("P6", "P7", 1), request("P4", "P6", 1)],
        forbidden=[{"a": "P3", "b": "P1"}],
        suggestions=[{"a": "P3", "b": "P1", "score": 1}]))

    reasons = {(u.a, u.b): u.reason for u in schedule.unscheduled}
    assert set(meetings_of(schedule)) == {frozenset(("P2", "P3")), frozenset(("P1", "P4"))}
    assert reasons == {("P1", "P2"): "language", ("P4", "P5"): "no_common_slot",
                       ("P6", "P7"): "capacity", ("P4", "P6"): "capacity"}
    assert check(problem, schedule) == []


def test_solve_not_chosen_reason():
    # One table, two slots: P1 takes both; P2-P3 could meet but is worth less.
    problem, schedule = solve_raw(make_problem(
        people=5, slots=2, tables=2,
        participants=[{"id": f"P{i}"} for i in range(1, 6)],
        requests=[request("P1", "P2", 3), request("P1", "P3", 3), request("P2", "P3", 1),
                  request("P3", "P2", 1)]))

    assert schedule.stats.value == 6.0
    assert [(u.a, u.b, u.reason) for u in schedule.unscheduled] == [("P2", "P3", "not_chosen")]
    assert check(problem, schedule) == []


def test_solve_locked_meeting_kept_with_table():
    problem, schedule = solve_raw(make_problem(
        people=3, slots=2, tables=2,
        requests=[request("P1", "P2", 1), request("P1", "P3", 3)],
        locked=[{"a": "P2", "b": "P1", "slot": "S01", "table": "T2"}]))

    assert meetings_of(schedule)[frozenset(("P1", "P2"))] == ("S01", "T2")
    assert schedule.stats.value == 4.0
    assert check(problem, schedule) == []


def test_solve_minimises_breaks():
    # P1 meets P2, P3 and P4; P3 is busy with P5 in S02 (the only slot P5 has).
    raw = make_problem(
        people=6, slots=4, tables=3,
        participants=[{"id": "P1"}, {"id": "P2", "unavailable": ["S02"]}, {"id": "P3"},
                      {"id": "P4"}, {"id": "P5", "unavailable": ["S01", "S03", "S04"]},
                      {"id": "P6"}],
        requests=[request("P1", "P2"), request("P1", "P3"), request("P1", "P4"),
                  request("P5", "P3"), request("P6", "P2"), request("P6", "P4")])
    problem, schedule = solve_raw(raw)

    # Zero breaks needs P1-P4 in S02 and P6 next to both P2 and P4 (worked out by hand).
    assert schedule.stats.meetings == 6
    assert schedule.stats.breaks == 0
    assert schedule.stats.idle_slots == 0
    assert check(problem, schedule) == []


def test_solve_min_meetings_serves_everyone():
    # Two table-slots: value first gives both to P1 (6 + 6), leaving P4 and P5 out.
    raw = make_problem(
        people=5, slots=2, tables=1,
        requests=[request("P1", "P2", 3), request("P2", "P1", 3), request("P1", "P3", 3),
                  request("P3", "P1", 3), request("P4", "P5", 1)])
    problem, by_value = solve_raw(raw)
    raw["options"] = {"min_meetings": 1}
    fair_problem, fair = solve_raw(raw)

    assert by_value.stats.value == 12.0
    assert by_value.stats.participants_without_meeting == 2
    assert fair.stats.value == 7.0
    assert frozenset(("P4", "P5")) in meetings_of(fair)
    assert fair.stats.upper_bound >= fair.stats.value
    assert check(fair_problem, fair) == []


def test_upper_bound_below_naive_sum_when_tables_and_caps_bind():
    raw = make_problem(
        people=5, slots=2, tables=1,
        participants=[{"id": "P1", "max_meetings": 1}, {"id": "P2"}, {"id": "P3"},
                      {"id": "P4"}, {"id": "P5"}],
        requests=[request("P1", "P2", 3), request("P3", "P4", 3), request("P1", "P3", 2),
                  request("P2", "P4", 2), request("P5", "P1", 1)])
    problem = load_problem(raw)
    naive = sum(r.priority for r in problem.requests)

    bound = upper_bound(problem)
    best = brute_force(problem)[1]

    assert naive == 11
    assert best == 6.0
    assert best <= bound < naive
    assert bound == 6.0


def test_solve_reports_progress():
    calls = []
    raw = make_problem(people=4, requests=[request("P1", "P2"), request("P3", "P4")])

    solve(load_problem(raw), time_limit=2, workers=1,
          progress=lambda value, bound, placed: calls.append((value, bound, placed)))

    assert calls[-1] == (6.0, 6.0, 2)


def test_lagrangian_bound_from_pdlp_duals_valid_and_tight():
    raw = make_problem(
        people=6, slots=3, tables=1,
        participants=[{"id": "P1", "max_meetings": 2}, {"id": "P2"}, {"id": "P3"},
                      {"id": "P4", "unavailable": ["S01"]}, {"id": "P5"}, {"id": "P6"}],
        requests=[request("P1", "P2", 3), request("P1", "P3", 2), request("P1", "P4", 1),
                  request("P5", "P6", 2), request("P4", "P5", 3), request("P2", "P3", 1)])
    index = Index(load_problem(raw))

    exact = time_indexed_bound(index, method="GLOP")
    lagrangian = time_indexed_bound(index, method="PDLP")

    assert exact == 800  # hundredths: three table-slots, the best three meetings 3 + 3 + 2
    assert exact <= lagrangian <= exact + 1


def test_lp_ceilings_leave_out_who_cannot_meet_at_the_best_value():
    # One table, one slot: P1-P2 (priority 3) is worth more than P3-P4 (priority 1).
    raw = make_problem(people=4, slots=1, tables=1,
                       requests=[request("P1", "P2", 3), request("P3", "P4", 1)])
    index = Index(load_problem(raw))

    relaxation = solve_relaxation(index, ceilings=True)

    assert solve_relaxation(index).ceilings == {}  # only computed when asked for
    worth = {key: pair.value for key, pair in index.pairs.items()}
    low, high = index.key("P3", "P4"), index.key("P1", "P2")
    assert relaxation.bound == worth[high]
    # Booking P3-P4 leaves the table to nobody else: the schedule is worth P3-P4 alone.
    assert relaxation.ceilings == {(low, 0, FREE): worth[low]}
    full = LevelModel(index, {}, 0, excluded=relaxation.ceilings)
    assert set(full.booking.by_person) == {index.pid["P1"], index.pid["P2"]}
    assert full.met_level().best_possible == 2


def test_level_watcher_reports_the_meetings_of_each_solution():
    raw = make_problem(people=4, requests=[request("P1", "P2"), request("P3", "P4")])
    index = Index(load_problem(raw))
    full = LevelModel(index, {}, 0)
    level = full.value_level(10**9)
    full.set_objective(level)
    calls = []

    cp_model.CpSolver().solve(full.model, LevelWatcher(
        level, lambda value, bound, placed: calls.append(placed), 10**9,
        count=full.count_placed))

    assert calls and calls[0] in (1, 2) and calls[-1] == 2
