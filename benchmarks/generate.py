"""Generate realistic b2b-problem/1 instances, deterministic by seed.

    python benchmarks/generate.py M --seed 1 --out m.json
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Size:
    participants: int
    slots: int
    tables: int
    requests_per_person: int


SIZES = {
    "S": Size(60, 8, 15, 5),
    "M": Size(300, 12, 60, 6),
    "tight": Size(400, 12, 25, 8),
    "L": Size(1000, 16, 200, 8),
    "XL": Size(2000, 16, 400, 8),
    "XXL": Size(5000, 20, 1000, 8),
}

LANGUAGES = [(("fr", "en"), 30), (("nl", "en"), 30), (("fr", "nl"), 15), (("fr", "nl", "en"), 10),
             (("fr",), 6), (("nl",), 5), (("en",), 4)]


def _slots(count: int) -> list[dict]:
    """Return 20-minute slots, half before and half after a one-hour lunch break."""
    out = []
    t = datetime(2027, 5, 20, 9, 0)
    for i in range(count):
        if i == count // 2:
            t += timedelta(hours=1)  # lunch: slots continue after the gap, no break counted
        out.append({"id": f"S{i + 1:02d}", "start": t.strftime("%Y-%m-%dT%H:%M"),
                    "end": (t + timedelta(minutes=20)).strftime("%Y-%m-%dT%H:%M")})
        t += timedelta(minutes=20)
    return out


def generate(size: Size, seed: int = 0) -> dict:
    """Return a problem of the given size as a JSON object."""
    rng = random.Random(seed)
    n, ns = size.participants, size.slots
    slots = _slots(ns)
    slot_ids = [s["id"] for s in slots]
    tables = [{"id": f"T{i + 1:03d}", "name": f"Table {i + 1}"} for i in range(size.tables)]
    pids = [f"P{i + 1:04d}" for i in range(n)]
    langs, weights = zip(*LANGUAGES, strict=True)
    participants = []
    # A tenth of the people are exhibitors at fixed stands; some stands hold two people.
    exhibitors = rng.sample(range(n), n // 10)
    stand_count = min(len(exhibitors), size.tables // 4)
    stand_of: dict[int, str] = {}
    org_of: dict[int, str] = {}
    for j, p in enumerate(exhibitors):
        if j < stand_count:
            stand_of[p] = tables[j]["id"]
            org_of[p] = f"Exhibitor {j + 1}"
        elif stand_count:
            k = exhibitors[rng.randrange(stand_count)]
            stand_of[p] = stand_of[k]
            org_of[p] = org_of[k]
    for i, pid in enumerate(pids):
        p: dict = {"id": pid, "name": f"Person {i + 1}",
                   "organisation": org_of.get(i, f"Company {i + 1}"),
                   "languages": list(rng.choices(langs, weights)[0])}
        r = rng.random()
        if r < 0.15:  # arrives late
            p["unavailable"] = slot_ids[: rng.randint(1, ns // 3)]
        elif r < 0.30:  # leaves early
            p["unavailable"] = slot_ids[ns - rng.randint(1, ns // 3):]
        elif r < 0.35:
            p["unavailable"] = rng.sample(slot_ids, 2)
        if rng.random() < 0.2:
            p["max_meetings"] = rng.randint(3, max(3, ns // 2))
        if i in stand_of:
            p["table"] = stand_of[i]
        participants.append(p)
    # Zipf-like popularity: a few participants attract many requests.
    popularity = [1.0 / (rank + 1) ** 0.8 for rank in range(n)]
    order = list(range(n))
    rng.shuffle(order)
    weight = [0.0] * n
    for rank, i in enumerate(order):
        weight[i] = popularity[rank]
    requests = []
    asked: set[tuple[int, int]] = set()
    morning, afternoon = slot_ids[: ns // 2], slot_ids[ns // 2:]
    for i in range(n):
        want = max(1, size.requests_per_person + rng.randint(-2, 2))
        targets: set[int] = set()
        for _ in range(want * 4):
            if len(targets) >= want:
                break
            j = rng.choices(range(n), weight)[0] if rng.random() < 0.7 else rng.randrange(n)
            if j != i:
                targets.add(j)
        for j in sorted(targets):
            asked.add((i, j))
            q = {"from": pids[i], "to": pids[j], "priority": rng.choices((1, 2, 3), (4, 3, 3))[0]}
            if rng.random() < 0.03:
                q["slots"] = morning if rng.random() < 0.5 else afternoon
            requests.append(q)
    # A third of those asked answer with a request back (mutual interest).
    for i, j in sorted(asked):
        if (j, i) not in asked and rng.random() < 0.15:
            asked.add((j, i))
            requests.append({"from": pids[j], "to": pids[i],
                             "priority": rng.choices((1, 2, 3), (2, 3, 5))[0]})
    pairs = {frozenset(x) for x in asked}
    suggestions = []
    for _ in range(n // 5):
        a, b = rng.sample(range(n), 2)
        if frozenset((a, b)) not in pairs:
            pairs.add(frozenset((a, b)))
            suggestions.append({"a": pids[a], "b": pids[b],
                                "score": round(rng.randint(10, 100) / 100, 2)})
    forbidden = []
    for _ in range(max(1, n // 50)):
        a, b = rng.sample(range(n), 2)
        forbidden.append({"a": pids[a], "b": pids[b]})
    return {
        "format": "b2b-problem/1",
        "timezone": "Europe/Brussels",
        "slots": slots,
        "tables": tables,
        "participants": participants,
        "requests": requests,
        "suggestions": suggestions,
        "forbidden": forbidden,
    }


def main() -> None:
    """Write one generated instance to a file or standard output."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("size", choices=sorted(SIZES))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out")
    args = parser.parse_args()
    text = json.dumps(generate(SIZES[args.size], args.seed))
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            f.write(text)
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
