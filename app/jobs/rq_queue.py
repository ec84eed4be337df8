"""Jobs and mail through RQ when REDIS_URL is set: Redis only carries "run job #id".

The Job row stays the record (status, error, restart) and the outbox stays the source of truth
for mail (each message claimed for a lease). A transaction that queues a job or a mail notes it
in its session (`registry.note_queued`, `mail.services.note_mail_queued`); after the commit,
and only then, this module pushes "run job #id" or "deliver due mail" to Redis, so a worker
never looks for a row it cannot see yet. Pushing twice is harmless: a job is claimed
atomically by its id, mail one message at a time. Without REDIS_URL nothing is pushed and the
embedded worker polls the tables as before.
"""

from __future__ import annotations

import logging
from datetime import timedelta

import redis
from flask import Flask, current_app, has_app_context
from rq import Queue
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from app.db import utc_now
from app.extensions import db
from app.jobs.models import Job, JobStatus
from app.jobs.registry import QUEUED_JOBS_KEY
from app.jobs.services import run_job
from app.mail.deferred import render_for_worker
from app.mail.delivery import deliver_due
from app.mail.services import QUEUED_MAIL_KEY

log = logging.getLogger(__name__)

QUEUE_NAME = "clustermeet"
#: Set while a "deliver due mail" task waits in the queue: one is enough, more would find
#: nothing to send. The task clears it before it looks for due mail, so a mail committed
#: while it runs gets a task of its own.
DELIVERY_WAITING = "clustermeet:deliver-mail-waiting"
DELIVERY_WAITING_SECONDS = 60
#: A queued job row this old, with nothing waiting in Redis, lost its push (Redis was down).
LOST_AFTER = timedelta(seconds=30)
#: Messages per delivery batch; a full batch means more may be due.
BATCH = 50
_EXTENSION = "clustermeet_rq"


def rq_enabled(app: Flask | None = None) -> bool:
    """Return whether jobs and mail go through RQ (REDIS_URL is set)."""
    app = app or current_app
    return bool(app.config.get("REDIS_URL"))


def get_queue(app: Flask | None = None) -> Queue:
    """Return the app's RQ queue (one Redis connection pool per process)."""
    app = app or current_app._get_current_object()
    queue = app.extensions.get(_EXTENSION)
    if queue is None:
        # Short timeouts: a request that commits while Redis is down must not hang.
        connection = redis.Redis.from_url(app.config["REDIS_URL"], socket_connect_timeout=2,
                                          socket_timeout=5, health_check_interval=30)
        queue = app.extensions[_EXTENSION] = Queue(QUEUE_NAME, connection=connection)
    return queue


def push_job(job_id: int) -> None:
    """Tell the RQ workers to run a committed job row."""
    get_queue().enqueue_call(run_job_task, args=(job_id,), timeout=-1, result_ttl=0,
                             failure_ttl=24 * 3600, description=f"job {job_id}")


def push_delivery() -> None:
    """Tell the RQ workers to deliver due mail, unless such a task is already waiting."""
    queue = get_queue()
    # The mark expires: a worker killed before taking the task cannot block pushes for long.
    if queue.connection.set(DELIVERY_WAITING, 1, nx=True, ex=DELIVERY_WAITING_SECONDS):
        queue.enqueue_call(deliver_mail_task, timeout=-1, result_ttl=0, failure_ttl=3600,
                           description="deliver due mail")


def push_lost_jobs(*, now=None) -> int:
    """Push again queued job rows whose push was lost (Redis was down); return how many."""
    queue = get_queue()
    if queue.count:
        return 0  # pushes are waiting: the rows are not lost, the workers are busy
    ids = list(db.session.scalars(select(Job.id).where(
        Job.status == JobStatus.QUEUED, Job.run_after <= (now or utc_now()) - LOST_AFTER)))
    db.session.commit()
    for job_id in ids:
        push_job(job_id)
    if ids:
        log.warning("pushed %d queued job(s) to RQ again", len(ids))
    return len(ids)


def run_job_task(job_id: int) -> None:
    """Run one job row in an RQ worker (the task RQ carries)."""
    with current_app._get_current_object().app_context():
        run_job(job_id)


def deliver_mail_task() -> None:
    """Build deferred mail, then deliver due mail, batch after batch while full batches go out."""
    get_queue().connection.delete(DELIVERY_WAITING)
    with current_app._get_current_object().app_context():
        try:
            render_for_worker()  # registrations leave their mail to build here (commits each)
            while deliver_due(limit=BATCH) >= BATCH:
                pass
        except Exception:
            # The outbox keeps the mail; the beat or the next task sends it.
            log.exception("mail delivery task failed")


@event.listens_for(Session, "after_commit")
def _push_after_commit(session: Session) -> None:
    # The rows are committed now: only from here may a worker be told to look for them.
    job_ids = session.info.pop(QUEUED_JOBS_KEY, None)
    mail = session.info.pop(QUEUED_MAIL_KEY, False)
    if not (job_ids or mail) or not has_app_context() or not rq_enabled():
        return
    try:
        for job_id in job_ids or ():
            push_job(job_id)
        if mail:
            push_delivery()
    except redis.RedisError as exc:
        # Committed rows are safe: the workers' beat delivers the mail and pushes lost jobs.
        log.warning("could not push to RQ (%s); the worker beat will pick it up",
                    type(exc).__name__)


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    session.info.pop(QUEUED_JOBS_KEY, None)
    session.info.pop(QUEUED_MAIL_KEY, None)
