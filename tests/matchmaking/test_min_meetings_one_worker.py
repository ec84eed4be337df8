"""min_meetings with one worker (as in the web app) keeps the value of a good schedule."""

import random
from pathlib import Path

from matchmaking import greedy_by_value, load_problem, solve
from matchmaking.check import check

#: A problem exported from the demo session (`flask seed demo`), 60 participants.
DATA = Path(__file__).parent / "data"


def _problem(seed: int = 7) -> dict:
    rng = random.Random(seed)
    people = [f"P{i:03d}" for i in range(60)]
    requests, seen = [], set()
    while len(requests) < 55:
        a, b = rng.sample(people, 2)
        if (a, b) not in seen:
            seen.add((a, b))
            requests.append({"from": a, "to": b, "priority": rng.choice([1, 2, 3])})
    suggestions, pairs = [], set()
    while len(suggestions) < 250:
        a, b = sorted(rng.sample(people, 2))
        if (a, b) not in pairs and (a, b) not in seen and (b, a) not in seen:
            pairs.add((a, b))
            suggestions.append({"a": a, "b": b, "score": round(rng.uniform(0.05, 0.6), 2)})
    return {
        "format": "b2b-problem/1",
        "slots": [{"id": f"S{i:02d}", "start": f"2027-05-20T{9 + i // 3:02d}:{(i % 3) * 20:02d}",
                   "end": f"2027-05-20T{9 + (i + 1) // 3:02d}:{((i + 1) % 3) * 20:02d}"}
                  for i in range(10)],
        "tables": [{"id": f"T{i:02d}"} for i in range(20)],
        "participants": [{"id": p} for p in people],
        "requests": requests,
        "suggestions": suggestions,
        "options": {"min_meetings": 2},
    }


def test_demo_session_with_min_meetings_and_one_worker_keeps_most_of_greedy_value():
    problem = load_problem(DATA / "demo_session_problem.json")
    greedy = greedy_by_value(problem)

    schedule = solve(problem, time_limit=4, workers=1)

    assert check(problem, schedule) == []
    assert problem.options.min_meetings == 2
    assert schedule.stats.participants_without_meeting == 0
    # Before the filled fallback, one worker ended at 30% of greedy's value here.
    assert schedule.stats.value >= 0.9 * greedy.stats.value


def test_min_meetings_with_one_worker_keeps_the_value():
    problem = load_problem(_problem())
    greedy = greedy_by_value(problem)

    schedule = solve(problem, time_limit=4, workers=1)

    assert check(problem, schedule) == []
    assert schedule.stats.participants_without_meeting == 0
    assert schedule.stats.value >= 0.95 * greedy.stats.value
