"""Time meeting suggestions for large synthetic B2B sessions.

Run from the repository root: ``python -m benchmarks.suggestions [--sizes 300,1000,2000]``.

Synthetic session, deterministic by seed: a vocabulary of 250 tags whose popularity follows a
Zipf law (a few tags everyone uses, a long tail), each participant with five items of about
four tags (20 tags in all, half offers and half needs), one or two of seven sectors, the
language mix of benchmarks/generate.py and about 1.3 participants per organisation.
Timings run without tracemalloc; the peak memory comes from a second, traced run.
"""

from __future__ import annotations

import argparse
import random
import time
import tracemalloc

from matchmaking.suggest import Profile, ProfileItem, build_index, suggest_all, suggest_for

VOCABULARY = 250
SECTORS = ("wood", "textile", "bike", "weee", "construction", "food", "plastics")
LANGUAGES = [(("fr", "en"), 30), (("nl", "en"), 30), (("fr", "nl"), 15), (("fr", "nl", "en"), 10),
             (("fr",), 6), (("nl",), 5), (("en",), 4)]


def synthetic_profiles(count: int, tags_each: int = 20, seed: int = 1) -> list[Profile]:
    """Return `count` profiles with about `tags_each` tags each, the same for the same seed."""
    rng = random.Random(seed)
    tags = [f"tag-{i:03d}" for i in range(VOCABULARY)]
    popularity = [1 / (rank + 1) ** 0.8 for rank in range(VOCABULARY)]
    language_sets = [frozenset(codes) for codes, _ in LANGUAGES]
    language_weights = [weight for _, weight in LANGUAGES]
    items_each = max(1, tags_each // 4)
    profiles = []
    organisation = 0
    for number in range(count):
        if rng.random() < 0.75:
            organisation += 1  # otherwise a colleague of the previous participant
        items = []
        for position in range(items_each):
            chosen: set[str] = set()
            while len(chosen) < tags_each // items_each:
                chosen.add(rng.choices(tags, popularity)[0])
            kind = "offer" if position % 2 == 0 else "need"
            items.append(ProfileItem(kind=kind, title=f"{kind} {number}.{position}",
                                     tags=frozenset(chosen)))
        profiles.append(Profile(
            id=f"P{number:04d}",
            organisation=f"O{organisation:04d}",
            sectors=frozenset(rng.sample(SECTORS, rng.choice((1, 1, 2)))),
            languages=rng.choices(language_sets, language_weights)[0],
            items=tuple(items),
        ))
    return profiles


class Clock:
    """Wall-clock and CPU seconds since the last lap (CPU time shrugs off a busy machine)."""

    def __init__(self) -> None:
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def lap(self) -> tuple[float, float]:
        """Return (wall, cpu) seconds since the previous lap and start a new one."""
        wall, cpu = time.perf_counter(), time.process_time()
        lap = (wall - self.wall, cpu - self.cpu)
        self.wall, self.cpu = wall, cpu
        return lap


def measure(count: int, tags_each: int, seed: int) -> dict[str, object]:
    """Return the timings and peak memory of suggestions for one synthetic session."""
    profiles = synthetic_profiles(count, tags_each, seed)
    requested = {(p.id, profiles[(i * 7 + 3) % count].id) for i, p in enumerate(profiles)
                 if i % 4 == 0 and (i * 7 + 3) % count != i}

    clock = Clock()
    index = build_index(profiles)
    index_s = clock.lap()
    pairs = suggest_all(index=index, requested=requested, per_participant=10)
    all_s = clock.lap()
    lists = [suggest_for(p.id, index=index, requested=requested, limit=20) for p in profiles]
    for_s = clock.lap()

    # Tracing slows every allocation down a lot, so only the index and suggest_all are traced.
    tracemalloc.start()
    suggest_all(index=build_index(profiles), requested=requested, per_participant=10)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    return {
        "participants": count,
        "tags": sum(len(item.tags) for p in profiles for item in p.items) / count,
        "index_s": index_s,
        "all_s": all_s,
        "pairs": len(pairs),
        "for_s": for_s,
        "per_list_ms": 1000 * for_s[1] / count,
        "mean_list": sum(len(found) for found in lists) / count,
        "peak_mb": peak / 2**20,
    }


def main(argv: list[str] | None = None) -> None:
    """Print one table row per session size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,300,1000,2000",
                        help="comma-separated numbers of participants")
    parser.add_argument("--tags", type=int, default=20, help="tags per participant")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    print("seconds as wall/cpu; suggest_all: top 10 each; suggest_for: top 20, every participant")
    print(f"{'participants':>12} {'tags each':>9} {'build_index s':>13} {'suggest_all s':>13} "
          f"{'pairs':>6} {'all suggest_for s':>17} {'cpu ms/list':>11} {'mean list':>9} "
          f"{'peak MB':>7}")
    for size in (int(part) for part in args.sizes.split(",")):
        row = measure(size, args.tags, args.seed)
        print(f"{row['participants']:>12} {row['tags']:>9.1f} {_pair(row['index_s']):>13} "
              f"{_pair(row['all_s']):>13} {row['pairs']:>6} {_pair(row['for_s']):>17} "
              f"{row['per_list_ms']:>11.2f} {row['mean_list']:>9.1f} {row['peak_mb']:>7.1f}")


def _pair(seconds: tuple[float, float]) -> str:
    return f"{seconds[0]:.2f}/{seconds[1]:.2f}"


if __name__ == "__main__":
    main()
