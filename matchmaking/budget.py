"""Budget the search by deterministic work, under an outer wall-clock cap.

Every phase of the solver decides what to do next from the work it has left, never from the
clock: CP-SAT solves are limited by deterministic time (`max_deterministic_time`, a count of
basic operations that does not depend on the machine's load), and the pure-Python loops count
their steps and convert them at a fixed rate. The same problem, seed and worker count therefore
give the same schedule on a quiet or a busy machine. The wall clock is only the outer cap. A
phase may run until the cap less a reserve for the work planned after it (RESERVE_SECONDS per
unit, below the time a unit takes), so that on a machine too slow for the budget the phases
after the value (breaks, idle slots) still get most of their turn, while a run that fits
within its cap has no phase stopped by the clock. (A share of the wall clock in proportion to
each phase's work stopped phases long before the cap whenever one ran a little slower per
unit than the average, and those runs then depended on the machine's load; no reserve at all
let the value's neighbourhood search take every second of the large sizes, doubling their
breaks.) A run that reaches a limit of the clock says so (`hit_wall`): only such a run can
depend on the machine's load.

A *unit* is about one second of one core of the reference machine (2 cores), quiet. CP-SAT's
deterministic time runs at a different pace on different models, so each kind of model has its
rate (deterministic time per unit, measured there, a little below what a quiet core did): about
1.35 on the window search's SAT-style models, 0.7 on the placement model, 0.65 on the level
models, 0.6 on the value neighbourhoods (solved without presolve); the anneal does 65,000 steps
per unit. Work the clock pays but no count measures (the Python around each neighbourhood, the
greedy start and the LP before the search on large instances) is charged at fixed rates per
pair or column. The rates are constants, so the budget stays deterministic; on a busy machine
a unit simply takes longer.
"""

from __future__ import annotations

import time

from ortools.sat.python import cp_model

#: Units per second of time limit, when the caller gives a time limit only: the rest of the
#: time goes to what is not budgeted (reading, greedy start, LP, building the models).
UNITS_PER_SECOND = 0.85
#: CP-SAT deterministic time per unit, per kind of model.
RATE_WINDOWS, RATE_PLACEMENT, RATE_LEVELS, RATE_NEIGHBOURHOOD = 1.35, 0.7, 0.65, 0.6
#: Seconds of the wall clock kept, per unit of work planned after a phase, for what follows it.
RESERVE_SECONDS = 0.8
#: Annealing (and other pure-Python) steps worth one unit.
STEPS_PER_UNIT = 65_000


class Budget:
    """Deterministic work left to a phase, and the wall-clock deadline over everything."""

    def __init__(self, units: float, wall_deadline: float, parent: Budget | None = None):
        self.total = max(0.0, units)
        self.used = 0.0
        self.wall_deadline = wall_deadline
        self.parent = parent
        self._hit_wall = False

    @classmethod
    def start(cls, units: float, wall_seconds: float) -> Budget:
        """Return a budget of `units` of work capped at `wall_seconds` from now."""
        return cls(units, time.monotonic() + wall_seconds)

    @property
    def hit_wall(self) -> bool:
        """Whether the wall-clock cap stopped some work (here or in a part)."""
        return self._hit_wall

    def note_wall(self) -> None:
        """Record that the wall-clock cap stopped some work."""
        self._mark_wall()

    def _mark_wall(self) -> None:
        budget: Budget | None = self
        while budget is not None:
            budget._hit_wall = True
            budget = budget.parent

    def left(self) -> float:
        """Return the units left (0 once the wall-clock cap is reached)."""
        own = self.total - self.used
        if own <= 0.0:
            # Out of work: a part cut from nothing has no time either, and no cap stopped it.
            return 0.0
        if self.wall_left() <= 0.0:
            self._mark_wall()
            return 0.0
        if self.parent is not None:
            own = min(own, self.parent.left())
        return max(0.0, own)

    def wall_left(self) -> float:
        """Return the seconds left before the wall-clock cap."""
        return self.wall_deadline - time.monotonic()

    def part(self, units: float) -> Budget:
        """Return a budget for a sub-phase: at most `units`, charged to this one too, until
        this one's deadline less RESERVE_SECONDS per unit left here after the part."""
        left = self.left()
        units = min(units, left)
        reserve = max(0.0, left - units) * RESERVE_SECONDS
        return Budget(units, self.wall_deadline - reserve, parent=self)

    def share(self, fraction: float) -> Budget:
        """Return a sub-phase budget of `fraction` of the units left."""
        return self.part(fraction * self.left())

    def spend(self, units: float) -> None:
        """Charge `units` of work to this budget and its parents."""
        budget: Budget | None = self
        while budget is not None:
            budget.used += units
            budget = budget.parent

    def steps(self) -> int:
        """Return the pure-Python steps left (see STEPS_PER_UNIT)."""
        return int(self.left() * STEPS_PER_UNIT)

    def spend_steps(self, steps: int) -> None:
        """Charge pure-Python steps to this budget."""
        self.spend(steps / STEPS_PER_UNIT)

    def check_wall(self) -> bool:
        """Return whether the wall-clock cap has been reached (and record it)."""
        if self.wall_left() <= 0.0:
            self._mark_wall()
            return True
        return False

    def solver(self, units: float, *, workers: int, seed: int, rate: float) -> cp_model.CpSolver:
        """Return a CP-SAT solver limited to `units` (at most what is left) and the wall cap.

        `rate` is the model's deterministic time per unit. With several workers the search is
        interleaved, which CP-SAT keeps deterministic.
        """
        solver = cp_model.CpSolver()
        solver.unit_rate = rate  # read back by charge()
        params = solver.parameters
        left = self.left()
        units = min(units, left)
        params.max_deterministic_time = max(1e-3, units) * rate
        params.max_time_in_seconds = max(1e-3, self.wall_left())
        params.num_workers = workers
        params.random_seed = seed
        if workers > 1:
            params.interleave_search = True
        return solver

    def charge(self, *solvers: cp_model.CpSolver) -> None:
        """Charge finished solves' deterministic time; note if the wall cap stopped one.

        Several solves ran at once, each on its own core: the largest one's work is charged.
        """
        self.spend(max(units_of(solver) for solver in solvers))
        if any(solver.wall_time >= solver.parameters.max_time_in_seconds - 1e-3
               for solver in solvers) or self.check_wall():
            self._mark_wall()

    def run(self, solver: cp_model.CpSolver, model: cp_model.CpModel,
            callback: cp_model.CpSolverSolutionCallback | None = None):
        """Solve the model with the solver, charge its work, and return its status."""
        status = solver.solve(model, callback)
        self.charge(solver)
        return status


def units_of(solver: cp_model.CpSolver) -> float:
    """Return the units a finished solve of `Budget.solver` used."""
    return solver.deterministic_time / solver.unit_rate
