"""Small problem factories and a brute-force optimum for tiny instances."""

from __future__ import annotations

import copy
from typing import Any

from matchmaking.check import measure, rule_violations
from matchmaking.model import Meeting, Problem


def make_slots(count: int, day: str = "2027-05-20", first_hour: int = 9) -> list[dict]:
    """Return `count` consecutive 20-minute slots S01.. on one day."""
    out = []
    for i in range(count):
        minutes = first_hour * 60 + 20 * i
        start = f"{day}T{minutes // 60:02d}:{minutes % 60:02d}"
        end = f"{day}T{(minutes + 20) // 60:02d}:{(minutes + 20) % 60:02d}"
        out.append({"id": f"S{i + 1:02d}", "start": start, "end": end})
    return out


def make_problem(people: int = 4, slots: int | list = 3, tables: int = 2, **extra: Any) -> dict:
    """Return a problem JSON object with participants P1.. and tables T1..; extra keys added."""
    raw = {
        "format": "b2b-problem/1",
        "slots": slots if isinstance(slots, list) else make_slots(slots),
        "tables": [{"id": f"T{i + 1}"} for i in range(tables)],
        "participants": [{"id": f"P{i + 1}"} for i in range(people)],
        "requests": [],
    }
    raw.update(copy.deepcopy(extra))
    return raw


def request(a: str, b: str, priority: int = 3, **extra: Any) -> dict:
    """Return a request JSON object."""
    return {"from": a, "to": b, "priority": priority, **extra}


def _pairs(problem: Problem) -> list[tuple[str, str]]:
    seen: dict[frozenset[str], tuple[str, str]] = {}
    for r in problem.requests:
        seen.setdefault(frozenset((r.frm, r.to)), (r.frm, r.to))
    for s in problem.suggestions:
        seen.setdefault(frozenset((s.a, s.b)), (s.a, s.b))
    return list(seen.values())


def valid_schedules(problem: Problem):
    """Yield every valid list of meetings (each pair held at most once), by depth-first search."""
    pairs = _pairs(problem)
    options = [None] + [(s.id, t.id) for s in problem.slots for t in problem.tables]

    def partial_ok(meetings: list[Meeting]) -> bool:
        return not [v for v in rule_violations(problem, meetings) if not v.startswith("locked[")]

    def walk(i: int, meetings: list[Meeting]):
        if i == len(pairs):
            if not rule_violations(problem, meetings):
                yield list(meetings)
            return
        for opt in options:
            if opt is None:
                yield from walk(i + 1, meetings)
                continue
            meetings.append(Meeting(pairs[i][0], pairs[i][1], *opt))
            if partial_ok(meetings):
                yield from walk(i + 1, meetings)
            meetings.pop()

    yield from walk(0, [])


def brute_force(problem: Problem) -> tuple[int, float] | None:
    """Return the best (level 0, value) over all valid schedules, or None if none exists."""
    k = problem.options.min_meetings
    best = None
    for meetings in valid_schedules(problem):
        count: dict[str, int] = {}
        for m in meetings:
            for p in (m.a, m.b):
                count[p] = count.get(p, 0) + 1
        level0 = sum(min(c, k) for c in count.values())
        key = (level0, round(measure(problem, meetings).value, 2))
        best = key if best is None or key > best else best
    return best


def count_options(problem: Problem) -> int:
    """Return the size of the brute-force search space, to keep it small."""
    per_pair = 1 + len(problem.slots) * len(problem.tables)
    return per_pair ** len(_pairs(problem))



