"""The dashboard: figures, charts without inline code, their numbers, bad periods refused."""

import re

import pytest
from flask_babel import refresh

from app.reports import charts
from tests.reports.builders import add_b2b_meetings, build_2025
from tests.test_content_security_policy import _inline_code

URL = "/admin/reports/"


@pytest.mark.parametrize(("lang", "rate", "title"), [
    ("en", "50%", "Members by sector"), ("fr", "50\u00a0%", "Membres par filière"),
    ("nl", "50%", "Leden per sector")])
def test_dashboard_shows_the_year_with_charts_and_numbers(logged_in, db, lang, rate, title):
    build_2025()
    add_b2b_meetings([("deal", None)])
    db.session.commit()
    logged_in.get(f"/lang/{lang}")
    refresh()  # the test's app context outlives requests: forget the language it cached
    response = logged_in.get(f"{URL}?start=2025-01-01&end=2025-12-31")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert rate in page and title in page
    assert page.count("<svg") == 8
    assert _inline_code(page) == []
    assert 'href="/static/css/charts.css' in page
    # Each chart has its numbers in a table beside it.
    assert page.count("<caption") == 8


def test_a_period_with_no_data_renders_zeros(logged_in, db):
    response = logged_in.get(f"{URL}?start=1990-01-01&end=1990-12-31")
    assert response.status_code == 200
    assert "–" in response.get_data(as_text=True)


def test_bad_periods_are_refused_with_a_message(logged_in, db):
    for query, message in (("start=2025-05-01&end=2025-01-01", "The end comes before the start."),
                           ("start=2025-13-01&end=2025-12-31", "Not a valid date value."),
                           ("start=0001-01-01&end=2025-12-31", "Give a date between"),
                           ("start=1900-01-01&end=2200-12-31", "ten years at most")):
        response = logged_in.get(f"{URL}?{query}")
        assert response.status_code == 400, query
        assert message in response.get_data(as_text=True), query
        assert logged_in.get(f"{URL}figures.csv?{query}").status_code == 400


def test_csv_has_every_figure_with_the_year_before(logged_in, db):
    build_2025()
    db.session.commit()
    response = logged_in.get(f"{URL}figures.csv?start=2025-01-01&end=2025-12-31")
    assert response.mimetype == "text/csv"
    lines = response.get_data(as_text=True).splitlines()
    assert "participation.percent,50.0,0.0" in lines  # nobody took part in 2024
    assert "changes.departures,1,1" in lines  # Gamma in 2025, Eta at the end of 2024


def test_chart_stylesheet_matches_the_charts():
    with open("app/static/css/charts.css", encoding="utf-8") as f:
        assert f.read() == charts.chart_css()


def test_charts_carry_no_script_or_inline_style():
    svg = str(charts.draw("T", ["a", "b"], {"x": [1, None]}))
    assert not re.search(r"<script|<style|style=|\son[a-z]+=", svg)
    assert 'role="img"' in svg and 'aria-label="T"' in svg


def _page_statements(app, client, url) -> int:
    from tests.events.test_query_counts import counted_statements

    with counted_statements(app) as statements:
        assert client.get(url).status_code == 200
    return len(statements)


def test_dashboard_and_report_take_a_fixed_number_of_statements(app, logged_in, db):
    from datetime import date

    from tests.reports.builders import membership

    build_2025()
    add_b2b_meetings([("deal", None)])
    db.session.commit()
    urls = (f"{URL}?start=2025-01-01&end=2025-12-31", "/admin/reports/annual/2025",
            "/admin/cluster/follow-ups/", "/admin/cluster/introductions/")
    first = [_page_statements(app, logged_in, url) for url in urls]
    from app.cluster.models import FollowUp, FollowUpKind, Introduction
    from tests.factories import make_person

    for i in range(6):
        org = membership(f"More {i}", since=date(2024, 1, 1)).organisation
        person = make_person(f"more{i}@example.org", organisation=org)
        db.session.add_all([
            FollowUp(kind=FollowUpKind.EXPORT, held_on=date(2025, 3, 1), organisation=org,
                     person=person),
            Introduction(held_on=date(2025, 3, 1), organisation=org, outside_contact="X")])
    add_b2b_meetings([("deal", "none")] * 4, prefix="more")
    db.session.commit()
    assert [_page_statements(app, logged_in, url) for url in urls] == first
