"""Validate any schedule against the hard rules and recompute its stats."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from matchmaking.model import Meeting, Problem, Schedule
from matchmaking.rules import FREE, VALUE_SCALE, Index, count_breaks

#: Values are compared with this tolerance (scores have two decimals).
VALUE_TOLERANCE = 0.005


@dataclass(frozen=True)
class Measures:
    """The figures of a schedule that `stats` reports and `check` compares."""

    value: float
    meetings: int
    participants_without_meeting: int
    breaks: int
    idle_slots: int


def measure(problem: Problem, meetings: Iterable[Meeting], index: Index | None = None) -> Measures:
    """Recompute value, meetings, participants without meeting, breaks and idle slots."""
    index = index or Index(problem)
    busy: list[set[int]] = [set() for _ in range(index.n)]
    value = count = 0
    for m in meetings:
        if m.a not in index.pid or m.b not in index.pid or m.slot not in index.sid:
            continue
        count += 1
        pair = index.pairs.get(index.key(m.a, m.b))
        if pair is not None:
            value += pair.value
        for p in (m.a, m.b):
            busy[index.pid[p]].add(index.sid[m.slot])
    without = sum(1 for p in range(index.n) if index.has_request[p] and not busy[p])
    breaks, idle = count_breaks(index, busy)
    return Measures(value / VALUE_SCALE, count, without, breaks, idle)


def rule_violations(problem: Problem, meetings: Iterable[Meeting], index: Index | None = None):
    """Return one line per broken hard rule (rules 1 to 7)."""
    index = index or Index(problem)
    out: list[str] = []
    pairs_seen: set[tuple[int, int]] = set()
    busy: dict[tuple[int, int], Meeting] = {}
    tables: dict[tuple[int, int], Meeting] = {}
    count = [0] * index.n
    for m in meetings:
        where = f"meeting {m.a}-{m.b} in {m.slot} at {m.table}"
        unknown = [x for x in (m.a, m.b) if x not in index.pid]
        if unknown:
            out.append(f"{where}: unknown participant {unknown[0]!r}")
            continue
        if m.slot not in index.sid:
            out.append(f"{where}: unknown slot {m.slot!r}")
            continue
        if m.table not in index.tid:
            out.append(f"{where}: unknown table {m.table!r}")
            continue
        if m.a == m.b:
            out.append(f"{where}: a participant cannot meet itself")
            continue
        k = index.key(m.a, m.b)
        s, t = index.sid[m.slot], index.tid[m.table]
        if k in pairs_seen:
            out.append(f"{where}: the pair meets more than once")
        pairs_seen.add(k)
        pair = index.pairs.get(k)
        if pair is None:
            out.append(f"{where}: no request or suggestion for this pair")
        elif pair.reason == "forbidden":
            out.append(f"{where}: forbidden pair")
        elif pair.reason == "language":
            out.append(f"{where}: no shared language")
        elif s not in pair.slots:
            out.append(f"{where}: a participant is unavailable or the request excludes the slot")
        options = index.table_options(*k)
        if not (t in options or (FREE in options and t in index.free_tables)):
            out.append(f"{where}: breaks the fixed stands rule")
        for p in k:
            pid = index.problem.participants[p].id
            if (p, s) in busy:
                out.append(f"{where}: {pid} already meets in {m.slot}")
            busy[(p, s)] = m
            count[p] += 1
        if (t, s) in tables:
            out.append(f"{where}: table {m.table} already hosts a meeting in {m.slot}")
        tables[(t, s)] = m
    for p, c in enumerate(count):
        part = problem.participants[p]
        if part.max_meetings is not None and c > part.max_meetings:
            out.append(f"participant {part.id}: {c} meetings, max_meetings is {part.max_meetings}")
    held = {(index.key(m.a, m.b), m.slot, m.table) for m in meetings
            if m.a in index.pid and m.b in index.pid and m.a != m.b}
    held_no_table = {(k, s) for k, s, _ in held}
    for i, lk in enumerate(problem.locked):
        k = index.key(lk.a, lk.b)
        ok = (k, lk.slot, lk.table) in held if lk.table else (k, lk.slot) in held_no_table
        if not ok:
            at = f" at {lk.table}" if lk.table else ""
            out.append(f"locked[{i}]: {lk.a}-{lk.b} in {lk.slot}{at} is missing")
    return out


def check(problem: Problem, schedule: Schedule) -> list[str]:
    """Return one line per broken hard rule and per stat that disagrees with a recompute."""
    index = Index(problem)
    out = rule_violations(problem, schedule.meetings, index)
    got = measure(problem, schedule.meetings, index)
    st = schedule.stats
    if abs(st.value - got.value) > VALUE_TOLERANCE:
        out.append(f"stats.value: file says {st.value:g}, recomputed {got.value:g}")
    for key in ("meetings", "participants_without_meeting", "breaks", "idle_slots"):
        mine, theirs = getattr(got, key), getattr(st, key)
        if mine != theirs:
            out.append(f"stats.{key}: file says {theirs}, recomputed {mine}")
    return out
