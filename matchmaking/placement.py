"""Re-place a fixed set of meetings in slots to minimise breaks, then idle slots (CP-SAT).

The model is the participant-centred one of Bofill et al. (JAIR 2022): one boolean per
(meeting, slot, table option), a busy literal per (participant, slot), the implied constraints
IC1 (a participant is busy in exactly as many slots as they have meetings) and IC2 (a slot holds
two busy people per meeting, at most as many meetings as tables), and a break literal wherever a
participant resumes meeting after an idle run. On top of it, each participant who meets on one
day gets window literals (one per run of consecutive slots that can hold all their meetings): no
break means one window, and a participant without any possible window has a proven break.
Up to WINDOWS_PEOPLE participants, when every candidate pair meets, the window search
(matchmaking.windows: a satisfiability ladder over how many people leave their window) runs
first and proves a lower bound; then the search alternates core-based and default CP-SAT
turns, each hinted with the best schedule, with short anneals (compact.reduce_breaks) in
between. Instances too large for one model are
improved by re-placing the meetings of a few participants at a time around the others.
"""

from __future__ import annotations

import logging
import math
import random
from collections import defaultdict

from ortools.sat.python import cp_model

from matchmaking.board import Board
from matchmaking.budget import RATE_PLACEMENT, Budget
from matchmaking.compact import COOL, reduce_breaks
from matchmaking.rules import Index, Placements, busy_slots, count_breaks
from matchmaking.window_model import Rows
from matchmaking.windows import search_windows

log = logging.getLogger(__name__)

#: Up to this many (meeting, slot, table) booleans one model holds every movable meeting.
ONE_MODEL_LIMIT = 60_000
#: Booleans per neighbourhood when the instance is larger than that.
NEIGHBOURHOOD_LIMIT = 6_000
#: Share of the time the breaks search may use; the idle search gets the rest.
BREAKS_SHARE = 0.9
#: Work per neighbourhood (matchmaking.budget units), and the share of neighbourhoods over slot
#: windows.
NEIGHBOURHOOD_UNITS = 1.0
SLOT_WINDOW_SHARE = 0.3
#: A break weighs as much as this many idle slots in the neighbourhoods' objective.
IDLE_WEIGHT = 1000
#: Whether the breaks search starts core-based (then alternates with the default search).
CORE = True
#: Share of the breaks search's time for the satisfiability search over windows first, and the
#: most participants it is tried with. Measured: it reaches the paper's optimum on the JAIR
#: instances (up to 78 participants); at 300 and 400 participants (sizes M and tight) it spent
#: its time on the first rungs and the schedules kept 20 to 60 % more breaks than with the
#: CP-SAT turns alone.
WINDOWS_SHARE = 0.9
WINDOWS_PEOPLE = 150
#: Work per restart of the breaks search, in units (None: one run), and at least for the first.
SEGMENT: float | None = 6.0
FIRST_TURN_UNITS = 1.0
#: Below this much work left, no solve is started.
MIN_UNITS = 0.05
#: Share of the breaks search's time left that each anneal between two CP-SAT turns takes.
ANNEAL_SHARE = 0.15
#: The same when the CP-SAT turn found nothing better (large instances, little time).
STALLED_ANNEAL_SHARE = 0.5


def place_meetings(
    index: Index,
    placed: Placements,
    *,
    fixed: set[tuple[int, int]],
    budget: Budget,
    seed: int = 0,
    workers: int = 2,
    from_slot: int = 0,
    proven: dict | None = None,
) -> Placements:
    """Return the same meetings placed with fewer breaks, then fewer idle slots, if found.

    A given `proven` dict receives what the search proved: a lower bound on the breaks of any
    placement ("breaks") of these meetings ("meetings").
    """
    movable = {k for k, (s, _) in placed.items() if k not in fixed and s >= from_slot}
    best = dict(placed)
    if not movable or budget.left() < 2 * MIN_UNITS:
        return best
    if _size(index, movable, from_slot) <= ONE_MODEL_LIMIT:
        found = _solve(index, best, movable, from_slot=from_slot, budget=budget,
                       seed=seed, workers=workers, proven=proven)
        if found is not None and _cost(index, found) < _cost(index, best):
            best = found
        return best
    return _lns(index, best, movable, from_slot=from_slot, budget=budget, seed=seed,
                workers=workers)


def window_search_applies(index: Index, placed: Placements,
                          movable: set[tuple[int, int]] | None = None) -> bool:
    """Return whether the breaks search starts with the window search: up to WINDOWS_PEOPLE
    participants of the movable meetings (all by default), and every candidate pair placed.

    When the value level chose among more pairs than the tables hold, the ladder's first rungs
    rarely conclude and the anneal does better (60 participants, 8 slots, 260 candidate pairs,
    seed 1, 1.7 units: 120 meetings fill the 15 tables, 29 or 30 breaks with the ladder, 20
    or 21 without; with 20 tables 24 or 25 against 14 to 16; with 30 tables, 161 of 289 pairs
    placed, 7 either way, the lower bound). When every pair is placed (the JAIR instances) the
    ladder is what reaches the optimum.
    """
    meetings = placed if movable is None else movable
    return (len({p for k in meetings for p in k}) <= WINDOWS_PEOPLE
            and len(placed) >= len(index.candidates))


def anneal_temperatures(windows: bool) -> tuple[float, float] | None:
    """Return the anneal's temperatures: beside the window search the cool schedule it was
    tuned with; else None, and ``reduce_breaks`` picks them from the work it has."""
    return COOL if windows else None


def _size(index: Index, keys, from_slot: int) -> int:
    pairs = index.pairs
    return sum(
        sum(1 for s in pairs[k].slots if s >= from_slot) * len(pairs[k].tables) for k in keys)


def _cost(index: Index, placed: Placements) -> tuple[int, int]:
    return count_breaks(index, busy_slots(index, placed))


class _PlacementModel:
    """CP-SAT model of the movable meetings' slots around the other meetings, which stay."""

    def __init__(self, index: Index, placed: Placements, movable: set[tuple[int, int]],
                 from_slot: int, *, idle: bool = True,
                 within: tuple[int, int] | None = None):
        self.index = index
        self.with_idle = idle
        self.m = m = cp_model.CpModel()
        self.rows = rows = Rows(m, index, placed, movable, from_slot, within)
        self.x = rows.x
        self.people = rows.people
        self.day_pos = {s: (day, i) for day in index.day_slots for i, s in enumerate(day)}
        # Busy literals, the participant-centred view, with IC1 and IC2.
        self.u, self.busy_aux = rows.busy_view(m, index)
        self._breaks_and_idle()
        self._windows()
        # Breaks that the meetings which stay make anyway bound the total too.
        self.lower = max(self.lower, self.const_breaks)

    def _breaks_and_idle(self) -> None:
        """Create break literals (a run of meetings resumes) and idle literals per slot."""
        index = self.index
        self.breaks: list[cp_model.IntVar] = []
        self.idle: list[cp_model.IntVar] = []
        self.aux: list[tuple[cp_model.IntVar, int, int, str]] = []  # var, p, position, kind
        self.const_breaks = 0
        self.p_breaks: dict[int, list] = defaultdict(list)
        for p in sorted(self.people):
            for day in index.day_slots:
                lits = [self.u[(p, s)] for s in day]
                n = len(lits)
                if sum(1 for x in lits if not isinstance(x, int) or x) < 2:
                    continue
                before: list = [0] * n  # busy in some slot of the day strictly before i
                after: list = [0] * n  # busy in some slot of the day strictly after i
                for i in range(1, n):
                    before[i] = self._or(before[i - 1], lits[i - 1], p, day[i], "before")
                if self.with_idle:
                    for i in range(n - 2, -1, -1):
                        after[i] = self._or(after[i + 1], lits[i + 1], p, day[i], "after")
                for i in range(1, n):
                    # A break ends at i: busy at i, idle at i - 1, busy somewhere before.
                    terms = [lits[i], _not(lits[i - 1]), before[i - 1]]
                    lit = self._and(terms, p, day[i], "break")
                    if isinstance(lit, int):
                        self.const_breaks += lit
                    else:
                        self.breaks.append(lit)
                        self.p_breaks[p].append(lit)
                for i in range(1, n - 1 if self.with_idle else 1):
                    terms = [_not(lits[i]), before[i], after[i]]
                    lit = self._and(terms, p, day[i], "idle")
                    if not isinstance(lit, int):
                        self.idle.append(lit)

    def _windows(self) -> None:
        """Tie each participant without a break to one window of consecutive busy slots.

        A participant who meets on one day only and has no break is busy in exactly the slots
        of one window as long as their meetings; when no such window can hold their meetings,
        they have a break for sure, a lower bound the search would otherwise have to prove.
        """
        m = self.m
        self.windows: list[tuple[cp_model.IntVar, int, int, int]] = []  # var, p, first, last
        self.window_of: dict[int, list[cp_model.IntVar]] = {}
        #: A proven lower bound on breaks: participants who cannot keep to one window.
        self.lower = 0
        for p, (day, starts) in self.rows.windows(self.index, self.u).items():
            if not starts:
                m.add(sum(self.p_breaks[p]) >= 1)
                self.lower += 1
                continue
            ws = []
            for window in starts:
                w = m.new_bool_var("")
                ws.append(w)
                self.windows.append((w, p, window[0], window[-1]))
                for s in window:
                    if not isinstance(self.u[(p, s)], int):
                        m.add_implication(w, self.u[(p, s)])
                for lit in self.p_breaks[p]:
                    m.add_implication(w, lit.Not())
            m.add_at_most_one(ws)
            m.add_bool_or(ws + self.p_breaks[p])
            self.window_of[p] = ws
            # In a window, p is idle outside it: stronger than counting with IC1 alone.
            for s in day:
                lit = self.u[(p, s)]
                if isinstance(lit, int):
                    continue
                out = [w for w, window in zip(ws, starts, strict=True) if s not in window]
                if out:
                    m.add_at_most_one([lit, *out])

    def _or(self, a, b, p: int, s: int, kind: str):
        if isinstance(a, int) and isinstance(b, int):
            return int(a or b)
        if (isinstance(a, int) and a) or (isinstance(b, int) and b):
            return 1
        if isinstance(a, int):
            return b
        if isinstance(b, int):
            return a
        v = self.m.new_bool_var("")
        self.m.add_bool_or([a.Not(), v])
        self.m.add_bool_or([b.Not(), v])
        self.m.add_bool_or([v.Not(), a, b])
        self.aux.append((v, p, s, kind))
        return v

    def _and(self, terms, p: int, s: int, kind: str):
        """Return a literal forced true when every term holds (terms: 0, 1 or literals)."""
        lits = []
        for t in terms:
            if isinstance(t, int):
                if not t:
                    return 0
                continue
            lits.append(t)
        if not lits:
            return 1
        v = self.m.new_bool_var("")
        # Only the lower bound matters for a minimised literal; the converse helps propagation.
        self.m.add_bool_or([x.Not() for x in lits] + [v])
        for x in lits:
            self.m.add_implication(v, x)
        self.aux.append((v, p, s, kind))
        return v

    def hint(self, placed: Placements) -> None:
        """Hint a complete solution, auxiliary literals included."""
        m, index = self.m, self.index
        m.clear_hints()
        self.rows.hint(m, placed)
        busy = busy_slots(index, placed)
        for v, p, s in self.busy_aux:
            m.add_hint(v, s in busy[p])
        for v, p, s, kind in self.aux:
            day, i = self.day_pos[s]
            mine = [x in busy[p] for x in day]
            if kind == "before":
                val = any(mine[:i])
            elif kind == "after":
                val = any(mine[i + 1:])
            elif kind == "break":
                val = mine[i] and not mine[i - 1] and any(mine[:i - 1])
            else:
                val = not mine[i] and any(mine[:i]) and any(mine[i + 1:])
            m.add_hint(v, bool(val))
        for w, p, first, last in getattr(self, "windows", []):
            inside = {s for s in busy[p] if first <= s <= last}
            m.add_hint(w, len(inside) == len(busy[p]) == last - first + 1)

    def read(self, solver: cp_model.CpSolver, placed: Placements) -> Placements:
        """Return the placements with the movable meetings where the solver put them."""
        return self.rows.read(solver, placed)


def _not(lit):
    return 1 - lit if isinstance(lit, int) else lit.Not()


def _solve(index: Index, placed: Placements, movable: set[tuple[int, int]], *, from_slot: int,
           budget: Budget, seed: int, workers: int, core: bool | None = None,
           proven: dict | None = None) -> Placements | None:
    """Minimise breaks then idle slots of the movable meetings; None if nothing was found."""
    core = CORE if core is None else core
    model = _PlacementModel(index, placed, movable, from_slot)
    m = model.m
    start_cost = _cost(index, placed)
    best = placed
    left = budget.left()
    if left <= MIN_UNITS:
        return None
    breaks_expr = sum(model.breaks) + model.const_breaks
    if model.breaks:
        m.minimize(breaks_expr)
        stop = budget.part(left * BREAKS_SHARE)
        windows = window_search_applies(index, placed, movable)
        temperatures = anneal_temperatures(windows)
        if model.window_of and windows:
            found, lower = search_windows(index, best, movable, from_slot=from_slot, seed=seed,
                                          budget=stop.part(left * WINDOWS_SHARE),
                                          workers=workers)
            model.lower = max(model.lower, lower)
            if _cost(index, found) < _cost(index, best):
                best = found
        turn = 0
        # Restarts from the best schedule alternate core-based and default search: each
        # finds what the other misses, and a fresh seed leaves a stalled search behind.
        while _cost(index, best)[0] > model.lower:
            left = stop.left()
            if left < MIN_UNITS:
                break
            model.hint(best)
            use_core = core if SEGMENT is None else (turn % 2 == 0) == core
            units = min(left, SEGMENT or left,
                        max(FIRST_TURN_UNITS, 0.4 * left) if turn == 0 else left)
            solver = _solver(stop, units, seed + turn, workers, use_core)
            before = _cost(index, best)
            status = stop.run(solver, m)
            log.debug("turn %d (core %s): %s, breaks %s", turn, use_core,
                      solver.status_name(status), solver.objective_value)
            turn += 1
            if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                found = model.read(solver, placed)
                if _cost(index, found) < _cost(index, best):
                    best = found
                model.lower = max(model.lower, math.ceil(solver.best_objective_bound - 1e-6))
            if status in (cp_model.OPTIMAL, cp_model.INFEASIBLE):
                break
            # Annealing moves whole chains of meetings, which CP-SAT's neighbourhoods rarely
            # do: a short anneal from the best schedule often unlocks the next CP-SAT turn.
            share = ANNEAL_SHARE if _cost(index, best) < before else STALLED_ANNEAL_SHARE
            found = _anneal(index, best, movable, from_slot=from_slot, seed=seed + turn,
                            budget=stop.share(share), temperatures=temperatures)
            log.debug("anneal: breaks %d", _cost(index, found)[0])
            if _cost(index, found) < _cost(index, best):
                best = found
    if proven is not None:
        proven.update(breaks=model.lower, meetings=frozenset(placed))
    left = budget.left()
    b_now = _cost(index, best)[0]
    if model.idle and left > MIN_UNITS and _cost(index, best)[1] > 0:
        m.add(breaks_expr <= b_now)
        m.minimize(sum(model.idle))
        model.hint(best)
        solver = _solver(budget, left, seed, workers, core=False)
        status = budget.run(solver, m)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            found = model.read(solver, placed)
            if _cost(index, found) < _cost(index, best):
                best = found
    return best if _cost(index, best) < start_cost else None


def _anneal(index: Index, placed: Placements, movable: set[tuple[int, int]], *,
            from_slot: int, seed: int, budget: Budget,
            temperatures: tuple[float, float] | None) -> Placements:
    """Return the placements after annealing the movable meetings' slots for the budget."""
    board = Board(index)
    for k, (s, t) in placed.items():
        board.place(index.pairs[k], s, t)
    board.from_slot = from_slot
    reduce_breaks(index, board, fixed=set(placed) - movable, budget=budget, seed=seed,
                  temperatures=temperatures)
    return dict(board.placed)


def _solver(budget: Budget, units: float, seed: int, workers: int,
            core: bool) -> cp_model.CpSolver:
    solver = budget.solver(units, workers=workers, seed=seed, rate=RATE_PLACEMENT)
    if core:
        solver.parameters.optimize_with_core = True
    return solver


def _lns(index: Index, placed: Placements, movable: set[tuple[int, int]], *, from_slot: int,
         budget: Budget, seed: int, workers: int) -> Placements:
    """Re-place a few participants' meetings, or every meeting in a run of slots, repeatedly.

    Neighbourhoods start from a participant with a break: their meetings and those of the
    people they meet, up to NEIGHBOURHOOD_LIMIT booleans; or all meetings held in a few
    consecutive slots, each kept inside those slots. Equal-cost moves are accepted, so the
    search drifts across plateaus.
    """
    rng = random.Random(seed)
    best = dict(placed)
    best_cost = _cost(index, best)
    by_person: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for k in movable:
        by_person[k[0]].append(k)
        by_person[k[1]].append(k)
    rounds = 0
    while budget.left() > 2 * MIN_UNITS and best_cost[1] > 0:
        rounds += 1
        busy = busy_slots(index, best)
        broken = [p for p in by_person if count_breaks(index, [busy[p]])[1] > 0]
        if not broken:
            break
        within = None
        if rng.random() < SLOT_WINDOW_SHARE:
            day = rng.choice([d for d in index.day_slots if len(d) > 1])
            width = min(len(day), rng.randint(3, 7))
            i = rng.randrange(len(day) - width + 1)
            within = (day[i], day[i + width - 1])
            keys = {k for k in movable if within[0] <= best[k][0] <= within[1]}
        else:
            keys = set()
            people: list[int] = [rng.choice(broken)]
            seen = set(people)
            while people:
                p = people.pop(0 if rng.random() < 0.7 else rng.randrange(len(people)))
                extra = set(by_person[p]) - keys
                if _size(index, keys | extra, from_slot) > NEIGHBOURHOOD_LIMIT:
                    break
                keys |= extra
                partners = [q for k in extra for q in k if q not in seen]
                rng.shuffle(partners)
                seen.update(partners)
                people += partners
        if not keys:
            continue
        units = min(NEIGHBOURHOOD_UNITS, budget.left())
        if units < MIN_UNITS:
            break
        model = _PlacementModel(index, best, keys, from_slot, within=within)
        model.m.minimize(
            IDLE_WEIGHT * (sum(model.breaks) + model.const_breaks) + sum(model.idle))
        model.hint(best)
        solver = _solver(budget, units, seed + rounds, workers, core=False)
        status = budget.run(solver, model.m)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            found = model.read(solver, best)
            cost = _cost(index, found)
            if cost <= best_cost:
                best, best_cost = found, cost
    return best
