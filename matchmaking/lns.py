"""Large neighbourhood search on the value: free a few meetings, re-solve them exactly, repeat."""

from __future__ import annotations

import random
import time
from collections import defaultdict
from collections.abc import Callable

from ortools.sat.python import cp_model

from matchmaking.board import Board
from matchmaking.rules import FREE, Index, Pair

#: Free pairs per neighbourhood: small enough for CP-SAT to solve each in a fraction of a second.
NEIGHBOURHOOD_PAIRS = 150
#: People whose meetings a neighbourhood frees.
NEIGHBOURHOOD_PEOPLE = 10
#: Share of neighbourhoods built around people who have no meeting yet.
LONELY_SHARE = 0.2
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
        p = frontier.pop(rng.randrange(len(frontier)))
        if p in people:
            continue
        people.add(p)
        for k in board.busy[p].values():
            frontier += [q for q in k if q not in people]
    chosen: dict[tuple[int, int], Pair] = {}
    # Tables are often all taken: let the sub-problem evict some of the weakest meetings.
    for s in range(board.from_slot, index.num_slots):
        weak = weakest.get(s, [])[:WEAK_POOL]
        for k in rng.sample(weak, min(WEAK_PER_SLOT, len(weak))):
            chosen[k] = index.pairs[k]
    for p in people:
        for pair in by_person[p]:
            if pair.a in people and pair.b in people:
                chosen[(pair.a, pair.b)] = pair
            elif (pair.a, pair.b) in board.placed and rng.random() < 0.5:
                chosen[(pair.a, pair.b)] = pair
    return list(chosen.values())[:NEIGHBOURHOOD_PAIRS]


def _neighbourhood_slots(index: Index, board: Board, rng: random.Random,
                         open_pairs: list[Pair], by_slot: dict[int, list[Pair]]) -> list[Pair]:
    """Free every meeting in two or three slots and the unplaced pairs that fit there."""
    slots = set(rng.sample(range(board.from_slot, index.num_slots),
                           min(2, index.num_slots - board.from_slot)))
    chosen = [index.pairs[k] for k, (s, _) in board.placed.items() if s in slots]
    room = NEIGHBOURHOOD_PAIRS
    extra = [p for s in slots for p in by_slot.get(s, ()) if (p.a, p.b) not in board.placed]
    rng.shuffle(extra)
    return chosen + extra[:max(0, room)], slots


def resolve_part(index: Index, board: Board, free: list[Pair], slots: set[int] | None,
                  fixed: set[tuple[int, int]], seconds: float, workers: int, seed: int) -> bool:
    """Re-place the free pairs optimally around the others; return whether that improved.

    Among equal values, more people with a meeting is better (the next objective level):
    the sub-model maximises value x (people + 1) + people newly given a meeting.
    """
    # A pair listed twice would get two rows and count twice: keep one of each.
    free = list({(p.a, p.b): p for p in free if (p.a, p.b) not in fixed}.values())
    keys = {(p.a, p.b) for p in free}
    before = {k: board.placed[k] for k in keys if k in board.placed}
    weight = index.n + 1
    old_value = sum(index.pairs[k].value for k in before)
    for k in before:
        board.remove(index.pairs[k])
    # People whose only meetings are among the free pairs: the sub-model decides if they meet.
    alone = {p for k in keys for p in k if not board.busy[p]}
    old = old_value * weight + sum(1 for p in alone if any(p in k for k in before))
    m = cp_model.CpModel()
    nfree = len(index.free_tables)
    ps: dict[tuple[int, int], list] = defaultdict(list)
    per_p: dict[int, list] = defaultdict(list)
    free_s: dict[int, list] = defaultdict(list)
    fixed_ts: dict[tuple[int, int], list] = defaultdict(list)
    rows: dict[tuple[int, int], list] = {}
    terms = []
    for pair in free:
        k = (pair.a, pair.b)
        ba, bb = board.busy[pair.a], board.busy[pair.b]
        row = []
        for s in pair.slots:
            if s < board.from_slot or s in ba or s in bb or (slots is not None and s not in slots
                                                            and before.get(k, (-1,))[0] != s):
                continue
            for t in pair.tables:
                if t == FREE and board.free_used[s] >= nfree:
                    continue
                if t != FREE and (t, s) in board.fixed_used:
                    continue
                v = m.new_bool_var("")
                row.append((s, t, v))
                ps[(pair.a, s)].append(v)
                ps[(pair.b, s)].append(v)
                per_p[pair.a].append(v)
                per_p[pair.b].append(v)
                (free_s[s] if t == FREE else fixed_ts[(t, s)]).append(v)
                terms.append(pair.value * v)
                m.add_hint(v, before.get(k) == (s, t))
        if len(row) > 1:
            m.add_at_most_one(v for _, _, v in row)
        rows[k] = row
    for vs in ps.values():
        if len(vs) > 1:
            m.add_at_most_one(vs)
    for p, vs in per_p.items():
        room = index.cap[p] - len(board.busy[p])
        if len(vs) > room:
            m.add(sum(vs) <= room)
    for s, vs in free_s.items():
        room = nfree - board.free_used[s]
        if len(vs) > room:
            m.add(sum(vs) <= room)
    for vs in fixed_ts.values():
        if len(vs) > 1:
            m.add_at_most_one(vs)
    met = []
    for p in alone:
        if per_p.get(p):
            h = m.new_bool_var("")
            m.add(sum(per_p[p]) >= h)
            m.add_hint(h, any(p in k for k in before))
            met.append(h)
    m.maximize(weight * sum(terms) + sum(met))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    status = solver.solve(m)
    better = status in (cp_model.OPTIMAL, cp_model.FEASIBLE) and (
        round(solver.objective_value) >= old)
    if better:
        for k, row in rows.items():
            for s, t, v in row:
                if solver.boolean_value(v):
                    board.place(index.pairs[k], s, t)
                    break
        return round(solver.objective_value) > old
    for k, (s, t) in before.items():
        board.place(index.pairs[k], s, t)
    return False


def improve_value(index: Index, board: Board, *, fixed: set[tuple[int, int]], deadline: float,
                  target: int, seed: int = 0, workers: int = 1,
                  report: Callable[[int], None] | None = None,
                  stop: Callable[[], bool] | None = None) -> int:
    """Raise the board's value by large neighbourhood search until the deadline or the target.

    `stop`, checked between neighbourhoods, ends the search early when it returns True.
    """
    rng = random.Random(seed)
    by_person: list[list[Pair]] = [[] for _ in range(index.n)]
    by_slot: dict[int, list[Pair]] = defaultdict(list)
    for pair in index.candidates:
        by_person[pair.a].append(pair)
        by_person[pair.b].append(pair)
        for s in pair.slots:
            by_slot[s].append(pair)
    value = sum(index.pairs[k].value for k in board.placed)
    if len(index.candidates) <= NEIGHBOURHOOD_PAIRS:
        return value  # one neighbourhood would be the whole model: leave it to the full solve
    rounds = 0
    while time.monotonic() < deadline - 0.05:
        lonely = [p for p in index.candidates if not board.busy[p.a] or not board.busy[p.b]]
        if (value >= target and not lonely) or (stop is not None and stop()):
            break
        rounds += 1
        open_pairs = [p for p in index.candidates if (p.a, p.b) not in board.placed
                      and board.can_meet(p)] or index.candidates
        open_pairs.sort(key=lambda p: -p.value)
        if lonely and (value >= target or rng.random() < LONELY_SHARE):
            # Pairs of people without a meeting: swapping them in keeps the value up.
            open_pairs = sorted(lonely, key=lambda p: -p.value)
        weakest: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for k, (s, t) in sorted(board.placed.items(), key=lambda kv: index.pairs[kv[0]].value):
            if t == FREE and k not in fixed and len(weakest[s]) < WEAK_POOL:
                weakest[s].append(k)
        slots = None
        if rng.random() < 0.7:
            free = _neighbourhood_people(index, board, rng, open_pairs, by_person, weakest)
        else:
            free, slots = _neighbourhood_slots(index, board, rng, open_pairs, by_slot)
        seconds = min(0.5, max(0.05, deadline - time.monotonic()))
        resolve_part(index, board, free, slots, fixed, seconds, workers, seed + rounds)
        new = sum(index.pairs[k].value for k in board.placed)
        if new > value and report is not None:
            report(new)
        value = new
    return value


def _day_breaks(index: Index, busy: set[int]) -> int:
    breaks = 0
    for day in index.day_slots:
        pos = [i for i, s in enumerate(day) if s in busy]
        breaks += sum(1 for x, y in zip(pos, pos[1:], strict=False) if y - x > 1)
    return breaks


def _reslot(index: Index, board: Board, free: list[tuple[int, int]], seconds: float,
            workers: int, seed: int) -> bool:
    """Move the free meetings to other slots minimising the breaks of everyone they touch."""
    m = cp_model.CpModel()
    nfree = len(index.free_tables)
    before = {k: board.placed[k] for k in free}
    affected = sorted({p for k in free for p in k})
    old = sum(_day_breaks(index, set(board.busy[p])) for p in affected)
    for k in free:
        board.remove(index.pairs[k])
    ps: dict[tuple[int, int], list] = defaultdict(list)
    free_s: dict[int, list] = defaultdict(list)
    fixed_ts: dict[tuple[int, int], list] = defaultdict(list)
    rows = {}
    for k in free:
        pair = index.pairs[k]
        ba, bb = board.busy[pair.a], board.busy[pair.b]
        row = []
        for s in pair.slots:
            if s < board.from_slot or s in ba or s in bb:
                continue
            for t in pair.tables:
                if t == FREE and board.free_used[s] >= nfree:
                    continue
                if t != FREE and (t, s) in board.fixed_used:
                    continue
                v = m.new_bool_var("")
                row.append((s, t, v))
                ps[(pair.a, s)].append(v)
                ps[(pair.b, s)].append(v)
                (free_s[s] if t == FREE else fixed_ts[(t, s)]).append(v)
                m.add_hint(v, before[k] == (s, t))
        m.add_exactly_one(v for _, _, v in row)
        rows[k] = row
    for vs in ps.values():
        if len(vs) > 1:
            m.add_at_most_one(vs)
    for s, vs in free_s.items():
        if len(vs) > nfree - board.free_used[s]:
            m.add(sum(vs) <= nfree - board.free_used[s])
    for vs in fixed_ts.values():
        if len(vs) > 1:
            m.add_at_most_one(vs)
    terms = []
    for p in affected:
        fixed_busy = board.busy[p]
        for day in index.day_slots:
            lits = []
            for s in day:
                if s in fixed_busy:
                    lits.append(1)
                elif ps.get((p, s)):
                    vs = ps[(p, s)]
                    lits.append(vs[0] if len(vs) == 1 else sum(vs))
                else:
                    lits.append(0)
            if all(isinstance(b, int) for b in lits):
                terms.append(_day_breaks(index, {s for s, b in zip(day, lits, strict=True) if b}))
                continue
            # Runs of meetings in the day, minus one if the day has any: the breaks.
            prev = 0
            for b in lits:
                if isinstance(b, int) and isinstance(prev, int):
                    terms.append(int(b == 1 and prev == 0))
                elif isinstance(prev, int) and prev == 0:
                    terms.append(b)
                elif not (isinstance(b, int) and b == 0) and not (isinstance(prev, int)):
                    st = m.new_bool_var("")
                    m.add(st >= b - prev)
                    terms.append(st)
                prev = b
            if any(isinstance(b, int) and b == 1 for b in lits):
                terms.append(-1)
            else:
                anyday = m.new_bool_var("")
                m.add(sum(b for b in lits if not isinstance(b, int)) >= anyday)
                terms.append(-anyday)
    m.minimize(sum(terms))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    status = solver.solve(m)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) and solver.objective_value <= old:
        for k, row in rows.items():
            for s, t, v in row:
                if solver.boolean_value(v):
                    board.place(index.pairs[k], s, t)
                    break
        return solver.objective_value < old
    for k, (s, t) in before.items():
        board.place(index.pairs[k], s, t)
    return False


def improve_breaks(index: Index, board: Board, *, fixed: set[tuple[int, int]], deadline: float,
                   seed: int = 0, workers: int = 1, people: int = 8) -> int:
    """Lower the breaks by moving the same meetings to other slots, a few people at a time."""
    rng = random.Random(seed)
    breaks = [_day_breaks(index, set(board.busy[p])) for p in range(index.n)]
    rounds = 0
    while time.monotonic() < deadline - 0.05 and sum(breaks) > 0:
        rounds += 1
        with_breaks = [p for p in range(index.n) if breaks[p]]
        seeds = [rng.choice(with_breaks)]
        group = set(seeds)
        frontier = list(seeds)
        while frontier and len(group) < people:
            p = frontier.pop(rng.randrange(len(frontier)))
            partners = [q for k in board.busy[p].values() for q in k if q not in group]
            rng.shuffle(partners)
            for q in partners[: max(1, people // 3)]:
                if len(group) < people:
                    group.add(q)
                    frontier.append(q)
        free = sorted({k for p in group for k in board.busy[p].values()} - fixed)
        if not free:
            continue
        seconds = min(1.0, max(0.05, deadline - time.monotonic()))
        _reslot(index, board, free, seconds, workers, seed + rounds)
        for p in {q for k in free for q in k}:
            breaks[p] = _day_breaks(index, set(board.busy[p]))
    return sum(breaks)
