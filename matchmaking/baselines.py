"""Simple schedulers to compare with: first-come self-booking and greedy by value."""

from __future__ import annotations

import time

from matchmaking.assemble import build_schedule
from matchmaking.board import Board
from matchmaking.model import Problem, Schedule
from matchmaking.rules import Index, Pair


def _schedule(index: Index, board: Board, started: float) -> Schedule:
    return build_schedule(
        index, board.placed, board.lock_tables, upper_bound=0.0,
        seconds=time.monotonic() - started,
    )


def book_first_come(index: Index) -> Board:
    """Book requests in arrival (file) order, each at the earliest slot with a free table."""
    board = Board(index)
    board.place_locks()
    for r in index.problem.requests:
        pair = index.pairs[index.key(r.frm, r.to)]
        if pair.reason is None:
            spots = board.open_slots(pair)
            if spots:
                board.place(pair, *spots[0])
    return board


def first_come(problem: Problem) -> Schedule:
    """Schedule requests first come, first served: earliest common free slot and free table."""
    started = time.monotonic()
    index = Index(problem)
    return _schedule(index, book_first_come(index), started)


def by_value(index: Index) -> list[Pair]:
    """Return candidate pairs, most valuable first, the hardest to place first among equals."""
    return sorted(index.candidates, key=lambda p: (-p.value, len(p.slots), p.a, p.b))


def book_greedy(index: Index, compact: bool = False) -> Board:
    """Book pairs by decreasing value; compact prefers slots next to a participant's meetings."""
    board = Board(index)
    board.place_locks()
    for pair in by_value(index):
        spots = board.open_slots(pair)
        if not spots:
            continue
        spot = board.snug_spot(pair, spots) if compact else spots[0]
        board.place(pair, *spot)
    return board


def greedy_by_value(problem: Problem) -> Schedule:
    """Schedule pairs by decreasing value, each at the earliest slot with a free table."""
    started = time.monotonic()
    index = Index(problem)
    return _schedule(index, book_greedy(index), started)
