"""Search schedules in which all but k participants meet in one unbroken run (SAT-style).

The model (``matchmaking.window_model``) has no objective: CP-SAT solves it as a satisfiability
problem, on one worker and without the LP relaxation (measured on the JAIR instances: with the
LP, the zero-break schedule of ticf-14crafa was not found in 40 s; without it, in under a
second).

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

from ortools.sat.python import cp_model

from matchmaking.budget import RATE_WINDOWS, Budget, units_of
from matchmaking.rules import FREE, Index, Placements, busy_slots, count_breaks
from matchmaking.window_model import WindowModel

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



def _breaks(index: Index, placed: Placements) -> int:
    return count_breaks(index, busy_slots(index, placed))[0]
