"""Move held meetings between slots to cut breaks and idle slots (simulated annealing).

The set of meetings stays the same, so the value and who meets are untouched; only slots and
table options change, each move keeping every hard rule.
"""

from __future__ import annotations

import math
import random

from matchmaking.board import Board
from matchmaking.budget import STEPS_PER_UNIT, Budget
from matchmaking.rules import Index

#: While annealing a break weighs as much as this many idle slots; the best state kept is
#: compared on breaks first, then idle slots.
BREAK_WEIGHT = 8
#: Annealing temperatures at the start and at the end, in idle-slot units. A cool run suits
#: short runs (fewer than HOT_STEPS_PER_MEETING steps per movable meeting) and the short
#: anneal before the window search (tuned on the JAIR instances); longer runs do better hot,
#: starting where a break is accepted a third of the time. Measured from the same schedules,
#: seeds 1 and 2, breaks cool / hot: size M (693 meetings) 4 units 159 / 121; tight (300) 4
#: units 117 / 101; L (3,094) 15 units 787 / 730, 10 units 816 / 792, 6 units 835 / 856.
COOL = (3.0, 0.1)
HOT = (float(BREAK_WEIGHT), 1.0)
HOT_STEPS_PER_MEETING = 160


class _Cost:
    """Breaks and idle slots of one participant's busy slots, weighted into one number."""

    def __init__(self, index: Index):
        self.day_of = index.day_of
        self.pos = [0] * index.num_slots
        for day in index.day_slots:
            for i, s in enumerate(day):
                self.pos[s] = i

    def __call__(self, busy) -> tuple[int, int]:
        if len(busy) < 2:
            return (0, 0)
        by_day: dict[int, list[int]] = {}
        for s in busy:
            by_day.setdefault(self.day_of[s], []).append(self.pos[s])
        breaks = idle = 0
        for pos in by_day.values():
            if len(pos) > 1:
                pos.sort()
                span = pos[-1] - pos[0] + 1 - len(pos)  # idle slots of the day
                if span:
                    idle += span
                    breaks += sum(1 for x, y in zip(pos, pos[1:], strict=False) if y - x > 1)
        return (breaks, idle)


def reduce_breaks(index: Index, board: Board, *, fixed: set[tuple[int, int]], budget: Budget,
                  seed: int = 0,
                  temperatures: tuple[float, float] | None = None) -> tuple[int, int]:
    """Anneal the board's slots for the budget's steps; leave the best state found on the board.

    The temperature falls with the steps taken, not with the clock, so that the same seed and
    budget give the same schedule on any machine. Without `temperatures` (start, end), the
    steps per movable meeting choose between COOL and HOT.
    """
    rng = random.Random(seed)
    cost = _Cost(index)
    movable = [k for k in board.placed if k not in fixed]
    busy = board.busy
    pc = [cost(busy[p]) for p in range(index.n)]
    total = (sum(c[0] for c in pc), sum(c[1] for c in pc))
    if not movable:
        return total
    best, best_placed = total, dict(board.placed)
    # Meetings moved since the best state: a new best updates only these (copying the whole
    # board at each one made a unit of annealing take 1.9 s on size XXL, 18,785 meetings).
    moved: set[tuple[int, int]] = set()
    span = max(1, budget.steps())
    fit = int(budget.wall_left() * STEPS_PER_UNIT)
    if fit < span:
        # The wall-clock cap comes first: cool down over the steps that fit before it (a hot
        # run stopped half-way keeps a poor schedule: L, 30 s, 1,597 breaks against 1,028).
        budget.note_wall()
        span = max(1, fit)
    if temperatures is None:
        temperatures = HOT if span >= HOT_STEPS_PER_MEETING * len(movable) else COOL
    hot, cold = temperatures
    temperature = hot
    step = 0
    # Stop early when the best state has not improved for long: nothing more to gain.
    patience = 50_000 + 500 * len(movable)
    last_gain = 0
    while total[1] > 0 and step - last_gain < patience:
        step += 1
        if step >= span or (step % 4096 == 0 and budget.check_wall()):
            break
        if step % 256 == 0:
            temperature = hot * (cold / hot) ** (step / span)
            if temperature > COOL[0]:
                # Hotter than a cool run starts: the best state is not expected to improve yet
                # (size S, 20 units hot: stopped after 1.7 with none of the 4-unit run's gain).
                last_gain = step
        k = movable[rng.randrange(len(movable))]
        pair = index.pairs[k]
        s = board.placed[k][0]
        s2 = pair.slots[rng.randrange(len(pair.slots))]
        if s2 == s or s2 < board.from_slot:
            continue
        chain = kempe_chain(board, k, s, s2)
        if chain is None or any(c in fixed for c in chain):
            continue
        moves = []
        for c in chain:
            at = board.placed[c][0]
            to = s2 if at == s else s
            if to not in index.pairs[c].slots:
                break
            moves.append((index.pairs[c], to))
        if len(moves) < len(chain):
            continue
        saved = {c: board.placed[c] for c in chain}
        for c in chain:
            board.remove(index.pairs[c])
        placed_ok = True
        for m_pair, to in moves:
            t = board.table_for(m_pair, to)
            if t is None:
                placed_ok = False
                break
            board.place(m_pair, to, t)
        if not placed_ok:
            for c in chain:
                if c in board.placed:
                    board.remove(index.pairs[c])
            for key, (s_old, t_old) in saved.items():
                board.place(index.pairs[key], s_old, t_old)
            continue
        touched = list({x for c in chain for x in c})
        old_b = sum(pc[x][0] for x in touched)
        old_i = sum(pc[x][1] for x in touched)
        new_costs = [cost(busy[x]) for x in touched]
        db = sum(c[0] for c in new_costs) - old_b
        di = sum(c[1] for c in new_costs) - old_i
        delta = BREAK_WEIGHT * db + di
        if delta <= 0 or rng.random() < math.exp(-delta / temperature):
            for x, c in zip(touched, new_costs, strict=True):
                pc[x] = c
            total = (total[0] + db, total[1] + di)
            moved.update(chain)
            if total < best:
                best = total
                for key in moved:
                    best_placed[key] = board.placed[key]
                moved.clear()
                last_gain = step
        else:
            for c in chain:
                board.remove(index.pairs[c])
            for key, (s_old, t_old) in saved.items():
                board.place(index.pairs[key], s_old, t_old)
    budget.spend_steps(step)
    if total != best:
        for key in list(board.placed):
            board.remove(index.pairs[key])
        for key, (s_b, t_b) in best_placed.items():
            board.place(index.pairs[key], s_b, t_b)
    return best


#: Longest chain of meetings swapped between two slots in one move.
MAX_CHAIN = 40


def kempe_chain(board: Board, k: tuple[int, int], s: int, s2: int):
    """Return the meetings linked to k through shared people in slots s and s2, or None.

    Swapping the slots of the whole chain keeps everyone at one meeting per slot; only the
    people at the two ends of the chain change their busy slots.
    """
    chain = [k]
    seen = {k}
    todo = [(p, s) for p in k]
    while todo:
        p, at = todo.pop()
        other = s2 if at == s else s
        nxt = board.busy[p].get(other)
        if nxt is None or nxt in seen:
            continue
        seen.add(nxt)
        chain.append(nxt)
        if len(chain) > MAX_CHAIN:
            return None
        q = nxt[0] if nxt[1] == p else nxt[1]
        todo.append((q, other))
    return chain


def swap_chain(index: Index, board: Board, chain: list[tuple[int, int]], s: int, s2: int,
                fixed: set[tuple[int, int]]) -> bool:
    """Swap slots s and s2 for every meeting of the chain; return False (and undo) if invalid."""
    if any(c in fixed for c in chain):
        return False
    saved = {c: board.placed[c] for c in chain}
    for c in chain:
        to = s2 if saved[c][0] == s else s
        if to not in index.pairs[c].slots or to < board.from_slot:
            return False
    for c in chain:
        board.remove(index.pairs[c])
    for c in chain:
        to = s2 if saved[c][0] == s else s
        t = board.table_for(index.pairs[c], to)
        if t is None:
            for x in chain:
                if x in board.placed:
                    board.remove(index.pairs[x])
            for x, (s_old, t_old) in saved.items():
                board.place(index.pairs[x], s_old, t_old)
            return False
        board.place(index.pairs[c], to, t)
    return True

