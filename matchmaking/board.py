"""A mutable booking board: who is busy when, and which tables are taken, for greedy placement."""

from __future__ import annotations

from matchmaking.rules import FREE, Index, Pair

#: A placement: slot index and table option (FREE or a table index).
Placement = tuple[int, int]


class Board:
    """Track participants' busy slots, meeting counts and table use while placing meetings."""

    def __init__(self, index: Index):
        self.index = index
        self.busy: list[dict[int, tuple[int, int]]] = [{} for _ in range(index.n)]
        self.free_used = [0] * index.num_slots
        self.fixed_used: set[tuple[int, int]] = set()  # (table, slot)
        #: pair key -> (slot, table option); locked meetings with a free table keep their table.
        self.placed: dict[tuple[int, int], Placement] = {}
        #: Per slot, the keys of the pairs placed there (a dict keeps the order of booking).
        self.in_slot: list[dict[tuple[int, int], None]] = [{} for _ in range(index.num_slots)]
        self.lock_tables: dict[tuple[int, int], int] = {}
        #: Slots before this one are past: nothing new is booked there (resolve).
        self.from_slot = 0

    def table_for(self, pair: Pair, s: int) -> int | None:
        """Return a table option usable by the pair in slot s, or None if none is left."""
        for t in pair.tables:
            if t == FREE:
                if self.free_used[s] < len(self.index.free_tables):
                    return FREE
            elif (t, s) not in self.fixed_used:
                return t
        return None

    def can_meet(self, pair: Pair) -> bool:
        """Return whether both participants are below their meeting cap."""
        cap = self.index.cap
        return len(self.busy[pair.a]) < cap[pair.a] and len(self.busy[pair.b]) < cap[pair.b]

    def open_slots(self, pair: Pair) -> list[tuple[int, int]]:
        """Return (slot, table option) pairs where the pair could meet now."""
        if (pair.a, pair.b) in self.placed or not self.can_meet(pair):
            return []
        out = []
        ba, bb = self.busy[pair.a], self.busy[pair.b]
        for s in pair.slots:
            if s < self.from_slot or s in ba or s in bb:
                continue
            t = self.table_for(pair, s)
            if t is not None:
                out.append((s, t))
        return out

    def open_options(self, pair: Pair) -> list[Placement]:
        """Return every (slot, table option) still open to the pair, whatever its meeting count."""
        busy_a, busy_b = self.busy[pair.a], self.busy[pair.b]
        free_tables = len(self.index.free_tables)
        return [
            (slot, table)
            for slot in pair.slots
            if slot >= self.from_slot and slot not in busy_a and slot not in busy_b
            for table in pair.tables
            if (self.free_used[slot] < free_tables if table == FREE
                else (table, slot) not in self.fixed_used)
        ]

    def snug_spot(self, pair: Pair, spots: list[Placement]) -> Placement:
        """Return the first of the spots next to the most meetings of the pair's two people."""
        day_of = self.index.day_of
        busy_a, busy_b = self.busy[pair.a], self.busy[pair.b]

        def neighbours(spot: Placement) -> int:
            slot = spot[0]
            near = [other for other in (slot - 1, slot + 1)
                    if 0 <= other < len(day_of) and day_of[other] == day_of[slot]]
            return -sum((other in busy_a) + (other in busy_b) for other in near)

        return min(spots, key=neighbours)

    def place(self, pair: Pair, s: int, t: int) -> None:
        """Book the pair in slot s at table option t."""
        k = (pair.a, pair.b)
        self.placed[k] = (s, t)
        self.in_slot[s][k] = None
        self.busy[pair.a][s] = k
        self.busy[pair.b][s] = k
        if t == FREE:
            self.free_used[s] += 1
        else:
            self.fixed_used.add((t, s))

    def remove(self, pair: Pair) -> None:
        """Cancel the pair's booking."""
        k = (pair.a, pair.b)
        s, t = self.placed.pop(k)
        del self.in_slot[s][k]
        del self.busy[pair.a][s]
        del self.busy[pair.b][s]
        if t == FREE:
            self.free_used[s] -= 1
        else:
            self.fixed_used.discard((t, s))

    def place_locks(self) -> None:
        """Book every locked meeting as given (locks were validated on load)."""
        index = self.index
        for lk in index.problem.locked:
            k = index.key(lk.a, lk.b)
            pair = index.pairs[k]
            s = index.sid[lk.slot]
            if lk.table is not None:
                t = index.tid[lk.table]
                if t in index.free_tables:
                    self.lock_tables[k] = t
                    t = FREE
            else:
                t = pair.tables[0] if len(pair.tables) == 1 else self.table_for(pair, s)
            self.place(pair, s, t)
