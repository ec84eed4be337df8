"""The value's neighbourhood search: neighbourhoods stay small whatever the event's size."""

import random

from benchmarks.generate import Size, generate
from matchmaking import load_problem
from matchmaking.assemble import build_schedule
from matchmaking.budget import Budget
from matchmaking.check import rule_violations
from matchmaking.greedy import best_greedy
from matchmaking.lns import (
    NEIGHBOURHOOD_PAIRS,
    _neighbourhood_slots,
    _open_pair,
    improve_value,
    pairs_by_slot,
)
from matchmaking.rules import Index, value_of


def crowded():
    """Return an index and its greedy board with more meetings per slot than a neighbourhood."""
    index = Index(load_problem(generate(Size(800, 4, 200, 6), seed=2)))
    return index, best_greedy(index, {}, {})


def violations(index, board):
    """Return the hard rules the board's meetings break, with their tables assigned."""
    schedule = build_schedule(index, board.placed, board.lock_tables, upper_bound=0.0)
    return rule_violations(index.problem, schedule.meetings, index)


def test_slot_neighbourhoods_free_a_sample_of_the_slots_meetings():
    index, board = crowded()
    by_slot = pairs_by_slot(index)
    rng = random.Random(0)

    free, slots = _neighbourhood_slots(index, board, rng, by_slot)

    in_slots = [key for key, (slot, _) in board.placed.items() if slot in slots]
    freed = [pair for pair in free if (pair.a, pair.b) in board.placed]
    added = [pair for pair in free if (pair.a, pair.b) not in board.placed]
    assert len(in_slots) > 2 * NEIGHBOURHOOD_PAIRS  # the case the cap is for
    assert len(freed) == NEIGHBOURHOOD_PAIRS
    assert all(board.placed[(pair.a, pair.b)][0] in slots for pair in freed)
    assert 0 < len(added) <= NEIGHBOURHOOD_PAIRS
    assert all(set(pair.slots) & slots for pair in added)
    assert len({(pair.a, pair.b) for pair in free}) == len(free)


def test_slot_neighbourhoods_add_only_pairs_that_could_meet_there():
    index, board = crowded()
    by_slot = pairs_by_slot(index)
    rng = random.Random(0)

    for _ in range(5):
        free, slots = _neighbourhood_slots(index, board, rng, by_slot)

        freed = {(pair.a, pair.b) for pair in free if (pair.a, pair.b) in board.placed}
        added = [pair for pair in free if (pair.a, pair.b) not in board.placed]
        assert added
        for pair in added:
            people = (pair.a, pair.b)
            # Under the cap once the freed meetings are out, and free together in a slot.
            assert all(len(set(board.busy[person].values()) - freed) < index.cap[person]
                       for person in people)
            open_then = freed | {None}
            assert any(slot in pair.slots and all(board.busy[person].get(slot) in open_then
                                                  for person in people)
                       for slot in slots)


def test_drawn_pairs_are_unplaced_and_can_meet():
    index, board = crowded()
    ranked = sorted(index.candidates, key=lambda pair: -pair.value)
    rng = random.Random(1)

    drawn = [_open_pair(board, ranked, rng) for _ in range(200)]

    assert all((pair.a, pair.b) not in board.placed and board.can_meet(pair) for pair in drawn)
    # Drawn towards the front of the ranking: the most valuable pairs come up more often.
    rank = {(pair.a, pair.b): i for i, pair in enumerate(ranked)}
    assert sorted(rank[(pair.a, pair.b)] for pair in drawn)[100] < len(ranked) / 2


def test_the_search_raises_the_value_and_spends_its_budget_only():
    index, board = crowded()
    start = value_of(index, board.placed)
    budget = Budget.start(3.0, 300)

    got = improve_value(index, board, fixed=set(), budget=budget, target=10**12, seed=1)

    # The running value it reports is the board's, counted from the changed pairs only.
    assert got == value_of(index, board.placed) > start
    assert budget.used <= budget.total + 0.5  # at most one neighbourhood's limit over
    assert not budget.hit_wall


def test_side_by_side_neighbourhoods_share_no_slot_and_no_person():
    index, board = crowded()
    by_slot = pairs_by_slot(index)
    rng = random.Random(3)

    first = _neighbourhood_slots(index, board, rng, by_slot)
    second = _neighbourhood_slots(index, board, rng, by_slot, avoid=first)

    people = [{person for pair in free for person in (pair.a, pair.b)} for free, _ in (first,
                                                                                      second)]
    assert len(first[1]) == len(second[1]) == 2 and not first[1] & second[1]
    assert people[0] and people[1] and not people[0] & people[1]
    assert len(second[0]) > NEIGHBOURHOOD_PAIRS  # still a full neighbourhood, placed and open


def test_two_workers_keep_every_rule_and_give_the_same_schedule_twice():
    runs = []
    for _ in range(2):
        index, board = crowded()
        start = value_of(index, board.placed)
        budget = Budget.start(3.0, 300)

        got = improve_value(index, board, fixed=set(), budget=budget, target=10**12, seed=1,
                            workers=2)

        assert got == value_of(index, board.placed) > start
        assert violations(index, board) == []
        assert not budget.hit_wall
        runs.append(dict(board.placed))
    assert runs[0] == runs[1]
