"""Upper bounds on the value: LP relaxations of the time-indexed model or of the b-matching."""

from __future__ import annotations

import math
import multiprocessing
from collections import defaultdict

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


def time_indexed_bound(index: Index, seconds: float | None = None, method: str = "GLOP") -> int:
    """Return the LP bound (hundredths) of the model with one column per pair, slot and table.

    GLOP solves the LP exactly; when it runs out of `seconds`, the trivial bound (all pairs
    meet) is returned. PDLP is faster on large models but approximate, so its duals only serve
    to compute a Lagrangian bound, valid for any non-negative duals.
    """
    total = sum(p.value for p in index.candidates)
    lp = pywraplp.Solver.CreateSolver(method)
    locked = _locked_slots(index)
    per_pair: dict[tuple[int, int], list] = defaultdict(list)
    per_ps: dict[tuple[int, int], list] = defaultdict(list)
    per_p: dict[int, list] = defaultdict(list)
    free_s: dict[int, list] = defaultdict(list)
    fixed_ts: dict[tuple[int, int], list] = defaultdict(list)
    objective = lp.Objective()
    for pair in index.candidates:
        k = (pair.a, pair.b)
        slots = (locked[k],) if k in locked else pair.slots
        for s in slots:
            for t in pair.tables:
                x = lp.NumVar(0.0, 1.0, "")
                objective.SetCoefficient(x, pair.value)
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

    rows: list[tuple[object, list, float]] = []

    def at_most(xs: list, cap: float, lower: float = 0.0) -> None:
        if len(xs) > cap or lower > 0:
            c = lp.Constraint(lower, cap)
            for x in xs:
                c.SetCoefficient(x, 1)
            rows.append((c, xs, cap))

    for k, xs in per_pair.items():
        at_most(xs, 1.0, 1.0 if k in locked else 0.0)
    for xs in per_ps.values():
        at_most(xs, 1.0)
    for p, xs in per_p.items():
        at_most(xs, index.cap[p])
    for xs in free_s.values():
        at_most(xs, len(index.free_tables))
    for xs in fixed_ts.values():
        at_most(xs, 1.0)
    if method == "GLOP":
        return _solve(lp, total, seconds)
    if seconds is not None:
        lp.SetTimeLimit(max(1, int(seconds * 1000)))
    if lp.Solve() not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
        return total
    # Lagrangian bound: for duals y >= 0 on the rows "sum <= cap", any solution with
    # 0 <= x <= 1 has value <= sum(cap * y) + sum over columns of max(0, c - y-sum).
    # Dropping the locks' lower bounds only enlarges the set, so the bound stays valid.
    reduced = {x.index(): float(pair_value) for x, pair_value in _objective_terms(lp, objective)}
    bound = 0.0
    for c, xs, cap in rows:
        y = max(0.0, c.dual_value() * DUAL_SIGN)
        if y == 0.0:
            continue
        bound += cap * y
        for x in xs:
            reduced[x.index()] -= y
    bound += sum(r for r in reduced.values() if r > 0)
    return min(total, math.floor(bound + 1e-4))


def _objective_terms(lp: pywraplp.Solver, objective):
    for x in lp.variables():
        yield x, objective.GetCoefficient(x)


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
    """Solve the time-indexed LP in a forked process while the caller searches."""

    def __init__(self, index: Index, seconds: float):
        context = multiprocessing.get_context("fork")
        self._receive, send = context.Pipe(duplex=False)
        self._process = context.Process(
            target=_send_bound, args=(index, seconds, lp_method(columns(index)), send),
            daemon=True)
        self._process.start()
        send.close()

    def result(self, timeout: float) -> int | None:
        """Return the bound, or None if it is not ready within timeout seconds."""
        try:
            if self._receive.poll(max(0.0, timeout)):
                return self._receive.recv()
            return None
        except EOFError:
            return None
        finally:
            if self._process.is_alive():
                self._process.kill()
            self._process.join()
            self._receive.close()


def _send_bound(index: Index, seconds: float, method: str, send) -> None:
    send.send(time_indexed_bound(index, seconds, method))
    send.close()


def upper_bound(problem: Problem) -> float:
    """Return an upper bound on the value of any schedule of the problem."""
    return bound_scaled(Index(problem)) / VALUE_SCALE
