"""A run's progress in words: phase, time used of the limit, meetings placed, quality."""

from datetime import timedelta

from flask_babel import refresh

from app.auth.models import User
from app.b2b import runs
from app.b2b.models import RunStatus, ScheduleRun
from app.db import utc_now
from app.extensions import db
from app.jobs.worker import run_next_job
from tests.factories import make_schedule_session

EN = {"Accept-Language": "en"}


def _running(time_limit=10, seconds=4):
    session = make_schedule_session()
    run = runs.start_run(session, time_limit=time_limit, min_meetings=0)
    run.status, run.phase = RunStatus.RUNNING, runs.PHASE_PREPARING
    run.started_at = utc_now() - timedelta(seconds=seconds)
    db.session.commit()
    return run


def _finished(app):
    """Return a run of a small session, solved by the worker."""
    run = runs.start_run(make_schedule_session(), time_limit=2, min_meetings=0)
    db.session.commit()
    assert run_next_job(app) is True
    return db.session.get(ScheduleRun, run.id)


def _progress(client, run, headers=EN):
    db.session.expire_all()
    refresh()  # the test's app context would keep the locale of an earlier call
    return client.get(f"/b2b/runs/{run.id}/progress", headers=headers).get_json()


def test_progress_names_the_phase_time_used_and_quality(logged_in, db):
    run = _running()

    preparing = _progress(logged_in, run)
    ticker = runs._ProgressTicker(logged_in.application, run.id)
    ticker.report(3.0, 6.0, 2)
    ticker.tick()
    found = _progress(logged_in, run)
    ticker.report(5.7, 6.0, 3)
    ticker.tick()
    improving = _progress(logged_in, run)

    assert (preparing["phase_label"], preparing["quality_label"]) == ("Preparing the data", "")
    assert 40 <= preparing["time_percent"] < 60
    assert preparing["time_label"].endswith("s used of 10 s")
    assert (found["phase"], found["phase_label"]) == ("found", "First schedule found")
    assert found["quality_label"] == "Within 50% of the best possible"
    # Meetings placed show during the run, not only at its end.
    assert preparing["meetings_label"] == ""
    assert (found["meetings"], found["meetings_label"]) == (2, "Meetings placed: 2")
    assert improving["meetings_label"] == "Meetings placed: 3"
    assert (improving["phase"], improving["phase_label"]) == ("improving",
                                                              "Improving the schedule")
    assert improving["quality_label"] == "Within 5% of the best possible"


def test_progress_is_written_in_the_organisers_language(logged_in, db):
    run = _running()
    runs.write_progress(run.id, 4.5, 6.0, phase=runs.PHASE_IMPROVING)
    organiser = db.session.scalar(db.select(User))
    organiser.language = "fr"
    db.session.commit()

    data = _progress(logged_in, run)

    assert data["phase_label"] == "Amélioration du planning"
    assert data["quality_label"] == "À 25\u00a0% du meilleur possible"


def test_finished_run_shows_meetings_placed_and_a_full_bar(app, logged_in, db):
    session = make_schedule_session()
    run = runs.start_run(session, time_limit=2, min_meetings=0)
    db.session.commit()
    assert run_next_job(app) is True

    data = _progress(logged_in, db.session.get(ScheduleRun, run.id))
    page = logged_in.get(f"/b2b/runs/{run.id}", headers=EN).get_data(as_text=True)

    assert (data["phase_label"], data["time_percent"]) == ("Finished", 100.0)
    assert data["meetings_label"] == "Meetings placed: 3"
    assert data["quality_label"] == "As good as the best possible"
    assert "Meetings placed: 3" in page and "bound" not in page.lower()


def test_progress_is_written_at_least_every_two_seconds():
    assert runs.PROGRESS_EVERY <= 2.0


def test_finished_run_shows_its_breaks_against_the_proven_fewest(app, logged_in, db):
    run = _finished(app)
    solved = _progress(logged_in, run)
    stats = run.stats

    run.stats = {**stats, "breaks": 1234, "breaks_lower_bound": 56}
    db.session.commit()
    above = _progress(logged_in, run)
    page = logged_in.get(f"/b2b/runs/{run.id}", headers=EN).get_data(as_text=True)
    french = _progress(logged_in, run, headers={"Accept-Language": "fr"})
    run.stats = {**stats, "breaks": 3, "breaks_lower_bound": 3}
    db.session.commit()
    fewest = _progress(logged_in, run)
    # A hand edit may change the meetings: the bound no longer applies to them.
    run.stats = {**stats, "breaks": 4, "breaks_lower_bound": 3, "edited": True}
    db.session.commit()
    edited = _progress(logged_in, run)

    assert solved["breaks_label"].startswith(str(stats["breaks"]))
    assert above["breaks_label"] == ("1,234 (any schedule of these meetings has at least 56)")
    assert "1,234 (any schedule of these meetings has at least 56)" in page
    assert french["breaks_label"] == (
        "1\u202f234 (tout planning de ces rendez-vous en a au moins 56)")
    assert fewest["breaks_label"] == "3, the fewest possible with these meetings"
    assert edited["breaks_label"] == "4"


def test_finished_run_writes_its_figures_in_the_readers_number_format(app, logged_in, db):
    run = _finished(app)
    run.stats = {**run.stats, "meetings": 1234, "participants_without_meeting": 0,
                 "idle_slots": 5678}
    db.session.commit()

    pages = {}
    for language in ("en", "fr", "nl"):
        refresh()  # the test's app context would keep the locale of the last request
        pages[language] = logged_in.get(f"/b2b/runs/{run.id}", headers={
            "Accept-Language": language}).get_data(as_text=True)

    assert ">1,234<" in pages["en"] and ">5,678<" in pages["en"]
    assert ">1\u202f234<" in pages["fr"] and ">5\u202f678<" in pages["fr"]
    assert ">1.234<" in pages["nl"] and ">5.678<" in pages["nl"]
