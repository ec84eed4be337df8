"""`flask seed demo` adds a year of the cluster's work; the dashboard and report show it."""

from app.reports.period import Period
from app.reports.summary import figures
from tests.reports.builders import demo_year


def test_demo_year_gives_sensible_figures_and_pages(runner, db, logged_in):
    result = runner.invoke(args=["seed", "demo"])
    assert result.exit_code == 0, result.output
    year = demo_year()
    found = figures(Period.year(year))
    assert 40 <= found.ties_at_end["members"] <= 60 and found.ties_at_end["partners"] == 20
    assert sum(found.follow_ups.values()) == 55
    assert found.changes["joins"] > 0 and found.changes["candidates_stopped"] == 1
    assert found.board["seats"] == 11 and found.board["co_opted"] == 2
    assert found.participation.whole > 0 and found.participation.percent is not None
    assert found.advices["introductions"] == 38
    assert logged_in.get(f"/admin/reports/?start={year}-01-01&end={year}-12-31").status_code == 200
    page = logged_in.get(f"/admin/reports/annual/{year}?lang=nl")
    assert page.status_code == 200 and "Jaarverslag" in page.get_data(as_text=True)
