"""First-come self-booking and greedy by value."""

from matchmaking import check, first_come, greedy_by_value, load_problem
from tests.matchmaking.builders import make_problem, request


def three_requests_one_table():
    """Return a problem where file order and value order book different meetings."""
    return load_problem(make_problem(
        people=4, slots=2, tables=1,
        requests=[request("P3", "P4", 1), request("P1", "P2", 3), request("P1", "P3", 3)]))


def test_first_come_books_in_file_order_at_earliest_slot():
    problem = three_requests_one_table()

    schedule = first_come(problem)

    assert [(m.a, m.b, m.slot) for m in schedule.meetings] == [("P3", "P4", "S01"),
                                                               ("P1", "P2", "S02")]
    assert [(u.a, u.b, u.reason) for u in schedule.unscheduled] == [("P1", "P3", "not_chosen")]
    assert schedule.stats.value == 4.0
    assert check(problem, schedule) == []


def test_greedy_by_value_books_most_valuable_first():
    problem = three_requests_one_table()

    schedule = greedy_by_value(problem)

    assert [(m.a, m.b, m.slot) for m in schedule.meetings] == [("P1", "P2", "S01"),
                                                               ("P1", "P3", "S02")]
    assert schedule.stats.value == 6.0
    assert check(problem, schedule) == []
