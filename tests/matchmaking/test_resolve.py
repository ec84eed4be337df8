"""Re-solving after a cancellation."""

from matchmaking import check, load_problem, resolve
from matchmaking.model import Meeting, Schedule
from tests.matchmaking.builders import make_problem, request


def one_table_day():
    # One table, three slots: three must-meets fill it; P7-P8 (priority 1) does not fit.
    return make_problem(
        people=8, slots=3, tables=1,
        requests=[request("P1", "P2"), request("P3", "P4"), request("P5", "P6"),
                  request("P7", "P8", 1)])


PREVIOUS = Schedule(meetings=(
    Meeting("P1", "P2", "S01", "T1"),
    Meeting("P3", "P4", "S02", "T1"),
    Meeting("P5", "P6", "S03", "T1"),
))


def test_resolve_after_cancellation_keeps_others_and_reuses_freed_slot():
    raw = one_table_day()
    raw["participants"][2]["unavailable"] = ["S01", "S02", "S03"]  # P3 cancels
    problem = load_problem(raw)

    schedule = resolve(problem, PREVIOUS, time_limit=5, workers=1)

    assert set(schedule.meetings) == {
        Meeting("P1", "P2", "S01", "T1"),
        Meeting("P7", "P8", "S02", "T1"),
        Meeting("P5", "P6", "S03", "T1"),
    }
    assert schedule.stats.moved == 1
    assert schedule.stats.value == 7.0
    assert check(problem, schedule) == []


def test_resolve_participant_removed_from_problem():
    raw = one_table_day()
    raw["participants"] = [p for p in raw["participants"] if p["id"] != "P4"]
    raw["requests"] = [r for r in raw["requests"] if "P4" not in (r["from"], r["to"])]
    problem = load_problem(raw)

    schedule = resolve(problem, PREVIOUS, time_limit=5, workers=1)

    assert Meeting("P7", "P8", "S02", "T1") in schedule.meetings
    assert Meeting("P1", "P2", "S01", "T1") in schedule.meetings
    assert schedule.stats.moved == 1


def test_resolve_keeps_past_and_plans_only_future():
    raw = one_table_day()
    raw["participants"][2]["unavailable"] = ["S02", "S03"]  # P3 leaves after S01
    raw["tables"].append({"id": "T2"})
    previous = Schedule(meetings=(Meeting("P3", "P4", "S01", "T1"),
                                  Meeting("P1", "P2", "S02", "T1")))
    problem = load_problem(raw)

    schedule = resolve(problem, previous, from_slot="S02", time_limit=5, workers=1)

    got = {frozenset((m.a, m.b)): (m.slot, m.table) for m in schedule.meetings}
    assert got[frozenset(("P3", "P4"))] == ("S01", "T1")
    assert got[frozenset(("P1", "P2"))] == ("S02", "T1")
    assert all(slot != "S01" for k, (slot, _) in got.items() if k != frozenset(("P3", "P4")))
    assert schedule.stats.moved == 0
    assert schedule.stats.value == 10.0
    assert check(problem, schedule) == []


def test_resolve_moves_a_meeting_when_that_raises_the_value():
    # P7-P8 can only meet in S01, where P1-P2 sits; P1-P2 may move to the free S02.
    raw = make_problem(
        people=8, slots=2, tables=1,
        participants=[{"id": f"P{i}"} for i in range(1, 7)]
        + [{"id": "P7", "unavailable": ["S02"]}, {"id": "P8"}],
        requests=[request("P1", "P2", 1), request("P7", "P8", 3)])
    previous = Schedule(meetings=(Meeting("P1", "P2", "S01", "T1"),))
    problem = load_problem(raw)

    schedule = resolve(problem, previous, time_limit=5, workers=1)

    assert set(schedule.meetings) == {Meeting("P7", "P8", "S01", "T1"),
                                      Meeting("P1", "P2", "S02", "T1")}
    assert schedule.stats.moved == 1


def test_keep_valid_holds_every_meeting_still_possible_even_against_value():
    # One table, two slots; a must-meet P5-P6 could only take P3-P4's place in S02.
    raw = make_problem(people=6, slots=2, tables=1,
                       requests=[request("P1", "P2", 1), request("P3", "P4", 1),
                                 request("P5", "P6")])
    raw["participants"][4]["unavailable"] = ["S01"]
    problem = load_problem(raw)
    previous = Schedule(meetings=(Meeting("P1", "P2", "S01", "T1"),
                                  Meeting("P3", "P4", "S02", "T1")))

    free = resolve(problem, previous, time_limit=5, workers=1)
    kept = resolve(problem, previous, time_limit=5, workers=1, keep_valid=True)

    assert Meeting("P5", "P6", "S02", "T1") in free.meetings  # worth more: moves one out
    assert set(kept.meetings) == set(previous.meetings) and kept.stats.moved == 0
