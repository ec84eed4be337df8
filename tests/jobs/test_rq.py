"""Jobs and mail through RQ, on a real redis-server and real `flask worker` processes.

The Job rows and the outbox stay the record; Redis only carries "run job #id" and "deliver
due mail", pushed after the commit. Workers are subprocesses on the test's file database.
"""

import json
import logging
import signal
import time
from datetime import timedelta

import pytest
from rq.exceptions import StopRequested
from sqlalchemy import func, select

from app.b2b import publication, runs
from app.b2b.models import B2BSession, Meeting, PublishedMeeting, RunStatus, ScheduleRun
from app.db import utc_now
from app.jobs.beats import WORKER_PREFIX
from app.jobs.models import Job, JobStatus, ProcessBeat
from app.jobs.rq_queue import LOST_AFTER, get_queue, push_lost_jobs
from app.jobs.rq_worker import SignalAwareWorker, StopRequest, run_rq_worker
from app.jobs.services import STALE_REASON, fail_stale_jobs, restart_job
from app.mail import deferred
from app.mail.models import DeferredMail, OutboxMessage, OutboxStatus
from config import rate_limit_storage
from tests.factories import make_run, make_schedule_session, queue_plain
from tests.fixtures.smtp import free_port
from tests.mails import calendar_part

MAILS = 30


def wait_for(db, condition, timeout: float, what: str, workers=()) -> None:
    """Poll ``condition`` (reading fresh rows) until true; fail early if a worker died."""
    deadline = time.monotonic() + timeout
    while True:
        db.session.expire_all()
        done = condition()
        db.session.rollback()  # hold no read transaction while the workers write
        if done:
            return
        for worker in workers:
            if worker.poll() is not None:
                raise AssertionError(f"a worker exited while waiting for {what}: "
                                     f"{worker.log_path}\n{open(worker.log_path).read()}")
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def worker_beats(db) -> int:
    return len(db.session.scalars(
        select(ProcessBeat).where(ProcessBeat.name.startswith(WORKER_PREFIX))).all())


def test_jobs_and_mail_are_pushed_to_redis_only_after_the_commit(rq_app, db, redis_server):
    queue = get_queue(rq_app)
    session = make_schedule_session()
    db.session.commit()

    runs.start_run(session, time_limit=2, min_meetings=0)
    queue_plain("ana@example.org")
    assert queue.count == 0  # flushed, not committed: a worker could not see the rows
    db.session.rollback()
    assert queue.count == 0  # rolled back: nothing to run, nothing pushed

    run = runs.start_run(session, time_limit=2, min_meetings=0)
    queue_plain("ana@example.org")
    db.session.commit()
    queue_plain("bert@example.org")
    db.session.commit()

    # One "deliver due mail" waits, however many mails were committed meanwhile.
    assert sorted((job.func_name, job.args) for job in queue.get_jobs()) == [
        ("app.jobs.rq_queue.deliver_mail_task", ()),
        ("app.jobs.rq_queue.run_job_task", (run.job_id,))]


def test_a_restarted_job_is_pushed_after_its_commit(rq_app, db, redis_server):
    queue = get_queue(rq_app)
    run = runs.start_run(make_schedule_session(), time_limit=2, min_meetings=0)
    db.session.get(Job, run.job_id).status = JobStatus.FAILED
    db.session.commit()
    queue.empty()

    restart_job(run.job_id)
    assert queue.count == 0
    db.session.commit()

    assert [job.args for job in queue.get_jobs()] == [(run.job_id,)]


def test_a_push_lost_while_redis_was_down_is_pushed_again_by_the_beat(
        rq_app, db, redis_server, caplog):
    url = rq_app.config["REDIS_URL"]
    rq_app.config["REDIS_URL"] = f"redis://127.0.0.1:{free_port()}/0"  # nobody listens
    rq_app.extensions.pop("clustermeet_rq", None)
    run = runs.start_run(make_schedule_session(), time_limit=2, min_meetings=0)
    with caplog.at_level(logging.WARNING, "app.jobs.rq_queue"):
        db.session.commit()  # the rows are safe; only the push is lost
    assert "could not push to RQ" in caplog.text
    rq_app.config["REDIS_URL"] = url
    rq_app.extensions.pop("clustermeet_rq", None)
    queue = get_queue(rq_app)
    assert queue.count == 0

    assert push_lost_jobs() == 0  # too young to be called lost
    assert push_lost_jobs(now=utc_now() + LOST_AFTER) == 1
    assert [job.args for job in queue.get_jobs()] == [(run.job_id,)]
    assert push_lost_jobs(now=utc_now() + LOST_AFTER) == 0  # waiting in Redis: not lost


def test_a_job_silent_for_job_stale_seconds_is_failed(app, db):
    app.config["JOB_STALE_SECONDS"] = 5
    run = runs.start_run(make_schedule_session(), time_limit=2, min_meetings=0)
    job = db.session.get(Job, run.job_id)
    job.status, job.started_at = JobStatus.RUNNING, utc_now()
    job.heartbeat_at = job.started_at
    db.session.commit()

    assert fail_stale_jobs(now=job.heartbeat_at + timedelta(seconds=4)) == 0
    assert fail_stale_jobs(now=job.heartbeat_at + timedelta(seconds=6)) == 1
    app.config.pop("JOB_STALE_SECONDS")
    job.status = JobStatus.RUNNING
    db.session.commit()
    # The default: a minute, so with a 10 s beat a dead worker's job fails within 2 minutes.
    assert fail_stale_jobs(now=job.heartbeat_at + timedelta(seconds=59)) == 0
    assert fail_stale_jobs(now=job.heartbeat_at + timedelta(seconds=61)) == 1


def test_rate_limits_count_in_redis_when_it_is_set_and_nothing_else_is():
    assert rate_limit_storage({}) == "memory://"
    assert rate_limit_storage({"REDIS_URL": "redis://cache:6379/0"}) == "redis://cache:6379/0"
    assert rate_limit_storage({"REDIS_URL": "redis://cache:6379/0",
                               "RATELIMIT_STORAGE_URI": "memcached://m:11211"}) \
        == "memcached://m:11211"


def test_sigterm_stops_an_rq_worker_cleanly(rq_app, db, rq_workers):
    worker = rq_workers.start()
    wait_for(db, lambda: worker_beats(db) == 1, 60, "the worker's first beat", [worker])

    worker.send_signal(signal.SIGTERM)

    assert worker.wait(timeout=30) == 0, rq_workers.log(worker)


@pytest.fixture
def own_signal_handlers():
    """Put the test process's SIGINT and SIGTERM handlers back after a worker ran in it."""
    handlers = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)}
    yield
    for signum, handler in handlers.items():
        signal.signal(signum, handler)


@pytest.mark.timeout(60)
def test_a_signal_before_rq_takes_over_still_ends_the_worker(rq_app, redis_server,
                                                            own_signal_handlers):
    # SIGTERM between the worker's start and RQ's handlers only sets ``stop``; RQ's loop must
    # then end at once instead of waiting for tasks with nobody left to stop it.
    stop = StopRequest()
    stop.set()
    queue = get_queue(rq_app)
    worker = SignalAwareWorker([queue], connection=queue.connection, stop=stop)
    started = time.monotonic()
    worker.work(logging_level="WARNING")
    assert time.monotonic() - started < 10


@pytest.mark.timeout(60)
def test_rq_stopping_an_idle_worker_by_raising_ends_it_cleanly(rq_app, db, monkeypatch,
                                                               own_signal_handlers):
    # RQ's handler raises StopRequested when idle; outside RQ's loop (while it installs its
    # handlers, or tears down) the exception reaches our loop, which must stop, not crash.
    def work(worker, **options):
        raise StopRequested()

    monkeypatch.setattr(SignalAwareWorker, "work", work)
    run_rq_worker(rq_app)


def test_scheduler_run_goes_through_rq_and_completes(rq_app, db, rq_workers):
    # A beat only at start: the run can only reach the worker through Redis.
    worker = rq_workers.start(WORKER_BEAT_SECONDS="3600")
    session = make_schedule_session()
    db.session.commit()

    run = runs.start_run(session, time_limit=5, min_meetings=0)
    db.session.commit()
    run_id, job_id = run.id, run.job_id

    wait_for(db, lambda: db.session.get(ScheduleRun, run_id).status == RunStatus.DONE, 120,
             "the run to finish", [worker])
    job = db.session.get(Job, job_id)
    assert (job.status, job.error, job.attempts) == (JobStatus.DONE, "", 1)
    assert db.session.scalars(select(Meeting).where(Meeting.run_id == run_id)).all()


def test_mail_goes_out_through_rq_exactly_once(rq_app, db, smtp_server, rq_workers):
    worker = rq_workers.start(WORKER_BEAT_SECONDS="3600")
    wait_for(db, lambda: worker_beats(db) == 1, 60, "the worker's first beat", [worker])
    time.sleep(1)  # its one beat is over: only the pushed task can send the mail

    message_id = queue_plain("ana@example.org", subject="Welcome").id
    db.session.commit()

    [mail] = smtp_server.wait_for(1, timeout=30)
    time.sleep(1.5)
    assert len(smtp_server.messages) == 1
    assert mail.rcpt_tos == ["ana@example.org"] and mail.subject == "Welcome"
    row = db.session.get(OutboxMessage, message_id)
    assert (row.status, row.attempts) == (OutboxStatus.SENT, 1)
    assert mail.message["Message-ID"] == row.message_id
    assert worker.poll() is None


def test_a_publication_s_mails_are_written_and_sent_by_an_rq_worker(rq_app, db, smtp_server,
                                                                    rq_workers):
    worker = rq_workers.start(WORKER_BEAT_SECONDS="3600")
    wait_for(db, lambda: worker_beats(db) == 1, 60, "the worker's first beat", [worker])
    time.sleep(1)  # its one beat is over: only the task pushed by the commit can write them
    rq_app.config["DEFERRED_MAIL_BY_WORKER"] = True
    session = make_schedule_session()
    run = make_run(session)
    db.session.commit()

    result = publication.publish_run(run, defer_mail=True)
    db.session.commit()
    deferred.after_commit()

    mails = smtp_server.wait_for(result.mails, timeout=60)
    assert result.mails == len(mails) == 10
    calendars = [m for m in mails if calendar_part(m.message) is not None]
    assert len(calendars) == 6  # one per meeting and person, beside 4 agendas
    wait_for(db, lambda: db.session.scalar(select(func.count(DeferredMail.id))) == 0, 10,
             "the deferred row to be claimed", [worker])
    rows = db.session.scalars(select(OutboxMessage)).all()
    assert {(row.status, row.attempts) for row in rows} == {(OutboxStatus.SENT, 1)}
    assert len(rows) == 10 and worker.poll() is None


def test_two_rq_workers_never_send_a_mail_twice(rq_app, db, smtp_server, rq_workers):
    smtp_server.delay = 0.05  # sends overlap: both workers' tasks and beats compete
    workers = [rq_workers.start(WORKER_BEAT_SECONDS="0.2") for _ in range(2)]
    wait_for(db, lambda: worker_beats(db) == 2, 60, "both workers' beats", workers)

    addresses = [f"person{i:02d}@example.org" for i in range(MAILS)]
    for address in addresses:
        queue_plain(address)
        db.session.commit()  # one push per commit, as many requests would do

    smtp_server.wait_for(MAILS, timeout=60)
    time.sleep(2)  # more beats and tasks: nothing goes out again
    received = sorted(mail.rcpt_tos[0] for mail in smtp_server.messages)
    assert received == addresses
    rows = db.session.scalars(select(OutboxMessage)).all()
    assert {(row.status, row.attempts) for row in rows} == {(OutboxStatus.SENT, 1)}
    assert all(worker.poll() is None for worker in workers)
    rq_workers.stop_all()
    # The workers' logs: JSON lines (LOG_FORMAT=json), ids only, no address in them.
    for worker in workers:
        lines = [line for line in rq_workers.log(worker).splitlines() if line.strip()]
        assert lines and all(json.loads(line)["level"] for line in lines)
        assert "@example.org" not in rq_workers.log(worker)


def test_worker_killed_mid_solve_fails_the_run_restart_works_published_unchanged(
        rq_app, db, rq_workers, tmp_path):
    block = tmp_path / "hold-the-solver"
    block.touch()
    env = {"BLOCK_SOLVER_WHILE": str(block), "JOB_STALE_SECONDS": "6"}
    session = make_schedule_session()
    published_run = make_run(session)
    db.session.commit()
    publication.publish_run(published_run)
    db.session.commit()
    session_id, published_run_id = session.id, published_run.id

    def published_rows():
        return sorted((m.a_id, m.b_id, m.slot_id, m.table_id, m.uid, m.published_at)
                      for m in db.session.scalars(select(PublishedMeeting).where(
                          PublishedMeeting.session_id == session_id)))

    before = published_rows()
    assert before
    first = rq_workers.start(**env)
    run = runs.start_run(session, time_limit=5, min_meetings=0)
    db.session.commit()
    run_id, job_id = run.id, run.job_id
    wait_for(db, lambda: db.session.get(ScheduleRun, run_id).status == RunStatus.RUNNING
             and db.session.get(Job, job_id).status == JobStatus.RUNNING, 60,
             "the solver to run", [first])

    first.send_signal(signal.SIGKILL)  # mid-job: no handler, no cleanup
    first.wait(timeout=10)
    killed = time.monotonic()
    second = rq_workers.start(**env)
    wait_for(db, lambda: db.session.get(Job, job_id).status == JobStatus.FAILED, 120,
             "the dead worker's job to be failed", [second])
    assert time.monotonic() - killed < 120
    assert db.session.get(Job, job_id).error == STALE_REASON
    run = db.session.get(ScheduleRun, run_id)  # failed with its job by the beat
    assert (run.status, run.error) == (RunStatus.FAILED, STALE_REASON)
    assert published_rows() == before

    block.unlink()
    runs.restart_run(run)
    db.session.commit()
    new_job_id = run.job_id
    wait_for(db, lambda: db.session.get(ScheduleRun, run_id).status == RunStatus.DONE, 120,
             "the restarted run to finish", [second])
    assert db.session.get(Job, new_job_id).status == JobStatus.DONE
    assert db.session.get(B2BSession, session_id).published_run_id == published_run_id
    assert published_rows() == before


def test_redis_down_mail_still_goes_out_and_jobs_run_once_it_returns(
        rq_app, db, smtp_server, rq_workers, redis_server):
    worker = rq_workers.start()
    wait_for(db, lambda: worker_beats(db) == 1, 60, "the worker's first beat", [worker])
    redis_server.stop()

    queue_plain("ana@example.org", subject="Welcome")
    run = runs.start_run(make_schedule_session(), time_limit=2, min_meetings=0)
    db.session.commit()  # the rows are safe; the pushes are lost
    run_id = run.id

    [mail] = smtp_server.wait_for(1, timeout=30)  # the beat delivers without Redis
    assert mail.subject == "Welcome"
    redis_server.start()  # empty: the push of the run is gone
    wait_for(db, lambda: db.session.get(ScheduleRun, run_id).status == RunStatus.DONE,
             LOST_AFTER.total_seconds() + 90, "the run, pushed again by the beat", [worker])
    assert len(smtp_server.messages) == 1


def test_a_worker_started_while_redis_is_down_delivers_mail_and_waits_for_it(
        rq_app, db, smtp_server, rq_workers, redis_server):
    redis_server.stop()
    worker = rq_workers.start()
    queue_plain("ana@example.org", subject="Welcome")
    run = runs.start_run(make_schedule_session(), time_limit=2, min_meetings=0)
    db.session.commit()
    run_id = run.id

    [mail] = smtp_server.wait_for(1, timeout=30)  # the beat delivers without Redis
    assert mail.subject == "Welcome"
    assert worker.poll() is None, rq_workers.log(worker)
    redis_server.start()
    wait_for(db, lambda: db.session.get(ScheduleRun, run_id).status == RunStatus.DONE,
             LOST_AFTER.total_seconds() + 90, "the run, pushed again by the beat", [worker])
    assert len(smtp_server.messages) == 1


def test_sigterm_stops_a_worker_waiting_for_redis(rq_app, db, rq_workers, redis_server):
    redis_server.stop()
    worker = rq_workers.start()
    wait_for(db, lambda: worker_beats(db) == 1, 60, "the worker's first beat", [worker])
    time.sleep(1)  # into the pause between two tries

    worker.send_signal(signal.SIGTERM)

    assert worker.wait(timeout=30) == 0, rq_workers.log(worker)
    assert "trying again" in rq_workers.log(worker)
