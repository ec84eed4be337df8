"""Property tests on small random problems using every optional field."""

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from matchmaking import (
    ProblemError,
    check,
    first_come,
    greedy_by_value,
    load_problem,
    measure,
    solve,
    upper_bound,
)
from matchmaking.bound import solve_relaxation
from matchmaking.rules import FREE, VALUE_SCALE, Index
from tests.matchmaking.builders import brute_force, count_options, make_slots, valid_schedules

TOLERANCE = 0.005


@st.composite
def problems(draw):
    """Draw a tiny problem as JSON, every optional field possible."""
    n = draw(st.integers(3, 5))
    n_slots = draw(st.integers(1, 3))
    n_tables = draw(st.integers(1, 2))
    slots = make_slots(n_slots)
    slot_ids = [s["id"] for s in slots]
    tables = [f"T{i + 1}" for i in range(n_tables)]
    people = [f"P{i + 1}" for i in range(n)]
    participants = []
    for pid in people:
        p = {"id": pid}
        if draw(st.booleans()):
            p["languages"] = draw(st.lists(st.sampled_from(["fr", "nl", "en"]), max_size=2,
                                           unique=True))
        if draw(st.integers(0, 3)) == 0:
            p["unavailable"] = draw(st.lists(st.sampled_from(slot_ids), unique=True))
        if draw(st.integers(0, 3)) == 0:
            p["max_meetings"] = draw(st.integers(0, 2))
        if draw(st.integers(0, 4)) == 0:
            p["table"] = draw(st.sampled_from(tables))
        participants.append(p)
    pair = st.tuples(st.sampled_from(people), st.sampled_from(people)).filter(
        lambda ab: ab[0] != ab[1])
    directed = draw(st.lists(pair, max_size=5, unique=True))
    requests = []
    for a, b in directed:
        r = {"from": a, "to": b, "priority": draw(st.integers(1, 3))}
        if draw(st.integers(0, 4)) == 0:
            r["slots"] = draw(st.lists(st.sampled_from(slot_ids), min_size=1, unique=True))
        requests.append(r)
    suggestions = [
        {"a": a, "b": b, "score": draw(st.integers(1, 100)) / 100}
        for a, b in draw(st.lists(pair, max_size=2, unique_by=lambda ab: frozenset(ab)))
    ]
    forbidden = [{"a": a, "b": b} for a, b in draw(st.lists(pair, max_size=1))]
    locked = []
    if draw(st.integers(0, 2)) == 0 and (requests or suggestions):
        a, b = draw(st.sampled_from([(r["from"], r["to"]) for r in requests]
                                    + [(s["a"], s["b"]) for s in suggestions]))
        lock = {"a": a, "b": b, "slot": draw(st.sampled_from(slot_ids))}
        if draw(st.booleans()):
            lock["table"] = draw(st.sampled_from(tables))
        locked.append(lock)
    return {
        "format": "b2b-problem/1",
        "slots": slots,
        "tables": [{"id": t} for t in tables],
        "participants": participants,
        "requests": requests,
        "suggestions": suggestions,
        "forbidden": forbidden,
        "locked": locked,
        "options": {"min_meetings": draw(st.integers(0, 2))},
    }


def load_or_reject(raw):
    """Return the problem, or None when its lock is (rightly) rejected."""
    try:
        return load_problem(raw)
    except ProblemError as e:
        assert e.field.startswith("locked[")
        unlocked = load_problem({**raw, "locked": []})
        # A lock is invalid exactly when no valid schedule holds it.
        lock = raw["locked"][0]
        pair = frozenset((lock["a"], lock["b"]))
        holds = [ms for ms in valid_schedules(unlocked)
                 if any(frozenset((m.a, m.b)) == pair and m.slot == lock["slot"]
                        and m.table == lock.get("table", m.table) for m in ms)]
        assert holds == []
        return None


@given(problems())
def test_solve_random_problem_valid_bounded_and_optimal(raw):
    problem = load_or_reject(raw)
    assume(problem is not None)
    assume(count_options(problem) <= 20_000)

    schedule = solve(problem, time_limit=2, workers=1)
    bound = upper_bound(problem)
    best = brute_force(problem)

    assert check(problem, schedule) == []
    assert schedule.stats.value <= bound + TOLERANCE
    assert schedule.stats.value <= schedule.stats.upper_bound + TOLERANCE
    assert best is not None
    assert schedule.stats.value == pytest.approx(best[1], abs=TOLERANCE)
    held = {(frozenset((m.a, m.b)), m.slot) for m in schedule.meetings}
    for lk in problem.locked:
        assert (frozenset((lk.a, lk.b)), lk.slot) in held


@given(problems())
def test_baselines_random_problem_valid(raw):
    problem = load_or_reject(raw)
    assume(problem is not None)

    for schedule in (first_come(problem), greedy_by_value(problem)):
        assert check(problem, schedule) == []
        assert schedule.stats.value <= upper_bound(problem) + TOLERANCE


@st.composite
def crowded_problems(draw):
    """Draw a tiny problem with more requests than the tables hold: the LP's duals bite."""
    n = draw(st.integers(4, 6))
    people = [f"P{i + 1}" for i in range(n)]
    pair = st.tuples(st.sampled_from(people), st.sampled_from(people)).filter(
        lambda ab: ab[0] != ab[1])
    directed = draw(st.lists(pair, min_size=3, max_size=6,
                             unique_by=lambda ab: frozenset(ab)))
    return {
        "format": "b2b-problem/1",
        "slots": make_slots(draw(st.integers(1, 2))),
        "tables": [{"id": "T1"}],
        "participants": [{"id": p} for p in people],
        "requests": [{"from": a, "to": b, "priority": draw(st.integers(1, 3))}
                     for a, b in directed],
    }


@given(st.one_of(problems(), crowded_problems()))
def test_no_schedule_books_a_column_above_its_lp_ceiling(raw):
    problem = load_or_reject(raw)
    assume(problem is not None)
    assume(count_options(problem) <= 20_000)
    index = Index(problem)
    relaxation = solve_relaxation(index, ceilings=True)
    assume(relaxation is not None)

    for meetings in valid_schedules(problem):
        value = round(measure(problem, meetings).value * VALUE_SCALE)
        for m in meetings:
            key = index.key(m.a, m.b)
            table = index.tid[m.table]
            option = table if table in index.pairs[key].tables else FREE
            column = (key, index.sid[m.slot], option)
            assert value <= relaxation.ceilings.get(column, relaxation.bound)
