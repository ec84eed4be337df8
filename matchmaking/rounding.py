"""Turn the LP relaxation into a schedule, then re-solve exactly where it is fractional."""

from __future__ import annotations

from collections import defaultdict

from matchmaking.board import Board
from matchmaking.bound import Relaxation
from matchmaking.budget import Budget
from matchmaking.greedy import fill_greedy, start_board
from matchmaking.lns import MIN_UNITS, resolve_part
from matchmaking.repair import repair
from matchmaking.rules import Index, Pair, Placements, value_of

#: LP columns: (pair key, slot, table option) -> value in (0, 1].
Columns = dict[tuple[tuple[int, int], int, int], float]

#: People per exact re-solve around the fractional part of the LP.
GROUP_PEOPLE = 120
#: Deterministic work (matchmaking.budget units) at least per group, when the budget allows.
GROUP_UNITS = 0.5


def round_columns(index: Index, board: Board, columns: Columns) -> None:
    """Book the LP's columns on the board, the most certain and most valuable first."""
    order = sorted(columns.items(), key=lambda kv: (-kv[1], -index.pairs[kv[0][0]].value))
    for (k, s, t), _ in order:
        pair = index.pairs[k]
        if (s, t) in board.open_slots(pair):
            board.place(pair, s, t)


def round_pairs(index: Index, board: Board, columns: Columns) -> None:
    """Book the pairs the LP chooses most surely, each in the slot the LP likes best.

    For PDLP's interior solutions: they spread each pair over many slots, but which pairs
    meet is nearly decided.
    """
    mass: dict[tuple[int, int], float] = defaultdict(float)
    liking: dict[tuple[int, int], dict[tuple[int, int], float]] = defaultdict(dict)
    for (k, s, t), v in columns.items():
        mass[k] += v
        liking[k][(s, t)] = v
    pairs = index.pairs
    for k in sorted(mass, key=lambda k: (-round(mass[k], 2), -pairs[k].value,
                                         len(pairs[k].slots), k)):
        spots = board.open_slots(pairs[k])
        if spots:
            board.place(pairs[k], *max(spots, key=lambda st, k=k: liking[k].get(st, 0.0)))


def round_relaxation(index: Index, board: Board, relaxation: Relaxation,
                     fixed: Placements) -> Board:
    """Return the better of the board and the LP's solution rounded, filled and repaired."""
    rounded = start_board(index, fixed, board.lock_tables, board.from_slot)
    if relaxation.exact:
        round_columns(index, rounded, relaxation.columns)
    else:
        round_pairs(index, rounded, relaxation.columns)
    fill_greedy(index, rounded)
    repair(index, rounded, fixed=set(fixed))
    return rounded if value_of(index, rounded.placed) > value_of(index, board.placed) else board


def doubtful_people(index: Index, board: Board, columns: Columns) -> list[int]:
    """Return the people of pairs the LP leaves fractional or the board places otherwise."""
    mass: dict[tuple[int, int], float] = defaultdict(float)
    people: set[int] = set()
    for (k, s, t), v in columns.items():
        mass[k] += v
        if v < 1 - 1e-6 or board.placed.get(k) != (s, t):
            people.update(k)
    for k in board.placed:
        if mass.get(k, 0.0) < 1 - 1e-6:
            people.update(k)
    return sorted(people)


def polish_doubtful(index: Index, board: Board, columns: Columns, *, fixed: set[tuple[int, int]],
                    budget: Budget, seed: int = 0) -> None:
    """Re-solve exactly the pairs among people on whom the LP and the board disagree.

    The LP is integral almost everywhere on realistic instances: the rest of the schedule
    stays, and each group of doubtful people is a small model CP-SAT solves in a second.
    """
    people = doubtful_people(index, board, columns)
    fractional = {k for (k, _, _), v in columns.items() if v < 1 - 1e-6}
    by_person: list[list[Pair]] = [[] for _ in range(index.n)]
    for pair in index.candidates:
        by_person[pair.a].append(pair)
        by_person[pair.b].append(pair)
    # Keep people who share pairs in the same group: walk the doubtful ones by their pairs.
    remaining = set(people)
    groups: list[set[int]] = []
    while remaining:
        start = min(remaining)
        group, frontier = set(), [start]
        while frontier and len(group) < GROUP_PEOPLE:
            p = frontier.pop()
            if p not in remaining:
                continue
            remaining.discard(p)
            group.add(p)
            frontier += [q for pair in by_person[p] for q in (pair.a, pair.b) if q in remaining]
        groups.append(group)
    for i, group in enumerate(groups):
        left = budget.left()
        if left <= MIN_UNITS:
            break
        free = list({(pair.a, pair.b): pair for p in group for pair in by_person[p]
                     if (pair.a in group and pair.b in group)
                     or (pair.a, pair.b) in fractional}.values())
        units = min(left, max(GROUP_UNITS, left / (len(groups) - i)))
        resolve_part(index, board, free, None, fixed, budget, units, seed + i)
