"""Frozen dataclasses for B2B problems and schedules (format b2b-problem/1, b2b-schedule/1)."""

from __future__ import annotations

from dataclasses import dataclass, field

PROBLEM_FORMAT = "b2b-problem/1"
SCHEDULE_FORMAT = "b2b-schedule/1"

#: Reason codes of `Unscheduled.reason`, in the order they are tried.
REASONS = ("forbidden", "language", "no_common_slot", "capacity", "not_chosen")


@dataclass(frozen=True)
class Slot:
    id: str
    start: str  #: local ISO time "2027-05-20T14:00" in the problem's timezone
    end: str

    @property
    def day(self) -> str:
        """Return the calendar day of the slot, used to count breaks per day."""
        return self.start[:10]


@dataclass(frozen=True)
class Table:
    id: str
    name: str = ""


@dataclass(frozen=True)
class Participant:
    id: str
    name: str = ""
    organisation: str = ""
    languages: tuple[str, ...] = ()  #: empty means any language
    unavailable: frozenset[str] = frozenset()
    max_meetings: int | None = None  #: None means the number of slots
    table: str | None = None  #: a fixed stand


@dataclass(frozen=True)
class Request:
    frm: str
    to: str
    priority: int
    slots: tuple[str, ...] | None = None  #: None means any slot


@dataclass(frozen=True)
class Suggestion:
    a: str
    b: str
    score: float


@dataclass(frozen=True)
class Forbidden:
    a: str
    b: str


@dataclass(frozen=True)
class Locked:
    a: str
    b: str
    slot: str
    table: str | None = None


@dataclass(frozen=True)
class Options:
    min_meetings: int = 0


@dataclass(frozen=True)
class Problem:
    slots: tuple[Slot, ...]
    tables: tuple[Table, ...]
    participants: tuple[Participant, ...]
    requests: tuple[Request, ...] = ()
    suggestions: tuple[Suggestion, ...] = ()
    forbidden: tuple[Forbidden, ...] = ()
    locked: tuple[Locked, ...] = ()
    options: Options = field(default_factory=Options)
    timezone: str = "Europe/Brussels"


@dataclass(frozen=True)
class Meeting:
    a: str
    b: str
    slot: str
    table: str


@dataclass(frozen=True)
class Unscheduled:
    a: str
    b: str
    reason: str


@dataclass(frozen=True)
class Stats:
    status: str = "feasible"  #: "optimal" or "feasible"
    value: float = 0.0
    upper_bound: float = 0.0
    meetings: int = 0
    participants_without_meeting: int = 0
    breaks: int = 0
    idle_slots: int = 0
    solve_seconds: float = 0.0
    moved: int = 0


@dataclass(frozen=True)
class Schedule:
    meetings: tuple[Meeting, ...]
    unscheduled: tuple[Unscheduled, ...] = ()
    stats: Stats = field(default_factory=Stats)
