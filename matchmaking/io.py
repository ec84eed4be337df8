"""Read and validate problem files, read and write schedule files."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from matchmaking.model import (
    PROBLEM_FORMAT,
    REASONS,
    SCHEDULE_FORMAT,
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
from matchmaking.rules import FREE, Index


class ProblemError(ValueError):
    """Bad input: names the file, the field and what is wrong."""

    def __init__(self, file: str, field: str, reason: str):
        self.file, self.field, self.reason = file, field, reason
        super().__init__(f"{file}: {field}: {reason}" if field else f"{file}: {reason}")


def read_json(path: str | Path) -> Any:
    """Return the parsed JSON of a file, raising ProblemError if unreadable or not JSON."""
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        reason = e.strerror if isinstance(e, OSError) and e.strerror else str(e)
        raise ProblemError(name, "", f"cannot read file: {reason}") from e
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise ProblemError(name, "", f"not valid JSON: {e.msg} at line {e.lineno}") from e


class _Reader:
    """Typed access to raw JSON that raises ProblemError naming the field."""

    def __init__(self, file: str):
        self.file = file

    def fail(self, field: str, reason: str) -> ProblemError:
        """Return the ProblemError for a field of this file."""
        return ProblemError(self.file, field, reason)

    def obj(self, value: Any, field: str) -> Mapping[str, Any]:
        """Return `value` if it is a JSON object, else fail."""
        if not isinstance(value, Mapping):
            raise self.fail(field, "expected an object")
        return value

    def list(self, parent: Mapping[str, Any], key: str, field: str, required: bool = False) -> list:
        """Return the list under `key` (empty when absent, unless required)."""
        if key not in parent or parent[key] is None:
            if required:
                raise self.fail(field, "missing")
            return []
        value = parent[key]
        if not isinstance(value, list):
            raise self.fail(field, "expected a list")
        return value

    def str(self, parent: Mapping[str, Any], key: str, field: str, required: bool = True):
        """Return the string under `key`, or None when absent and not required."""
        if key not in parent or parent[key] is None:
            if required:
                raise self.fail(field, "missing")
            return None
        value = parent[key]
        if not isinstance(value, str) or not value:
            raise self.fail(field, "expected a non-empty string")
        return value

    def int(self, parent: Mapping[str, Any], key: str, field: str):
        """Return the integer under `key`, or None when absent; booleans are refused."""
        value = parent.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(field, f"expected an integer, got {value!r}")
        return value

    def ref(self, parent: Mapping[str, Any], key: str, field: str, known, kind: str) -> str:
        """Return the id under `key` after checking it names a known object of `kind`."""
        value = self.str(parent, key, field)
        if value not in known:
            raise self.fail(field, f"unknown {kind} {value!r}")
        return value


def load_problem(source: str | Path | Mapping[str, Any], name: str | None = None) -> Problem:
    """Load and validate a problem from a file path or a parsed JSON object."""
    if isinstance(source, Mapping):
        file, raw = name or "problem", source
    else:
        file, raw = name or str(source), read_json(source)
    problem = _parse_problem(_Reader(file), raw)
    validate_locks(problem, file)
    return problem


def _parse_time(r: _Reader, value: str, field: str) -> datetime:
    try:
        return datetime.fromisoformat(value)
    except ValueError as e:
        raise r.fail(field, f"not an ISO date-time: {value!r}") from e


def _parse_problem(r: _Reader, raw: Any) -> Problem:
    raw = r.obj(raw, "(top level)")
    if "format" not in raw:
        raise r.fail("format", f"missing (expected {PROBLEM_FORMAT!r})")
    if raw["format"] != PROBLEM_FORMAT:
        raise r.fail("format", f"expected {PROBLEM_FORMAT!r}, got {raw['format']!r}")
    timezone = r.str(raw, "timezone", "timezone", required=False) or "Europe/Brussels"

    slots: list[Slot] = []
    prev_end: datetime | None = None
    for i, s in enumerate(r.list(raw, "slots", "slots", required=True)):
        f = f"slots[{i}]"
        s = r.obj(s, f)
        sid = r.str(s, "id", f + ".id")
        if any(x.id == sid for x in slots):
            raise r.fail(f + ".id", f"slot {sid!r} appears twice")
        start_s, end_s = r.str(s, "start", f + ".start"), r.str(s, "end", f + ".end")
        start, end = _parse_time(r, start_s, f + ".start"), _parse_time(r, end_s, f + ".end")
        if (start.tzinfo is None) != (end.tzinfo is None):
            raise r.fail(f + ".end", "mixes local and offset times")
        if end <= start:
            raise r.fail(f + ".end", "not after start")
        if prev_end is not None:
            try:
                overlap = start < prev_end
            except TypeError as e:
                raise r.fail(f + ".start", "mixes local and offset times") from e
            if overlap:
                raise r.fail(
                    f + ".start",
                    f"slot {sid!r} overlaps or precedes slot {slots[-1].id!r}"
                    " (slots must be in time order and not overlap)",
                )
        prev_end = end
        slots.append(Slot(sid, start_s, end_s))
    slot_ids = {s.id for s in slots}

    tables: list[Table] = []
    for i, t in enumerate(r.list(raw, "tables", "tables")):
        f = f"tables[{i}]"
        t = r.obj(t, f)
        tid = r.str(t, "id", f + ".id")
        if any(x.id == tid for x in tables):
            raise r.fail(f + ".id", f"table {tid!r} appears twice")
        tables.append(Table(tid, t.get("name") if isinstance(t.get("name"), str) else ""))
    table_ids = {t.id for t in tables}

    participants: list[Participant] = []
    seen: set[str] = set()
    for i, p in enumerate(r.list(raw, "participants", "participants", required=True)):
        f = f"participants[{i}]"
        p = r.obj(p, f)
        pid = r.str(p, "id", f + ".id")
        if pid in seen:
            raise r.fail(f + ".id", f"participant {pid!r} appears twice")
        seen.add(pid)
        langs = r.list(p, "languages", f + ".languages")
        for j, lang in enumerate(langs):
            if not isinstance(lang, str) or not lang:
                raise r.fail(f"{f}.languages[{j}]", "expected a language code")
        unavailable = r.list(p, "unavailable", f + ".unavailable")
        for j, s in enumerate(unavailable):
            if s not in slot_ids:
                raise r.fail(f"{f}.unavailable[{j}]", f"unknown slot {s!r}")
        max_meetings = r.int(p, "max_meetings", f + ".max_meetings")
        if max_meetings is not None and max_meetings < 0:
            raise r.fail(f + ".max_meetings", f"must be 0 or more, got {max_meetings}")
        table = None
        if p.get("table") is not None:
            table = r.ref(p, "table", f + ".table", table_ids, "table")
        participants.append(
            Participant(
                id=pid,
                name=p.get("name") if isinstance(p.get("name"), str) else "",
                organisation=org if isinstance(org := p.get("organisation"), str) else "",
                languages=tuple(x.lower() for x in langs),
                unavailable=frozenset(unavailable),
                max_meetings=max_meetings,
                table=table,
            )
        )

    requests: list[Request] = []
    directions: set[tuple[str, str]] = set()
    for i, q in enumerate(r.list(raw, "requests", "requests")):
        f = f"requests[{i}]"
        q = r.obj(q, f)
        a = r.ref(q, "from", f + ".from", seen, "participant")
        b = r.ref(q, "to", f + ".to", seen, "participant")
        if a == b:
            raise r.fail(f + ".to", f"request from {a!r} to itself")
        if (a, b) in directions:
            raise r.fail(f, f"second request from {a!r} to {b!r}")
        directions.add((a, b))
        priority = r.int(q, "priority", f + ".priority")
        if priority is None or not 1 <= priority <= 3:
            raise r.fail(f + ".priority", f"must be 1, 2 or 3, got {q.get('priority')!r}")
        rslots = None
        if q.get("slots") is not None:
            rslots = r.list(q, "slots", f + ".slots")
            for j, s in enumerate(rslots):
                if s not in slot_ids:
                    raise r.fail(f"{f}.slots[{j}]", f"unknown slot {s!r}")
            rslots = tuple(rslots)
        interpreter = q.get("interpreter", False)
        if not isinstance(interpreter, bool):
            raise r.fail(f + ".interpreter", f"expected true or false, got {interpreter!r}")
        requests.append(Request(a, b, priority, rslots, interpreter))

    suggestions: list[Suggestion] = []
    pairs: set[frozenset[str]] = set()
    for i, g in enumerate(r.list(raw, "suggestions", "suggestions")):
        f = f"suggestions[{i}]"
        g = r.obj(g, f)
        a = r.ref(g, "a", f + ".a", seen, "participant")
        b = r.ref(g, "b", f + ".b", seen, "participant")
        if a == b:
            raise r.fail(f + ".b", f"suggestion of {a!r} with itself")
        if frozenset((a, b)) in pairs:
            raise r.fail(f, f"second suggestion for {a!r} and {b!r}")
        pairs.add(frozenset((a, b)))
        score = g.get("score")
        number = isinstance(score, int | float) and not isinstance(score, bool)
        if not number or not math.isfinite(score):
            raise r.fail(f + ".score", f"expected a number, got {score!r}")
        if not 0 < score <= 1:
            raise r.fail(f + ".score", f"must be in (0, 1], got {score!r}")
        if abs(score * 100 - round(score * 100)) > 1e-6:
            raise r.fail(f + ".score", f"at most two decimals, got {score!r}")
        suggestions.append(Suggestion(a, b, float(score)))

    forbidden: list[Forbidden] = []
    for i, g in enumerate(r.list(raw, "forbidden", "forbidden")):
        f = f"forbidden[{i}]"
        g = r.obj(g, f)
        a = r.ref(g, "a", f + ".a", seen, "participant")
        b = r.ref(g, "b", f + ".b", seen, "participant")
        if a == b:
            raise r.fail(f + ".b", f"forbidden pair of {a!r} with itself")
        forbidden.append(Forbidden(a, b))

    locked: list[Locked] = []
    for i, g in enumerate(r.list(raw, "locked", "locked")):
        f = f"locked[{i}]"
        g = r.obj(g, f)
        a = r.ref(g, "a", f + ".a", seen, "participant")
        b = r.ref(g, "b", f + ".b", seen, "participant")
        slot = r.ref(g, "slot", f + ".slot", slot_ids, "slot")
        table = None
        if g.get("table") is not None:
            table = r.ref(g, "table", f + ".table", table_ids, "table")
        locked.append(Locked(a, b, slot, table))

    options = r.obj(raw.get("options") or {}, "options")
    min_meetings = r.int(options, "min_meetings", "options.min_meetings") or 0
    if min_meetings < 0:
        raise r.fail("options.min_meetings", f"must be 0 or more, got {min_meetings}")

    return Problem(
        slots=tuple(slots),
        tables=tuple(tables),
        participants=tuple(participants),
        requests=tuple(requests),
        suggestions=tuple(suggestions),
        forbidden=tuple(forbidden),
        locked=tuple(locked),
        options=Options(min_meetings=min_meetings),
        timezone=timezone,
    )


def lock_violations(index: Index) -> list[tuple[int, str]]:
    """Return (position in locked, reason) for each locked meeting that breaks a hard rule."""
    problem = index.problem
    out: list[tuple[int, str]] = []
    busy: dict[tuple[int, int], int] = {}
    seen_pair: dict[tuple[int, int], int] = {}
    at_table: dict[tuple[int, int], int] = {}
    free_used: dict[int, int] = {}
    count = [0] * index.n
    for i, lk in enumerate(problem.locked):
        who = f"{lk.a} and {lk.b} in {lk.slot}"
        if lk.a == lk.b:
            out.append((i, f"{lk.a} cannot meet itself"))
            continue
        k = index.key(lk.a, lk.b)
        s = index.sid[lk.slot]
        pair = index.pairs.get(k)
        if pair is None:
            out.append((i, f"{lk.a} and {lk.b} have no request or suggestion"))
            continue
        if pair.reason == "forbidden":
            out.append((i, f"{lk.a} and {lk.b} are a forbidden pair"))
            continue
        if pair.reason == "language":
            out.append((i, f"{lk.a} and {lk.b} share no language"))
            continue
        if s not in pair.slots:
            out.append((i, f"{who}: a participant is unavailable or the request excludes the slot"))
            continue
        if k in seen_pair:
            out.append((i, f"{lk.a} and {lk.b} are locked twice (see locked[{seen_pair[k]}])"))
            continue
        table = None if lk.table is None else index.tid[lk.table]
        if table is not None:
            ok = table in pair.tables or (FREE in pair.tables and table in index.free_tables)
            if not ok:
                out.append((i, f"{who}: table {lk.table} breaks the fixed stands rule"))
                continue
        elif pair.tables != (FREE,) and len(pair.tables) == 1:
            table = pair.tables[0]
        clash = next((busy[(p, s)] for p in k if (p, s) in busy), None)
        if clash is not None:
            out.append((i, f"{who}: a participant is already locked then (locked[{clash}])"))
            continue
        if table is not None and (table, s) in at_table:
            out.append((i, f"{who}: table already locked then (locked[{at_table[(table, s)]}])"))
            continue
        if pair.tables == (FREE,) and lk.table is None or table in index.free_tables:
            if free_used.get(s, 0) + 1 > len(index.free_tables):
                out.append((i, f"{who}: more locked meetings than free tables in the slot"))
                continue
            free_used[s] = free_used.get(s, 0) + 1
        over = [problem.participants[p].id for p in k if count[p] + 1 > index.cap[p]]
        if over:
            out.append((i, f"{who}: exceeds max_meetings of {over[0]}"))
            continue
        for p in k:
            busy[(p, s)] = i
            count[p] += 1
        seen_pair[k] = i
        if table is not None:
            at_table[(table, s)] = i
    return out


def validate_locks(problem: Problem, file: str = "problem") -> None:
    """Raise ProblemError naming the first locked meeting that breaks a hard rule."""
    if not problem.locked:
        return
    bad = lock_violations(Index(problem))
    if bad:
        i, reason = bad[0]
        more = f" ({len(bad) - 1} more invalid locked meetings)" if len(bad) > 1 else ""
        raise ProblemError(file, f"locked[{i}]", f"invalid locked meeting: {reason}{more}")


def schedule_to_dict(schedule: Schedule) -> dict[str, Any]:
    """Return the b2b-schedule/1 JSON object of a schedule."""
    st = schedule.stats
    return {
        "format": SCHEDULE_FORMAT,
        "meetings": [{"a": m.a, "b": m.b, "slot": m.slot, "table": m.table}
                     for m in schedule.meetings],
        "unscheduled": [{"a": u.a, "b": u.b, "reason": u.reason} for u in schedule.unscheduled],
        "stats": {
            "status": st.status,
            "value": round(st.value, 2),
            "upper_bound": round(st.upper_bound, 2),
            "meetings": st.meetings,
            "participants_without_meeting": st.participants_without_meeting,
            "breaks": st.breaks,
            "idle_slots": st.idle_slots,
            "solve_seconds": round(st.solve_seconds, 2),
            "moved": st.moved,
            "hit_wall_clock_limit": st.hit_wall_clock_limit,
            "breaks_lower_bound": st.breaks_lower_bound,
        },
    }


def dump_schedule(schedule: Schedule, path: str | Path | None = None) -> str:
    """Return a schedule as b2b-schedule/1 JSON text, also writing it to path if given."""
    text = json.dumps(schedule_to_dict(schedule), indent=1, ensure_ascii=False) + "\n"
    if path is not None:
        Path(path).write_text(text, encoding="utf-8")
    return text


def load_schedule(source: str | Path | Mapping[str, Any], name: str | None = None) -> Schedule:
    """Load a schedule from a file path or a parsed JSON object, checking only its shape."""
    if isinstance(source, Mapping):
        file, raw = name or "schedule", source
    else:
        file, raw = name or str(source), read_json(source)
    r = _Reader(file)
    raw = r.obj(raw, "(top level)")
    if raw.get("format") != SCHEDULE_FORMAT:
        got = "missing" if "format" not in raw else f"got {raw['format']!r}"
        raise r.fail("format", f"expected {SCHEDULE_FORMAT!r}, {got}")
    meetings = []
    for i, m in enumerate(r.list(raw, "meetings", "meetings", required=True)):
        f = f"meetings[{i}]"
        m = r.obj(m, f)
        meetings.append(
            Meeting(r.str(m, "a", f + ".a"), r.str(m, "b", f + ".b"),
                    r.str(m, "slot", f + ".slot"), r.str(m, "table", f + ".table"))
        )
    unscheduled = []
    for i, u in enumerate(r.list(raw, "unscheduled", "unscheduled")):
        f = f"unscheduled[{i}]"
        u = r.obj(u, f)
        reason = r.str(u, "reason", f + ".reason")
        if reason not in REASONS:
            raise r.fail(f + ".reason", f"unknown reason {reason!r}")
        unscheduled.append(Unscheduled(r.str(u, "a", f + ".a"), r.str(u, "b", f + ".b"), reason))
    st = r.obj(raw.get("stats") or {}, "stats")
    values: dict[str, Any] = {}
    for key in ("value", "upper_bound", "solve_seconds"):
        v = st.get(key, 0.0)
        if isinstance(v, bool) or not isinstance(v, int | float):
            raise r.fail(f"stats.{key}", f"expected a number, got {v!r}")
        values[key] = float(v)
    for key in ("meetings", "participants_without_meeting", "breaks", "idle_slots", "moved",
                "breaks_lower_bound"):
        v = r.int(st, key, f"stats.{key}")
        values[key] = 0 if v is None else v
    hit_wall = st.get("hit_wall_clock_limit", False)
    if not isinstance(hit_wall, bool):
        raise r.fail("stats.hit_wall_clock_limit", f"expected true or false, got {hit_wall!r}")
    values["hit_wall_clock_limit"] = hit_wall
    status = st.get("status", "feasible")
    if status not in ("optimal", "feasible"):
        raise r.fail("stats.status", f"expected 'optimal' or 'feasible', got {status!r}")
    return Schedule(tuple(meetings), tuple(unscheduled), Stats(status=status, **values))
