"""Turn placed pairs into a Schedule: assign tables, explain unscheduled requests, add stats."""

from __future__ import annotations

from matchmaking.check import measure
from matchmaking.model import Meeting, Schedule, Stats, Unscheduled
from matchmaking.rules import FREE, Index, Placements


def assign_tables(
    index: Index,
    placed: Placements,
    lock_tables: dict[tuple[int, int], int],
    prefer: dict[tuple[int, int], int] | None = None,
) -> dict[tuple[int, int], int]:
    """Give each meeting on a free table a concrete table, keeping people at one table."""
    by_slot: dict[int, list[tuple[int, int]]] = {}
    table: dict[tuple[int, int], int] = {}
    for k, (s, t) in placed.items():
        if t != FREE:
            table[k] = t
        elif k in lock_tables:
            table[k] = lock_tables[k]
        else:
            by_slot.setdefault(s, []).append(k)
    taken: dict[int, set[int]] = {}
    for k, t in table.items():
        taken.setdefault(placed[k][0], set()).add(t)
    home: dict[int, int] = {}  # participant -> the free table they sat at last
    for s in sorted(by_slot):
        used = taken.setdefault(s, set())
        waiting = []
        # Meetings that keep their previous table (resolve) choose first.
        order = sorted(by_slot[s], key=lambda k: (prefer is None or k not in prefer, k))
        for k in order:
            t = prefer.get(k) if prefer else None
            if t is not None and t in used:
                t = None
            if t is None:
                t = next((home[p] for p in k if p in home and home[p] not in used), None)
            if t is None:
                waiting.append(k)
            else:
                table[k] = t
                used.add(t)
        spare = [t for t in index.free_tables if t not in used]
        # Prefer tables that are nobody's home so others keep theirs later on.
        homes = set(home.values())
        spare.sort(key=lambda t: t in homes)
        if len(spare) < len(waiting):
            raise RuntimeError(f"slot {s}: more meetings than free tables")
        for k, t in zip(waiting, spare, strict=False):
            table[k] = t
        for k in by_slot[s]:
            for p in k:
                home[p] = table[k]
    return table


def explain_unscheduled(index: Index, placed: Placements) -> list[Unscheduled]:
    """Return a reason code for every requested pair without a meeting."""
    busy: list[set[int]] = [set() for _ in range(index.n)]
    free_used = [0] * index.num_slots
    fixed_used: set[tuple[int, int]] = set()
    for (a, b), (s, t) in placed.items():
        busy[a].add(s)
        busy[b].add(s)
        if t == FREE:
            free_used[s] += 1
        else:
            fixed_used.add((t, s))
    out = []
    ids = [p.id for p in index.problem.participants]
    for k in sorted(index.pairs):
        pair = index.pairs[k]
        if not pair.requested or k in placed:
            continue
        reason = pair.reason
        if reason is None:
            a, b = k
            if len(busy[a]) >= index.cap[a] or len(busy[b]) >= index.cap[b]:
                reason = "capacity"
            else:
                common = [s for s in pair.slots if s not in busy[a] and s not in busy[b]]
                nfree = len(index.free_tables)
                tables_full = all(
                    all(free_used[s] >= nfree if t == FREE else (t, s) in fixed_used
                        for t in pair.tables)
                    for s in common
                )
                # Both free at some slot yet every table taken there: tables ran out.
                reason = "capacity" if common and tables_full else "not_chosen"
        out.append(Unscheduled(ids[k[0]], ids[k[1]], reason))
    return out


def build_schedule(
    index: Index,
    placed: Placements,
    lock_tables: dict[tuple[int, int], int],
    *,
    upper_bound: float,
    status: str = "feasible",
    seconds: float = 0.0,
    moved: int = 0,
    prefer: dict[tuple[int, int], int] | None = None,
    hit_wall_clock_limit: bool = False,
    breaks_lower_bound: int = 0,
) -> Schedule:
    """Return the Schedule of placed pairs with tables, unscheduled reasons and stats."""
    problem = index.problem
    tables = assign_tables(index, placed, lock_tables, prefer)
    ids = [p.id for p in problem.participants]
    meetings = tuple(
        Meeting(ids[k[0]], ids[k[1]], problem.slots[s].id, problem.tables[tables[k]].id)
        for k, (s, _) in sorted(placed.items(), key=lambda kv: (kv[1][0], tables[kv[0]]))
    )
    got = measure(problem, meetings, index)
    stats = Stats(
        status=status,
        value=got.value,
        upper_bound=max(upper_bound, got.value),
        meetings=got.meetings,
        participants_without_meeting=got.participants_without_meeting,
        breaks=got.breaks,
        idle_slots=got.idle_slots,
        solve_seconds=seconds,
        moved=moved,
        hit_wall_clock_limit=hit_wall_clock_limit,
        breaks_lower_bound=breaks_lower_bound,
    )
    return Schedule(meetings, tuple(explain_unscheduled(index, placed)), stats)
