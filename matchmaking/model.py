"""Frozen dataclasses for B2B problems and schedules (format b2b-problem/1, b2b-schedule/1)."""

from __future__ import annotations

from dataclasses import dataclass, field

PROBLEM_FORMAT = "b2b-problem/1"
SCHEDULE_FORMAT = "b2b-schedule/1"

#: Reason codes of `Unscheduled.reason`, in the order they are tried.
REASONS = ("forbidden", "language", "no_common_slot", "capacity", "not_chosen")


@dataclass(frozen=True)
class Slot:
    """A time slot; the list of slots is in time order."""

    id: str
    start: str  #: local ISO time "2027-05-20T14:00" in the problem's timezone
    end: str

    @property
    def day(self) -> str:
        """Return the calendar day of the slot, used to count breaks per day."""
        return self.start[:10]


@dataclass(frozen=True)
class Table:
    """A meeting table."""

    id: str
    name: str = ""


@dataclass(frozen=True)
class Participant:
    """A person who can meet, with availability, languages, a cap and a fixed stand."""

    id: str
    name: str = ""
    organisation: str = ""
    languages: tuple[str, ...] = ()  #: empty means any language
    unavailable: frozenset[str] = frozenset()
    max_meetings: int | None = None  #: None means the number of slots
    table: str | None = None  #: a fixed stand


@dataclass(frozen=True)
class Request:
    """A wish of `frm` to meet `to`: priority 1 could, 2 should, 3 must."""

    frm: str
    to: str
    priority: int
    slots: tuple[str, ...] | None = None  #: None means any slot
    #: An interpreter attends: the pair meets even without a shared language.
    interpreter: bool = False


@dataclass(frozen=True)
class Suggestion:
    """A pair proposed by the matchmaking, worth its score when no request links it."""

    a: str
    b: str
    score: float


@dataclass(frozen=True)
class Forbidden:
    """A pair that must never meet."""

    a: str
    b: str


@dataclass(frozen=True)
class Locked:
    """A meeting the organiser fixed: pair, slot, and table when given."""

    a: str
    b: str
    slot: str
    table: str | None = None


@dataclass(frozen=True)
class Options:
    """Solver options of the problem file."""

    min_meetings: int = 0


@dataclass(frozen=True)
class Problem:
    """Everything the scheduler needs, as read from a b2b-problem/1 file."""

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
    """One scheduled meeting."""

    a: str
    b: str
    slot: str
    table: str


@dataclass(frozen=True)
class Unscheduled:
    """A requested pair without a meeting, with the reason code."""

    a: str
    b: str
    reason: str


@dataclass(frozen=True)
class Stats:
    """Figures of a schedule as reported in its file."""

    status: str = "feasible"  #: "optimal" or "feasible"
    value: float = 0.0
    upper_bound: float = 0.0
    meetings: int = 0
    participants_without_meeting: int = 0
    breaks: int = 0
    idle_slots: int = 0
    solve_seconds: float = 0.0
    moved: int = 0
    #: Whether the time limit stopped the search before its deterministic work budget was
    #: spent: the same problem and seed may then give another schedule on a quieter machine.
    hit_wall_clock_limit: bool = False
    #: A proven lower bound on the breaks of any schedule of the same meetings (locked and past
    #: ones where they are): how far from compact the schedule can be at most.
    breaks_lower_bound: int = 0


@dataclass(frozen=True)
class Schedule:
    """Meetings, unscheduled requests and stats, as in a b2b-schedule/1 file."""

    meetings: tuple[Meeting, ...]
    unscheduled: tuple[Unscheduled, ...] = ()
    stats: Stats = field(default_factory=Stats)
