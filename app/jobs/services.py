"""Run queued jobs: claim one atomically, call its handler, record done or failed.

Handlers are called as ``handler(**payload)`` with plain values (ids), so the jobs table could
later be swapped for a queue such as RQ without touching them. A handler that runs long calls
:func:`heartbeat` now and then (a solver progress callback, say) so other workers can tell a
slow job from a dead one.
"""

from __future__ import annotations

import logging
import time
from contextlib import nullcontext
from contextvars import ContextVar
from datetime import datetime, timedelta

from flask import Flask, current_app
from sqlalchemy import and_, or_, select, update
from sqlalchemy.exc import SQLAlchemyError

from app.db import utc_now
from app.extensions import db
from app.jobs import registry
from app.jobs.models import Job, JobStatus
from app.signals import jobs_failed
from app.text import one_line

log = logging.getLogger(__name__)

#: Error of a job whose worker stopped sending heartbeats (B2B runs show it too).
STALE_REASON = "worker stopped responding"
DEFAULT_MAX_SILENCE = timedelta(seconds=60)  # JOB_STALE_SECONDS overrides it
_current_job_id: ContextVar[int | None] = ContextVar("current_job_id", default=None)


def run_next_job(app: Flask | None = None, *, now: datetime | None = None) -> bool:
    """Run the oldest due queued job, if any; return whether one was run."""
    with app.app_context() if app is not None else nullcontext():
        now = now or utc_now()
        candidates = list(db.session.scalars(
            select(Job.id)
            .where(Job.status == JobStatus.QUEUED, Job.run_after <= now)
            .order_by(Job.run_after, Job.id)
            .limit(5)
        ))
        db.session.commit()
        for job_id in candidates:
            if _claim(job_id, now):
                _run_claimed(job_id)
                return True
        return False


def run_job(job_id: int, *, now: datetime | None = None) -> bool:
    """Run one queued job by id (what RQ carries); False when it is not queued any more."""
    if not _claim(job_id, now or utc_now()):
        return False  # done, running or failed elsewhere: a second delivery of the same id
    _run_claimed(job_id)
    return True


def heartbeat(job_id: int | None = None, *, now: datetime | None = None) -> bool:
    """Record that a running job is alive, in a separate short transaction.

    Uses its own connection so the handler's unfinished work is not committed with it.
    ``job_id`` defaults to the job being run in this context. Best effort: returns False
    (and logs) instead of raising when the database is busy.
    """
    job_id = job_id if job_id is not None else _current_job_id.get()
    if job_id is None:
        return False
    try:
        with db.engine.connect() as connection:
            sqlite = connection.dialect.name == "sqlite"
            if sqlite:
                # The handler may hold SQLite's only write lock in this very thread: don't wait.
                busy_timeout = connection.exec_driver_sql("PRAGMA busy_timeout").scalar()
                connection.exec_driver_sql("PRAGMA busy_timeout = 200")
            try:
                connection.execute(
                    update(Job.__table__)
                    .where(Job.__table__.c.id == job_id,
                           Job.__table__.c.status == JobStatus.RUNNING)
                    .values(heartbeat_at=now or utc_now())
                )
                connection.commit()
            finally:
                if sqlite:
                    connection.rollback()
                    connection.exec_driver_sql(f"PRAGMA busy_timeout = {int(busy_timeout)}")
    except SQLAlchemyError as exc:
        log.warning("heartbeat of job %s not recorded: %s", job_id, one_line(exc))
        return False
    return True


def current_job_id() -> int | None:
    """Return the id of the job whose handler is running in this context, if any."""
    return _current_job_id.get()


def fail_stale_jobs(max_silence: timedelta | None = None, *,
                    now: datetime | None = None) -> int:
    """Mark running jobs silent for longer than ``max_silence`` as failed; flush only.

    ``max_silence`` defaults to JOB_STALE_SECONDS (60 s).
    """
    if max_silence is None:
        seconds = current_app.config.get("JOB_STALE_SECONDS")
        max_silence = DEFAULT_MAX_SILENCE if seconds is None else timedelta(seconds=seconds)
    now = now or utc_now()
    cutoff = now - max_silence
    failed = list(db.session.scalars(
        update(Job)
        .where(Job.status == JobStatus.RUNNING,
               or_(Job.heartbeat_at < cutoff,
                   and_(Job.heartbeat_at.is_(None), Job.started_at < cutoff)))
        .values(status=JobStatus.FAILED, error=STALE_REASON, finished_at=now)
        .returning(Job.id)
        .execution_options(synchronize_session="fetch")
    ))
    db.session.flush()
    if failed:
        log.warning("failed %d job(s) whose worker stopped responding", len(failed))
        # What the jobs did is failed with them (a B2B run, say), in this transaction.
        jobs_failed.send(None, job_ids=failed)
    return len(failed)


def restart_job(job_id: int) -> Job:
    """Queue a failed job again, to run as soon as a worker is free; flush only."""
    job = db.session.get(Job, job_id)
    if job is None:
        raise LookupError(f"no job {job_id}")
    if job.status != JobStatus.FAILED:
        raise ValueError(f"only a failed job can be restarted; job {job_id} is {job.status}")
    job.status = JobStatus.QUEUED
    job.run_after = utc_now()
    job.started_at = job.heartbeat_at = job.finished_at = None
    job.error = ""
    db.session.flush()
    registry.note_queued(job.id)
    return job


def _claim(job_id: int, now: datetime) -> bool:
    result = db.session.execute(
        update(Job)
        .where(Job.id == job_id, Job.status == JobStatus.QUEUED)
        .values(status=JobStatus.RUNNING, started_at=now, heartbeat_at=now, finished_at=None,
                error="", attempts=Job.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount == 1


def _run_claimed(job_id: int) -> None:
    kind, payload = db.session.execute(
        select(Job.kind, Job.payload).where(Job.id == job_id)
    ).one()
    db.session.commit()
    handler = registry.HANDLERS.get(kind)
    if handler is None:
        _finish(job_id, JobStatus.FAILED, f"unknown job kind {kind!r}")
        log.error("job %s failed: unknown job kind %r", job_id, kind)
        return
    token = _current_job_id.set(job_id)
    started = time.monotonic()

    def fields(status: JobStatus) -> dict:
        # The worker's one structured line per job (LOG_FORMAT=json): ids and timings only.
        return {"event": "job", "job_id": job_id, "kind": kind, "status": status.value,
                "duration_ms": round((time.monotonic() - started) * 1000)}

    try:
        handler(**(payload or {}))
    except Exception as exc:
        db.session.rollback()
        log.exception("job %s (%s) failed", job_id, kind, extra=fields(JobStatus.FAILED))
        _finish(job_id, JobStatus.FAILED, one_line(exc))
        return
    finally:
        _current_job_id.reset(token)
    # The handler's changes and "done" are committed together: a job is done with its work.
    if _finish(job_id, JobStatus.DONE, ""):
        log.info("job %s (%s) done", job_id, kind, extra=fields(JobStatus.DONE))
    else:
        log.warning("job %s (%s) finished after being marked failed; its work was discarded",
                    job_id, kind)


def _finish(job_id: int, status: JobStatus, error: str) -> bool:
    result = db.session.execute(
        update(Job)
        .where(Job.id == job_id, Job.status == JobStatus.RUNNING)
        .values(status=status, error=error[:1000], finished_at=utc_now())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.rollback()
        return False
    db.session.commit()
    return True
