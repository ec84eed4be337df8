"""The full CP-SAT model of a schedule and its objective levels, solved one after the other.

Levels, in order: at least `min_meetings` meetings each (when asked), value, meetings kept
(re-solve), people with a meeting, breaks, idle slots. Each level's variables are created only
when its turn comes, and its result is then kept as a constraint for the later levels.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Container
from dataclasses import dataclass

from ortools.sat.python import cp_model

from matchmaking.booking_vars import add_booking_vars
from matchmaking.rules import VALUE_SCALE, Index, Placements, busy_slots, count_breaks, value_of

#: A participant's busy literal in a slot: 0 when they can never meet then, else a CP-SAT
#: literal or expression.
Busy = cp_model.LinearExprT
#: Given each participant's busy slots, the values to hint for some auxiliary variables.
AuxHint = Callable[[list[set[int]]], list[tuple[cp_model.IntVar, int]]]


@dataclass(frozen=True)
class Level:
    """One objective of the lexicographic order: its expression and how to measure it.

    A level is solved with the earlier levels held at the figures they reached.
    """

    #: min_meetings, value, kept, met, breaks or idle (also the key of solver.TIME_SHARE).
    name: str
    #: True when a higher figure is better (meetings, value), False for breaks and idle slots.
    maximize: bool
    #: The level's figure as a CP-SAT expression over the model's variables.
    expr: cp_model.LinearExprT
    #: The level's figure for given placements, computed without the model.
    evaluate: Callable[[Placements], int]
    #: The best figure the level can have: its search stops as soon as it is reached.
    best_possible: int

    def reaches(self, figure: float, target: float) -> bool:
        """Return whether the figure is at least as good as the target on this level."""
        return figure >= target if self.maximize else figure <= target


class LevelWatcher(cp_model.CpSolverSolutionCallback):
    """Report progress at most once a second and stop when the level cannot improve."""

    def __init__(self, level: Level, progress: Callable[[float, float, int], None] | None,
                 bound: int, *, count: Callable[[cp_model.CpSolverSolutionCallback], int]):
        super().__init__()
        self.level, self.progress, self.bound, self.count = level, progress, bound, count
        self.last = 0.0

    def on_solution_callback(self) -> None:
        """Report the value found (on the value level) and stop at the level's best."""
        found = self.objective_value
        if self.progress is not None and self.level.name == "value":
            now = time.monotonic()
            if now - self.last >= 1.0:
                self.last = now
                bound = min(self.bound, self.best_objective_bound)
                self.progress(found / VALUE_SCALE, bound / VALUE_SCALE, self.count(self))
        if self.level.reaches(found, self.level.best_possible):
            self.stop_search()


def _constant(literal) -> bool:
    """Return whether a busy literal is a known 0 or 1 rather than a variable."""
    return isinstance(literal, int)


class LevelModel:
    """CP-SAT model: one boolean per (pair, slot, table option) and the objective levels."""

    def __init__(self, index: Index, fixed: Placements, from_slot: int,
                 excluded: Container[tuple[tuple[int, int], int, int]] = ()):
        """Book every candidate pair but the fixed ones anywhere from `from_slot`, except in
        the `excluded` (pair, slot, table option) columns."""
        self.index = index
        self.model = cp_model.CpModel()
        free_tables = len(index.free_tables)

        def options(key: tuple[int, int]) -> list[tuple[int, int]]:
            if key in fixed:
                return [fixed[key]]
            pair = index.pairs[key]
            return [(slot, table) for slot in pair.slots if slot >= from_slot
                    for table in pair.tables if (key, slot, table) not in excluded]

        self.booking = add_booking_vars(
            self.model, (((pair.a, pair.b), options((pair.a, pair.b)))
                         for pair in index.candidates),
            meetings_left=lambda person: index.cap[person],
            free_tables_left=lambda slot: free_tables, forced=fixed)
        #: (participant, slot) -> busy literal, created on first use.
        self.busy: dict[tuple[int, int], Busy] = {}
        self.aux_hints: list[AuxHint] = []

    # -- participant-centred view -------------------------------------------------------
    def busy_of(self, person: int, slot: int) -> Busy:
        """Return a literal true when the person meets in the slot (0 when they never can)."""
        if (person, slot) in self.busy:
            return self.busy[(person, slot)]
        meetings = self.booking.by_person_slot.get((person, slot), [])
        if not meetings:
            busy = 0
        elif len(meetings) == 1:
            busy = meetings[0]
        else:
            busy = self.model.new_bool_var("")
            self.model.add(busy == sum(meetings))
            self.aux_hints.append(lambda busy_by_person, var=busy, person=person, slot=slot: [
                (var, int(slot in busy_by_person[person]))])
        self.busy[(person, slot)] = busy
        return busy

    def add_busy_view(self) -> None:
        """Create busy literals and the implied bound of 2 x tables busy people per slot."""
        per_slot: dict[int, list[Busy]] = defaultdict(list)
        for person, slot in list(self.booking.by_person_slot):
            per_slot[slot].append(self.busy_of(person, slot))
        limit = 2 * len(self.index.problem.tables)
        for busy in per_slot.values():
            if len(busy) > limit:
                self.model.add(sum(busy) <= limit)

    # -- levels -------------------------------------------------------------------------
    def value_level(self, best_possible: int) -> Level:
        """Return the value level: the summed value of the pairs that meet (hundredths)."""
        pairs = self.index.pairs
        expr = sum(pairs[key].value * var
                   for key, row in self.booking.rows.items() for _, _, var in row)
        return Level("value", True, expr, lambda placed: value_of(self.index, placed),
                     best_possible)

    def min_meetings_level(self, least: int) -> Level:
        """Return the level counting meetings up to `least` per participant."""
        terms, best = [], 0
        for person, meetings in self.booking.by_person.items():
            top = min(least, len(meetings), self.index.cap[person])
            counted = self.model.new_int_var(0, top, "")
            self.model.add(counted <= sum(meetings))
            self.aux_hints.append(
                lambda busy_by_person, var=counted, person=person, top=top: [
                    (var, min(top, len(busy_by_person[person])))])
            terms.append(counted)
            best += top

        def evaluate(placed: Placements) -> int:
            return sum(min(least, len(slots)) for slots in busy_slots(self.index, placed))

        return Level("min_meetings", True, sum(terms), evaluate, best)

    def met_level(self) -> Level:
        """Return the level counting participants with at least one meeting."""
        terms = []
        for person, meetings in self.booking.by_person.items():
            meets = self.model.new_bool_var("")
            self.model.add(sum(meetings) >= meets)
            self.aux_hints.append(lambda busy_by_person, var=meets, person=person: [
                (var, int(bool(busy_by_person[person])))])
            terms.append(meets)

        def evaluate(placed: Placements) -> int:
            return sum(1 for slots in busy_slots(self.index, placed) if slots)

        return Level("met", True, sum(terms), evaluate, len(terms))

    def _day_runs(self):
        """Yield (person, day slots, busy literals) for days the person may meet twice or more."""
        for person, meetings in self.booking.by_person.items():
            if len(meetings) < 2:
                continue
            for day in self.index.day_slots:
                busy = [self.busy_of(person, slot) for slot in day]
                if sum(1 for literal in busy if not _constant(literal)) >= 2:
                    yield person, day, busy

    def breaks_level(self) -> Level:
        """Return the level counting breaks (call add_busy_view first)."""
        model = self.model
        terms = []
        for person, day, busy in self._day_runs():
            # Breaks of a day = runs of meetings - 1 when there is a meeting; a run starts
            # where the person is busy and was not busy in the slot before.
            previous, previous_slot = 0, -1
            for slot, literal in zip(day, busy, strict=True):
                if not _constant(literal):
                    if _constant(previous):
                        terms.append(literal)
                    else:
                        starts = model.new_bool_var("")
                        model.add(starts >= literal - previous)
                        self.aux_hints.append(
                            lambda busy_by_person, var=starts, person=person, slot=slot,
                            before=previous_slot: [
                                (var, int(slot in busy_by_person[person]
                                          and before not in busy_by_person[person]))])
                        terms.append(starts)
                previous, previous_slot = literal, slot
            meets_that_day = model.new_bool_var("")
            model.add(sum(literal for literal in busy if not _constant(literal))
                      >= meets_that_day)
            self.aux_hints.append(
                lambda busy_by_person, var=meets_that_day, person=person, day=day: [
                    (var, int(any(slot in busy_by_person[person] for slot in day)))])
            terms.append(-meets_that_day)

        def evaluate(placed: Placements) -> int:
            return count_breaks(self.index, busy_slots(self.index, placed))[0]

        return Level("breaks", False, sum(terms), evaluate, 0)

    def idle_level(self) -> Level:
        """Return the level counting idle slots between a participant's meetings of a day."""
        model = self.model
        terms = []
        for person, day, busy in self._day_runs():
            if sum(1 for literal in busy if not _constant(literal)) < 3:
                continue
            length = len(day)
            # before[i] (after[i]): the person meets in some slot of the day before (after) i.
            before: list = [0] * length
            after: list = [0] * length
            for i in range(1, length):
                if _constant(busy[i - 1]) and _constant(before[i - 1]):
                    continue
                before[i] = model.new_bool_var("")
                model.add(before[i] >= busy[i - 1])
                model.add(before[i] >= before[i - 1])
            for i in range(length - 2, -1, -1):
                if _constant(busy[i + 1]) and _constant(after[i + 1]):
                    continue
                after[i] = model.new_bool_var("")
                model.add(after[i] >= busy[i + 1])
                model.add(after[i] >= after[i + 1])
            for i in range(length):
                if _constant(before[i]) or _constant(after[i]):
                    continue
                gap = model.new_bool_var("")
                model.add(gap >= before[i] + after[i] - busy[i] - 1)
                terms.append(gap)

            def hint(busy_by_person, person=person, day=day, before=before, after=after):
                mine = [slot in busy_by_person[person] for slot in day]
                out = []
                for i in range(len(day)):
                    if not _constant(before[i]):
                        out.append((before[i], int(any(mine[:i]))))
                    if not _constant(after[i]):
                        out.append((after[i], int(any(mine[i + 1:]))))
                return out

            self.aux_hints.append(hint)

        def evaluate(placed: Placements) -> int:
            return count_breaks(self.index, busy_slots(self.index, placed))[1]

        return Level("idle", False, sum(terms), evaluate, 0)

    def kept_level(self, previous: Placements) -> Level:
        """Return the level counting previous meetings kept at their slot and table option."""
        kept = []
        for key, spot in previous.items():
            var = next((var for slot, table, var in self.booking.rows.get(key, [])
                        if (slot, table) == spot), None)
            if var is not None:
                kept.append(var)

        def evaluate(placed: Placements) -> int:
            return sum(1 for key, spot in previous.items() if placed.get(key) == spot)

        return Level("kept", True, sum(kept), evaluate, len(kept))

    # -- solving ------------------------------------------------------------------------
    def set_objective(self, level: Level) -> None:
        """Make the level the model's objective."""
        if level.maximize:
            self.model.maximize(level.expr)
        else:
            self.model.minimize(level.expr)

    def hold(self, level: Level, figure: int) -> None:
        """Keep later solves at least as good as the figure on this level."""
        self.model.add(level.expr >= figure if level.maximize else level.expr <= figure)

    def hint(self, placed: Placements) -> None:
        """Hint a complete solution: every boolean and auxiliary variable."""
        self.model.clear_hints()
        self.booking.hint(self.model, placed)
        busy_by_person = busy_slots(self.index, placed)
        for make in self.aux_hints:
            for var, value in make(busy_by_person):
                self.model.add_hint(var, value)

    def read(self, solver: cp_model.CpSolver) -> Placements:
        """Return the placements of the solver's solution."""
        return self.booking.read(solver)

    def count_placed(self, solver) -> int:
        """Return how many meetings the solver's solution (or callback) places."""
        return len(self.booking.read(solver))
