"""Loading and validating problem files; writing and reading schedules."""

import json

import pytest

from matchmaking import ProblemError, load_problem
from matchmaking.io import dump_schedule, load_schedule
from matchmaking.model import Meeting, Schedule, Stats, Unscheduled
from tests.matchmaking.builders import make_problem, request

BAD_INPUTS = [
    ({"requests": [request("P1", "P999")]}, "requests[0].to: unknown participant 'P999'"),
    ({"participants": [{"id": "P1"}, {"id": "P1"}]},
     "participants[1].id: participant 'P1' appears twice"),
    ({"requests": [request("P1", "P1")]}, "requests[0].to: request from 'P1' to itself"),
    ({"requests": [request("P1", "P2"), request("P1", "P2", 1)]},
     "requests[1]: second request from 'P1' to 'P2'"),
    ({"suggestions": [{"a": "P1", "b": "P2", "score": 0.5}, {"a": "P2", "b": "P1", "score": 0.4}]},
     "suggestions[1]: second suggestion for 'P2' and 'P1'"),
    ({"requests": [request("P1", "P2", 4)]}, "requests[0].priority: must be 1, 2 or 3, got 4"),
    ({"requests": [request("P1", "P2", 0)]}, "requests[0].priority: must be 1, 2 or 3, got 0"),
    ({"suggestions": [{"a": "P1", "b": "P2", "score": 0}]},
     "suggestions[0].score: must be in (0, 1], got 0"),
    ({"suggestions": [{"a": "P1", "b": "P2", "score": 1.5}]},
     "suggestions[0].score: must be in (0, 1], got 1.5"),
    ({"slots": [{"id": "S01", "start": "2027-05-20T09:00", "end": "2027-05-20T09:30"},
                {"id": "S02", "start": "2027-05-20T09:20", "end": "2027-05-20T09:40"}]},
     "slots[1].start: slot 'S02' overlaps or precedes slot 'S01' (slots must be in time order"
     " and not overlap)"),
    ({"participants": [{"id": "P1", "table": "T9"}, {"id": "P2"}]},
     "participants[0].table: unknown table 'T9'"),
    ({"participants": [{"id": "P1", "unavailable": ["S9"]}, {"id": "P2"}]},
     "participants[0].unavailable[0]: unknown slot 'S9'"),
    ({"forbidden": [{"a": "P1", "b": "P7"}]}, "forbidden[0].b: unknown participant 'P7'"),
    ({"locked": [{"a": "P1", "b": "P2", "slot": "S01"}]},
     "locked[0]: invalid locked meeting: P1 and P2 have no request or suggestion"),
]


@pytest.mark.parametrize(("extra", "message"), BAD_INPUTS)
def test_load_problem_bad_input_names_field(extra, message):
    raw = make_problem(**extra)

    with pytest.raises(ProblemError) as err:
        load_problem(raw, name="problem.json")

    assert str(err.value) == f"problem.json: {message}"


def test_load_problem_missing_format():
    raw = make_problem()
    del raw["format"]

    with pytest.raises(ProblemError) as err:
        load_problem(raw, name="p.json")

    assert str(err.value) == "p.json: format: missing (expected 'b2b-problem/1')"


def test_load_problem_not_json(tmp_path):
    path = tmp_path / "p.json"
    path.write_text("{nope", encoding="utf-8")

    with pytest.raises(ProblemError) as err:
        load_problem(path)

    assert str(err.value).startswith(f"{path}: not valid JSON:")


def test_load_problem_full_example():
    raw = make_problem(
        people=3,
        participants=[
            {"id": "P1", "languages": ["fr", "en"], "unavailable": ["S01"], "max_meetings": 2,
             "table": "T1"},
            {"id": "P2", "languages": ["EN"]},
            {"id": "P3"},
        ],
        requests=[request("P1", "P2", 3), request("P3", "P2", 1, slots=["S02"])],
        suggestions=[{"a": "P1", "b": "P3", "score": 0.8}],
        forbidden=[{"a": "P2", "b": "P3"}],
        locked=[{"a": "P1", "b": "P2", "slot": "S02", "table": "T1"}],
        options={"min_meetings": 1},
    )

    problem = load_problem(raw)

    assert problem.participants[1].languages == ("en",)
    assert problem.participants[0].unavailable == frozenset({"S01"})
    assert problem.requests[1].slots == ("S02",)
    assert problem.suggestions[0].score == 0.8
    assert problem.locked[0].table == "T1"
    assert problem.options.min_meetings == 1


@pytest.mark.parametrize(
    ("extra", "reason"),
    [
        ({"requests": [request("P1", "P2")], "forbidden": [{"a": "P2", "b": "P1"}]},
         "P1 and P2 are a forbidden pair"),
        ({"participants": [{"id": "P1", "languages": ["fr"]}, {"id": "P2", "languages": ["nl"]}]},
         "P1 and P2 share no language"),
        ({"participants": [{"id": "P1", "unavailable": ["S01"]}, {"id": "P2"}]},
         "P1 and P2 in S01: a participant is unavailable or the request excludes the slot"),
        ({"requests": [request("P1", "P2", slots=["S02"])]},
         "P1 and P2 in S01: a participant is unavailable or the request excludes the slot"),
        ({"participants": [{"id": "P1", "table": "T1"}, {"id": "P2"}],
          "locked": [{"a": "P1", "b": "P2", "slot": "S01", "table": "T2"}]},
         "P1 and P2 in S01: table T2 breaks the fixed stands rule"),
        ({"participants": [{"id": "P1", "max_meetings": 0}, {"id": "P2"}]},
         "P1 and P2 in S01: exceeds max_meetings of P1"),
    ],
)
def test_load_problem_invalid_lock_named(extra, reason):
    base = {"requests": [request("P1", "P2")], "locked": [{"a": "P1", "b": "P2", "slot": "S01"}]}
    raw = make_problem(people=2, **{**base, **extra})

    with pytest.raises(ProblemError) as err:
        load_problem(raw, name="problem.json")

    assert str(err.value) == f"problem.json: locked[0]: invalid locked meeting: {reason}"


def test_load_problem_conflicting_locks_named():
    raw = make_problem(
        people=3, tables=2,
        requests=[request("P1", "P2"), request("P1", "P3")],
        locked=[{"a": "P1", "b": "P2", "slot": "S01"}, {"a": "P3", "b": "P1", "slot": "S01"}],
    )

    with pytest.raises(ProblemError) as err:
        load_problem(raw, name="problem.json")

    assert str(err.value) == (
        "problem.json: locked[1]: invalid locked meeting: P3 and P1 in S01: "
        "a participant is already locked then (locked[0])"
    )


def test_load_problem_more_locks_than_tables_named():
    raw = make_problem(
        people=4, tables=1,
        requests=[request("P1", "P2"), request("P3", "P4")],
        locked=[{"a": "P1", "b": "P2", "slot": "S01"}, {"a": "P3", "b": "P4", "slot": "S01"}],
    )

    with pytest.raises(ProblemError) as err:
        load_problem(raw, name="problem.json")

    assert str(err.value) == (
        "problem.json: locked[1]: invalid locked meeting: P3 and P4 in S01: "
        "more locked meetings than free tables in the slot"
    )


def test_dump_schedule_round_trips(tmp_path):
    schedule = Schedule(
        meetings=(Meeting("P1", "P2", "S01", "T1"),),
        unscheduled=(Unscheduled("P1", "P3", "capacity"),),
        stats=Stats(status="optimal", value=6.0, upper_bound=6.0, meetings=1, solve_seconds=0.5),
    )
    path = tmp_path / "s.json"

    dump_schedule(schedule, path)

    assert json.loads(path.read_text())["stats"]["value"] == 6.0
    assert load_schedule(path) == schedule


def test_schedule_stats_say_whether_the_time_limit_stopped_the_search(tmp_path):
    schedule = Schedule(meetings=(), stats=Stats(hit_wall_clock_limit=True))
    path = tmp_path / "s.json"

    dump_schedule(schedule, path)
    raw = json.loads(path.read_text())
    older = {**raw, "stats": {k: v for k, v in raw["stats"].items()
                              if k != "hit_wall_clock_limit"}}
    bad = {**raw, "stats": {**raw["stats"], "hit_wall_clock_limit": "yes"}}

    assert raw["stats"]["hit_wall_clock_limit"] is True
    assert load_schedule(path).stats.hit_wall_clock_limit is True
    assert load_schedule(older).stats.hit_wall_clock_limit is False
    with pytest.raises(ProblemError, match="hit_wall_clock_limit"):
        load_schedule(bad)
