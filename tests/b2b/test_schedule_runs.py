"""Schedule runs: start, the job in the worker, progress, failures and restarts."""

from datetime import timedelta

from app.b2b import runs
from app.b2b.models import RunStatus, ScheduleRun
from app.db import utc_now
from app.jobs.models import Job, JobStatus
from app.jobs.worker import fail_stale_jobs, run_next_job
from tests.factories import make_run, make_schedule_session, meeting_of, participants_of


def test_run_job_end_to_end_stores_meetings_stats_and_progress(app, db):
    session = make_schedule_session()
    run = runs.start_run(session, time_limit=2, min_meetings=1)
    db.session.commit()
    assert run.status == RunStatus.QUEUED
    assert db.session.get(Job, run.job_id).kind == "b2b.solve"

    assert run_next_job(app) is True

    db.session.expire_all()
    run = db.session.get(ScheduleRun, run.id)
    assert run.status == RunStatus.DONE
    assert db.session.get(Job, run.job_id).status == JobStatus.DONE
    assert run.stats["meetings"] == 3
    assert run.stats["value"] == 6.0
    assert run.best_value == 6.0 and run.bound == 6.0
    assert run.progress_at is not None
    assert len(run.meetings) == 3
    assert run.unscheduled == []


def test_progress_writer_updates_the_run_in_its_own_transaction(app, db):
    session = make_schedule_session()
    run = runs.start_run(session, time_limit=2, min_meetings=0)
    db.session.commit()

    runs.write_progress(run.id, 4.5, 6.0)

    db.session.expire_all()
    run = db.session.get(ScheduleRun, run.id)
    assert (run.best_value, run.bound) == (4.5, 6.0)
    assert run.progress_at is not None


def test_stale_run_is_failed_with_reason_and_restartable(app, db):
    session = make_schedule_session()
    run = runs.start_run(session, time_limit=2, min_meetings=0)
    job = db.session.get(Job, run.job_id)
    job.status, job.started_at = JobStatus.RUNNING, utc_now() - timedelta(minutes=5)
    job.heartbeat_at = job.started_at
    run.status = RunStatus.RUNNING
    db.session.commit()

    assert fail_stale_jobs() == 1  # the run fails with its job, no page needs to be seen
    assert runs.sync_run_with_job(run) is False
    assert run.status == RunStatus.FAILED
    assert run.error == "worker stopped responding"

    runs.restart_run(run)
    db.session.commit()
    assert run.status == RunStatus.QUEUED and run.error == ""
    assert run_next_job(app) is True
    db.session.expire_all()
    assert db.session.get(ScheduleRun, run.id).status == RunStatus.DONE


def test_run_that_raises_is_failed_with_the_error(app, db, monkeypatch):
    session = make_schedule_session()
    run = runs.start_run(session, time_limit=2, min_meetings=0)
    db.session.commit()

    def broken(*args, **kwargs):
        raise RuntimeError("solver exploded")

    monkeypatch.setattr(runs.matchmaking, "solve", broken)
    run_next_job(app)

    db.session.expire_all()
    run = db.session.get(ScheduleRun, run.id)
    assert run.status == RunStatus.FAILED
    assert run.error == "solver exploded"
    assert db.session.get(Job, run.job_id).status == JobStatus.FAILED


def test_start_run_refuses_a_bad_time_limit(app, db):
    session = make_schedule_session()
    try:
        runs.start_run(session, time_limit=0, min_meetings=0)
    except runs.RunError as error:
        assert str(error) == "time limit must be between 1 and 3600 seconds"
    else:
        raise AssertionError("accepted time_limit=0")


def test_rerun_keeps_locked_meetings(app, db):
    session = make_schedule_session()
    # (0,1) locked in slot 3 at table 1: the solver would rather not put it there.
    base = make_run(session, meetings=((0, 1, 3, 1), (2, 3, 0, 1)), locked=(0,))
    db.session.commit()
    run = runs.start_run(session, time_limit=2, min_meetings=0, base_run=base)
    db.session.commit()

    run_next_job(app)

    db.session.expire_all()
    run = db.session.get(ScheduleRun, run.id)
    assert run.status == RunStatus.DONE, run.error
    p = participants_of(session)
    kept = meeting_of(run, p[0], p[1])
    assert (kept.slot.code, kept.table.code, kept.locked) == ("S04", "T02", True)
    assert run.stats["meetings"] == 3


def test_progress_ticker_writes_figures_and_the_job_heartbeat(app, db):
    session = make_schedule_session()
    run = runs.start_run(session, time_limit=2, min_meetings=0)
    job = db.session.get(Job, run.job_id)
    old = utc_now() - timedelta(minutes=1)
    job.status, job.started_at, job.heartbeat_at = JobStatus.RUNNING, old, old
    db.session.commit()
    ticker = runs._ProgressTicker(app, run.id)
    ticker.job_id = job.id

    ticker.report(2.0, 6.0, 1)
    ticker.tick()

    db.session.expire_all()
    assert (run.best_value, run.bound) == (2.0, 6.0)
    assert db.session.get(Job, job.id).heartbeat_at > old
