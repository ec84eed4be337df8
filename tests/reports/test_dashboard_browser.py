"""In chromium, on the demo's year: the dashboard and the annual report draw their charts
(server-side SVG, styled by a static stylesheet) with no Content-Security-Policy violation."""

import os
from pathlib import Path

import pytest

from app.auth.services import create_user
from tests.reports.builders import demo_year
from tests.test_csp_browser import Watched

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _charts(page) -> list[dict]:
    """Size and drawn series of every chart of the page."""
    return page.eval_on_selector_all("svg.pygal-chart", """svgs => svgs.map(s => {
        const box = s.getBoundingClientRect();
        const coloured = [...s.querySelectorAll('[class*="color-"]')].filter(e => {
            const fill = getComputedStyle(e).fill;
            return fill && fill !== 'none' && fill !== 'rgb(0, 0, 0)';
        });
        return {width: box.width, height: box.height, coloured: coloured.length};
    })""")


@pytest.mark.parametrize("locale", ["fr", "nl"])
def test_dashboard_and_annual_report_draw_their_charts(live_server, new_page, tmp_path, locale):
    result = live_server.app.test_cli_runner().invoke(args=["seed", "demo"])
    assert result.exit_code == 0, result.output
    live_server.call(create_user, "orga@cluster.example", "correct-horse", name="Orga",
                     is_admin=True)
    year = live_server.call(demo_year)
    orga = Watched(new_page(locale=locale, viewport={"width": 1280, "height": 900}))
    orga.visit(live_server.url_for("auth.login"))
    orga.page.fill("input[name=email]", "orga@cluster.example")
    orga.page.fill("input[name=password]", "correct-horse")
    orga.page.click("[type=submit]")
    orga.page.wait_for_url(lambda url: "/auth/login" not in url)

    orga.visit(live_server.url_for("reports.index", start=f"{year}-01-01", end=f"{year}-12-31"))
    charts = _charts(orga.page)
    shots = Path(os.environ.get("REPORT_SCREENSHOTS") or tmp_path)
    orga.page.screenshot(path=str(shots / f"dashboard-{locale}.png"), full_page=True)

    assert len(charts) >= 6
    assert all(chart["width"] > 200 and chart["height"] > 100 for chart in charts), charts
    assert sum(chart["coloured"] > 0 for chart in charts) >= len(charts) - 1, charts
    # Each chart's numbers sit beside it in a table, for screen readers.
    assert orga.page.locator("table").count() >= len(charts)

    orga.visit(live_server.url_for("reports.annual_report", year=year, lang=locale))
    orga.page.screenshot(path=str(shots / f"annual-{locale}.png"), full_page=True)
    assert all(chart["width"] > 200 for chart in _charts(orga.page))
