"""Schedule meetings: a greedy start, then the value, then the other objective levels.

`optimise` runs in three phases: it bounds the value (b-matching, then the LP relaxation, now
or on the spare core), raises the value (LP rounding and large neighbourhood search), then
solves the full CP-SAT model one objective level after the other (matchmaking.levels).

Every phase gets a share of a deterministic work budget (matchmaking.budget), never of the
wall clock: the same problem, seed and worker count give the same schedule on a quiet or a busy
machine. The time limit is only the outer cap; a run that reaches it says so in its stats.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from matchmaking.assemble import build_schedule
from matchmaking.board import Board
from matchmaking.bound import (
    TIME_INDEXED_LIMIT,
    BackgroundBound,
    Relaxation,
    columns,
    lp_method,
    matching_bound,
    solve_relaxation,
)
from matchmaking.budget import RATE_LEVELS, UNITS_PER_SECOND, Budget
from matchmaking.compact import reduce_breaks
from matchmaking.greedy import (
    best_greedy,
    board_with,
    fill_around,
    locked_placements,
)
from matchmaking.levels import Level, LevelModel, LevelWatcher
from matchmaking.lns import improve_value
from matchmaking.model import Problem, Schedule
from matchmaking.placement import anneal_temperatures, place_meetings, window_search_applies
from matchmaking.rounding import polish_doubtful, round_relaxation
from matchmaking.rules import VALUE_SCALE, Index, Placements, value_of
from matchmaking.window_model import forced_breaks

Progress = Callable[[float, float, int], None]

log = logging.getLogger(__name__)

#: Share of the work left that each level may use; unused work flows to the next level.
TIME_SHARE = {"min_meetings": 0.3, "value": 0.85, "kept": 0.5, "met": 0.3, "breaks": 0.7,
              "idle": 1.0}

#: Share of the value level's time spent in large neighbourhood search before the full model.
VALUE_LNS_SHARE = 0.6
#: Share of the work left that the value's search gets above FULL_MODEL_LIMIT; the anneal on
#: the breaks gets the rest (0.85 before the neighbourhoods were solved without presolve; now
#: the value reaches about 99.9 % of its bound with less, and the breaks gain).
LARGE_VALUE_SHARE = 0.8
#: Up to this many (pair, slot, table) booleans the full model alone handles the value.
SMALL_MODEL_LIMIT = 8_000
#: Above this many (pair, slot, table) booleans only the neighbourhood search runs.
FULL_MODEL_LIMIT = 60_000
#: Up to this many columns GLOP solves the LP in about a second: before anything else.
LP_NOW_LIMIT = 40_000
#: Up to this many columns, with two workers, GLOP's exact LP follows PDLP's on the spare core,
#: and the search waits for both. On L (107,000 columns, two workers) GLOP took about 20 s of
#: the 30, the search stood waiting and the run reached its cap; above this limit PDLP's LP
#: only, first, as with one worker (the neighbourhood search closes the rest of the gap).
LP_LATER_LIMIT = 80_000
#: Share of the search work that may go to re-solving where the LP is fractional.
LP_POLISH_SHARE = 0.6
#: Share of the search work spent before the LP solved on the spare core is waited for and
#: used: a fixed point of the search, so that the run does not depend on when the LP arrives.
LP_WAIT_SHARE = 0.3
#: Units at most, and share of the work left, of the anneal before the breaks level, without
#: and with the window search. Without it (over 150 participants) the anneal cuts breaks
#: faster than the CP-SAT turns on the whole placement model (size M, one worker, 10 s:
#: 170 breaks against 203; 60 s: 152 against 166; tight, 20 s: 112 against 120).
BREAKS_ANNEAL = {False: (40.0, 0.9), True: (1.5, 0.05)}
#: Share of the work left that the placement model (breaks, then idle slots) may use; the idle
#: level gets the rest.
PLACEMENT_SHARE = 0.95
#: Below this much work left, no solve is started.
MIN_UNITS = 0.05
#: Work charged, over LP_NOW_LIMIT columns, for what the clock pays before the search and no
#: deterministic count measures: the greedy start (per candidate pair) and, with one worker,
#: the LP solved in the foreground (per 100,000 columns, to the power 1.2). Fitted on the
#: quiet reference machine: greedy 1.2 s on L (7,550 pairs), 2.3 s on XL (14,756) and 7.4 s on
#: XXL (37,253); LP and rounding 4.4 s on L (107,000 columns), 11.5 s on XL (205,000) and 40 s
#: on XXL (658,000). Uncharged, they made the value's search run into the wall-clock reserve.
GREEDY_UNITS_PER_PAIR, LP_UNITS_PER_100K, LP_POWER = 1.6e-4, 4.1, 1.2


def throttled(progress: Progress | None, every: float = 1.0) -> Progress | None:
    """Return a progress callback that passes on at most one report per `every` seconds."""
    if progress is None:
        return None
    last = [float("-inf")]

    def report(value: float, bound: float, placed: int) -> None:
        now = time.monotonic()
        if now - last[0] >= every:
            last[0] = now
            progress(value, bound, placed)

    return report


def default_workers() -> int:
    """Return the number of CP-SAT workers to use when the caller does not say."""
    return max(1, min(8, os.cpu_count() or 2))


@dataclass(frozen=True)
class SolveOutcome:
    """What `optimise` found: the schedule's placements, a bound on its value, and a proof."""

    #: Pair key -> (slot, table option) of every meeting, fixed ones included.
    placed: Placements
    #: Upper bound on the value of any schedule, in hundredths.
    bound: int
    #: Whether no schedule is worth more (given the min_meetings level, when there is one).
    value_proven: bool
    #: Whether the wall-clock cap stopped some phase (the schedule may then depend on timing).
    hit_wall: bool = False
    #: A proven lower bound on the breaks of any schedule of the same meetings.
    breaks_lower: int = 0


@dataclass(frozen=True)
class _Task:
    """What every phase of `optimise` works with."""

    index: Index
    #: Meetings that never move: locked ones and, on a re-solve, the past.
    fixed: Placements
    budget: Budget
    seed: int
    workers: int
    #: On a re-solve, the previous schedule's meetings that may stay (else None).
    previous: Placements | None
    #: Slots before this one are past: nothing new is booked there.
    from_slot: int
    #: What the breaks search proved: "breaks", a lower bound for the set of "meetings".
    proven: dict = field(default_factory=dict)

    def kept(self, placed: Placements) -> set[tuple[int, int]]:
        """Return the previous meetings that the placements keep where they were."""
        return {key for key, spot in (self.previous or {}).items() if placed.get(key) == spot}


@dataclass(frozen=True)
class _Bounds:
    """The value's first upper bound and the LP relaxation: solved already, or on its way."""

    bound: int
    relaxation: Relaxation | None = None
    pending: BackgroundBound | None = None


def optimise(
    index: Index,
    board: Board,
    *,
    fixed: Placements,
    budget: Budget,
    seed: int = 0,
    workers: int | None = None,
    progress: Progress | None = None,
    previous: Placements | None = None,
    from_slot: int = 0,
    bound: int | None = None,
) -> SolveOutcome:
    """Improve the board's complete schedule level by level within the budget.

    Phases: bound the value, raise it by search, then solve the full model level by level
    (on instances too large for it, cut breaks by annealing instead).
    """
    task = _Task(index, fixed, budget, seed, workers or default_workers(), previous, from_slot)
    task.proven.clear()
    size = columns(index)
    bounds = _bound_value(task, size, budget.wall_left(), bound)
    board, bound, ceilings = _search_value(task, board, bounds, size, progress)
    if size > FULL_MODEL_LIMIT:
        out = _finish_without_model(task, board, bound, progress)
    else:
        out = _solve_levels(task, board, bound, progress, ceilings)
    return SolveOutcome(out.placed, out.bound, out.value_proven, budget.hit_wall,
                        _breaks_lower(task, out.placed))


def _breaks_lower(task: _Task, placed: Placements) -> int:
    """Return a proven lower bound on the breaks of any schedule of these meetings.

    The larger of the participants who have a break in any placement, each looked at alone
    (every size), and what the breaks search proved (window ladder, CP-SAT's bound), when it
    worked on these same meetings.
    """
    lower = forced_breaks(task.index, placed, set(task.fixed), task.from_slot)
    # On a re-solve the search kept the previous meetings where they were: what it proved
    # holds for those placements only.
    if not task.previous and task.proven.get("meetings") == frozenset(placed):
        lower = max(lower, task.proven["breaks"])
    return lower


def _bound_value(task: _Task, size: int, seconds: float, bound: int | None) -> _Bounds:
    """Bound the value: the b-matching bound, and the LP relaxation now or on the spare core.

    A given bound (known from elsewhere) is used as it is. The LP solvers have wall-clock
    limits only: one that runs out of time makes the run depend on timing, and says so.
    """
    if bound is not None:
        return _Bounds(bound)
    index = task.index
    bound = matching_bound(index)
    relaxation = None
    if size > LP_NOW_LIMIT:
        task.budget.spend(GREEDY_UNITS_PER_PAIR * len(index.candidates))
    if size <= LP_NOW_LIMIT:
        relaxation = solve_relaxation(index, 0.25 * seconds, ceilings=True)
    elif size <= TIME_INDEXED_LIMIT and (task.workers < 2 or size > LP_LATER_LIMIT):
        # Above LP_LATER_LIMIT the LP first, with two workers too: the search beside it on the
        # spare core worked on the greedy start, which the rounded LP then replaced (size XXL,
        # seed 1: 99.87 % of the bound against 99.90 % with the LP first; L and XL 0.01 point
        # less); after the LP the second core solves neighbourhoods (lns.improve_value).
        relaxation = solve_relaxation(index, 0.25 * seconds, lp_method(size))
        task.budget.spend(min(LP_UNITS_PER_100K * (size / 100_000) ** LP_POWER,
                              0.25 * seconds * UNITS_PER_SECOND))
    elif size <= TIME_INDEXED_LIMIT:
        # The LP takes seconds at this size: solve it on the spare core meanwhile.
        # The column ceilings serve the full model only.
        return _Bounds(bound, pending=BackgroundBound(index, 0.8 * seconds, exact=True,
                                                      ceilings=size <= FULL_MODEL_LIMIT))
    else:
        return _Bounds(bound)
    if relaxation is None:
        task.budget.note_wall()
    return _Bounds(bound, relaxation=relaxation)


def _wait_for(task: _Task, pending: BackgroundBound) -> list[Relaxation]:
    """Return every relaxation the spare core sends, waiting for it up to the wall-clock cap."""
    out: list[Relaxation] = []
    while not pending.done:
        left = task.budget.wall_left() - 0.5
        if left <= 0:
            task.budget.note_wall()
            break
        out += pending.arrived(timeout=left)
    if pending.timed_out:
        task.budget.note_wall()
    pending.close()
    return out


def _search_value(task: _Task, board: Board, bounds: _Bounds, size: int,
                  progress: Progress | None) -> tuple[Board, int, dict]:
    """Raise the value with the rounded LP and neighbourhood search.

    Return the board, the bound and the exact LP's column ceilings (`Relaxation.ceilings`;
    empty when there is none, or when level 0 may trade value for meetings).

    Small models go straight to the full model, which proves optimality quickly. On larger
    ones large neighbourhood search raises the value faster; the full model then tries to
    prove optimality and serves the later levels, when it is not too large.
    """
    index, fixed, seed = task.index, task.fixed, task.seed
    bound, pending = bounds.bound, bounds.pending
    ceilings: dict = {}
    search = task.budget.share(
        TIME_SHARE["value"] * VALUE_LNS_SHARE if size <= FULL_MODEL_LIMIT else LARGE_VALUE_SHARE)
    # On a re-solve the search would shuffle meetings that should stay: the full model only.
    neighbourhood_search = (size > SMALL_MODEL_LIMIT and index.problem.options.min_meetings == 0
              and not task.previous)
    report = None
    if progress is not None:
        def report(value: int, placed: int) -> None:
            progress(value / VALUE_SCALE, bound / VALUE_SCALE, placed)

    def use(board: Board, relaxation: Relaxation) -> Board:
        """Lower the bound to the LP's; return the better of the board and the LP rounded."""
        nonlocal bound, ceilings
        bound = min(bound, relaxation.bound)
        if index.problem.options.min_meetings or task.previous:
            return board
        if relaxation.exact:
            ceilings = relaxation.ceilings
        board = round_relaxation(index, board, relaxation, fixed)
        log.debug("%s relaxation %d, rounded value %d, %.1f units left",
                  "exact" if relaxation.exact else "PDLP", relaxation.bound,
                  value_of(index, board.placed), task.budget.left())
        if relaxation.exact:
            # On one worker whatever the run's count (see lns.resolve_part).
            polish_doubtful(index, board, relaxation.columns, fixed=set(fixed),
                            seed=seed, budget=search.share(LP_POLISH_SHARE))
        if report is not None:
            report(value_of(index, board.placed), len(board.placed))
        return board

    if bounds.relaxation is not None:
        board = use(board, bounds.relaxation)
    if neighbourhood_search and pending is not None:
        # While the LP runs on the spare core, the search goes on with a fixed share of the
        # work, then waits for the LP and goes on from the better of the two.
        # One neighbourhood at a time: the spare core is solving the LP.
        improve_value(index, board, fixed=set(fixed), budget=search.share(LP_WAIT_SHARE),
                      target=bound, seed=seed, report=report)
        for relaxation in _wait_for(task, pending):
            board = use(board, relaxation)
    if neighbourhood_search:
        # Each neighbourhood on one worker (see lns._part_solver); with two, neighbourhoods over
        # slots two at a time, one per core.
        improve_value(index, board, fixed=set(fixed), budget=search, target=bound,
                      seed=seed if pending is None else seed + 1, workers=task.workers,
                      report=report)
    if pending is not None:
        # The bound still counts at the end; the schedule has no work left to use the LP.
        for relaxation in _wait_for(task, pending):
            bound = min(bound, relaxation.bound)
    log.debug("bound %d, value %d, %.1f units left", bound, value_of(index, board.placed),
              task.budget.left())
    return board, bound, ceilings


def _finish_without_model(task: _Task, board: Board, bound: int,
                          progress: Progress | None) -> SolveOutcome:
    """Cut breaks by annealing alone, for instances too large for the full model."""
    value = value_of(task.index, board.placed)
    if progress is not None:
        progress(value / VALUE_SCALE, bound / VALUE_SCALE, len(board.placed))
    reduce_breaks(task.index, board, fixed=set(task.fixed) | set(task.previous or ()),
                  budget=task.budget, seed=task.seed)
    return SolveOutcome(dict(board.placed), bound, value >= bound)


def _solve_levels(task: _Task, board: Board, bound: int, progress: Progress | None,
                  ceilings: dict) -> SolveOutcome:
    """Solve the full model one level after the other, each holding the earlier ones.

    Every level holds the value at least where it is now, so the columns whose `ceilings`
    are below it can be in no schedule the levels accept: the model leaves them out (size
    M: 42 % of the columns; tight: 86 %). A participant left without any column then counts
    as one who cannot meet, which the "met" level would otherwise have to prove.
    """
    index, budget = task.index, task.budget
    least = index.problem.options.min_meetings
    now = value_of(index, board.placed)
    excluded = {column for column, most in ceilings.items() if most < now}
    if any((key, *spot) in excluded for key, spot in board.placed.items()):
        # Cannot happen with exact ceilings; a schedule outside the model would be lost.
        log.warning("the LP's column ceilings exclude the schedule itself; not used")
        excluded = set()
    full = LevelModel(index, task.fixed, task.from_slot, excluded)
    log.debug("%d columns left out by the LP's reduced values", len(excluded))
    value = full.value_level(bound)

    def breaks_with_busy_view() -> Level:
        full.add_busy_view()
        return full.breaks_level()

    # Each level's variables are created only when its turn comes: auxiliary variables of
    # later levels would only slow down the earlier solves.
    makers: list[Callable[[], Level]] = []
    if least > 0:
        makers.append(lambda: full.min_meetings_level(least))
    makers.append(lambda: value)
    if task.previous:
        makers.append(lambda: full.kept_level(task.previous))
    makers += [full.met_level, breaks_with_busy_view, full.idle_level]

    placed = dict(board.placed)
    log.debug("model built, %.1f units left", budget.left())
    proven = {"value": False, "min_meetings": False}
    fallback: Placements | None = None
    cp_bound = bound
    for make in makers:
        level = make()
        if level.name == "breaks":
            placed = _prepare_breaks(task, placed, board.lock_tables)
        current = level.evaluate(placed)
        reached = level.reaches(current, level.best_possible)
        left = budget.left()
        if not reached and left > MIN_UNITS:
            status, found, objective_bound = _solve_level(task, full, level, placed, left,
                                                          progress, bound)
            if found is not None:
                got = level.evaluate(found)
                if level.reaches(got, current):
                    placed, current = found, got
                proven[level.name] = status == cp_model.OPTIMAL
                if level.name == "value":
                    cp_bound = min(cp_bound, int(objective_bound + 1e-6))
            if level.name == "min_meetings":
                # Level 0 ignores value: its schedule can hold a third of the meetings a
                # greedy one has, and one worker may not win the value back in time.
                # Adding meetings never lowers level 0: keep that filled schedule in case
                # the value search ends below it.
                fallback = fill_around(index, placed, task.fixed, lock_tables=board.lock_tables,
                                       from_slot=task.from_slot)
        else:
            proven[level.name] = reached
        if level.name == "value" and fallback is not None and level.evaluate(fallback) > current:
            placed, current = fallback, level.evaluate(fallback)
        if level.name == "value" and progress is not None:
            progress(current / VALUE_SCALE, min(bound, cp_bound) / VALUE_SCALE, len(placed))
        log.debug("level %s: %d (value %d), %.1f units left", level.name, current,
                  value.evaluate(placed), budget.left())
        # Later levels only choose among schedules as good as this one on this level.
        full.hold(level, current)
    value_proven = value.evaluate(placed) >= min(bound, cp_bound) or (
        proven["value"] and (least == 0 or proven["min_meetings"]))
    return SolveOutcome(placed, min(bound, cp_bound), value_proven)


def _solve_level(task: _Task, full: LevelModel, level: Level, placed: Placements, left: float,
                 progress: Progress | None, bound: int) -> tuple[int, Placements | None, float]:
    """Solve the model on one level from the placements as hint, with its share of the work.

    Return the solver's status, the placements found (None if none) and its objective bound.
    """
    full.set_objective(level)
    full.hint(placed)
    solver = task.budget.solver(left * TIME_SHARE[level.name], workers=task.workers,
                                seed=task.seed, rate=RATE_LEVELS)
    # Interleaved workers spend about their number times the deterministic limit (size M,
    # two workers: the value level used 4.2 units of the 1.9 it asked, all the work left, and
    # the breaks kept the greedy start's 525): ask for the share divided among them.
    solver.parameters.max_deterministic_time /= task.workers
    status = task.budget.run(solver, full.model, LevelWatcher(level, progress, bound,
                                                                  count=full.count_placed))
    log.debug("level %s: asked %.2f units, used %.2f", level.name,
              left * TIME_SHARE[level.name], solver.deterministic_time / RATE_LEVELS)
    if status == cp_model.INFEASIBLE:
        raise RuntimeError(f"level {level.name}: model infeasible although hinted")
    found = full.read(solver) if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) else None
    return status, found, solver.best_objective_bound


def _prepare_breaks(task: _Task, placed: Placements,
                    lock_tables: dict[tuple[int, int], int]) -> Placements:
    """Return the placements re-slotted for fewer breaks: a short anneal, then the placement model.

    The anneal gives the placement model (window search, implied constraints, core search) a
    good hint; the placement model then gets most of the time. The window search needs the
    time more than the anneal does (JAIR instances); without it the CP-SAT turns gain from a
    longer anneal (sizes M and tight).
    """
    index, seed = task.index, task.seed
    windows = window_search_applies(index, placed)
    units, share = BREAKS_ANNEAL[windows]
    board = board_with(index, placed, lock_tables)
    reduce_breaks(index, board, fixed=set(task.fixed) | task.kept(placed),
                  budget=task.budget.part(min(units, share * task.budget.left())), seed=seed,
                  temperatures=anneal_temperatures(windows))
    placed = dict(board.placed)
    return place_meetings(
        index, placed, fixed=set(task.fixed) | task.kept(placed),
        budget=task.budget.share(PLACEMENT_SHARE),
        seed=seed, workers=task.workers, from_slot=task.from_slot, proven=task.proven)


def solve(
    problem: Problem,
    *,
    time_limit: float = 30.0,
    seed: int = 0,
    progress: Progress | None = None,
    workers: int | None = None,
    work: float | None = None,
) -> Schedule:
    """Return the best schedule found with `work` units of search, within time_limit seconds.

    Without `work`, the budget is in proportion to the time limit (UNITS_PER_SECOND).
    """
    started = time.monotonic()
    budget = Budget.start(work_units(time_limit, work), time_limit)
    index = Index(problem)
    fixed, lock_tables = locked_placements(index)
    board = best_greedy(index, fixed, lock_tables)
    log.debug("greedy and repairs done in %.1f s", time.monotonic() - started)
    out = optimise(index, board, fixed=fixed, budget=budget, seed=seed,
                   workers=workers, progress=throttled(progress))
    if progress is not None:
        progress(value_of(index, out.placed) / VALUE_SCALE, out.bound / VALUE_SCALE,
                 len(out.placed))
    return build_schedule(
        index, out.placed, lock_tables, upper_bound=out.bound / VALUE_SCALE,
        status="optimal" if out.value_proven else "feasible",
        seconds=time.monotonic() - started, hit_wall_clock_limit=out.hit_wall,
        breaks_lower_bound=out.breaks_lower,
    )


def work_units(time_limit: float, work: float | None) -> float:
    """Return the deterministic work budget: `work` if given, else in proportion to the limit."""
    return UNITS_PER_SECOND * time_limit if work is None else work
