"""Running background jobs: claim, run once, record failures, detect dead workers."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.db import utc_now
from app.extensions import db as other_db
from app.jobs import registry
from app.jobs.models import Job, JobStatus
from app.jobs.services import (
    STALE_REASON,
    current_job_id,
    fail_stale_jobs,
    heartbeat,
    restart_job,
    run_next_job,
)
from app.mail.models import OutboxMessage
from tests.factories import queue_plain


@pytest.fixture
def calls(monkeypatch):
    """Register test job kinds; return the list of calls they receive."""
    received: list[dict] = []

    def record(**payload):
        received.append({"job": current_job_id(), **payload})
        queue_plain(f"person{payload.get('person_id', 0)}@example.org")

    def explode(**payload):
        queue_plain("never@example.org")
        raise ValueError("organisation 12 has no contact\nsee the members page")

    def beat(**payload):
        received.append({"heartbeat": heartbeat(now=datetime(2030, 1, 1, tzinfo=UTC))})

    monkeypatch.setitem(registry.HANDLERS, "test.record", record)
    monkeypatch.setitem(registry.HANDLERS, "test.explode", explode)
    monkeypatch.setitem(registry.HANDLERS, "test.beat", beat)
    return received


def _reload(db, job_id: int) -> Job:
    db.session.expire_all()
    return db.session.get(Job, job_id)


def _outbox_count(db) -> int:
    return db.session.scalar(select(func.count()).select_from(OutboxMessage))


def test_run_next_job_runs_handler_once_with_payload(app, db, calls):
    job = registry.enqueue("test.record", person_id=3)
    db.session.commit()

    ran = [run_next_job(app), run_next_job(app)]

    assert ran == [True, False]
    assert calls == [{"job": job.id, "person_id": 3}]
    stored = _reload(db, job.id)
    assert (stored.status, stored.attempts, stored.error) == (JobStatus.DONE, 1, "")
    assert stored.started_at <= stored.finished_at
    # The handler's work is committed with the job.
    assert _outbox_count(db) == 1


def test_run_next_job_takes_oldest_due_job_first(app, db, calls):
    later = registry.enqueue("test.record", person_id=2)
    later.run_after = utc_now() + timedelta(hours=1)
    first = registry.enqueue("test.record", person_id=1)
    db.session.commit()

    run_next_job(app)
    nothing_due = run_next_job(app)

    assert calls == [{"job": first.id, "person_id": 1}]
    assert nothing_due is False
    assert _reload(db, later.id).status == JobStatus.QUEUED


def test_run_next_job_records_failure_reason_and_rolls_back(app, db, calls):
    job = registry.enqueue("test.explode", organisation_id=12)
    db.session.commit()

    ran = run_next_job(app)

    stored = _reload(db, job.id)
    assert ran is True
    assert stored.status == JobStatus.FAILED
    assert stored.error == "ValueError: organisation 12 has no contact see the members page"
    assert stored.finished_at is not None
    assert _outbox_count(db) == 0


def test_run_next_job_fails_unknown_kind(app, db):
    job = Job(kind="test.unknown", payload={})
    db.session.add(job)
    db.session.commit()

    run_next_job(app)

    stored = _reload(db, job.id)
    assert (stored.status, stored.error) == (JobStatus.FAILED, "unknown job kind 'test.unknown'")


def test_heartbeat_from_handler_records_time_of_its_job(app, db, calls):
    job = registry.enqueue("test.beat")
    db.session.commit()

    run_next_job(app)

    assert calls == [{"heartbeat": True}]
    stored = _reload(db, job.id)
    assert stored.status == JobStatus.DONE
    assert stored.heartbeat_at == datetime(2030, 1, 1, tzinfo=UTC)


def test_heartbeat_outside_a_job_does_nothing(app, db):
    assert heartbeat() is False


def test_heartbeat_does_not_commit_callers_work(app, db):
    job = Job(kind="test.record", payload={}, status=JobStatus.RUNNING,
              started_at=utc_now(), heartbeat_at=utc_now() - timedelta(minutes=5))
    db.session.add(job)
    db.session.commit()
    queue_plain("uncommitted@example.org")

    recorded = heartbeat(job.id)
    db.session.rollback()

    assert _outbox_count(db) == 0
    # SQLite has a single writer, held here by the caller's flush: the beat is skipped, quickly.
    assert recorded is (db.engine.dialect.name != "sqlite")


def test_fail_stale_jobs_fails_silent_running_job_and_restart_runs_it(app, db, calls):
    silent = registry.enqueue("test.record", person_id=5)
    alive = registry.enqueue("test.record", person_id=6)
    now = utc_now()
    for job, beat in ((silent, now - timedelta(seconds=61)), (alive, now - timedelta(seconds=5))):
        job.status, job.started_at, job.heartbeat_at = JobStatus.RUNNING, now, beat
    db.session.commit()

    failed = fail_stale_jobs(timedelta(seconds=60))
    db.session.commit()

    assert failed == 1
    assert (_reload(db, silent.id).status, _reload(db, silent.id).error) == (
        JobStatus.FAILED, STALE_REASON)
    assert _reload(db, alive.id).status == JobStatus.RUNNING

    restart_job(silent.id)
    db.session.commit()
    assert _reload(db, silent.id).status == JobStatus.QUEUED

    assert run_next_job(app) is True
    stored = _reload(db, silent.id)
    assert (stored.status, stored.error, stored.attempts) == (JobStatus.DONE, "", 1)
    assert calls == [{"job": silent.id, "person_id": 5}]


def test_restart_job_refuses_job_that_did_not_fail(app, db, calls):
    job = registry.enqueue("test.record")
    db.session.commit()

    with pytest.raises(ValueError, match="only a failed job can be restarted"):
        restart_job(job.id)


def test_job_finished_after_being_failed_as_stale_stays_failed_and_discards_work(
        app, db, monkeypatch):
    def slow(**payload):
        # Meanwhile another worker decides this one is dead...
        with app.app_context():
            fail_stale_jobs(timedelta(0), now=utc_now() + timedelta(minutes=5))
            other_db.session.commit()
        # ...and then this handler still does its work.
        queue_plain("late@example.org")

    monkeypatch.setitem(registry.HANDLERS, "test.slow", slow)
    job = registry.enqueue("test.slow")
    db.session.commit()

    run_next_job(app)

    stored = _reload(db, job.id)
    assert (stored.status, stored.error) == (JobStatus.FAILED, STALE_REASON)
    assert _outbox_count(db) == 0
