"""The ten-year generator of the reports benchmark, at a small scale: rows, figures, pages."""

from app.reports.period import Period
from app.reports.summary import figures
from benchmarks.decade import SESSIONS_PER_YEAR, SLOTS, Counts, build_decade
from benchmarks.reports import TARGETS, measure


def test_the_generator_builds_ten_years_the_figures_read(db):
    counts = build_decade(2026, scale=0.02, seed=3)
    shape = Counts.at(0.02)
    meetings_per_session = SLOTS * shape.b2b_participants // 2
    assert counts["organisations"] == shape.organisations
    assert counts["people"] == shape.people
    assert counts["events"] == shape.events
    assert counts["registrations"] == shape.events * shape.registrations_each
    assert counts["B2B meetings"] == 10 * SESSIONS_PER_YEAR * meetings_per_session
    assert counts["follow-ups"] == shape.follow_ups

    year = figures(Period.year(2026))
    assert year.b2b["meetings"] == SESSIONS_PER_YEAR * meetings_per_session
    assert year.b2b["meetings"] - year.b2b["no_feedback"] > 0
    assert sum(year.events.values()) > 0
    assert 0 < year.participation.whole
    assert figures(Period.year(2016)).b2b["meetings"] == 0  # before the ten years


def test_the_benchmark_fetches_every_report(app, db):
    build_decade(2026, scale=0.01)
    app.config.update(WTF_CSRF_ENABLED=False, RATELIMIT_ENABLED=False)
    rows = measure(app, 2026, repeat=1)
    assert [name for name, _first, _median in rows] == list(TARGETS)
