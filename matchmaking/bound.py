"""Upper bounds on the value: LP relaxations of the time-indexed model or of the b-matching."""

from __future__ import annotations

import math
import multiprocessing
import time
from collections import defaultdict
from dataclasses import dataclass, field

from ortools.linear_solver import pywraplp

from matchmaking.model import Problem
from matchmaking.rules import FREE, VALUE_SCALE, Index

#: Sign that turns pywraplp's row duals into the non-negative multipliers of "sum <= cap".
DUAL_SIGN = 1.0
#: Up to this many (pair, slot, table) columns GLOP solves the time-indexed LP in a second.
GLOP_LIMIT = 30_000
#: Above this many columns even PDLP takes too long: only the b-matching bound is used.
TIME_INDEXED_LIMIT = 1_000_000


def _locked_slots(index: Index) -> dict[tuple[int, int], int]:
    return {index.key(lk.a, lk.b): index.sid[lk.slot] for lk in index.problem.locked}


def _solve(lp: pywraplp.Solver, fallback: int, seconds: float | None = None) -> int:
    if seconds is not None:
        lp.SetTimeLimit(max(1, int(seconds * 1000)))
    status = lp.Solve()
    if status != pywraplp.Solver.OPTIMAL:
        return fallback
    # Integer schedules have integer values in hundredths, so the LP value rounds down.
    return min(fallback, math.floor(lp.Objective().Value() + 1e-4))


class _TimeIndexedLP:
    """The LP relaxation of the model with one column per pair, slot and table option."""

    def __init__(self, index: Index, method: str):
        self.total = sum(p.value for p in index.candidates)
        self.lp = lp = pywraplp.Solver.CreateSolver(method)
        locked = _locked_slots(index)
        per_pair: dict[tuple[int, int], list] = defaultdict(list)
        per_ps: dict[tuple[int, int], list] = defaultdict(list)
        per_p: dict[int, list] = defaultdict(list)
        free_s: dict[int, list] = defaultdict(list)
        fixed_ts: dict[tuple[int, int], list] = defaultdict(list)
        #: (pair key, slot, table option, column)
        self.columns: list[tuple[tuple[int, int], int, int, object]] = []
        self.objective = objective = lp.Objective()
        for pair in index.candidates:
            k = (pair.a, pair.b)
            slots = (locked[k],) if k in locked else pair.slots
            for s in slots:
                for t in pair.tables:
                    x = lp.NumVar(0.0, 1.0, "")
                    objective.SetCoefficient(x, pair.value)
                    self.columns.append((k, s, t, x))
                    per_pair[k].append(x)
                    per_ps[(pair.a, s)].append(x)
                    per_ps[(pair.b, s)].append(x)
                    per_p[pair.a].append(x)
                    per_p[pair.b].append(x)
                    if t == FREE:
                        free_s[s].append(x)
                    else:
                        fixed_ts[(t, s)].append(x)
        objective.SetMaximization()
        #: (constraint, columns, capacity) of every "sum <= capacity" row
        self.rows: list[tuple[object, list, float]] = []
        for k, xs in per_pair.items():
            self._at_most(xs, 1.0, 1.0 if k in locked else 0.0)
        for xs in per_ps.values():
            self._at_most(xs, 1.0)
        for p, xs in per_p.items():
            self._at_most(xs, index.cap[p])
        for xs in free_s.values():
            self._at_most(xs, len(index.free_tables))
        for xs in fixed_ts.values():
            self._at_most(xs, 1.0)

    def _at_most(self, xs: list, cap: float, lower: float = 0.0) -> None:
        if len(xs) > cap or lower > 0:
            c = self.lp.Constraint(lower, cap)
            for x in xs:
                c.SetCoefficient(x, 1)
            self.rows.append((c, xs, cap))


@dataclass(frozen=True)
class Relaxation:
    """An upper bound (hundredths) and the LP solution it came from, to round into a schedule."""

    bound: int
    columns: dict[tuple[tuple[int, int], int, int], float]  #: (pair, slot, table) -> value
    exact: bool  #: a simplex vertex (GLOP), nearly integral; else PDLP's interior point
    #: (pair, slot, table) -> the most any schedule booking that column can be worth
    #: (hundredths), for the columns where that is below `bound` (GLOP, when asked for; see
    #: `_ceilings`).
    ceilings: dict[tuple[tuple[int, int], int, int], int] = field(default_factory=dict)


def solve_relaxation(index: Index, seconds: float | None = None, method: str = "GLOP", *,
                     ceilings: bool = False) -> Relaxation | None:
    """Solve the time-indexed LP; return None when it runs out of `seconds`.

    GLOP solves the LP exactly. PDLP is much faster on large models but approximate, so its
    duals only serve to compute a Lagrangian bound, valid for any non-negative duals. With
    `ceilings`, GLOP's relaxation carries its column ceilings (a pass over every row and
    column: 0.1 to 0.2 s on sizes M and tight, more than the LP itself on tight).
    """
    model = _TimeIndexedLP(index, method)
    lp = model.lp
    if seconds is not None:
        lp.SetTimeLimit(max(1, int(seconds * 1000)))
    status = lp.Solve()
    most = {}
    if method == "GLOP":
        if status != pywraplp.Solver.OPTIMAL:
            return None
        # Integer schedules have integer values in hundredths, so the LP value rounds down.
        bound = math.floor(lp.Objective().Value() + 1e-4)
        if ceilings:
            most = _ceilings(model, bound)
    else:
        if status not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
            return None
        total, _ = _lagrangian(model)
        bound = math.floor(total + 1e-4)
    values = {}
    for k, s, t, x in model.columns:
        v = x.solution_value()
        if v > 1e-6:
            values[(k, s, t)] = v
    return Relaxation(min(model.total, bound), values, method == "GLOP", most)


def _lagrangian(model: _TimeIndexedLP) -> tuple[float, dict[int, float]]:
    """Return the Lagrangian bound of the model's row duals, and each column's reduced value.

    For duals y >= 0 on the rows "sum <= cap", any solution with 0 <= x <= 1 has value
    <= sum(cap * y) + sum over columns of max(0, r) with r = c - y-sum, the column's reduced
    value. Dropping the locks' lower bounds only enlarges the set, so the bound stays valid.
    """
    reduced = {x.index(): float(model.objective.GetCoefficient(x))
               for x in model.lp.variables()}
    bound = 0.0
    for c, xs, cap in model.rows:
        y = max(0.0, c.dual_value() * DUAL_SIGN)
        if y == 0.0:
            continue
        bound += cap * y
        for x in xs:
            reduced[x.index()] -= y
    bound += sum(r for r in reduced.values() if r > 0)
    return bound, reduced


def _ceilings(model: _TimeIndexedLP, bound: int) -> dict[tuple[tuple[int, int], int, int], int]:
    """Return, per column, the most a schedule booking it can be worth, where below `bound`.

    Reduced-cost fixing: by the Lagrangian bound (`_lagrangian`), a schedule that books a
    column with a negative reduced value r is worth at most that bound plus r, since the sum
    over columns then holds r instead of nothing. Size M (300 participants): 7,409 of 17,621
    columns cannot be in a schedule worth the LP's optimum, and one participant cannot meet
    in any such schedule, which the full model otherwise spent a third of its work proving.
    """
    total, reduced = _lagrangian(model)
    out = {}
    for k, s, t, x in model.columns:
        r = reduced[x.index()]
        if r < 0:
            # Floating error is far below 1e-4 here; values are whole hundredths.
            ceiling = math.floor(total + r + 1e-4)
            if ceiling < bound:
                out[(k, s, t)] = ceiling
    return out


def time_indexed_bound(index: Index, seconds: float | None = None, method: str = "GLOP") -> int:
    """Return the LP bound (hundredths) of the model with one column per pair, slot and table.

    When the LP runs out of `seconds`, the trivial bound (all pairs meet) is returned.
    """
    got = solve_relaxation(index, seconds, method)
    return sum(p.value for p in index.candidates) if got is None else got.bound


def coverage_bound(index: Index, min_value: int, seconds: float | None = None) -> int | None:
    """Return at most how many people with a request can meet when the value is >= min_value.

    The LP relaxation of the time-indexed model with "has a meeting" columns: a proof of how
    few people any schedule of that value can leave without a meeting. None on time-out.
    """
    model = _TimeIndexedLP(index, "GLOP")
    lp = model.lp
    floor = lp.Constraint(float(min_value), lp.infinity())
    per_p: dict[int, list] = defaultdict(list)
    for k, _, _, x in model.columns:
        floor.SetCoefficient(x, index.pairs[k].value)
        per_p[k[0]].append(x)
        per_p[k[1]].append(x)
    objective = lp.Objective()
    objective.Clear()
    for p, xs in per_p.items():
        if index.has_request[p]:
            met = lp.NumVar(0.0, 1.0, "")
            objective.SetCoefficient(met, 1)
            row = lp.Constraint(0.0, lp.infinity())
            row.SetCoefficient(met, -1)
            for x in xs:
                row.SetCoefficient(x, 1)
    objective.SetMaximization()
    if seconds is not None:
        lp.SetTimeLimit(max(1, int(seconds * 1000)))
    if lp.Solve() != pywraplp.Solver.OPTIMAL:
        return None
    return math.floor(objective.Value() + 1e-6)


def matching_bound(index: Index) -> int:
    """Return the LP bound (hundredths) of the b-matching relaxation with table totals."""
    total = sum(p.value for p in index.candidates)
    lp = pywraplp.Solver.CreateSolver("GLOP")
    locked = _locked_slots(index)
    per_p: dict[int, list] = defaultdict(list)
    slots_of: dict[int, set[int]] = defaultdict(set)
    free: list = []
    fixed: dict[int, list] = defaultdict(list)
    objective = lp.Objective()
    for pair in index.candidates:
        k = (pair.a, pair.b)
        y = lp.NumVar(1.0 if k in locked else 0.0, 1.0, "")
        objective.SetCoefficient(y, pair.value)
        for p in k:
            per_p[p].append(y)
            slots_of[p].update(pair.slots)
        if pair.tables == (FREE,):
            free.append(y)
        elif len(pair.tables) == 1:
            fixed[pair.tables[0]].append(y)
    objective.SetMaximization()
    for p, ys in per_p.items():
        cap = min(index.cap[p], len(slots_of[p]))
        if len(ys) > cap:
            c = lp.Constraint(0, cap)
            for y in ys:
                c.SetCoefficient(y, 1)
    if len(free) > len(index.free_tables) * index.num_slots:
        c = lp.Constraint(0, len(index.free_tables) * index.num_slots)
        for y in free:
            c.SetCoefficient(y, 1)
    for ys in fixed.values():
        if len(ys) > index.num_slots:
            c = lp.Constraint(0, index.num_slots)
            for y in ys:
                c.SetCoefficient(y, 1)
    return _solve(lp, total)


def columns(index: Index) -> int:
    """Return the number of (pair, slot, table option) columns of the time-indexed model."""
    return sum(len(p.slots) * len(p.tables) for p in index.candidates)


def bound_scaled(index: Index, seconds: float | None = None) -> int:
    """Return the best LP bound in hundredths: b-matching, and time-indexed when affordable."""
    bound = matching_bound(index)
    size = columns(index)
    if size <= TIME_INDEXED_LIMIT:
        bound = min(bound, time_indexed_bound(index, seconds, lp_method(size)))
    return bound


def lp_method(size: int) -> str:
    """Return the LP solver for a time-indexed model with `size` columns."""
    return "GLOP" if size <= GLOP_LIMIT else "PDLP"


class BackgroundBound:
    """Solve the time-indexed LP in a forked process while the caller searches.

    The child sends PDLP's fast approximate relaxation first, then, when `exact`, GLOP's
    exact one if it finishes in time, with its column ceilings when `ceilings`; `arrived`
    hands over what has come so far.
    """

    def __init__(self, index: Index, seconds: float, exact: bool = False,
                 ceilings: bool = False):
        context = multiprocessing.get_context("fork")
        self._receive, send = context.Pipe(duplex=False)
        self._process = context.Process(
            target=_send_relaxations, args=(index, seconds, exact, ceilings, send),
            daemon=True)
        self._process.start()
        send.close()
        self.done = False
        #: Whether the child's time ran out before an LP it meant to solve was solved: the
        #: search then depends on the machine's load.
        self.timed_out = False

    def ready(self) -> bool:
        """Return whether something has arrived to collect (or the child has ended)."""
        try:
            return not self.done and self._receive.poll(0)
        except (EOFError, OSError):
            return True

    def arrived(self, timeout: float = 0.0) -> list[Relaxation]:
        """Return the relaxations received, waiting up to timeout seconds for the first."""
        out: list[Relaxation] = []
        try:
            while not self.done and self._receive.poll(timeout if not out else 0.0):
                got = self._receive.recv()
                if got is None:
                    self.close()
                elif got == TIMED_OUT:
                    self.timed_out = True
                else:
                    out.append(got)
        except (EOFError, OSError):
            self.close()
        return out

    def close(self) -> None:
        """Stop the child process."""
        if not self.done:
            self.done = True
            if self._process.is_alive():
                self._process.kill()
            self._process.join()
            self._receive.close()


#: Sent by the child when its time ran out before an LP was solved.
TIMED_OUT = "timed out"


def _send_relaxations(index: Index, seconds: float, exact: bool, ceilings: bool,
                      send) -> None:
    # The LPs are limited by the wall clock, not by deterministic work: GLOP and PDLP through
    # pywraplp take a time limit, and their own work limits (GLOP's deterministic time, PDLP's
    # iterations) are not calibrated here. When the time runs out, the child says so and the
    # run reports it (stats.hit_wall_clock_limit), as any phase stopped by the wall clock.
    deadline = time.monotonic() + seconds
    size = columns(index)
    if size > GLOP_LIMIT:
        got = solve_relaxation(index, seconds, "PDLP")
        send.send(TIMED_OUT if got is None else got)
    left = deadline - time.monotonic()
    if exact or size <= GLOP_LIMIT:
        got = (solve_relaxation(index, left, "GLOP", ceilings=ceilings) if left > 0.5
               else None)
        send.send(TIMED_OUT if got is None else got)
    send.send(None)
    send.close()


def upper_bound(problem: Problem) -> float:
    """Return an upper bound on the value of any schedule of the problem."""
    return bound_scaled(Index(problem)) / VALUE_SCALE
