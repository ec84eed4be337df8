"""Large neighbourhood search on the value: free a few meetings, re-solve them exactly, repeat."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial

from ortools.sat.python import cp_model

from matchmaking.board import Board
from matchmaking.booking_vars import BookingVars, add_booking_vars
from matchmaking.budget import RATE_NEIGHBOURHOOD, Budget
from matchmaking.rules import FREE, Index, Pair, Placements, value_of

#: Free pairs per neighbourhood: small enough for CP-SAT to solve each in a fraction of a second.
NEIGHBOURHOOD_PAIRS = 150
#: Deterministic work at most per neighbourhood (matchmaking.budget units). Solved without
#: presolve, the neighbourhoods of L and XL were all proven optimal, on average within a
#: tenth of that.
NEIGHBOURHOOD_UNITS = 0.45
#: Work charged per neighbourhood for choosing it and building its model in Python: a fixed
#: part and a part per candidate pair (7.0 ms on L, 7.6 ms on XL and 9.8 ms on XXL, a quiet
#: core, from the greedy start, 10.8 ms on XXL from the rounded LP; charged 9.7, 9.9 and
#: 10.6). Charged 7.6 ms, L's value search took 1.17 s of wall per unit in a whole solve.
ROUND_UNITS, ROUND_UNITS_PER_PAIR = 0.0095, 3e-8
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
#: Rounds between two looks for the weakest meetings (a pool that may be a little out of date:
#: a meeting no longer placed there is simply freed for nothing).
WEAK_REFRESH = 10
#: Draws per unplaced pair wanted in a slot neighbourhood (most draws find one unplaced).
EXTRA_TRIES = 4
#: Share of neighbourhoods built around people, the rest around two slots. Per unit of work
#: the slot neighbourhoods raised the value three to four times faster on XXL (from the
#: rounded LP, 40 units: +171 with 0.7, +205 with 0.4 or 0.2; L +4,416 against +3,916 from
#: the greedy start, 15 units); M and tight gave the same schedules.
PEOPLE_SHARE = 0.4


def _front_position(count: int, rng: random.Random) -> int:
    """Draw a position in a ranking of `count`, favouring the front."""
    return int(count * rng.random() ** 2)


def _front_pair(ranked: list[Pair], rng: random.Random) -> Pair:
    """Draw a pair, favouring those ranked first."""
    return ranked[_front_position(len(ranked), rng)]


def _open_pair(board: Board, ranked: list[Pair], rng: random.Random) -> Pair:
    """Draw an unplaced pair that could meet, favouring the most valuable (ranked first).

    From a position drawn towards the front of the ranking, the first such pair on: this
    reads a few pairs where filtering the whole ranking each round read all of them.
    """
    start = _front_position(len(ranked), rng)
    for i in range(start, start + len(ranked)):
        pair = ranked[i % len(ranked)]
        if (pair.a, pair.b) not in board.placed and board.can_meet(pair):
            return pair
    return ranked[start]


def _neighbourhood_people(index: Index, board: Board, rng: random.Random,
                          draw: Callable[[], Pair], by_person: list[list[Pair]],
                          weakest: dict[int, list[tuple[int, int]]]) -> list[Pair]:
    """Free the pairs around some unplaced valuable pairs: their people and those they meet.

    `draw` returns one such pair, favouring the most valuable: they are the ones worth a swap.
    """
    people: set[int] = set()
    frontier = []
    for _ in range(3):
        pair = draw()
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
                         by_slot: dict[int, list[Pair]],
                         avoid: tuple[list[Pair], set[int]] | None = None,
                         ) -> tuple[list[Pair], set[int]]:
    """Free some meetings of two slots and some unplaced pairs that fit there.

    At most NEIGHBOURHOOD_PAIRS of each. With every meeting of the two slots (about 1,900 on
    size XXL), these neighbourhoods took 23 s of CP-SAT for 5 % of the search's gain (40 units
    from the rounded LP); with 150, 1.5 s for 71 % of a gain five times larger.

    An unplaced pair is drawn only if it could meet once the freed meetings are out: both
    people free (or freed) in one of the slots and under their meeting cap. Most pairs drawn
    at random could not (on XXL, about 60 of 600 draws could), and with them in the model
    the search gained 24,306 hundredths in 60 units from the rounded LP, two workers, against
    25,638 without (27,738 against 26,643 in 160 units).

    With `avoid` (another such neighbourhood), none of its slots and none of its people: the
    two can then be solved at once (`_resolve_side_by_side`).
    """
    shun: set[int] = set()
    taken: set[int] = set()
    if avoid is not None:
        shun = {person for pair in avoid[0] for person in (pair.a, pair.b)}
        taken = avoid[1]
    choices = [slot for slot in range(board.from_slot, index.num_slots) if slot not in taken]
    slots = set(rng.sample(choices, min(2, len(choices))))
    placed = [key for slot in sorted(slots) for key in board.in_slot[slot]
              if key[0] not in shun and key[1] not in shun]
    if len(placed) > NEIGHBOURHOOD_PAIRS:
        placed = rng.sample(placed, NEIGHBOURHOOD_PAIRS)
    freed = set(placed)
    freed_of = Counter(person for key in placed for person in key)

    def fits(pair: Pair) -> bool:
        if any(len(board.busy[person]) - freed_of[person] >= index.cap[person]
               for person in (pair.a, pair.b)):
            return False
        return any(slot in pair.slots and free_at(pair.a, slot) and free_at(pair.b, slot)
                   for slot in slots)

    def free_at(person: int, slot: int) -> bool:
        key = board.busy[person].get(slot)
        return key is None or key in freed

    # The pairs that fit there, slot after slot, drawn from without joining the lists (tens of
    # thousands of pairs on XXL: joining them took a third of a round's Python).
    pools = [by_slot.get(slot, []) for slot in sorted(slots)]
    total = sum(len(pool) for pool in pools)
    extra: dict[tuple[int, int], Pair] = {}
    for _ in range(EXTRA_TRIES * NEIGHBOURHOOD_PAIRS):
        if len(extra) >= NEIGHBOURHOOD_PAIRS or not total:
            break
        at = rng.randrange(total)
        for pool in pools:
            if at < len(pool):
                pair = pool[at]
                break
            at -= len(pool)
        if ((pair.a, pair.b) not in board.placed and pair.a not in shun and pair.b not in shun
                and fits(pair)):
            extra[(pair.a, pair.b)] = pair
    return [index.pairs[key] for key in placed] + list(extra.values()), slots


def pairs_by_slot(index: Index) -> dict[int, list[Pair]]:
    """Return the candidate pairs that may meet in each slot, as slot neighbourhoods draw them."""
    by_slot: dict[int, list[Pair]] = defaultdict(list)
    for pair in index.candidates:
        for slot in pair.slots:
            by_slot[slot].append(pair)
    return by_slot


@dataclass
class _Part:
    """A neighbourhood taken off the board, with the model that places it again."""

    model: cp_model.CpModel
    booking: BookingVars
    before: Placements  #: where its pairs were
    old: int  #: the model's objective for `before`


def _take_out(index: Index, board: Board, free: list[Pair], slots: set[int] | None,
              fixed: set[tuple[int, int]]) -> _Part:
    """Remove the free pairs from the board; return the model that re-places them.

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
    terms = [var for row in booking.rows.values() for _, _, var in row]
    weights = [weight * index.pairs[key].value for key, row in booking.rows.items() for _ in row]
    for person in alone:
        if booking.by_person.get(person):
            meets = model.new_bool_var("")
            model.add(cp_model.LinearExpr.sum(booking.by_person[person]) >= meets)
            model.add_hint(meets, any(person in key for key in before))
            terms.append(meets)
            weights.append(1)
    # One weighted sum: adding up the terms one by one took a tenth of a round's Python.
    model.maximize(cp_model.LinearExpr.weighted_sum(terms, weights))
    return _Part(model, booking, before, old)


def _part_solver(budget: Budget, units: float, seed: int) -> cp_model.CpSolver:
    """Return the solver of one neighbourhood."""
    # One worker whatever the run's count: on these small models two interleaved workers
    # spent more work for worse answers (the LP's doubtful groups on M: 4.8 units of the 2.6
    # asked, the value 0.1 % below the bound, against 0.5 units to reach it on one; the value's
    # neighbourhoods with two workers, seed 1: L 99.81 % of the bound against 99.92 %, XL
    # 99.77 % against 99.87 %). A second core solves a second neighbourhood instead
    # (improve_value).
    solver = budget.solver(units, workers=1, seed=seed, rate=RATE_NEIGHBOURHOOD)
    # Presolve (clique merging, symmetries, probing) costs more than these small models: with
    # it, a third of the L and XL neighbourhoods stopped at their limit without a proof, some
    # before the hint was even read; without it every one was proven optimal, two to ten times
    # faster.
    solver.parameters.cp_model_presolve = False
    return solver


def _put_back(index: Index, board: Board, part: _Part, solver: cp_model.CpSolver,
              status) -> bool:
    """Place the solver's answer if no worse, else the pairs back; return whether it is better."""
    better = status in (cp_model.OPTIMAL, cp_model.FEASIBLE) and (
        round(solver.objective_value) >= part.old)
    if better:
        for key, (slot, table) in part.booking.read(solver).items():
            board.place(index.pairs[key], slot, table)
        return round(solver.objective_value) > part.old
    for key, (slot, table) in part.before.items():
        board.place(index.pairs[key], slot, table)
    return False


def resolve_part(index: Index, board: Board, free: list[Pair], slots: set[int] | None,
                 fixed: set[tuple[int, int]], budget: Budget, units: float,
                 seed: int) -> bool:
    """Re-place the free pairs optimally around the others; return whether that improved.

    With `slots`, a free pair may only move to those slots (or stay where it is); see
    `_take_out` for the sub-model's objective.
    """
    part = _take_out(index, board, free, slots, fixed)
    solver = _part_solver(budget, units, seed)
    status = budget.run(solver, part.model)
    return _put_back(index, board, part, solver, status)


def _resolve_side_by_side(index: Index, board: Board,
                          neighbourhoods: list[tuple[list[Pair], set[int]]],
                          fixed: set[tuple[int, int]], budget: Budget, seed: int,
                          pool: ThreadPoolExecutor) -> None:
    """Re-place independent neighbourhoods at once, one per core.

    They must share no slot and no person (`_neighbourhood_slots` with `avoid`): then no
    table, seat, pair or person's meeting count can be taken by both, and each is re-placed
    as if alone. The work charged is the largest of the solves, which run side by side.
    """
    parts = [_take_out(index, board, free, slots, fixed) for free, slots in neighbourhoods]
    solvers = [_part_solver(budget, NEIGHBOURHOOD_UNITS, seed + i) for i in range(len(parts))]
    # CP-SAT releases the interpreter's lock while it solves.
    later = [pool.submit(solver.solve, part.model)
             for solver, part in zip(solvers[1:], parts[1:], strict=True)]
    statuses = [solvers[0].solve(parts[0].model)] + [future.result() for future in later]
    budget.charge(*solvers)
    for part, solver, status in zip(parts, solvers, statuses, strict=True):
        _put_back(index, board, part, solver, status)


def _weakest_per_slot(board: Board, rising: list[Pair],
                      fixed: set[tuple[int, int]]) -> dict[int, list[tuple[int, int]]]:
    """Return, per slot, up to WEAK_POOL of its least valuable movable meetings at free tables."""
    weakest: dict[int, list[tuple[int, int]]] = defaultdict(list)
    full, slots = 0, board.index.num_slots - board.from_slot
    for pair in rising:
        key = (pair.a, pair.b)
        spot = board.placed.get(key)
        if spot is None or spot[1] != FREE or key in fixed or len(weakest[spot[0]]) >= WEAK_POOL:
            continue
        weakest[spot[0]].append(key)
        if len(weakest[spot[0]]) == WEAK_POOL:
            full += 1
            if full >= slots:
                break
    return weakest


def improve_value(index: Index, board: Board, *, fixed: set[tuple[int, int]], budget: Budget,
                  target: int, seed: int = 0, workers: int = 1,
                  report: Callable[[int, int], None] | None = None,
                  stop: Callable[[], bool] | None = None) -> int:
    """Raise the board's value by large neighbourhood search until the budget or the target.

    With several `workers`, each neighbourhood over slots comes with others on other slots
    and people, solved at once on the other cores. `stop`, checked between neighbourhoods,
    ends the search early when it returns True.
    """
    side = min(workers, (index.num_slots - board.from_slot) // 2)
    if side < 2:
        return _improve_value(index, board, fixed, budget, target, seed, report, stop, None)
    with ThreadPoolExecutor(max_workers=side - 1) as pool:
        return _improve_value(index, board, fixed, budget, target, seed, report, stop,
                              (pool, side))


def _improve_value(index: Index, board: Board, fixed: set[tuple[int, int]], budget: Budget,
                   target: int, seed: int, report: Callable[[int, int], None] | None,
                   stop: Callable[[], bool] | None,
                   side: tuple[ThreadPoolExecutor, int] | None) -> int:
    """The search of `improve_value`; `side`: the other cores' pool and how many at once."""
    rng = random.Random(seed)
    by_person: list[list[Pair]] = [[] for _ in range(index.n)]
    for pair in index.candidates:
        by_person[pair.a].append(pair)
        by_person[pair.b].append(pair)
    by_slot = pairs_by_slot(index)
    # Sorted once: each round filters these lists instead of sorting the pairs again.
    ranked = sorted(index.candidates, key=lambda pair: -pair.value)
    rank = {(pair.a, pair.b): i for i, pair in enumerate(ranked)}
    rising = ranked[::-1]
    value = value_of(index, board.placed)
    if len(index.candidates) <= NEIGHBOURHOOD_PAIRS:
        return value  # one neighbourhood would be the whole model: leave it to the full solve
    rounds = 0
    fewest, stale = index.n + 1, 0
    weakest: dict[int, list[tuple[int, int]]] = {}
    weakest_round = -WEAK_REFRESH
    while budget.left() > MIN_UNITS:
        alone = [person for person in range(index.n) if not board.busy[person]]
        lonely = sorted({(pair.a, pair.b): pair for person in alone
                         for pair in by_person[person]}.values(),
                        key=lambda pair: rank[(pair.a, pair.b)])
        if (value >= target and not lonely) or (stop is not None and stop()):
            break
        if value >= target:
            # Only people without a meeting are left to help: around them only, for a while.
            fewest, stale = (len(alone), 0) if len(alone) < fewest else (fewest, stale + 1)
            if stale >= LONELY_PATIENCE:
                break
        rounds += 1
        slots = None
        if value >= target or rng.random() < PEOPLE_SHARE:
            if lonely and (value >= target or rng.random() < LONELY_SHARE):
                # Pairs of people without a meeting: swapping them in keeps the value up.
                draw = partial(_front_pair, lonely, rng)
            else:
                draw = partial(_open_pair, board, ranked, rng)
            if rounds - weakest_round >= WEAK_REFRESH:
                weakest, weakest_round = _weakest_per_slot(board, rising, fixed), rounds
            free = _neighbourhood_people(index, board, rng, draw, by_person, weakest)
        else:
            free, slots = _neighbourhood_slots(index, board, rng, by_slot)
        together = [(free, slots)]
        if slots is not None and side is not None:
            while len(together) < side[1]:
                avoid = ([pair for got, _ in together for pair in got],
                         {slot for _, got in together for slot in got})
                together.append(_neighbourhood_slots(index, board, rng, by_slot, avoid))
                rounds += 1
        keys = [(pair.a, pair.b) for got, _ in together for pair in got]
        was = value_of(index, (key for key in keys if key in board.placed))
        if len(together) > 1:
            _resolve_side_by_side(index, board, together, fixed, budget,
                                  seed + rounds - len(together) + 1, side[0])
        else:
            resolve_part(index, board, free, slots, fixed, budget, NEIGHBOURHOOD_UNITS,
                         seed + rounds)
        budget.spend(len(together) * (ROUND_UNITS + ROUND_UNITS_PER_PAIR * len(index.candidates)))
        new = value - was + value_of(index, (key for key in keys if key in board.placed))
        if new > value and report is not None:
            report(new, len(board.placed))
        value = new
    return value
