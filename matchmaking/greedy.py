"""Build the first schedule: locked meetings, then pairs booked greedily by value and repaired."""

from __future__ import annotations

from matchmaking.baselines import by_value
from matchmaking.board import Board
from matchmaking.repair import insert_by_chains, repair
from matchmaking.rules import Index, Placements, value_of


def locked_placements(index: Index) -> tuple[Placements, dict[tuple[int, int], int]]:
    """Return the locked meetings as placements, and the free tables some of them name."""
    board = Board(index)
    board.place_locks()
    return dict(board.placed), dict(board.lock_tables)


def start_board(index: Index, fixed: Placements, lock_tables: dict[tuple[int, int], int],
                from_slot: int = 0) -> Board:
    """Return a board with the fixed meetings booked, ready for greedy filling."""
    board = Board(index)
    for key, (slot, table) in fixed.items():
        board.place(index.pairs[key], slot, table)
    board.lock_tables.update(lock_tables)
    board.from_slot = from_slot
    return board


def board_with(index: Index, placed: Placements, lock_tables: dict[tuple[int, int], int],
               from_slot: int = 0) -> Board:
    """Return a board with these placements booked."""
    board = start_board(index, {}, lock_tables, from_slot)
    for key, (slot, table) in placed.items():
        board.place(index.pairs[key], slot, table)
    return board


def fill_greedy(index: Index, board: Board, compact: bool = True) -> None:
    """Book still-open pairs by decreasing value, next to the participants' other meetings."""
    for pair in by_value(index):
        spots = board.open_slots(pair)
        if not spots:
            continue
        board.place(pair, *(board.snug_spot(pair, spots) if compact else spots[0]))


def best_greedy(index: Index, fixed: Placements, lock_tables: dict[tuple[int, int], int],
                from_slot: int = 0, keep: Placements | None = None) -> Board:
    """Return the better of the compact and the earliest-slot greedy schedules, repaired.

    `keep` holds meetings booked first where they still fit (a re-solve's previous meetings).
    """
    boards = []
    for compact in (True, False):
        board = start_board(index, fixed, lock_tables, from_slot)
        for key, spot in (keep or {}).items():
            if spot in board.open_slots(index.pairs[key]):
                board.place(index.pairs[key], *spot)
        fill_greedy(index, board, compact)
        boards.append(board)
    board = max(boards, key=lambda candidate: value_of(index, candidate.placed))
    repair(index, board, fixed=set(fixed) | set(keep or ()))
    return board


def fill_around(index: Index, placed: Placements, fixed: Placements, *,
                lock_tables: dict[tuple[int, int], int], from_slot: int) -> Placements:
    """Return the placements with still-open pairs booked greedily around them."""
    board = board_with(index, placed, lock_tables, from_slot)
    fill_greedy(index, board)
    insert_by_chains(index, board, fixed=set(fixed), order=by_value(index))
    return dict(board.placed)
