"""The window model: meetings in slots, and who keeps to one unbroken run of meetings.

A participant without a break who meets on one day is busy in exactly one *window*: a run of
consecutive slots as long as their meetings. The model here keeps the meetings' slot booleans,
the busy literals and the implied constraints IC1/IC2 of the placement model, and adds per
participant the window literals and a literal `ok` (one window, so no break). The search over it
is in ``matchmaking.windows``; `forced_breaks` looks at each participant's windows alone.
"""

from __future__ import annotations

from collections import defaultdict

from ortools.sat.python import cp_model

from matchmaking.rules import FREE, Index, Placements


class Rows:
    """The slot (and table) booleans of the movable meetings, around the meetings that stay."""

    def __init__(self, m: cp_model.CpModel, index: Index, placed: Placements,
                 movable: set[tuple[int, int]], from_slot: int,
                 within: tuple[int, int] | None = None):
        pairs = index.pairs
        self.stay_busy: dict[tuple[int, int], int] = {}
        free_used = [0] * index.num_slots
        fixed_used: set[tuple[int, int]] = set()
        for k, (s, t) in placed.items():
            if k in movable:
                continue
            self.stay_busy[(k[0], s)] = self.stay_busy[(k[1], s)] = 1
            if t == FREE:
                free_used[s] += 1
            else:
                fixed_used.add((t, s))
        nfree = len(index.free_tables)
        self.x: dict[tuple[int, int], list[tuple[int, int, cp_model.IntVar]]] = {}
        #: The movable meetings' booleans per (participant, slot).
        self.ps: dict[tuple[int, int], list] = defaultdict(list)
        free_s: dict[int, list] = defaultdict(list)
        fixed_ts: dict[tuple[int, int], list] = defaultdict(list)
        self.people: set[int] = set()
        #: Movable meetings per participant.
        self.deg: dict[int, int] = defaultdict(int)
        for k in sorted(movable):
            pair = pairs[k]
            row = []
            for s in pair.slots:
                if s < from_slot or (pair.a, s) in self.stay_busy or (pair.b, s) in self.stay_busy:
                    continue
                if within is not None and not within[0] <= s <= within[1]:
                    continue
                for t in pair.tables:
                    if t == FREE and free_used[s] >= nfree:
                        continue
                    if t != FREE and (t, s) in fixed_used:
                        continue
                    v = m.new_bool_var("")
                    row.append((s, t, v))
                    self.ps[(pair.a, s)].append(v)
                    self.ps[(pair.b, s)].append(v)
                    (free_s[s] if t == FREE else fixed_ts[(t, s)]).append(v)
            m.add_exactly_one(v for _, _, v in row)
            self.x[k] = row
            self.people.update(k)
            self.deg[k[0]] += 1
            self.deg[k[1]] += 1
        for s, vs in free_s.items():
            room = nfree - free_used[s]
            if len(vs) > room:
                m.add(sum(vs) <= room)
        for vs in fixed_ts.values():
            if len(vs) > 1:
                m.add_at_most_one(vs)
        #: Meetings per slot that stay, and the room every slot has, for IC2.
        owned = len(index.problem.tables) - nfree
        self.room = [
            nfree - free_used[s] + owned - sum(1 for _, s2 in fixed_used if s2 == s)
            for s in range(index.num_slots)
        ]

    def busy_view(self, m: cp_model.CpModel, index: Index):
        """Return the busy literal of each participant and slot (0, 1 or a literal), and the
        new literals as (literal, participant, slot); add the implied constraints IC1 and IC2."""
        u: dict[tuple[int, int], object] = {}
        aux: list[tuple[cp_model.IntVar, int, int]] = []
        busy_in_slot: dict[int, list] = defaultdict(list)
        for p in self.people:
            mine = []
            for s in range(index.num_slots):
                vs = self.ps.get((p, s), [])
                if (p, s) in self.stay_busy:
                    u[(p, s)] = 1
                    continue
                if not vs:
                    u[(p, s)] = 0
                    continue
                if len(vs) == 1:
                    u[(p, s)] = vs[0]
                else:
                    b = m.new_bool_var("")
                    m.add(sum(vs) == b)
                    u[(p, s)] = b
                    aux.append((b, p, s))
                mine.append(u[(p, s)])
                busy_in_slot[s].append(u[(p, s)])
            # IC1: as many busy slots as movable meetings.
            m.add(sum(mine) == self.deg[p])
        # IC2: two busy people per meeting in each slot.
        # Measured: the equality "busy people = 2 x meetings" slows the search down a lot.
        for s, lits in busy_in_slot.items():
            if len(lits) > 2 * self.room[s]:
                m.add(sum(lits) <= 2 * self.room[s])
        return u, aux

    def windows(self, index: Index, u) -> dict[int, tuple[list[int], list[list[int]]]]:
        """Per participant who can only meet on one day and has two meetings or more, that day
        and the windows that can hold their meetings (none: a break for sure)."""
        mine: dict[int, list[set[int]]] = defaultdict(list)
        for (a, b), row in self.x.items():
            slots = {s for s, _, _ in row}
            mine[a].append(slots)
            mine[b].append(slots)
        out = {}
        for p in sorted(self.people):
            stay = {s for s in range(index.num_slots) if (p, s) in self.stay_busy}
            possible = {s for s in range(index.num_slots) if not _is_zero(u[(p, s)])}
            found = _possible_windows(index, mine[p], stay, possible)
            if found is not None:
                out[p] = found
        return out

    def read(self, solver: cp_model.CpSolver, placed: Placements) -> Placements:
        """Return the placements with the movable meetings where the solver put them."""
        out = dict(placed)
        for k, row in self.x.items():
            for s, t, v in row:
                if solver.boolean_value(v):
                    out[k] = (s, t)
                    break
        return out

    def hint(self, m: cp_model.CpModel, placed: Placements) -> None:
        """Hint the slot booleans of a complete schedule."""
        for k, row in self.x.items():
            at = placed[k]
            for s, t, v in row:
                m.add_hint(v, (s, t) == at)


def _possible_windows(index: Index, meetings: list[set[int]], stay: set[int],
                     possible: set[int]) -> tuple[list[int], list[list[int]]] | None:
    """Return the day and the windows that can hold a participant's meetings.

    None when the participant may meet on several days, or has fewer than two meetings; an empty
    list when no window can hold them (they have a break for sure).
    """
    days = {index.day_of[s] for s in possible}
    length = len(meetings) + len(stay)
    if len(days) != 1 or length < 2:
        return None
    day = index.day_slots[days.pop()]
    out = []
    for i in range(len(day) - length + 1):
        window = day[i:i + length]
        if stay <= set(window) and set(window) <= possible and _matches(
                meetings, [s for s in window if s not in stay]):
            out.append(window)
    return day, out


def _matches(meetings: list[set[int]], slots: list[int]) -> bool:
    """Return whether each meeting gets its own slot among `slots` (bipartite matching)."""
    if len(meetings) > len(slots):
        return False
    owner: dict[int, int] = {}

    def augment(i: int, seen: set[int]) -> bool:
        for s in slots:
            if s in meetings[i] and s not in seen:
                seen.add(s)
                if s not in owner or augment(owner[s], seen):
                    owner[s] = i
                    return True
        return False

    return all(augment(i, set()) for i in range(len(meetings)))


class WindowModel:
    """The satisfiability model: meetings in slots, and who keeps to one window."""

    def __init__(self, index: Index, placed: Placements, movable: set[tuple[int, int]],
                 from_slot: int):
        self.index = index
        self.m = m = cp_model.CpModel()
        self.rows = rows = Rows(m, index, placed, movable, from_slot)
        u, _ = rows.busy_view(m, index)
        #: Per participant who could keep one window: the literal saying they do.
        self.ok: dict[int, cp_model.IntVar] = {}
        #: Participants who cannot keep one window: a proven break each.
        self.forced = 0
        for p, (day, windows) in rows.windows(index, u).items():
            if windows:
                self._window(p, day, windows, u)
            else:
                self.forced += 1
        #: Per participant and day, the number of runs of meetings (a break each but the first).
        self.runs: list[cp_model.LinearExprT] = []
        for p in sorted(rows.people):
            for day in index.day_slots:
                self._runs([u[(p, s)] for s in day])

    def _window(self, p: int, day: list[int], windows: list[list[int]], u) -> None:
        m = self.m
        ok = m.new_bool_var("")
        ws = []
        for window in windows:
            w = m.new_bool_var("")
            ws.append(w)
            for s in window:
                if not isinstance(u[(p, s)], int):
                    m.add_implication(w, u[(p, s)])
        m.add(sum(ws) == ok)
        # Kept to a window, p is busy only inside it.
        for s in day:
            lit = u[(p, s)]
            if isinstance(lit, int):
                continue
            cover = [w for w, window in zip(ws, windows, strict=True) if s in window]
            m.add_bool_or([*cover, lit.Not(), ok.Not()])
        self.ok[p] = ok

    def _runs(self, lits: list) -> None:
        """Count the runs of busy slots in one day: a run starts where busy follows idle."""
        starts = []
        for i, lit in enumerate(lits):
            prev = lits[i - 1] if i > 0 else 0
            if _is_zero(lit):
                continue
            if _is_zero(prev):
                starts.append(lit)
            elif isinstance(prev, int):
                continue  # busy just before: never a start
            elif isinstance(lit, int):
                starts.append(prev.Not())
            else:
                v = self.m.new_bool_var("")
                self.m.add_bool_or([lit.Not(), prev, v])
                starts.append(v)
        if sum(1 for x in lits if not isinstance(x, int) or x) >= 2:
            self.runs.append(sum(starts))

    def out_of_window(self, solver: cp_model.CpSolver) -> set[int]:
        """Return the participants out of their window in the solver's schedule."""
        return {p for p, ok in self.ok.items() if not solver.boolean_value(ok)}

    def constrained(self, *, out_of_window: int | None = None, only: set[int] | None = None,
                    one_break: bool = False, hint: Placements | None = None) -> cp_model.CpModel:
        """Return the model with at most `out_of_window` participants out of their window (or
        only those in `only`), each with at most one break a day if `one_break`."""
        m = self.m.clone()
        if out_of_window is not None:
            m.add(sum(ok.Not() for ok in self.ok.values()) <= out_of_window)
        if only is not None:
            for p, ok in self.ok.items():
                if p not in only:
                    m.add(ok == 1)
        if one_break:
            for runs in self.runs:
                m.add(runs <= 2)
        if hint is not None:
            self.rows.hint(m, hint)
        return m


def _is_zero(lit) -> bool:
    return isinstance(lit, int) and not lit


def forced_breaks(index: Index, placed: Placements, fixed: set[tuple[int, int]],
                  from_slot: int = 0) -> int:
    """Return the participants who have a break in any placement of these meetings.

    Each participant is looked at alone: the meetings that stay (fixed ones, and those before
    `from_slot`) where they are, each other meeting anywhere in its own slots. When all of a
    participant's meetings of one day (those whose slots all lie in that day) fit in no run of
    consecutive slots as long as they are, that participant has a break that day. One break
    per participant and day at most is counted, so the sum bounds the breaks of any schedule
    of the same meetings, at every size, in a fraction of a second. A participant with a
    meeting that may take place on several days is left out (it may fill any gap).
    """
    mine: dict[tuple[int, int], list[set[int]]] = defaultdict(list)
    stay: dict[tuple[int, int], set[int]] = defaultdict(set)
    loose: set[int] = set()
    for k, (s, _) in placed.items():
        if k in fixed or s < from_slot:
            for p in k:
                stay[(p, index.day_of[s])].add(s)
            continue
        slots = {x for x in index.pairs[k].slots if x >= from_slot}
        days = {index.day_of[x] for x in slots}
        if len(days) != 1:
            # It may fill a gap of any of its days: its participants are not looked at.
            loose.update(k)
            continue
        day = days.pop()
        for p in k:
            mine[(p, day)].append(slots)
    total = 0
    for key in set(mine) | set(stay):
        p, day = key
        if p in loose:
            continue
        slots = index.day_slots[day]
        meetings, kept = mine.get(key, []), stay.get(key, set())
        length = len(meetings) + len(kept)
        if length < 2:
            continue
        fits = any(
            kept <= set(window) and _matches(meetings, [s for s in window if s not in kept])
            for window in (slots[i:i + length] for i in range(len(slots) - length + 1)))
        total += not fits
    return total
