"""The command line, run as `python -m matchmaking` in a subprocess."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.matchmaking.builders import make_problem, request

REPO = Path(__file__).resolve().parents[2]


def run(*args, cwd=None):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    return subprocess.run(
        [sys.executable, "-m", "matchmaking", *map(str, args)],
        capture_output=True, text=True, cwd=cwd, timeout=120, env=env,
    )


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def small_problem():
    return make_problem(
        people=4, slots=3, tables=1,
        requests=[request("P1", "P2", 3), request("P2", "P1", 2), request("P3", "P4", 1),
                  request("P1", "P3", 2)],
    )


def test_cli_solve_writes_valid_schedule(tmp_path):
    problem = write(tmp_path, "problem.json", small_problem())
    out = tmp_path / "schedule.json"

    result = run("solve", problem, "--time-limit", "5", "--out", out)

    assert result.returncode == 0
    schedule = json.loads(out.read_text())
    assert schedule["format"] == "b2b-schedule/1"
    assert schedule["stats"]["value"] == 8.0
    assert schedule["stats"]["status"] == "optimal"
    assert schedule["stats"]["meetings"] == 3
    assert result.stderr.strip().splitlines()[-1].startswith(f"{problem}: 3 meetings, value 8")


def test_cli_solve_to_stdout(tmp_path):
    problem = write(tmp_path, "problem.json", small_problem())

    result = run("solve", problem, "--time-limit", "5")

    assert result.returncode == 0
    assert json.loads(result.stdout)["stats"]["value"] == 8.0


def test_cli_check_accepts_solved_schedule_and_rejects_tampered(tmp_path):
    problem = write(tmp_path, "problem.json", small_problem())
    out = tmp_path / "schedule.json"
    run("solve", problem, "--time-limit", "5", "--out", out)

    ok = run("check", problem, out)
    schedule = json.loads(out.read_text())
    schedule["stats"]["value"] = 99
    schedule["meetings"].append({"a": "P1", "b": "P4", "slot": "S01", "table": "T1"})
    bad = run("check", problem, write(tmp_path, "bad.json", schedule))

    assert ok.returncode == 0
    assert ok.stdout.strip() == (
        "value 8, meetings 3, participants_without_meeting 0, breaks 0, idle_slots 0")
    assert bad.returncode == 1
    lines = bad.stdout.strip().splitlines()
    assert "meeting P1-P4 in S01 at T1: no request or suggestion for this pair" in lines
    assert "stats.value: file says 99, recomputed 8" in lines
    assert "stats.meetings: file says 3, recomputed 4" in lines


def test_cli_bound_prints_value(tmp_path):
    problem = write(tmp_path, "problem.json", small_problem())

    result = run("bound", problem)

    assert result.returncode == 0
    assert result.stdout.strip() == "8"


def test_cli_resolve_counts_moved(tmp_path):
    raw = small_problem()
    problem = write(tmp_path, "problem.json", raw)
    first = tmp_path / "first.json"
    run("solve", problem, "--time-limit", "5", "--out", first)
    raw["participants"][2]["unavailable"] = ["S01", "S02", "S03"]  # P3 cancels
    changed = write(tmp_path, "changed.json", raw)
    out = tmp_path / "second.json"

    result = run("resolve", changed, first, "--from", "S01", "--time-limit", "5", "--out", out)

    assert result.returncode == 0
    second = json.loads(out.read_text())
    assert second["stats"]["moved"] == 2  # the two meetings of P3 are dropped
    assert second["stats"]["value"] == 5.0
    assert run("check", changed, out).returncode == 0


BAD = [
    ({"requests": [request("P1", "P999")]}, "requests[0].to: unknown participant 'P999'"),
    ({"participants": [{"id": "P1"}, {"id": "P1"}]},
     "participants[1].id: participant 'P1' appears twice"),
    ({"requests": [request("P2", "P2")]}, "requests[0].to: request from 'P2' to itself"),
    ({"requests": [request("P1", "P2"), request("P1", "P2")]},
     "requests[1]: second request from 'P1' to 'P2'"),
    ({"suggestions": [{"a": "P1", "b": "P2", "score": 0.5}, {"a": "P2", "b": "P1", "score": 0.5}]},
     "suggestions[1]: second suggestion for 'P2' and 'P1'"),
    ({"slots": [{"id": "S01", "start": "2027-05-20T09:00", "end": "2027-05-20T09:30"},
                {"id": "S02", "start": "2027-05-20T09:20", "end": "2027-05-20T09:40"}]},
     "slots[1].start: slot 'S02' overlaps or precedes slot 'S01' (slots must be in time order"
     " and not overlap)"),
    ({"requests": [request("P1", "P2", 5)]}, "requests[0].priority: must be 1, 2 or 3, got 5"),
    ({"suggestions": [{"a": "P1", "b": "P2", "score": 1.01}]},
     "suggestions[0].score: must be in (0, 1], got 1.01"),
    ({"requests": [request("P1", "P2")], "locked": [{"a": "P1", "b": "P3", "slot": "S01"}]},
     "locked[0]: invalid locked meeting: P1 and P3 have no request or suggestion"),
]


@pytest.mark.parametrize(("extra", "message"), BAD)
def test_cli_bad_input_exits_2_with_one_line(tmp_path, extra, message):
    problem = write(tmp_path, "problem.json", make_problem(**extra))

    result = run("solve", "problem.json", cwd=tmp_path)

    assert result.returncode == 2
    assert result.stderr == f"problem.json: {message}\n"
    assert result.stdout == ""
    assert problem.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "problem.json: not valid JSON: Expecting property name enclosed in double"
                      " quotes at line 1"),
        ('{"slots": []}', "problem.json: format: missing (expected 'b2b-problem/1')"),
        ("[1, 2]", "problem.json: (top level): expected an object"),
        (b"\xff\xfe".decode("latin-1"), None),
    ],
)
def test_cli_unusable_file_exits_2(tmp_path, content, message):
    write(tmp_path, "problem.json", content)

    result = run("bound", "problem.json", cwd=tmp_path)

    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1
    assert "Traceback" not in result.stderr
    if message:
        assert result.stderr == message + "\n"


def test_cli_missing_file_exits_2(tmp_path):
    result = run("check", "nowhere.json", "schedule.json", cwd=tmp_path)

    assert result.returncode == 2
    assert result.stderr == "nowhere.json: cannot read file: No such file or directory\n"


def test_cli_unknown_from_slot_exits_2(tmp_path):
    problem = write(tmp_path, "problem.json", small_problem())
    previous = tmp_path / "first.json"
    run("solve", problem, "--time-limit", "2", "--out", previous)

    result = run("resolve", problem, previous, "--from", "S77")

    assert result.returncode == 2
    assert result.stderr == "--from: unknown slot 'S77'\n"


def test_cli_bad_schedule_exits_2(tmp_path):
    problem = write(tmp_path, "problem.json", small_problem())
    schedule = write(tmp_path, "schedule.json", {"format": "b2b-schedule/1"})

    result = run("check", problem, schedule)

    assert result.returncode == 2
    assert result.stderr == f"{schedule}: meetings: missing\n"


def test_cli_usage_error_exits_2_with_one_line():
    result = run("solve")

    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_cli_work_must_be_positive(tmp_path):
    problem = write(tmp_path, "problem.json", small_problem())

    result = run("solve", problem, "--work", "0")

    assert result.returncode == 2
    assert result.stderr == "--work: must be positive\n"


def test_cli_same_work_and_seed_give_the_same_schedule(tmp_path):
    problem = write(tmp_path, "problem.json", small_problem())

    first = run("solve", problem, "--work", "1", "--seed", "4", "--workers", "1")
    second = run("solve", problem, "--work", "1", "--seed", "4", "--workers", "1")

    assert first.returncode == second.returncode == 0
    one, two = json.loads(first.stdout), json.loads(second.stdout)
    assert one["meetings"] == two["meetings"]
    assert one["stats"]["hit_wall_clock_limit"] is False
