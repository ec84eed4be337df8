"""Schedule meetings with CP-SAT, one objective level after the other."""

from __future__ import annotations

import logging
import os
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from ortools.sat.python import cp_model

from matchmaking.assemble import Placements, build_schedule
from matchmaking.baselines import by_value
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
from matchmaking.compact import reduce_breaks
from matchmaking.lns import improve_value
from matchmaking.model import Problem, Schedule
from matchmaking.placement import place_meetings, window_search_applies
from matchmaking.repair import insert_by_chains, replace_weaker
from matchmaking.rounding import polish_doubtful, round_columns, round_pairs
from matchmaking.rules import FREE, VALUE_SCALE, Index, busy_slots, count_breaks

Progress = Callable[[float, float], None]

log = logging.getLogger(__name__)

#: Share of the time left that each level may use; unused time flows to the next level.
TIME_SHARE = {"min_meetings": 0.3, "value": 0.85, "kept": 0.5, "met": 0.3, "breaks": 0.7,
              "idle": 1.0}

#: Share of the value level's time spent in large neighbourhood search before the full model.
VALUE_LNS_SHARE = 0.6
#: Up to this many (pair, slot, table) booleans the full model alone handles the value.
SMALL_MODEL_LIMIT = 8_000
#: Above this many (pair, slot, table) booleans only the neighbourhood search runs.
FULL_MODEL_LIMIT = 60_000
#: Up to this many columns GLOP solves the LP in about a second: before anything else.
LP_NOW_LIMIT = 40_000
#: Up to this many columns GLOP solves the LP within the time limits: on the spare core.
LP_LATER_LIMIT = 150_000
#: Share of the search time that may go to re-solving where the LP is fractional.
LP_POLISH_SHARE = 0.6
#: Seconds at most, and share of the time left, of the anneal before the breaks level, without
#: and with the window search.
BREAKS_ANNEAL = {False: (4.0, 0.15), True: (1.5, 0.05)}


def throttled(progress: Progress | None, every: float = 1.0) -> Progress | None:
    """Return a progress callback that passes on at most one report per `every` seconds."""
    if progress is None:
        return None
    last = [float("-inf")]

    def report(value: float, bound: float) -> None:
        now = time.monotonic()
        if now - last[0] >= every:
            last[0] = now
            progress(value, bound)

    return report


def default_workers() -> int:
    """Return the number of CP-SAT workers to use when the caller does not say."""
    return max(1, min(8, os.cpu_count() or 2))


@dataclass(frozen=True)
class Level:
    name: str
    maximize: bool
    expr: cp_model.LinearExprT
    evaluate: Callable[[Placements], int]
    best_possible: int  #: stop as soon as this is reached


@dataclass(frozen=True)
class Outcome:
    placed: Placements
    bound: int  #: hundredths
    value_proven: bool


class _Watcher(cp_model.CpSolverSolutionCallback):
    """Report progress at most once a second and stop when the level cannot improve."""

    def __init__(self, level: Level, progress: Progress | None, bound: int):
        super().__init__()
        self.level, self.progress, self.bound = level, progress, bound
        self.last = 0.0

    def on_solution_callback(self) -> None:
        obj = self.objective_value
        if self.progress is not None and self.level.name == "value":
            now = time.monotonic()
            if now - self.last >= 1.0:
                self.last = now
                bound = min(self.bound, self.best_objective_bound)
                self.progress(obj / VALUE_SCALE, bound / VALUE_SCALE)
        done = obj >= self.level.best_possible if self.level.maximize else (
            obj <= self.level.best_possible)
        if done:
            self.stop_search()


class _Model:
    """CP-SAT model: one boolean per (pair, slot, table option) and the objective levels."""

    def __init__(self, index: Index, fixed: Placements, from_slot: int):
        self.index = index
        self.m = cp_model.CpModel()
        m = self.m
        self.x: dict[tuple[int, int], list[tuple[int, int, cp_model.IntVar]]] = {}
        ps: dict[tuple[int, int], list] = defaultdict(list)
        per_p: dict[int, list] = defaultdict(list)
        free_s: dict[int, list] = defaultdict(list)
        fixed_ts: dict[tuple[int, int], list] = defaultdict(list)
        for pair in index.candidates:
            k = (pair.a, pair.b)
            if k in fixed:
                options = [fixed[k]]
            else:
                options = [(s, t) for s in pair.slots if s >= from_slot for t in pair.tables]
            if not options:
                continue
            row = []
            for s, t in options:
                v = m.new_bool_var("")
                row.append((s, t, v))
                ps[(pair.a, s)].append(v)
                ps[(pair.b, s)].append(v)
                per_p[pair.a].append(v)
                per_p[pair.b].append(v)
                (free_s[s] if t == FREE else fixed_ts[(t, s)]).append(v)
            self.x[k] = row
            if k in fixed:
                m.add(row[0][2] == 1)
            elif len(row) > 1:
                m.add_at_most_one(v for _, _, v in row)
        for vs in ps.values():
            if len(vs) > 1:
                m.add_at_most_one(vs)
        for p, vs in per_p.items():
            if len(vs) > index.cap[p]:
                m.add(sum(vs) <= index.cap[p])
        for vs in free_s.values():
            if len(vs) > len(index.free_tables):
                m.add(sum(vs) <= len(index.free_tables))
        for vs in fixed_ts.values():
            if len(vs) > 1:
                m.add_at_most_one(vs)
        self.ps = ps
        self.per_p = per_p
        self.busy: dict[tuple[int, int], cp_model.LinearExprT] = {}
        self.aux_hints: list[Callable[[list[set[int]]], list[tuple[cp_model.IntVar, int]]]] = []

    # -- participant-centred view -------------------------------------------------------
    def busy_of(self, p: int, s: int):
        """Return a literal true when p meets in s (0 when p can never meet then)."""
        if (p, s) in self.busy:
            return self.busy[(p, s)]
        vs = self.ps.get((p, s), [])
        if not vs:
            b = 0
        elif len(vs) == 1:
            b = vs[0]
        else:
            b = self.m.new_bool_var("")
            self.m.add(b == sum(vs))
            self.aux_hints.append(lambda busy, b=b, p=p, s=s: [(b, int(s in busy[p]))])
        self.busy[(p, s)] = b
        return b

    def add_busy_view(self) -> None:
        """Create busy literals and the implied bound of 2 x tables busy people per slot."""
        index = self.index
        per_slot: dict[int, list] = defaultdict(list)
        for (p, s) in list(self.ps):
            per_slot[s].append(self.busy_of(p, s))
        limit = 2 * len(index.problem.tables)
        for lits in per_slot.values():
            if len(lits) > limit:
                self.m.add(sum(lits) <= limit)

    # -- levels -------------------------------------------------------------------------
    def meetings_of(self, p: int):
        return sum(self.per_p.get(p, []))

    def value_level(self) -> Level:
        pairs = self.index.pairs
        expr = sum(pairs[k].value * v for k, row in self.x.items() for _, _, v in row)
        return Level("value", True, expr, lambda pl: sum(pairs[k].value for k in pl), 0)

    def min_meetings_level(self, k: int) -> Level:
        terms, best = [], 0
        for p, vs in self.per_p.items():
            top = min(k, len(vs), self.index.cap[p])
            y = self.m.new_int_var(0, top, "")
            self.m.add(y <= sum(vs))
            self.aux_hints.append(
                lambda busy, y=y, p=p, top=top: [(y, min(top, len(busy[p])))])
            terms.append(y)
            best += top

        def evaluate(pl: Placements) -> int:
            return sum(min(k, len(b)) for b in busy_slots(self.index, pl))

        return Level("min_meetings", True, sum(terms), evaluate, best)

    def met_level(self) -> Level:
        terms = []
        for p, vs in self.per_p.items():
            h = self.m.new_bool_var("")
            self.m.add(sum(vs) >= h)
            self.aux_hints.append(lambda busy, h=h, p=p: [(h, int(bool(busy[p])))])
            terms.append(h)

        def evaluate(pl: Placements) -> int:
            return sum(1 for b in busy_slots(self.index, pl) if b)

        return Level("met", True, sum(terms), evaluate, len(terms))

    def _day_runs(self):
        """Yield (p, day slots, busy literals) for days where p may meet at least twice."""
        index = self.index
        for p, vs in self.per_p.items():
            if len(vs) < 2:
                continue
            for day in index.day_slots:
                lits = [self.busy_of(p, s) for s in day]
                if sum(1 for b in lits if not isinstance(b, int)) >= 2:
                    yield p, day, lits

    def breaks_level(self) -> Level:
        m = self.m
        terms = []
        for p, day, lits in self._day_runs():
            # Breaks of a day = runs of meetings - 1 when there is a meeting; a run starts
            # where p is busy and was not busy in the slot before.
            prev, prev_s = 0, -1
            for s, b in zip(day, lits, strict=True):
                if not isinstance(b, int):
                    if isinstance(prev, int):
                        terms.append(b)
                    else:
                        st = m.new_bool_var("")
                        m.add(st >= b - prev)
                        self.aux_hints.append(
                            lambda busy, st=st, p=p, s=s, q=prev_s: [
                                (st, int(s in busy[p] and q not in busy[p]))])
                        terms.append(st)
                prev, prev_s = b, s
            anyday = m.new_bool_var("")
            m.add(sum(b for b in lits if not isinstance(b, int)) >= anyday)
            self.aux_hints.append(
                lambda busy, a=anyday, p=p, day=day: [(a, int(any(s in busy[p] for s in day)))])
            terms.append(-anyday)

        def evaluate(pl: Placements) -> int:
            return count_breaks(self.index, busy_slots(self.index, pl))[0]

        return Level("breaks", False, sum(terms), evaluate, 0)

    def idle_level(self) -> Level:
        m = self.m
        terms = []
        for p, day, lits in self._day_runs():
            if sum(1 for b in lits if not isinstance(b, int)) < 3:
                continue
            n = len(day)
            before = [0] * n
            after = [0] * n
            for i in range(1, n):
                if isinstance(lits[i - 1], int) and isinstance(before[i - 1], int):
                    continue
                before[i] = m.new_bool_var("")
                m.add(before[i] >= lits[i - 1])
                m.add(before[i] >= before[i - 1])
            for i in range(n - 2, -1, -1):
                if isinstance(lits[i + 1], int) and isinstance(after[i + 1], int):
                    continue
                after[i] = m.new_bool_var("")
                m.add(after[i] >= lits[i + 1])
                m.add(after[i] >= after[i + 1])
            for i in range(n):
                if isinstance(before[i], int) or isinstance(after[i], int):
                    continue
                gap = m.new_bool_var("")
                m.add(gap >= before[i] + after[i] - lits[i] - 1)
                terms.append(gap)

            def hint(busy, p=p, day=day, before=before, after=after):
                mine = [s in busy[p] for s in day]
                out = []
                for i in range(len(day)):
                    if not isinstance(before[i], int):
                        out.append((before[i], int(any(mine[:i]))))
                    if not isinstance(after[i], int):
                        out.append((after[i], int(any(mine[i + 1:]))))
                return out

            self.aux_hints.append(hint)

        def evaluate(pl: Placements) -> int:
            return count_breaks(self.index, busy_slots(self.index, pl))[1]

        return Level("idle", False, sum(terms), evaluate, 0)

    def kept_level(self, previous: Placements) -> Level:
        lits = []
        for k, (s, t) in previous.items():
            lit = next((v for s2, t2, v in self.x.get(k, []) if (s2, t2) == (s, t)), None)
            if lit is not None:
                lits.append(lit)

        def evaluate(pl: Placements) -> int:
            return sum(1 for k, st in previous.items() if pl.get(k) == st)

        return Level("kept", True, sum(lits), evaluate, len(lits))

    # -- solving ------------------------------------------------------------------------
    def hint(self, placed: Placements) -> None:
        """Hint a complete solution: every boolean and auxiliary variable."""
        m = self.m
        m.clear_hints()
        for k, row in self.x.items():
            at = placed.get(k)
            for s, t, v in row:
                m.add_hint(v, (s, t) == at)
        busy = busy_slots(self.index, placed)
        for make in self.aux_hints:
            for var, val in make(busy):
                m.add_hint(var, val)

    def read(self, solver: cp_model.CpSolver) -> Placements:
        """Return the placements of the solver's solution."""
        placed: Placements = {}
        for k, row in self.x.items():
            for s, t, v in row:
                if solver.boolean_value(v):
                    placed[k] = (s, t)
                    break
        return placed


def optimise(
    index: Index,
    board: Board,
    *,
    fixed: Placements,
    deadline: float,
    seed: int = 0,
    workers: int | None = None,
    progress: Progress | None = None,
    previous: Placements | None = None,
    from_slot: int = 0,
    bound: int | None = None,
) -> Outcome:
    """Improve the board's complete schedule level by level until the deadline."""
    workers = workers or default_workers()
    started = time.monotonic()
    size = columns(index)
    pending = None
    relaxation: Relaxation | None = None
    if bound is None:
        bound = matching_bound(index)
        budget = deadline - started
        if size <= LP_NOW_LIMIT:
            relaxation = solve_relaxation(index, 0.25 * budget)
        elif size <= TIME_INDEXED_LIMIT and workers < 2:
            relaxation = solve_relaxation(index, 0.25 * budget, lp_method(size))
        elif size <= TIME_INDEXED_LIMIT:
            # The LP takes seconds at this size: solve it on the spare core meanwhile.
            pending = BackgroundBound(index, 0.8 * budget, exact=size <= LP_LATER_LIMIT)
    # Small models go straight to the full model, which proves optimality quickly. On larger
    # ones large neighbourhood search raises the value faster; the full model then tries to
    # prove optimality and serves the later levels, when it is not too large.
    full_model = size <= FULL_MODEL_LIMIT
    left = deadline - time.monotonic()
    lns_deadline = time.monotonic() + left * (
        TIME_SHARE["value"] * VALUE_LNS_SHARE if full_model else 0.85)
    lns_workers = max(1, workers - 1) if pending is not None else workers
    # On a re-solve the search would shuffle meetings that should stay: the full model only.
    search = (size > SMALL_MODEL_LIMIT and index.problem.options.min_meetings == 0
              and not previous)
    report = None
    if progress is not None:
        def report(v: int) -> None:
            progress(v / VALUE_SCALE, bound / VALUE_SCALE)

    def use(board: Board, relaxation: Relaxation) -> Board:
        nonlocal bound
        bound = min(bound, relaxation.bound)
        if index.problem.options.min_meetings or previous:
            return board
        board = _rounded(index, board, relaxation, fixed)
        log.debug("%s relaxation %d, rounded value %d, %.1f s left",
                  "exact" if relaxation.exact else "PDLP", relaxation.bound,
                  sum(index.pairs[k].value for k in board.placed), deadline - time.monotonic())
        if relaxation.exact:
            polish_doubtful(index, board, relaxation.columns, fixed=set(fixed),
                            workers=lns_workers, seed=seed,
                            deadline=time.monotonic()
                            + LP_POLISH_SHARE * (lns_deadline - time.monotonic()))
        if report is not None:
            report(sum(index.pairs[k].value for k in board.placed))
        return board

    if relaxation is not None:
        board = use(board, relaxation)
    if search:
        while True:
            # While the LP runs, the search stops when it arrives, so that its schedule is
            # used soon, then goes on from the better of the two.
            waiting = pending is not None and not pending.done
            improve_value(index, board, fixed=set(fixed), deadline=lns_deadline, target=bound,
                          seed=seed, workers=lns_workers, report=report,
                          stop=pending.ready if waiting else None)
            if not waiting or not pending.ready() or time.monotonic() >= lns_deadline - 0.05:
                break
            for got in pending.arrived():
                board = use(board, got)
            if pending.done:
                lns_workers = workers
            if sum(index.pairs[k].value for k in board.placed) >= bound:
                break
    if pending is not None:
        # The bound still counts at the end; the schedule has no time left to use the LP.
        for got in pending.arrived(timeout=max(0.0, deadline - time.monotonic() - 0.5)):
            bound = min(bound, got.bound)
        pending.close()
    log.debug("bound %d, value %d, %.1f s left", bound,
              sum(index.pairs[k].value for k in board.placed), deadline - time.monotonic())
    if not full_model:
        value = sum(index.pairs[k].value for k in board.placed)
        if progress is not None:
            progress(value / VALUE_SCALE, bound / VALUE_SCALE)
        reduce_breaks(index, board, fixed=set(fixed) | set(previous or ()), deadline=deadline,
                      seed=seed)
        return Outcome(dict(board.placed), bound, value >= bound)
    model = _Model(index, fixed, from_slot)
    k = index.problem.options.min_meetings
    value = model.value_level()

    def breaks_with_busy_view() -> Level:
        model.add_busy_view()
        return model.breaks_level()

    # Each level's variables are created only when its turn comes: auxiliary variables of
    # later levels would only slow down the earlier solves.
    makers: list[Callable[[], Level]] = []
    if k > 0:
        makers.append(lambda: model.min_meetings_level(k))
    makers.append(lambda: Level("value", True, value.expr, value.evaluate, bound))
    if previous:
        makers.append(lambda: model.kept_level(previous))
    makers += [model.met_level, breaks_with_busy_view, model.idle_level]

    placed = dict(board.placed)
    log.debug("model built, %.1f s left", deadline - time.monotonic())
    proven = {"value": False, "min_meetings": False}
    fallback: Placements | None = None
    cp_bound = bound
    for make in makers:
        lv = make()
        if lv.name == "breaks":
            # A short anneal gives the placement model a good hint; the placement model
            # (window search, implied constraints, core search) then gets most of the time.
            # The window search needs the time more than the anneal does (JAIR instances);
            # without it the CP-SAT turns gain from a longer anneal (sizes M and tight).
            seconds, share = BREAKS_ANNEAL[window_search_applies(placed)]
            placed = _anneal(index, placed, fixed, previous, lock_tables=board.lock_tables,
                             deadline=time.monotonic() + min(
                                 seconds, share * (deadline - time.monotonic())), seed=seed)
            kept = {k for k, st in (previous or {}).items() if placed.get(k) == st}
            placed = place_meetings(
                index, placed, fixed=set(fixed) | kept,
                deadline=time.monotonic() + 0.85 * (deadline - time.monotonic()),
                seed=seed, workers=workers, from_slot=from_slot)
        current = lv.evaluate(placed)
        reached = current >= lv.best_possible if lv.maximize else current <= lv.best_possible
        left = deadline - time.monotonic()
        if not reached and left > 0.05:
            if lv.maximize:
                model.m.maximize(lv.expr)
            else:
                model.m.minimize(lv.expr)
            model.hint(placed)
            solver = cp_model.CpSolver()
            solver.parameters.max_time_in_seconds = max(0.05, left * TIME_SHARE[lv.name])
            solver.parameters.num_workers = workers
            solver.parameters.random_seed = seed
            watcher = _Watcher(lv, progress, bound)
            status = solver.solve(model.m, watcher)
            if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                found = model.read(solver)
                got = lv.evaluate(found)
                if got >= current if lv.maximize else got <= current:
                    placed, current = found, got
                proven[lv.name] = status == cp_model.OPTIMAL
                if lv.name == "value":
                    cp_bound = min(cp_bound, int(solver.best_objective_bound + 1e-6))
            elif status == cp_model.INFEASIBLE:
                raise RuntimeError(f"level {lv.name}: model infeasible although hinted")
            if lv.name == "min_meetings":
                # Level 0 ignores value: its schedule can hold a third of the meetings a
                # greedy one has, and one worker may not win the value back in time.
                # Adding meetings never lowers level 0: keep that filled schedule in case
                # the value search ends below it.
                fallback = _fill(index, placed, fixed, lock_tables=board.lock_tables,
                                 from_slot=from_slot)
        else:
            proven[lv.name] = reached
        if lv.name == "value" and fallback is not None and lv.evaluate(fallback) > current:
            placed, current = fallback, lv.evaluate(fallback)
        if lv.name == "value" and progress is not None:
            progress(current / VALUE_SCALE, min(bound, cp_bound) / VALUE_SCALE)
        log.debug("level %s: %d (value %d), %.1f s left", lv.name, current, value.evaluate(placed),
                  deadline - time.monotonic())
        # Later levels only choose among schedules as good as this one on this level.
        model.m.add(lv.expr >= current if lv.maximize else lv.expr <= current)
    value_now = value.evaluate(placed)
    value_proven = value_now >= min(bound, cp_bound) or (
        proven["value"] and (k == 0 or proven["min_meetings"]))
    return Outcome(placed, min(bound, cp_bound), value_proven)


def _rounded(index: Index, board: Board, relaxation: Relaxation, fixed: Placements) -> Board:
    """Return the better of the board and the LP's solution rounded, filled and repaired."""
    rounded = start_board(index, fixed, board.lock_tables, board.from_slot)
    if relaxation.exact:
        round_columns(index, rounded, relaxation.columns)
    else:
        round_pairs(index, rounded, relaxation.columns)
    fill_greedy(index, rounded)
    repair(index, rounded, fixed=set(fixed))
    value = sum(index.pairs[k].value for k in rounded.placed)
    return rounded if value > sum(index.pairs[k].value for k in board.placed) else board


def _anneal(index: Index, placed: Placements, fixed: Placements, previous: Placements | None,
            *, lock_tables, deadline: float, seed: int) -> Placements:
    """Return the placements with fewer breaks, moving neither fixed nor kept meetings."""
    board = start_board(index, {}, lock_tables)
    for k, (s, t) in placed.items():
        board.place(index.pairs[k], s, t)
    kept = {k for k, st in (previous or {}).items() if placed.get(k) == st}
    reduce_breaks(index, board, fixed=set(fixed) | kept, deadline=deadline, seed=seed)
    return dict(board.placed)


def _fill(index: Index, placed: Placements, fixed: Placements, *, lock_tables,
          from_slot: int) -> Placements:
    """Return the placements with still-open pairs booked greedily around them."""
    board = start_board(index, {}, lock_tables, from_slot)
    for k, (s, t) in placed.items():
        board.place(index.pairs[k], s, t)
    fill_greedy(index, board)
    insert_by_chains(index, board, fixed=set(fixed), deadline=time.monotonic() + 2.0,
                     order=by_value(index))
    return dict(board.placed)


def start_board(index: Index, fixed: Placements, lock_tables, from_slot: int = 0) -> Board:
    """Return a board with the fixed meetings booked, ready for greedy filling."""
    board = Board(index)
    for k, (s, t) in fixed.items():
        board.place(index.pairs[k], s, t)
    board.lock_tables.update(lock_tables)
    board.from_slot = from_slot
    return board


def fill_greedy(index: Index, board: Board, compact: bool = True) -> None:
    """Book still-open pairs by decreasing value, next to the participants' other meetings."""
    day_of = index.day_of
    for pair in by_value(index):
        spots = board.open_slots(pair)
        if not spots:
            continue
        if not compact:
            board.place(pair, *spots[0])
            continue
        ba, bb = board.busy[pair.a], board.busy[pair.b]

        def touching(spot: tuple[int, int], ba=ba, bb=bb) -> int:
            s = spot[0]
            near = [x for x in (s - 1, s + 1) if 0 <= x < len(day_of) and day_of[x] == day_of[s]]
            return -sum((x in ba) + (x in bb) for x in near)

        board.place(pair, *min(spots, key=touching))


def best_greedy(index: Index, fixed: Placements, lock_tables, from_slot: int = 0,
                keep: Placements | None = None) -> Board:
    """Return the better of the compact and the earliest-slot greedy schedules."""
    boards = []
    for compact in (True, False):
        board = start_board(index, fixed, lock_tables, from_slot)
        for k, (s, t) in (keep or {}).items():
            if (s, t) in board.open_slots(index.pairs[k]):
                board.place(index.pairs[k], s, t)
        fill_greedy(index, board, compact)
        boards.append(board)
    board = max(boards, key=lambda b: sum(index.pairs[k].value for k in b.placed))
    repair(index, board, fixed=set(fixed) | set(keep or ()))
    return board


def repair(index: Index, board: Board, *, fixed: set[tuple[int, int]]) -> None:
    """Raise the board's value with fast moves: chain swaps and evictions of weaker meetings."""
    order = by_value(index)
    # Quick passes: each is a fraction of a second even on the largest instances.
    deadline = time.monotonic() + 5.0
    insert_by_chains(index, board, fixed=fixed, deadline=deadline, order=order)
    replace_weaker(index, board, fixed=fixed, deadline=deadline, order=order)
    insert_by_chains(index, board, fixed=fixed, deadline=deadline, order=order)


def locked_placements(index: Index) -> tuple[Placements, dict[tuple[int, int], int]]:
    """Return the locked meetings as placements, and the free tables some of them name."""
    board = Board(index)
    board.place_locks()
    return dict(board.placed), dict(board.lock_tables)


def solve(
    problem: Problem,
    *,
    time_limit: float = 30.0,
    seed: int = 0,
    progress: Progress | None = None,
    workers: int | None = None,
) -> Schedule:
    """Return the best schedule found within time_limit seconds."""
    started = time.monotonic()
    deadline = started + time_limit
    index = Index(problem)
    fixed, lock_tables = locked_placements(index)
    board = best_greedy(index, fixed, lock_tables)
    log.debug("greedy and repairs done in %.1f s", time.monotonic() - started)
    out = optimise(index, board, fixed=fixed, deadline=deadline, seed=seed,
                   workers=workers, progress=throttled(progress))
    if progress is not None:
        progress(sum(index.pairs[k].value for k in out.placed) / VALUE_SCALE,
                 out.bound / VALUE_SCALE)
    return build_schedule(
        index, out.placed, lock_tables, upper_bound=out.bound / VALUE_SCALE,
        status="optimal" if out.value_proven else "feasible",
        seconds=time.monotonic() - started,
    )
