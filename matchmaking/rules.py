"""Index a problem: which pairs may meet, when, at which tables, and for what value."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from matchmaking.model import Problem

#: Values are stored as integers in hundredths: scores have two decimals.
VALUE_SCALE = 100

#: Table option meaning "any table nobody owns".
FREE = -1

#: Where meetings are: pair key (a, b) -> (slot index, table option).
Placements = dict[tuple[int, int], tuple[int, int]]


@dataclass(frozen=True)
class Pair:
    """A pair with a request (either way) or a suggestion, participants by index, a < b."""

    a: int
    b: int
    value: int  #: hundredths
    requested: bool
    slots: tuple[int, ...]  #: slot indices both can attend that the requests allow
    tables: tuple[int, ...]  #: FREE, or the fixed table indices the pair may use
    reason: str | None  #: forbidden, language or no_common_slot when the pair can never meet


def scaled_score(score: float) -> int:
    """Return a suggestion score in hundredths."""
    return round(score * VALUE_SCALE)


class Index:
    """Integer view of a problem shared by the solver, the bound, the baselines and the checker."""

    def __init__(self, problem: Problem):
        self.problem = problem
        self.pid = {p.id: i for i, p in enumerate(problem.participants)}
        self.sid = {s.id: i for i, s in enumerate(problem.slots)}
        self.tid = {t.id: i for i, t in enumerate(problem.tables)}
        self.n = len(problem.participants)
        self.num_slots = len(problem.slots)
        days: dict[str, int] = {}
        self.day_of = [days.setdefault(s.day, len(days)) for s in problem.slots]
        self.day_slots: list[list[int]] = [[] for _ in days]
        for s, d in enumerate(self.day_of):
            self.day_slots[d].append(s)
        self.avail = [
            frozenset(s for s in range(self.num_slots) if problem.slots[s].id not in p.unavailable)
            for p in problem.participants
        ]
        self.cap = [
            min(
                self.num_slots if p.max_meetings is None else p.max_meetings,
                len(self.avail[i]),
            )
            for i, p in enumerate(problem.participants)
        ]
        self.table_of = [
            None if p.table is None else self.tid[p.table] for p in problem.participants
        ]
        owned = {t for t in self.table_of if t is not None}
        self.free_tables = [t for t in range(len(problem.tables)) if t not in owned]
        self.has_request = [False] * self.n
        self.pairs: dict[tuple[int, int], Pair] = {}
        self._build_pairs()
        self.candidates = [p for p in self.pairs.values() if p.reason is None]

    def key(self, a: str, b: str) -> tuple[int, int]:
        """Return the ordered index pair of two participant ids."""
        i, j = self.pid[a], self.pid[b]
        return (i, j) if i < j else (j, i)

    def table_options(self, a: int, b: int) -> tuple[int, ...]:
        """Return the tables a meeting of a and b may use (rule 5)."""
        ta, tb = self.table_of[a], self.table_of[b]
        if ta is None and tb is None:
            return (FREE,)
        if ta is None or tb is None or ta == tb:
            return (ta if tb is None else tb,)
        return (ta, tb)

    def _build_pairs(self) -> None:
        problem = self.problem
        value: dict[tuple[int, int], int] = {}
        restrict: dict[tuple[int, int], frozenset[int]] = {}
        interpreted: set[tuple[int, int]] = set()
        for r in problem.requests:
            k = self.key(r.frm, r.to)
            if r.interpreter:
                interpreted.add(k)
            self.has_request[k[0]] = self.has_request[k[1]] = True
            value[k] = value.get(k, 0) + r.priority * VALUE_SCALE
            if r.slots is not None:
                allowed = frozenset(self.sid[s] for s in r.slots)
                # Both directions list slots: the meeting must fit both lists.
                restrict[k] = restrict[k] & allowed if k in restrict else allowed
        requested = set(value)
        for sg in problem.suggestions:
            k = self.key(sg.a, sg.b)
            if k not in requested:
                value[k] = scaled_score(sg.score)
        forbidden = {self.key(f.a, f.b) for f in problem.forbidden}
        for (a, b), v in value.items():
            pa, pb = problem.participants[a], problem.participants[b]
            slots = self.avail[a] & self.avail[b]
            if (a, b) in restrict:
                slots &= restrict[(a, b)]
            reason = None
            if (a, b) in forbidden:
                reason = "forbidden"
            elif ((a, b) not in interpreted and pa.languages and pb.languages
                  and not set(pa.languages) & set(pb.languages)):
                reason = "language"
            elif not slots:
                reason = "no_common_slot"
            self.pairs[(a, b)] = Pair(
                a, b, v, (a, b) in requested, tuple(sorted(slots)), self.table_options(a, b), reason
            )


def value_of(index: Index, keys: Iterable[tuple[int, int]]) -> int:
    """Return the summed value (hundredths) of the pairs with these keys."""
    return sum(index.pairs[key].value for key in keys)


def busy_slots(index: Index, placed: dict[tuple[int, int], tuple[int, int]]) -> list[set[int]]:
    """Return each participant's busy slots, given placements (pair -> slot, table option)."""
    busy: list[set[int]] = [set() for _ in range(index.n)]
    for (a, b), (s, _) in placed.items():
        busy[a].add(s)
        busy[b].add(s)
    return busy


def count_breaks(index: Index, busy_slots: list[set[int]]) -> tuple[int, int]:
    """Return (breaks, idle slots) summed over participants, given each one's busy slots."""
    breaks = idle = 0
    for busy in busy_slots:
        if len(busy) < 2:
            continue
        for day in index.day_slots:
            # Positions in the slot list, not clock time: a lunch pause is no break.
            pos = [i for i, s in enumerate(day) if s in busy]
            for x, y in zip(pos, pos[1:], strict=False):
                if y - x > 1:
                    breaks += 1
                    idle += y - x - 1
    return breaks, idle
