"""Each figure of the reports package, counted on a hand-built history with known answers."""

from datetime import date

import pytest

from app.cluster.models import FollowUpKind, IntroductionOutcome
from app.events.models import EventKind
from app.reports import activity, membership, plan, work
from app.reports.period import Period, Ratio
from app.reports.summary import figures
from tests.events.test_query_counts import counted_statements
from tests.reports.builders import add_b2b_meetings, build_2025
from tests.reports.builders import membership as add_member

YEAR = Period.year(2025)


def test_members_partners_and_companies_at_a_date(db):
    build_2025()
    # 31 Dec 2025: Alpha, Beta, Delta are members (Gamma left, Theta not yet), one partner.
    assert membership.ties_at(date(2025, 12, 31)) == {"members": 3, "partners": 1,
                                                      "companies": 3}
    assert membership.company_share(membership.ties_at(date(2025, 12, 31))).percent == 75.0
    # The day Gamma leaves it no longer counts; the day before it does.
    assert membership.ties_at(date(2025, 6, 29))["members"] == 3  # Alpha, Beta, Gamma
    assert membership.ties_at(date(2025, 6, 30))["members"] == 2


def test_joins_departures_and_candidates(db):
    build_2025()
    assert membership.changes(YEAR) == {"joins": 2, "departures": 1, "candidates_stopped": 1,
                                        "candidates_joined": 1}
    # Eta left on 31 Dec 2024: a departure of 2024, not of 2025.
    assert membership.changes(Period.year(2024))["departures"] == 1


def test_board_at_a_date(db):
    build_2025()
    assert membership.board_at(date(2025, 12, 31)) == {"seats": 3, "companies": 2,
                                                       "partners": 1, "co_opted": 1}
    assert membership.board_at(date(2025, 6, 30))["seats"] == 3  # Gamma's last day


def test_participation_rate(db):
    build_2025()
    # Members during 2025: Alpha, Beta, Gamma, Delta (4). Took part: Alpha, Gamma (2).
    # The candidate, the partner and the person without an organisation count nowhere.
    assert activity.participation(YEAR) == Ratio(2, 4)
    assert activity.participation(YEAR).percent == 50.0


def test_a_period_with_no_data_gives_zeros(db):
    result = figures(Period.year(1990))
    assert result.participation == Ratio(0, 0) and result.participation.percent is None
    assert result.company_share.percent is None
    assert sum(result.events.values()) == 0 and result.b2b["meetings"] == 0
    assert result.communication["website_visitors"] is None


def test_events_by_kind_and_attendance(db):
    build_2025()
    counts = activity.events_by_kind(YEAR)
    # The cancelled seminar and the 2024 one do not count.
    assert counts[EventKind.CIRCLEMEET] == 1 and counts[EventKind.SITE_VISIT] == 1
    assert counts[EventKind.SEMINAR] == 0
    rows = activity.attendance_by_event(YEAR)
    assert [(reg, att) for _, reg, att in rows] == [(6, 5), (1, 1)]


def test_b2b_meetings_and_their_best_outcome(db):
    add_b2b_meetings([("deal", "none"), ("follow_up", None), (None, None), ("none", "none")])
    assert activity.b2b_meetings(YEAR) == {"meetings": 4, "no_feedback": 1, "none": 1,
                                           "follow_up": 1, "deal": 1}


def test_follow_ups_advices_and_introductions(db):
    build_2025()
    by_kind = work.follow_ups_by_kind(YEAR)
    assert by_kind[FollowUpKind.ACCOUNT_MANAGEMENT] == 2
    assert by_kind[FollowUpKind.RD_SUBSIDY] == 1 and by_kind[FollowUpKind.EXPORT] == 0
    assert work.simple_advices(YEAR) == {"advices": 1, "introductions": 2, "total": 3}
    outcomes = work.introductions_by_outcome(YEAR)
    assert outcomes[IntroductionOutcome.MEETING_HELD] == 1
    assert outcomes[IntroductionOutcome.PENDING] == 1


def test_projects_and_communication(db):
    build_2025()
    five_years = Period(date(2021, 1, 1), date(2025, 12, 31))
    assert work.project_indicators(five_years) == {
        "projects": 2, "industrialised": 1, "break_even": 1, "with_jobs": 1, "jobs": 3,
        "in_sectors": 0}
    assert work.communication(YEAR) == {"website_visitors": 2500, "social_posts": 10,
                                        "open_rate_fr": 35.0, "open_rate_nl": 40.0,
                                        "open_rate_en": None}


def test_plan_against_actual(db):
    build_2025()
    lines = {line.metric: line for line in plan.against_plan(2025, figures(YEAR).plan_actuals())}
    assert lines["event:circlemeet"].target == 4 and lines["event:circlemeet"].actual == 1
    assert lines["event:circlemeet"].reached is False
    assert lines["new_members"].actual == 2 and lines["new_members"].reached is True
    assert lines["event:site_visit"].target is None


def test_period_refuses_an_end_before_its_start():
    with pytest.raises(ValueError):
        Period(date(2025, 2, 1), date(2025, 1, 31))


def _statements_for_all_figures(app, db) -> int:
    with counted_statements(app) as statements:
        figures(YEAR).rows()
    return len(statements)


def test_all_figures_take_a_fixed_number_of_statements(app, db):
    build_2025()
    add_b2b_meetings([("deal", None)])
    db.session.commit()
    first = _statements_for_all_figures(app, db)
    add_b2b_meetings([("deal", "none")] * 5, prefix="more")
    for i in range(5):
        add_member(f"x{i}", since=date(2024, 1, 1))
    db.session.commit()
    db.session.expire_all()
    assert _statements_for_all_figures(app, db) == first
    assert first <= 16
