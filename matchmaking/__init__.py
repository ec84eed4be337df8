"""B2B meeting scheduling: problem files in, schedules out. No web framework here."""

from matchmaking.baselines import first_come, greedy_by_value
from matchmaking.bound import upper_bound
from matchmaking.check import check
from matchmaking.io import ProblemError, dump_schedule, load_problem, load_schedule
from matchmaking.model import (
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
from matchmaking.solver import solve

__all__ = [
    "Forbidden",
    "Locked",
    "Meeting",
    "Options",
    "Participant",
    "Problem",
    "ProblemError",
    "Request",
    "Schedule",
    "Slot",
    "Stats",
    "Suggestion",
    "Table",
    "Unscheduled",
    "check",
    "dump_schedule",
    "first_come",
    "greedy_by_value",
    "load_problem",
    "load_schedule",
    "resolve",
    "solve",
    "upper_bound",
]
