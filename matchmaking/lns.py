"""Large neighbourhood search on the value: free a few meetings, re-solve them exactly, repeat."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable

from ortools.sat.python import cp_model

from matchmaking.board import Board
from matchmaking.booking_vars import add_booking_vars
from matchmaking.budget import RATE_NEIGHBOURHOOD, Budget
from matchmaking.rules import FREE, Index, Pair, value_of

#: Free pairs per neighbourhood: small enough for CP-SAT to solve each in a fraction of a second.
NEIGHBOURHOOD_PAIRS = 150
#: Deterministic work at most per neighbourhood (matchmaking.budget units). Solved without
#: presolve, the neighbourhoods of L and XL were all proven optimal, on average within a
#: tenth of that.
NEIGHBOURHOOD_UNITS = 0.45
#: Work charged per neighbourhood and candidate pair for choosing the neighbourhood and
#: building its model in Python (17 ms on L, 33 ms on XL, a quiet core).
ROUND_UNITS_PER_PAIR = 2.25e-6
#: Below this much work left, no neighbourhood is started.
MIN_UNITS = 0.01
#: People whose meetings a neighbourhood frees.
NEIGHBOURHOOD_PEOPLE = 10
#: Share of neighbourhoods built around people who have no meeting yet.
LONELY_SHARE = 0.2
#: Once the value reaches its target, neighbourhoods in a row that may leave as many people
#: without a meeting before the search stops (someone may have no possible meeting at all:
#: size M kept one, and the search went on for 4 s of a 10 s run, most of it in neighbourhoods
#: over slot windows, which the breaks then missed).
LONELY_PATIENCE = 12
#: Weakest meetings per slot that a neighbourhood may evict: drawn from a pool of this size.
WEAK_PER_SLOT, WEAK_POOL = 2, 8


def _neighbourhood_people(index: Index, board: Board, rng: random.Random,
                          open_pairs: list[Pair], by_person: list[list[Pair]],
                          weakest: dict[int, list[tuple[int, int]]]) -> list[Pair]:
    """Free the pairs around some unplaced valuable pairs: their people and those they meet."""
    people: set[int] = set()
    frontier = []
    for _ in range(3):
        if not open_pairs:
            break
        # Favour the most valuable unplaced pairs: they are the ones worth a swap.
        pair = open_pairs[int(len(open_pairs) * rng.random() ** 2)]
        frontier += [pair.a, pair.b]
    while frontier and len(people) < NEIGHBOURHOOD_PEOPLE:
        person = frontier.pop(rng.randrange(len(frontier)))
        if person in people:
            continue
        people.add(person)
        for key in board.busy[person].values():
            frontier += [partner for partner in key if partner not in people]
    chosen: dict[tuple[int, int], Pair] = {}
    # Tables are often all taken: let the sub-problem evict some of the weakest meetings.
    for slot in range(board.from_slot, index.num_slots):
        weak = weakest.get(slot, [])[:WEAK_POOL]
        for key in rng.sample(weak, min(WEAK_PER_SLOT, len(weak))):
            chosen[key] = index.pairs[key]
    for person in people:
        for pair in by_person[person]:
            if pair.a in people and pair.b in people:
                chosen[(pair.a, pair.b)] = pair
            elif (pair.a, pair.b) in board.placed and rng.random() < 0.5:
                chosen[(pair.a, pair.b)] = pair
    return list(chosen.values())[:NEIGHBOURHOOD_PAIRS]


def _neighbourhood_slots(index: Index, board: Board, rng: random.Random,
                         by_slot: dict[int, list[Pair]]) -> tuple[list[Pair], set[int]]:
    """Free every meeting in two slots and some unplaced pairs that fit there."""
    slots = set(rng.sample(range(board.from_slot, index.num_slots),
                           min(2, index.num_slots - board.from_slot)))
    chosen = [index.pairs[key] for key, (slot, _) in board.placed.items() if slot in slots]
    extra = [pair for slot in slots for pair in by_slot.get(slot, ())
             if (pair.a, pair.b) not in board.placed]
    rng.shuffle(extra)
    return chosen + extra[:NEIGHBOURHOOD_PAIRS], slots


def resolve_part(index: Index, board: Board, free: list[Pair], slots: set[int] | None,
                 fixed: set[tuple[int, int]], budget: Budget, units: float,
                 seed: int) -> bool:
    """Re-place the free pairs optimally around the others; return whether that improved.

    With `slots`, a free pair may only move to those slots (or stay where it is). Among equal
    values, more people with a meeting is better (the next objective level): the sub-model
    maximises value x (people + 1) + people newly given a meeting.
    """
    # A pair listed twice would get two rows and count twice: keep one of each.
    free = list({(pair.a, pair.b): pair for pair in free
                 if (pair.a, pair.b) not in fixed}.values())
    keys = {(pair.a, pair.b) for pair in free}
    before = {key: board.placed[key] for key in keys if key in board.placed}
    weight = index.n + 1
    old_value = value_of(index, before)
    for key in before:
        board.remove(index.pairs[key])
    # People whose only meetings are among the free pairs: the sub-model decides if they meet.
    alone = {person for key in keys for person in key if not board.busy[person]}
    old = old_value * weight + sum(1 for person in alone if any(person in key for key in before))

    def options(pair: Pair) -> list[tuple[int, int]]:
        was_in = before.get((pair.a, pair.b), (-1,))[0]
        return [spot for spot in board.open_options(pair)
                if slots is None or spot[0] in slots or spot[0] == was_in]

    model = cp_model.CpModel()
    free_tables = len(index.free_tables)
    booking = add_booking_vars(
        model, (((pair.a, pair.b), options(pair)) for pair in free),
        meetings_left=lambda person: index.cap[person] - len(board.busy[person]),
        free_tables_left=lambda slot: free_tables - board.free_used[slot])
    booking.hint(model, before)
    value = sum(index.pairs[key].value * var
                for key, row in booking.rows.items() for _, _, var in row)
    met = []
    for person in alone:
        if booking.by_person.get(person):
            meets = model.new_bool_var("")
            model.add(sum(booking.by_person[person]) >= meets)
            model.add_hint(meets, any(person in key for key in before))
            met.append(meets)
    model.maximize(weight * value + sum(met))
    # One worker whatever the run's count: on these small models two interleaved workers
    # spent more work for worse answers (the LP's doubtful groups on M: 4.8 units of the 2.6
    # asked, the value 0.1 % below the bound, against 0.5 units to reach it on one; the value's
    # neighbourhoods with two workers, seed 1: L 99.81 % of the bound against 99.92 %, XL
    # 99.77 % against 99.87 %).
    solver = budget.solver(units, workers=1, seed=seed, rate=RATE_NEIGHBOURHOOD)
    # Presolve (clique merging, symmetries, probing) costs more than these small models: with
    # it, a third of the L and XL neighbourhoods stopped at their limit without a proof, some
    # before the hint was even read; without it every one was proven optimal, two to ten times
    # faster.
    solver.parameters.cp_model_presolve = False
    status = budget.run(solver, model)
    better = status in (cp_model.OPTIMAL, cp_model.FEASIBLE) and (
        round(solver.objective_value) >= old)
    if better:
        for key, (slot, table) in booking.read(solver).items():
            board.place(index.pairs[key], slot, table)
        return round(solver.objective_value) > old
    for key, (slot, table) in before.items():
        board.place(index.pairs[key], slot, table)
    return False


def improve_value(index: Index, board: Board, *, fixed: set[tuple[int, int]], budget: Budget,
                  target: int, seed: int = 0,
                  report: Callable[[int, int], None] | None = None,
                  stop: Callable[[], bool] | None = None) -> int:
    """Raise the board's value by large neighbourhood search until the budget or the target.

    `stop`, checked between neighbourhoods, ends the search early when it returns True.
    """
    rng = random.Random(seed)
    by_person: list[list[Pair]] = [[] for _ in range(index.n)]
    by_slot: dict[int, list[Pair]] = defaultdict(list)
    for pair in index.candidates:
        by_person[pair.a].append(pair)
        by_person[pair.b].append(pair)
        for slot in pair.slots:
            by_slot[slot].append(pair)
    value = value_of(index, board.placed)
    if len(index.candidates) <= NEIGHBOURHOOD_PAIRS:
        return value  # one neighbourhood would be the whole model: leave it to the full solve
    rounds = 0
    fewest, stale = index.n + 1, 0
    while budget.left() > MIN_UNITS:
        lonely = [pair for pair in index.candidates
                  if not board.busy[pair.a] or not board.busy[pair.b]]
        if (value >= target and not lonely) or (stop is not None and stop()):
            break
        if value >= target:
            # Only people without a meeting are left to help: around them only, for a while.
            count = sum(1 for p in range(index.n) if not board.busy[p])
            fewest, stale = (count, 0) if count < fewest else (fewest, stale + 1)
            if stale >= LONELY_PATIENCE:
                break
        rounds += 1
        open_pairs = [pair for pair in index.candidates if (pair.a, pair.b) not in board.placed
                      and board.can_meet(pair)] or index.candidates
        open_pairs.sort(key=lambda pair: -pair.value)
        if lonely and (value >= target or rng.random() < LONELY_SHARE):
            # Pairs of people without a meeting: swapping them in keeps the value up.
            open_pairs = sorted(lonely, key=lambda pair: -pair.value)
        weakest: dict[int, list[tuple[int, int]]] = defaultdict(list)
        by_rising_value = sorted(board.placed.items(), key=lambda item: index.pairs[item[0]].value)
        for key, (slot, table) in by_rising_value:
            if table == FREE and key not in fixed and len(weakest[slot]) < WEAK_POOL:
                weakest[slot].append(key)
        slots = None
        if value >= target or rng.random() < 0.7:
            free = _neighbourhood_people(index, board, rng, open_pairs, by_person, weakest)
        else:
            free, slots = _neighbourhood_slots(index, board, rng, by_slot)
        resolve_part(index, board, free, slots, fixed, budget, NEIGHBOURHOOD_UNITS,
                     seed + rounds)
        budget.spend(ROUND_UNITS_PER_PAIR * len(index.candidates))
        new = value_of(index, board.placed)
        if new > value and report is not None:
            report(new, len(board.placed))
        value = new
    return value
