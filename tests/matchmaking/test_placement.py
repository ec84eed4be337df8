"""Re-placing a fixed set of meetings to cut breaks: validity, locks and the optimum."""

import itertools

from hypothesis import given
from hypothesis import strategies as st

from matchmaking import check, load_problem, placement
from matchmaking.assemble import build_schedule
from matchmaking.board import Board
from matchmaking.budget import Budget
from matchmaking.greedy import best_greedy, locked_placements
from matchmaking.placement import place_meetings
from matchmaking.rules import Index, count_breaks
from tests.matchmaking.builders import make_problem, make_slots, request


def _cost(index, placed):
    busy = [set() for _ in range(index.n)]
    for (a, b), (s, _) in placed.items():
        busy[a].add(s)
        busy[b].add(s)
    return count_breaks(index, busy)


def _brute_force(index, placed, fixed, from_slot=0):
    """Return the least (breaks, idle) over every valid placement of the same meetings."""
    movable = sorted(k for k, (s, _) in placed.items() if k not in fixed and s >= from_slot)
    stay = {k: st for k, st in placed.items() if k not in movable}
    best = None
    options = [[s for s in index.pairs[k].slots if s >= from_slot] for k in movable]
    for slots in itertools.product(*options):
        board = Board(index)
        ok = True
        for k, (s, t) in stay.items():
            board.place(index.pairs[k], s, t)
        for k, s in zip(movable, slots, strict=True):
            pair = index.pairs[k]
            t = board.table_for(pair, s)
            if s in board.busy[k[0]] or s in board.busy[k[1]] or t is None:
                ok = False
                break
            board.place(pair, s, t)
        if ok:
            cost = _cost(index, board.placed)
            best = cost if best is None or cost < best else best
    return best


def _place(problem, placed=None, *, fixed=frozenset(), from_slot=0, seconds=2.0):
    index = Index(problem)
    locks, lock_tables = locked_placements(index)
    if placed is None:
        placed = dict(best_greedy(index, locks, lock_tables).placed)
    out = place_meetings(index, placed, fixed=set(fixed) | set(locks),
                         budget=Budget.start(seconds, 60.0), workers=1,
                         from_slot=from_slot)
    schedule = build_schedule(index, out, lock_tables, upper_bound=0.0)
    return index, placed, out, schedule


def test_place_meetings_closes_a_gap():
    problem = load_problem(make_problem(
        people=3, slots=3, tables=1,
        requests=[request("P1", "P2"), request("P1", "P3")]))
    index = Index(problem)
    a, b, c = (index.pid[p] for p in ("P1", "P2", "P3"))
    placed = {(a, b): (0, -1), (a, c): (2, -1)}

    _, _, out, schedule = _place(problem, placed)

    assert set(out) == set(placed)
    assert _cost(index, out) == (0, 0)
    assert schedule.stats.breaks == 0
    assert check(problem, schedule) == []


def test_place_meetings_keeps_locked_and_past_meetings():
    problem = load_problem(make_problem(
        people=4, slots=5, tables=2,
        requests=[request("P1", "P2"), request("P1", "P3"), request("P1", "P4"),
                  request("P2", "P3")],
        locked=[{"a": "P1", "b": "P4", "slot": "S05"}]))
    index = Index(problem)
    p1, p2, p3, p4 = (index.pid[p] for p in ("P1", "P2", "P3", "P4"))
    placed = {(p1, p4): (4, -1), (p1, p2): (0, -1), (p1, p3): (2, -1), (p2, p3): (3, -1)}

    _, _, out, schedule = _place(problem, placed, from_slot=1)

    assert out[(p1, p4)] == (4, -1)
    assert out[(p1, p2)] == (0, -1)
    assert set(out) == set(placed)
    assert _cost(index, out) <= _cost(index, placed)
    assert _cost(index, out) == _brute_force(index, placed, {(p1, p4)}, from_slot=1)
    assert check(problem, schedule) == []


def test_place_meetings_honours_fixed_stands():
    problem = load_problem(make_problem(
        people=4, slots=4, tables=2,
        participants=[{"id": "P1", "table": "T1"}, {"id": "P2", "table": "T1"},
                      {"id": "P3"}, {"id": "P4"}],
        requests=[request("P1", "P3"), request("P2", "P4"), request("P1", "P4"),
                  request("P2", "P3")]))
    index = Index(problem)
    placed = dict(best_greedy(index, {}, {}).placed)

    _, _, out, schedule = _place(problem, placed)

    assert set(out) == set(placed)
    assert check(problem, schedule) == []
    assert _cost(index, out) == _brute_force(index, placed, set())


def test_place_meetings_matches_brute_force_on_two_days():
    slots = make_slots(3) + [
        {**s, "id": f"D2{s['id']}"} for s in make_slots(3, day="2027-05-21")]
    problem = load_problem(make_problem(
        people=5, slots=slots, tables=1,
        participants=[{"id": "P1", "unavailable": ["S02"]}, {"id": "P2"}, {"id": "P3"},
                      {"id": "P4"}, {"id": "P5"}],
        requests=[request("P1", "P2"), request("P1", "P3"), request("P1", "P4"),
                  request("P2", "P5"), request("P3", "P5")]))
    index = Index(problem)

    _, placed, out, schedule = _place(problem)

    assert set(out) == set(placed)
    assert _cost(index, out) == _brute_force(index, placed, set())
    assert check(problem, schedule) == []


def test_place_meetings_returns_input_when_out_of_work():
    problem = load_problem(make_problem(
        people=3, slots=3, tables=1, requests=[request("P1", "P2"), request("P1", "P3")]))
    index = Index(problem)
    placed = {(0, 1): (0, -1), (0, 2): (2, -1)}

    out = place_meetings(index, placed, fixed=set(), budget=Budget.start(0.0, 60.0))

    assert out == placed


def test_place_meetings_past_the_wall_clock_cap_moves_nothing_and_says_so():
    problem = load_problem(make_problem(
        people=3, slots=3, tables=1, requests=[request("P1", "P2"), request("P1", "P3")]))
    index = Index(problem)
    placed = {(0, 1): (0, -1), (0, 2): (2, -1)}
    budget = Budget.start(10.0, -1.0)

    out = place_meetings(index, placed, fixed=set(), budget=budget)

    assert out == placed
    assert budget.hit_wall


@st.composite
def placement_problems(draw):
    """Draw a small problem with enough slots for breaks, stands and unavailability."""
    n = draw(st.integers(3, 6))
    n_slots = draw(st.integers(3, 6))
    n_tables = draw(st.integers(1, 3))
    slots = make_slots(n_slots)
    ids = [s["id"] for s in slots]
    participants = []
    for i in range(n):
        p = {"id": f"P{i + 1}"}
        if draw(st.integers(0, 3)) == 0:
            p["unavailable"] = draw(st.lists(st.sampled_from(ids), max_size=2, unique=True))
        if draw(st.integers(0, 4)) == 0:
            p["table"] = f"T{draw(st.integers(1, n_tables))}"
        participants.append(p)
    people = [p["id"] for p in participants]
    pairs = draw(st.lists(
        st.tuples(st.sampled_from(people), st.sampled_from(people)).filter(
            lambda ab: ab[0] < ab[1]), max_size=7, unique=True))
    requests = []
    for a, b in pairs:
        r = request(a, b)
        if draw(st.integers(0, 4)) == 0:
            r["slots"] = draw(st.lists(st.sampled_from(ids), min_size=1, unique=True))
        requests.append(r)
    return make_problem(people=n, slots=slots, tables=n_tables, participants=participants,
                        requests=requests), draw(st.integers(0, 2)), draw(st.integers(0, 3))


def drawn_case(drawn):
    """Return the problem, its index, a greedy schedule, a locked meeting (or none) and the
    first slot that may change, from a draw of placement_problems."""
    raw, from_slot, lock_choice = drawn
    problem = load_problem(raw)
    index = Index(problem)
    placed = dict(best_greedy(index, {}, {}).placed)
    keys = sorted(placed)
    fixed = {keys[lock_choice]} if lock_choice < len(keys) else set()
    return problem, index, placed, fixed, from_slot


@given(placement_problems())
def test_place_meetings_random_problem_valid_and_optimal(drawn):
    problem, index, placed, fixed, from_slot = drawn_case(drawn)

    _, _, out, schedule = _place(problem, placed, fixed=fixed, from_slot=from_slot)

    assert set(out) == set(placed)
    assert check(problem, schedule) == []
    for k, (s, t) in placed.items():
        if k in fixed or s < from_slot:
            assert out[k] == (s, t)
        else:
            assert out[k][0] >= from_slot
    assert _cost(index, out) <= _cost(index, placed)
    assert _cost(index, out) == _brute_force(index, placed, fixed, from_slot)


def _spread_problem():
    """Return a problem with six people meeting in a ring, placed with gaps."""
    people = [f"P{i + 1}" for i in range(6)]
    requests = [request(a, b) for a, b in zip(people, people[1:] + people[:1], strict=True)]
    problem = load_problem(make_problem(people=6, slots=6, tables=2, requests=requests))
    index = Index(problem)
    keys = sorted(index.pairs)
    placed = {k: (2 * (i % 3), -1) for i, k in enumerate(keys)}
    return problem, index, placed


def test_place_meetings_window_search_alone_finds_the_fewest_breaks(monkeypatch):
    # Given all the time, the window search leaves none to the CP-SAT turns after it.
    monkeypatch.setattr(placement, "WINDOWS_SHARE", 1.0)
    problem, index, placed = _spread_problem()

    _, _, out, schedule = _place(problem, placed)

    assert set(out) == set(placed)
    assert check(problem, schedule) == []
    assert _cost(index, out)[0] == _brute_force(index, placed, set())[0]


def test_place_meetings_neighbourhoods_on_large_instances(monkeypatch):
    monkeypatch.setattr(placement, "ONE_MODEL_LIMIT", 0)
    problem, index, placed = _spread_problem()

    _, _, out, schedule = _place(problem, placed, seconds=1.0)

    assert set(out) == set(placed)
    assert check(problem, schedule) == []
    assert _cost(index, out) <= _cost(index, placed)
