"""Fast value repairs on a booking board: evict weaker meetings for more valuable pairs."""

from __future__ import annotations

import heapq
from collections.abc import Iterable

from matchmaking.baselines import by_value
from matchmaking.board import Board
from matchmaking.compact import kempe_chain, swap_chain
from matchmaking.rules import FREE, Index, Pair

#: Pairs tried at most by one eviction pass: a count, not a clock, so that the result does not
#: depend on the machine's load. Each eviction raises the value, so the pass ends by itself long
#: before this on every benchmark instance; the cap only bounds pathological inputs.
REPAIR_STEPS = 2_000_000


def repair(index: Index, board: Board, *, fixed: set[tuple[int, int]]) -> None:
    """Raise the board's value with fast moves: chain swaps and evictions of weaker meetings."""
    order = by_value(index)
    insert_by_chains(index, board, fixed=fixed, order=order)
    replace_weaker(index, board, fixed=fixed, order=order)
    insert_by_chains(index, board, fixed=fixed, order=order)


def replace_weaker(index: Index, board: Board, *, fixed: set[tuple[int, int]],
                   order: Iterable[Pair], max_steps: int = REPAIR_STEPS) -> int:
    """Book unplaced pairs where both are free by evicting a less valuable meeting at the table.

    Each eviction raises the value; the evicted pair then tries the same elsewhere. Returns the
    value gained (hundredths).
    """
    free_tables = len(index.free_tables)
    # Per slot, the meetings on free tables as a lazy min-heap on value.
    heaps: dict[int, list[tuple[int, tuple[int, int]]]] = {
        slot: [] for slot in range(index.num_slots)}
    at_table: dict[tuple[int, int], tuple[int, int]] = {}  # (owned table, slot) -> pair key

    def book(pair: Pair, slot: int, table: int) -> None:
        board.place(pair, slot, table)
        if table == FREE:
            heapq.heappush(heaps[slot], (pair.value, (pair.a, pair.b)))
        else:
            at_table[(table, slot)] = (pair.a, pair.b)

    for key, (slot, table) in board.placed.items():
        if key in fixed:
            continue
        if table == FREE:
            heapq.heappush(heaps[slot], (index.pairs[key].value, key))
        else:
            at_table[(table, slot)] = key

    def weakest(slot: int) -> tuple[int, tuple[int, int]] | None:
        """Return (value, key) of the weakest movable meeting on a free table in the slot."""
        heap = heaps[slot]
        while heap and board.placed.get(heap[0][1], (None, None)) != (slot, FREE):
            heapq.heappop(heap)
        return heap[0] if heap else None

    def victim_at(slot: int, table: int) -> tuple[int, int] | None:
        """Return the meeting the pair would evict at that slot and table option, if any."""
        if table == FREE:
            if board.free_used[slot] < free_tables:
                return None  # a free table is left: nothing to evict
            entry = weakest(slot)
            return entry[1] if entry else None
        victim = at_table.get((table, slot))
        return victim if victim is not None and board.placed.get(victim) == (slot, table) else None

    gained = 0
    queue = list(order)
    queue.reverse()
    steps = 0
    while queue:
        steps += 1
        if steps > max_steps:
            break
        pair = queue.pop()
        if (pair.a, pair.b) in board.placed or not board.can_meet(pair):
            continue
        spots = board.open_slots(pair)
        if spots:
            book(pair, *spots[0])
            gained += pair.value
            continue
        best = None  # (value lost, slot, table option, evicted)
        busy_a, busy_b = board.busy[pair.a], board.busy[pair.b]
        for slot in pair.slots:
            if slot < board.from_slot or slot in busy_a or slot in busy_b:
                continue
            for table in pair.tables:
                victim = victim_at(slot, table)
                if victim is None or victim in fixed:
                    continue
                lost = index.pairs[victim].value
                if lost < pair.value and (best is None or lost < best[0]):
                    best = (lost, slot, table, victim)
        if best is None:
            continue
        lost, slot, table, victim = best
        board.remove(index.pairs[victim])
        book(pair, slot, table)
        gained += pair.value - lost
        queue.append(index.pairs[victim])
    return gained


def insert_by_chains(index: Index, board: Board, *, fixed: set[tuple[int, int]],
                     order: Iterable[Pair]) -> int:
    """Place unplaced pairs by freeing a common slot through one Kempe chain swap.

    When b is free in s2 and a is free in s, swapping slots s and s2 along the chain of
    meetings that starts at a's meeting in s2 frees s2 for a; if the chain does not reach b,
    b is still free there (the edge-colouring argument). Returns the pairs placed.
    """
    placed = 0
    # One pass over the pairs: bounded by itself, no clock needed.
    for pair in order:
        if (pair.a, pair.b) in board.placed or not board.can_meet(pair):
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
    for target in pair.slots:  # other is free there, mover is not
        if target < board.from_slot or target in other_busy or target not in busy:
            continue
        for spare in pair.slots:  # mover is free there: move mover's meeting from target to it
            if spare == target or spare in busy or spare < board.from_slot:
                continue
            chain = kempe_chain(board, busy[target], target, spare)
            if chain is None or any(other in key for key in chain):
                continue
            if not swap_chain(index, board, chain, target, spare, fixed):
                continue
            table = (board.table_for(pair, target)
                     if target not in busy and target not in other_busy else None)
            if table is not None:
                board.place(pair, target, table)
                return True
            swap_chain(index, board, chain, target, spare, set())  # undo: swap back
    return False
