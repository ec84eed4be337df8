"""CP-SAT booleans that book pairs into (slot, table option), with the rules that bind them.

The full model of the solver and the neighbourhood models of the value search both start from
one boolean per (pair, slot, table option) and the same hard rules: a pair meets at most once,
a participant is in one meeting per slot and within their meeting cap, a slot holds no more
meetings on free tables than free tables are left, and an owned table holds one meeting per slot.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Container, Iterable, Sequence
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from matchmaking.board import Placement
from matchmaking.rules import FREE, Placements

PairKey = tuple[int, int]


@dataclass
class BookingVars:
    """The booking booleans of a model, grouped the ways its constraints and objectives need."""

    #: Pair key -> its options as (slot, table option, boolean).
    rows: dict[PairKey, list[tuple[int, int, cp_model.IntVar]]] = field(default_factory=dict)
    #: (participant, slot) -> the booleans that would put the participant in a meeting then.
    by_person_slot: dict[tuple[int, int], list[cp_model.IntVar]] = field(
        default_factory=lambda: defaultdict(list))
    #: Participant -> the booleans of all their possible meetings.
    by_person: dict[int, list[cp_model.IntVar]] = field(default_factory=lambda: defaultdict(list))

    def hint(self, model: cp_model.CpModel, placed: Placements) -> None:
        """Hint each boolean true exactly where the placements put its pair."""
        for key, row in self.rows.items():
            at = placed.get(key)
            for slot, table, var in row:
                model.add_hint(var, (slot, table) == at)

    def read(self, solver: cp_model.CpSolver) -> Placements:
        """Return the placements of the solver's solution."""
        placed: Placements = {}
        for key, row in self.rows.items():
            for slot, table, var in row:
                if solver.boolean_value(var):
                    placed[key] = (slot, table)
                    break
        return placed


def add_booking_vars(
    model: cp_model.CpModel,
    options: Iterable[tuple[PairKey, Sequence[Placement]]],
    *,
    meetings_left: Callable[[int], int],
    free_tables_left: Callable[[int], int],
    forced: Container[PairKey] = (),
) -> BookingVars:
    """Add a boolean per pair and option, and the booking rules between them, to the model.

    `options` gives each pair's (slot, table option) choices; a pair in `forced` has one
    option and must take it. `meetings_left(participant)` and `free_tables_left(slot)` are the
    room the meetings outside the model leave.
    """
    booking = BookingVars()
    free_in_slot: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    at_owned_table: dict[tuple[int, int], list[cp_model.IntVar]] = defaultdict(list)
    for key, choices in options:
        first, second = key
        row = []
        for slot, table in choices:
            var = model.new_bool_var("")
            row.append((slot, table, var))
            booking.by_person_slot[(first, slot)].append(var)
            booking.by_person_slot[(second, slot)].append(var)
            booking.by_person[first].append(var)
            booking.by_person[second].append(var)
            (free_in_slot[slot] if table == FREE else at_owned_table[(table, slot)]).append(var)
        booking.rows[key] = row
        if key in forced:
            model.add(row[0][2] == 1)
        elif len(row) > 1:
            model.add_at_most_one(var for _, _, var in row)
    for same_time in booking.by_person_slot.values():
        if len(same_time) > 1:
            model.add_at_most_one(same_time)
    for person, meetings in booking.by_person.items():
        room = meetings_left(person)
        if len(meetings) > room:
            model.add(cp_model.LinearExpr.sum(meetings) <= room)
    for slot, on_free_tables in free_in_slot.items():
        room = free_tables_left(slot)
        if len(on_free_tables) > room:
            model.add(cp_model.LinearExpr.sum(on_free_tables) <= room)
    for at_table in at_owned_table.values():
        if len(at_table) > 1:
            model.add_at_most_one(at_table)
    return booking
