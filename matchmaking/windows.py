"""Search schedules in which all but k participants meet in one unbroken run (SAT-style).

A participant without a break who meets on one day is busy in exactly one *window*: a run of
consecutive slots as long as their meetings. The model here keeps the meetings' slot booleans,
the busy literals and the implied constraints IC1/IC2 of the placement model, and adds per
participant the window literals and a literal `ok` (one window, so no break). It has no
objective: CP-SAT solves it as a satisfiability problem, on one worker and without the LP
relaxation (measured on the JAIR instances: with the LP, the zero-break schedule of
ticf-14crafa was not found in 40 s; without it, in under a second).

The search (`search_windows`) is the linear search from below of MaxSAT solvers:
- k = 0, 1, 2, ... participants may leave their window (any breaks). A proven-infeasible
  rung raises the lower bound on breaks.
- When one participant may leave it, trying each participant in turn (everyone else kept in a
  window, that one allowed one break) is much faster than letting the solver choose.
- From the first rung with a schedule, everyone is held to at most one break per day, with that
  schedule as hint, for k, k + 1, ...: a schedule found there has at most k breaks.
"""

from __future__ import annotations

import logging
import threading
from collections import defaultdict

from ortools.sat.python import cp_model

from matchmaking.budget import RATE_WINDOWS, Budget, units_of
from matchmaking.rules import FREE, Index, Placements, busy_slots, count_breaks

log = logging.getLogger(__name__)

#: Deterministic work (matchmaking.budget units) for one rung of the ladder, and for the passes
#: over single participants out of window.
RUNG_UNITS = 8.0
SINGLE_UNITS = (0.25, 1.5, 5.0)
#: Below this much work left, no solve is started.
MIN_UNITS = 0.05
#: Share of the time left that holding everyone to one break with k out of window may take.
ONE_BREAK_SHARE = 0.7
#: Share of the time the tries of single participants may take.
SINGLE_SHARE = 0.5
#: Share of the time left for the search over candidates out of window, and the work of each
#: check of a candidate set.
CANDIDATES_SHARE = 0.9
CHECK_UNITS = 4.0
#: With one thread, work of the short try of the hold at k before the candidate search (with
#: two, the rung tried the hold already, beside the plain rung). forum-13crafb's try proves
#: the hold infeasible in 1.8 to 2.4 units; ticf-13crafb's stays undecided, and every unit it
#: takes is missing from the candidate search (seed 2 ended one break above the optimum with 4).
HOLD_TRY_UNITS = 3.0
#: Work for each master solve: ticf-13crafb's took 2 to 4.4 units; forum-13crafb's (optimum
#: four breaks above the rung) found nothing in 8, work the later searches then missed.
MASTER_UNITS = 4.5


class Rows:
    """The slot (and table) booleans of the movable meetings, around the meetings that stay."""

    def __init__(self, m: cp_model.CpModel, index: Index, placed: Placements,
                 movable: set[tuple[int, int]], from_slot: int,
                 within: tuple[int, int] | None = None):
        pairs = index.pairs
        self.stay_busy: dict[tuple[int, int], int] = {}
        free_used = [0] * index.num_slots
        fixed_used: set[tuple[int, int]] = set()
        for k, (s, t) in placed.items():
            if k in movable:
                continue
            self.stay_busy[(k[0], s)] = self.stay_busy[(k[1], s)] = 1
            if t == FREE:
                free_used[s] += 1
            else:
                fixed_used.add((t, s))
        nfree = len(index.free_tables)
        self.x: dict[tuple[int, int], list[tuple[int, int, cp_model.IntVar]]] = {}
        #: The movable meetings' booleans per (participant, slot).
        self.ps: dict[tuple[int, int], list] = defaultdict(list)
        free_s: dict[int, list] = defaultdict(list)
        fixed_ts: dict[tuple[int, int], list] = defaultdict(list)
        self.people: set[int] = set()
        #: Movable meetings per participant.
        self.deg: dict[int, int] = defaultdict(int)
        for k in sorted(movable):
            pair = pairs[k]
            row = []
            for s in pair.slots:
                if s < from_slot or (pair.a, s) in self.stay_busy or (pair.b, s) in self.stay_busy:
                    continue
                if within is not None and not within[0] <= s <= within[1]:
                    continue
                for t in pair.tables:
                    if t == FREE and free_used[s] >= nfree:
                        continue
                    if t != FREE and (t, s) in fixed_used:
                        continue
                    v = m.new_bool_var("")
                    row.append((s, t, v))
                    self.ps[(pair.a, s)].append(v)
                    self.ps[(pair.b, s)].append(v)
                    (free_s[s] if t == FREE else fixed_ts[(t, s)]).append(v)
            m.add_exactly_one(v for _, _, v in row)
            self.x[k] = row
            self.people.update(k)
            self.deg[k[0]] += 1
            self.deg[k[1]] += 1
        for s, vs in free_s.items():
            room = nfree - free_used[s]
            if len(vs) > room:
                m.add(sum(vs) <= room)
        for vs in fixed_ts.values():
            if len(vs) > 1:
                m.add_at_most_one(vs)
        #: Meetings per slot that stay, and the room every slot has, for IC2.
        owned = len(index.problem.tables) - nfree
        self.room = [
            nfree - free_used[s] + owned - sum(1 for _, s2 in fixed_used if s2 == s)
            for s in range(index.num_slots)
        ]

    def busy_view(self, m: cp_model.CpModel, index: Index):
        """Return the busy literal of each participant and slot (0, 1 or a literal), and the
        new literals as (literal, participant, slot); add the implied constraints IC1 and IC2."""
        u: dict[tuple[int, int], object] = {}
        aux: list[tuple[cp_model.IntVar, int, int]] = []
        busy_in_slot: dict[int, list] = defaultdict(list)
        for p in self.people:
            mine = []
            for s in range(index.num_slots):
                vs = self.ps.get((p, s), [])
                if (p, s) in self.stay_busy:
                    u[(p, s)] = 1
                    continue
                if not vs:
                    u[(p, s)] = 0
                    continue
                if len(vs) == 1:
                    u[(p, s)] = vs[0]
                else:
                    b = m.new_bool_var("")
                    m.add(sum(vs) == b)
                    u[(p, s)] = b
                    aux.append((b, p, s))
                mine.append(u[(p, s)])
                busy_in_slot[s].append(u[(p, s)])
            # IC1: as many busy slots as movable meetings.
            m.add(sum(mine) == self.deg[p])
        # IC2: two busy people per meeting in each slot.
        # Measured: the equality "busy people = 2 x meetings" slows the search down a lot.
        for s, lits in busy_in_slot.items():
            if len(lits) > 2 * self.room[s]:
                m.add(sum(lits) <= 2 * self.room[s])
        return u, aux

    def windows(self, index: Index, u) -> dict[int, tuple[list[int], list[list[int]]]]:
        """Per participant who can only meet on one day and has two meetings or more, that day
        and the windows that can hold their meetings (none: a break for sure)."""
        mine: dict[int, list[set[int]]] = defaultdict(list)
        for (a, b), row in self.x.items():
            slots = {s for s, _, _ in row}
            mine[a].append(slots)
            mine[b].append(slots)
        out = {}
        for p in sorted(self.people):
            stay = {s for s in range(index.num_slots) if (p, s) in self.stay_busy}
            possible = {s for s in range(index.num_slots) if not _is_zero(u[(p, s)])}
            found = _possible_windows(index, mine[p], stay, possible)
            if found is not None:
                out[p] = found
        return out

    def read(self, solver: cp_model.CpSolver, placed: Placements) -> Placements:
        """Return the placements with the movable meetings where the solver put them."""
        out = dict(placed)
        for k, row in self.x.items():
            for s, t, v in row:
                if solver.boolean_value(v):
                    out[k] = (s, t)
                    break
        return out

    def hint(self, m: cp_model.CpModel, placed: Placements) -> None:
        """Hint the slot booleans of a complete schedule."""
        for k, row in self.x.items():
            at = placed[k]
            for s, t, v in row:
                m.add_hint(v, (s, t) == at)


def _possible_windows(index: Index, meetings: list[set[int]], stay: set[int],
                     possible: set[int]) -> tuple[list[int], list[list[int]]] | None:
    """Return the day and the windows that can hold a participant's meetings.

    None when the participant may meet on several days, or has fewer than two meetings; an empty
    list when no window can hold them (they have a break for sure).
    """
    days = {index.day_of[s] for s in possible}
    length = len(meetings) + len(stay)
    if len(days) != 1 or length < 2:
        return None
    day = index.day_slots[days.pop()]
    out = []
    for i in range(len(day) - length + 1):
        window = day[i:i + length]
        if stay <= set(window) and set(window) <= possible and _matches(
                meetings, [s for s in window if s not in stay]):
            out.append(window)
    return day, out


def _matches(meetings: list[set[int]], slots: list[int]) -> bool:
    """Return whether each meeting gets its own slot among `slots` (bipartite matching)."""
    if len(meetings) > len(slots):
        return False
    owner: dict[int, int] = {}

    def augment(i: int, seen: set[int]) -> bool:
        for s in slots:
            if s in meetings[i] and s not in seen:
                seen.add(s)
                if s not in owner or augment(owner[s], seen):
                    owner[s] = i
                    return True
        return False

    return all(augment(i, set()) for i in range(len(meetings)))


class WindowModel:
    """The satisfiability model: meetings in slots, and who keeps to one window."""

    def __init__(self, index: Index, placed: Placements, movable: set[tuple[int, int]],
                 from_slot: int):
        self.index = index
        self.m = m = cp_model.CpModel()
        self.rows = rows = Rows(m, index, placed, movable, from_slot)
        u, _ = rows.busy_view(m, index)
        #: Per participant who could keep one window: the literal saying they do.
        self.ok: dict[int, cp_model.IntVar] = {}
        #: Participants who cannot keep one window: a proven break each.
        self.forced = 0
        for p, (day, windows) in rows.windows(index, u).items():
            if windows:
                self._window(p, day, windows, u)
            else:
                self.forced += 1
        #: Per participant and day, the number of runs of meetings (a break each but the first).
        self.runs: list[cp_model.LinearExprT] = []
        for p in sorted(rows.people):
            for day in index.day_slots:
                self._runs([u[(p, s)] for s in day])

    def _window(self, p: int, day: list[int], windows: list[list[int]], u) -> None:
        m = self.m
        ok = m.new_bool_var("")
        ws = []
        for window in windows:
            w = m.new_bool_var("")
            ws.append(w)
            for s in window:
                if not isinstance(u[(p, s)], int):
                    m.add_implication(w, u[(p, s)])
        m.add(sum(ws) == ok)
        # Kept to a window, p is busy only inside it.
        for s in day:
            lit = u[(p, s)]
            if isinstance(lit, int):
                continue
            cover = [w for w, window in zip(ws, windows, strict=True) if s in window]
            m.add_bool_or([*cover, lit.Not(), ok.Not()])
        self.ok[p] = ok

    def _runs(self, lits: list) -> None:
        """Count the runs of busy slots in one day: a run starts where busy follows idle."""
        starts = []
        for i, lit in enumerate(lits):
            prev = lits[i - 1] if i > 0 else 0
            if _is_zero(lit):
                continue
            if _is_zero(prev):
                starts.append(lit)
            elif isinstance(prev, int):
                continue  # busy just before: never a start
            elif isinstance(lit, int):
                starts.append(prev.Not())
            else:
                v = self.m.new_bool_var("")
                self.m.add_bool_or([lit.Not(), prev, v])
                starts.append(v)
        if sum(1 for x in lits if not isinstance(x, int) or x) >= 2:
            self.runs.append(sum(starts))

    def out_of_window(self, solver: cp_model.CpSolver) -> set[int]:
        """Return the participants out of their window in the solver's schedule."""
        return {p for p, ok in self.ok.items() if not solver.boolean_value(ok)}

    def constrained(self, *, out_of_window: int | None = None, only: set[int] | None = None,
                    one_break: bool = False, hint: Placements | None = None) -> cp_model.CpModel:
        """Return the model with at most `out_of_window` participants out of their window (or
        only those in `only`), each with at most one break a day if `one_break`."""
        m = self.m.clone()
        if out_of_window is not None:
            m.add(sum(ok.Not() for ok in self.ok.values()) <= out_of_window)
        if only is not None:
            for p, ok in self.ok.items():
                if p not in only:
                    m.add(ok == 1)
        if one_break:
            for runs in self.runs:
                m.add(runs <= 2)
        if hint is not None:
            self.rows.hint(m, hint)
        return m


class _Race:
    """Solve models on one thread each (CP-SAT releases the GIL). Each solver has one worker
    and no LP relaxation: a SAT-style search.

    The answer is that of the first model, in list order, that concludes (a schedule, or a
    proof of infeasibility where that is decisive); a conclusion stops the models after it
    only, and their answers are dropped. Each solve is limited by deterministic time, so the
    answer does not depend on which thread ran faster.
    """

    def __init__(self, model: WindowModel, workers: int, seed: int, budget: Budget):
        self.model = model
        self.workers = max(1, workers)
        self.seed = seed
        self.budget = budget
        #: Participants out of their window in the last schedule found.
        self.out: set[int] = set()

    def run(self, models: list[cp_model.CpModel], units: float,
            decisive: set[int] | None = None,
            budget: Budget | None = None) -> tuple[list, Placements | None]:
        """Return each model's status and the placements of the first schedule found.

        A schedule found stops the models after it, and so does a proof of infeasibility of
        a model in `decisive` (all by default). The work is charged to `budget` (by default
        the race's)."""
        budget = budget or self.budget
        solvers = []
        for i in range(len(models)):
            solver = budget.solver(units, workers=1, seed=self.seed + i, rate=RATE_WINDOWS)
            solver.parameters.linearization_level = 0
            solvers.append(solver)
        statuses: list = [cp_model.UNKNOWN] * len(models)
        lock = threading.Lock()

        def concludes(i: int) -> bool:
            return statuses[i] in (cp_model.OPTIMAL, cp_model.FEASIBLE) or (
                statuses[i] == cp_model.INFEASIBLE and (decisive is None or i in decisive))

        def one(i: int) -> None:
            statuses[i] = solvers[i].solve(models[i])
            if concludes(i):
                with lock:
                    for other in solvers[i + 1:]:
                        other.stop_search()

        if len(models) == 1:
            one(0)
        else:
            threads = [threading.Thread(target=one, args=(i,)) for i in range(len(models))]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
        first = next((i for i in range(len(models)) if concludes(i)), len(models) - 1)
        # Models after the first conclusive one may have been stopped: their answers (and
        # their work) depend on timing, so they count as unknown.
        statuses[first + 1:] = [cp_model.UNKNOWN] * (len(models) - first - 1)
        # The models ran side by side: the race took as long as its longest counted solve.
        budget.spend(max(units_of(solver) for solver in solvers[:first + 1]))
        if any(solver.wall_time >= solver.parameters.max_time_in_seconds - 1e-3
               for solver in solvers):
            budget.note_wall()
        if statuses[first] in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            self.out = self.model.out_of_window(solvers[first])
            return statuses, self.model.rows.read(solvers[first], {})
        return statuses, None

    def same(self, units: float, budget: Budget | None = None,
             **kw) -> tuple[int, Placements | None]:
        """Solve one problem with as many seeds as workers: its status, and a schedule."""
        statuses, got = self.run([self.model.constrained(**kw)] * self.workers, units,
                                 budget=budget)
        if got is not None:
            return cp_model.FEASIBLE, got
        return (cp_model.INFEASIBLE if cp_model.INFEASIBLE in statuses else cp_model.UNKNOWN), None


def search_windows(index: Index, placed: Placements, movable: set[tuple[int, int]], *,
                   from_slot: int, budget: Budget, seed: int = 0,
                   workers: int = 1) -> tuple[Placements, int]:
    """Return the best placements found (the given ones if nothing better) and a proven lower
    bound on the breaks of the movable meetings' participants who keep to one day."""
    model = WindowModel(index, placed, movable, from_slot)
    race = _Race(model, workers, seed, budget)
    best, best_breaks = placed, _breaks(index, placed)
    lower = model.forced
    found: Placements | None = None
    held_infeasible = False
    k = 0
    while found is None and best_breaks > lower and budget.left() > MIN_UNITS:
        if k == 1:
            found = _single(race, placed, budget=budget.share(SINGLE_SHARE))
            if found is not None:
                break
        status, found, held_infeasible = _rung(race, k, min(RUNG_UNITS, budget.left()))
        log.debug("rung %d: %s, %.2f units left", k, status, budget.left())
        if status != cp_model.INFEASIBLE:
            break
        k += 1
        lower = model.forced + k
    if found is None:
        return best, lower
    found = {**placed, **found}
    if (breaks := _breaks(index, found)) < best_breaks:
        best, best_breaks = found, breaks
    if best_breaks > model.forced + k and not held_infeasible:
        # The candidate search restricts the hold at k: first a short try of the hold itself,
        # which often proves it infeasible (forum-13crafb: optimum 6, rung 2 feasible), and
        # then the work goes to the holds at k + 1, ... below. With two threads the rung ran
        # the hold beside the plain rung for longer: trying it again only took work from the
        # candidate search (ticf-13crafb ended at 10 and 12 breaks).
        out = race.out
        status, got = cp_model.UNKNOWN, None
        if race.workers < 2:
            status, got = race.same(min(HOLD_TRY_UNITS, budget.left()), out_of_window=k,
                                    one_break=True, hint=found)
        log.debug("hold at %d tried: %s, %.2f units left", k, status, budget.left())
        held_infeasible = status == cp_model.INFEASIBLE
        if got is None and not held_infeasible:
            got = _candidates(race, k, out, found, budget.share(CANDIDATES_SHARE))
        if got is not None:
            got = {**placed, **got}
            if (breaks := _breaks(index, got)) < best_breaks:
                best, best_breaks = got, breaks
    # Now hold everyone to one break a day, from the schedule found: at most k breaks.
    if held_infeasible:
        k += 1  # the rung proved it already
    while best_breaks > model.forced + k and budget.left() > MIN_UNITS:
        left = budget.left()
        status, got = race.same(min(left, max(RUNG_UNITS, ONE_BREAK_SHARE * left)),
                                out_of_window=k, one_break=True, hint=found)
        log.debug("one break each, %d out of window: %s", k, status)
        if got is not None:
            got = {**placed, **got}
            if (breaks := _breaks(index, got)) < best_breaks:
                best, best_breaks = got, breaks
            break
        k += 1
    return best, lower


def breaks_lower_bound(index: Index, meetings: set[tuple[int, int]], *, seconds: float,
                       workers: int = 1) -> int:
    """Return a proven lower bound on the breaks of any schedule holding all these meetings
    (the ladder's infeasible rungs, up to `seconds`)."""
    # A bound, not a schedule: the wall clock alone limits it.
    budget = Budget.start(1e9, seconds)
    placed = {k: (index.pairs[k].slots[0], FREE) for k in meetings}
    model = WindowModel(index, placed, set(meetings), 0)
    race = _Race(model, workers, 0, budget)
    k = 0
    while budget.wall_left() > 0.05:
        status, _ = race.same(1e9, out_of_window=k)
        if status != cp_model.INFEASIBLE:
            break
        k += 1
    return model.forced + k


def _rung(race: _Race, k: int, units: float) -> tuple[int, Placements | None, bool]:
    """Solve rung k: its status, a schedule if found, and whether the rung with everyone held
    to one break a day is proven infeasible.

    With two threads or more, the rung with everyone held to one break a day comes first,
    beside the plain rung: when feasible it gives at most k breaks at once, which the plain
    rung's schedule often does not (ticf-13crafb: 11 breaks at rung 3). Being first, its
    answer counts even when the plain rung finishes sooner.
    """
    model = race.model
    if k == 0 or race.workers < 2:
        # Nobody out of a window: no break at all, the hold changes nothing. On one thread,
        # trying the held rung first (with half the work) gained nothing on the JAIR
        # instances measured.
        return (*race.same(units, out_of_window=k), False)
    held = model.constrained(out_of_window=k, one_break=True)
    plain = model.constrained(out_of_window=k)
    models = [held] + [plain] * (race.workers - 1)
    statuses, got = race.run(models, units, decisive=set(range(1, race.workers)))
    if got is not None:
        return cp_model.FEASIBLE, got, statuses[0] == cp_model.INFEASIBLE
    return statuses[1], None, statuses[0] == cp_model.INFEASIBLE


def _candidates(race: _Race, k: int, out: set[int], found: Placements,
                budget: Budget) -> Placements | None:
    """Look for a schedule with k participants out of their window and one break each.

    The rung's schedule names who leaves their window: the *candidates*. Holding everyone to
    one break with only candidates allowed out is a small search, quickly solved or proven
    infeasible (measured on ticf-13crafb: a tenth of a unit to a few units, where the same
    search over everyone took 8 to 22). When infeasible, the rung is solved again with at least
    one participant outside the candidates out of window (a cut: no schedule of the hold has
    them all in), and its schedule's out-of-window participants join the candidates. The loop
    of a master and a check of Benders decompositions, over who may leave their window.
    """
    model = race.model
    master = model.constrained(out_of_window=k)
    candidates = set(out)
    # A schedule with k + 1 out of window and one break each, kept while k is tried on.
    fallback: Placements | None = None
    while budget.left() > MIN_UNITS:
        status, got = race.same(min(CHECK_UNITS, budget.left()), budget, out_of_window=k,
                                only=candidates, one_break=True, hint=found)
        log.debug("%d candidates out of window: %s, %.2f units left", len(candidates), status,
                  budget.left())
        if got is not None:
            return got
        if status != cp_model.INFEASIBLE or budget.left() < MIN_UNITS:
            break
        if fallback is None and len(candidates) > k:
            # The optimum may be above the rung (forum-13crafb: 6 breaks, rung 5 feasible).
            _, fallback = race.same(min(CHECK_UNITS, budget.left()), budget,
                                    out_of_window=k + 1, only=candidates, one_break=True,
                                    hint=found)
            log.debug("%d candidates, %d out of window: %s", len(candidates), k + 1,
                      fallback is not None)
        master.add(sum(ok.Not() for p, ok in model.ok.items() if p not in candidates) >= 1)
        _, got = race.run([master] * race.workers, min(MASTER_UNITS, budget.left()),
                          budget=budget)
        log.debug("master: %s, %.2f units left", got is not None, budget.left())
        if got is None:
            break
        found = got
        candidates |= race.out
    return fallback


def _single(race: _Race, placed: Placements, *, budget: Budget) -> Placements | None:
    """Try each participant alone out of their window, with one break a day at most."""
    model = race.model
    deg = model.rows.deg
    busy = busy_slots(model.index, placed)
    broken = {p: count_breaks(model.index, [busy[p]])[0] for p in model.ok}
    # Those with breaks in the schedule so far first, then the busiest: their window is the
    # hardest to fit.
    people = sorted(model.ok, key=lambda p: (-broken[p], -deg[p]))
    # Most tries are proven infeasible in a tenth of a second, the feasible ones take about a
    # second: a first pass with a short limit leaves few to try again with longer ones.
    for units in SINGLE_UNITS:
        unknown = []
        for i in range(0, len(people), race.workers):
            left = budget.left()
            if left < MIN_UNITS:
                return None
            batch = people[i:i + race.workers]
            statuses, got = race.run(
                [model.constrained(only={p}, one_break=True) for p in batch], min(units, left),
                budget=budget)
            if got is not None:
                log.debug("participant out of window among %s: found", batch)
                return got
            unknown += [p for p, st in zip(batch, statuses, strict=True)
                        if st != cp_model.INFEASIBLE]
        log.debug("%d participants tried alone out of window with %.2f units: %d open",
                  len(people), units, len(unknown))
        people = unknown
    return None


def _is_zero(lit) -> bool:
    return isinstance(lit, int) and not lit


def _breaks(index: Index, placed: Placements) -> int:
    return count_breaks(index, busy_slots(index, placed))[0]


def forced_breaks(index: Index, placed: Placements, fixed: set[tuple[int, int]],
                  from_slot: int = 0) -> int:
    """Return the participants who have a break in any placement of these meetings.

    Each participant is looked at alone: the meetings that stay (fixed ones, and those before
    `from_slot`) where they are, each other meeting anywhere in its own slots. When all of a
    participant's meetings of one day (those whose slots all lie in that day) fit in no run of
    consecutive slots as long as they are, that participant has a break that day. One break
    per participant and day at most is counted, so the sum bounds the breaks of any schedule
    of the same meetings, at every size, in a fraction of a second. A participant with a
    meeting that may take place on several days is left out (it may fill any gap).
    """
    mine: dict[tuple[int, int], list[set[int]]] = defaultdict(list)
    stay: dict[tuple[int, int], set[int]] = defaultdict(set)
    loose: set[int] = set()
    for k, (s, _) in placed.items():
        if k in fixed or s < from_slot:
            for p in k:
                stay[(p, index.day_of[s])].add(s)
            continue
        slots = {x for x in index.pairs[k].slots if x >= from_slot}
        days = {index.day_of[x] for x in slots}
        if len(days) != 1:
            # It may fill a gap of any of its days: its participants are not looked at.
            loose.update(k)
            continue
        day = days.pop()
        for p in k:
            mine[(p, day)].append(slots)
    total = 0
    for key in set(mine) | set(stay):
        p, day = key
        if p in loose:
            continue
        slots = index.day_slots[day]
        meetings, kept = mine.get(key, []), stay.get(key, set())
        length = len(meetings) + len(kept)
        if length < 2:
            continue
        fits = any(
            kept <= set(window) and _matches(meetings, [s for s in window if s not in kept])
            for window in (slots[i:i + length] for i in range(len(slots) - length + 1)))
        total += not fits
    return total
