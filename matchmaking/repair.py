"""Fast value repairs on a booking board: evict weaker meetings for more valuable pairs."""

from __future__ import annotations

import heapq
import time
from collections.abc import Iterable

from matchmaking.baselines import by_value
from matchmaking.board import Board
from matchmaking.compact import kempe_chain, swap_chain
from matchmaking.rules import FREE, Index, Pair

#: Seconds at most for the repair passes together: each takes a fraction of a second even on
#: the largest instances.
REPAIR_SECONDS = 5.0


def repair(index: Index, board: Board, *, fixed: set[tuple[int, int]]) -> None:
    """Raise the board's value with fast moves: chain swaps and evictions of weaker meetings."""
    order = by_value(index)
    deadline = time.monotonic() + REPAIR_SECONDS
    insert_by_chains(index, board, fixed=fixed, deadline=deadline, order=order)
    replace_weaker(index, board, fixed=fixed, deadline=deadline, order=order)
    insert_by_chains(index, board, fixed=fixed, deadline=deadline, order=order)


def replace_weaker(index: Index, board: Board, *, fixed: set[tuple[int, int]], deadline: float,
                   order: Iterable[Pair]) -> int:
    """Book unplaced pairs where both are free by evicting a less valuable meeting at the table.

    Each eviction raises the value; the evicted pair then tries the same elsewhere. Returns the
    value gained (hundredths).
    """
    nfree = len(index.free_tables)
    # Per slot, the meetings on free tables as a lazy min-heap on value.
    heaps: dict[int, list[tuple[int, tuple[int, int]]]] = {s: [] for s in range(index.num_slots)}
    at_table: dict[tuple[int, int], tuple[int, int]] = {}
    for k, (s, t) in board.placed.items():
        if k in fixed:
            continue
        if t == FREE:
            heapq.heappush(heaps[s], (index.pairs[k].value, k))
        else:
            at_table[(t, s)] = k

    def weakest(s: int):
        heap = heaps[s]
        while heap and board.placed.get(heap[0][1], (None, None)) != (s, FREE):
            heapq.heappop(heap)
        return heap[0] if heap else None

    gained = 0
    queue = list(order)
    queue.reverse()
    steps = 0
    while queue:
        steps += 1
        if steps % 64 == 0 and time.monotonic() > deadline:
            break
        pair = queue.pop()
        k = (pair.a, pair.b)
        if k in board.placed or not board.can_meet(pair):
            continue
        spots = board.open_slots(pair)
        if spots:
            s, t = spots[0]
            board.place(pair, s, t)
            if t == FREE:
                heapq.heappush(heaps[s], (pair.value, k))
            else:
                at_table[(t, s)] = k
            gained += pair.value
            continue
        best = None  # (value lost, slot, table option, evicted)
        ba, bb = board.busy[pair.a], board.busy[pair.b]
        for s in pair.slots:
            if s < board.from_slot or s in ba or s in bb:
                continue
            for t in pair.tables:
                if t == FREE:
                    if board.free_used[s] < nfree:
                        continue
                    w = weakest(s)
                    victim = w[1] if w else None
                else:
                    victim = at_table.get((t, s))
                    if victim is not None and board.placed.get(victim) != (s, t):
                        victim = None
                if victim is None or victim in fixed:
                    continue
                lost = index.pairs[victim].value
                if lost < pair.value and (best is None or lost < best[0]):
                    best = (lost, s, t, victim)
        if best is None:
            continue
        lost, s, t, victim = best
        board.remove(index.pairs[victim])
        board.place(pair, s, t)
        if t == FREE:
            heapq.heappush(heaps[s], (pair.value, k))
        else:
            at_table[(t, s)] = k
        gained += pair.value - lost
        queue.append(index.pairs[victim])
    return gained


def insert_by_chains(index: Index, board: Board, *, fixed: set[tuple[int, int]],
                     deadline: float, order) -> int:
    """Place unplaced pairs by freeing a common slot through one Kempe chain swap.

    When b is free in s2 and a is free in s, swapping slots s and s2 along the chain of
    meetings that starts at a's meeting in s2 frees s2 for a; if the chain does not reach b,
    b is still free there (the edge-colouring argument). Returns the pairs placed.
    """
    placed = 0
    for pair in order:
        if time.monotonic() > deadline:
            break
        k = (pair.a, pair.b)
        if k in board.placed or not board.can_meet(pair):
            continue
        if board.open_slots(pair):
            board.place(pair, *board.open_slots(pair)[0])
            placed += 1
            continue
        # Free a slot for a first, else the same with the roles of a and b exchanged.
        if (_insert_by_chain(index, board, pair, pair.a, pair.b, fixed)
                or _insert_by_chain(index, board, pair, pair.b, pair.a, fixed)):
            placed += 1
    return placed


def _insert_by_chain(index: Index, board: Board, pair: Pair, mover: int, other: int,
                     fixed: set[tuple[int, int]]) -> bool:
    """Place the pair in a slot where only `mover` is busy, moving that meeting by one chain."""
    busy, other_busy = board.busy[mover], board.busy[other]
    for s2 in pair.slots:  # target slot: other is free there, mover is not
        if s2 < board.from_slot or s2 in other_busy or s2 not in busy:
            continue
        for s in pair.slots:  # mover is free in s: move mover's meeting from s2 to s
            if s == s2 or s in busy or s < board.from_slot:
                continue
            chain = kempe_chain(board, busy[s2], s2, s)
            if chain is None or any(other in c for c in chain):
                continue
            if not swap_chain(index, board, chain, s2, s, fixed):
                continue
            t = board.table_for(pair, s2) if s2 not in busy and s2 not in other_busy else None
            if t is not None:
                board.place(pair, s2, t)
                return True
            swap_chain(index, board, chain, s2, s, set())  # undo: swap back
    return False
