"""B2B meeting scheduling: problem files in, schedules out. No web framework here.

The names below are the package's public interface: the app and the benchmarks import from
here. The modules, from the bottom up:

- model, io: the problem and schedule dataclasses and their JSON files
- rules: the integer view of a problem (Index, Pair), value_of; board: a mutable booking board
- check, assemble: a schedule's rules and figures; placements turned into a Schedule
- baselines, greedy, repair, compact: greedy schedules and fast moves on a board
- bound, rounding: upper bounds (LP relaxations) and the LP rounded into a schedule
- booking_vars, lns, levels: CP-SAT booleans per (pair, slot, table option), the value's
  neighbourhood search, the full model's objective levels
- windows, placement: re-placing meetings for fewer breaks and idle slots
- solver, resolve: solve and re-plan; suggest: suggestion scoring; cli: python -m matchmaking
"""

from matchmaking.baselines import first_come, greedy_by_value
from matchmaking.bound import coverage_bound, upper_bound
from matchmaking.check import Measures, check, measure
from matchmaking.io import (
    ProblemError,
    dump_schedule,
    load_problem,
    load_schedule,
    lock_violations,
    schedule_to_dict,
)
from matchmaking.model import (
    PROBLEM_FORMAT,
    Forbidden,
    Locked,
    Meeting,
    Options,
    Participant,
    Problem,
    Request,
    Schedule,
    Slot,
    Stats,
    Suggestion,
    Table,
    Unscheduled,
)
from matchmaking.resolve import resolve
from matchmaking.rules import VALUE_SCALE, Index
from matchmaking.solver import solve
from matchmaking.suggest import (
    Profile,
    ProfileItem,
    SuggestionIndex,
    build_index,
    problem_suggestions,
    suggest_all,
    suggest_for,
)
from matchmaking.suggest import Suggestion as ScoredSuggestion
from matchmaking.windows import breaks_lower_bound

__all__ = [
    "PROBLEM_FORMAT",
    "VALUE_SCALE",
    "Forbidden",
    "Index",
    "Locked",
    "Measures",
    "Meeting",
    "Options",
    "Participant",
    "Problem",
    "ProblemError",
    "Profile",
    "ProfileItem",
    "Request",
    "Schedule",
    "ScoredSuggestion",
    "Slot",
    "Stats",
    "Suggestion",
    "SuggestionIndex",
    "Table",
    "Unscheduled",
    "breaks_lower_bound",
    "build_index",
    "check",
    "coverage_bound",
    "dump_schedule",
    "first_come",
    "greedy_by_value",
    "load_problem",
    "load_schedule",
    "lock_violations",
    "measure",
    "problem_suggestions",
    "resolve",
    "schedule_to_dict",
    "solve",
    "suggest_all",
    "suggest_for",
    "upper_bound",
]
