"""The worker loop: deliver due mail, fail stale jobs, run one job, sleep when idle."""

from __future__ import annotations

import logging
import signal
import threading
import time
from dataclasses import dataclass

from flask import Flask

from app.extensions import db
from app.jobs.beats import forget_silent_workers, record_beat, worker_beat_name
from app.jobs.services import current_job_id, fail_stale_jobs, heartbeat, run_next_job
from app.mail.deferred import render_for_worker
from app.mail.delivery import deliver_due
from app.mail.retention import purge_expired_bodies

# Handlers import these from here: what a running job may call on its worker.
__all__ = ["PassResult", "current_job_id", "do_duties", "heartbeat", "install_stop_signals",
           "purge_mail_bodies", "purge_when_due", "run_forever", "run_once"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PassResult:
    """What one pass of the worker did."""

    sent: int = 0
    stale: int = 0
    ran_job: bool = False

    @property
    def busy(self) -> bool:
        """Return whether the pass did anything (then the next pass starts at once)."""
        return bool(self.sent or self.stale or self.ran_job)


def run_once(app: Flask) -> PassResult:
    """Do one pass: beat, build left-behind mail, send due mail, fail dead jobs, run one job."""
    with app.app_context():
        duties = do_duties()
        return PassResult(sent=duties.sent, stale=duties.stale, ran_job=run_next_job())


def do_duties() -> PassResult:
    """Beat, build left-behind mail, send due mail, fail dead jobs; commit.

    Every worker does these, the embedded loop and each RQ worker alike: two at once are
    safe (each mail and each job is claimed by one atomic update).
    """
    record_beat(worker_beat_name())
    forget_silent_workers()
    db.session.commit()
    render_for_worker()  # mail a request stored but did not build (it commits each one)
    sent = deliver_due()
    stale = fail_stale_jobs()
    db.session.commit()
    return PassResult(sent=sent, stale=stale)


def purge_mail_bodies(app: Flask) -> int:
    """Clear the bodies of mail delivered longer than the outbox retention ago; commit."""
    with app.app_context():
        cleared = purge_expired_bodies()
        db.session.commit()
        if cleared:
            log.info("cleared %s expired mail body(ies)", cleared)
        return cleared


def purge_when_due(app: Flask, next_purge: float) -> float:
    """Clear expired mail bodies if ``next_purge`` (monotonic) has come; return the next one."""
    purge_every = app.config.get("OUTBOX_PURGE_INTERVAL_SECONDS", 0)
    if not purge_every or time.monotonic() < next_purge:
        return next_purge
    following = time.monotonic() + purge_every  # fixed first: a failing purge waits its turn
    purge_mail_bodies(app)
    return following


def run_forever(app: Flask, *, stop: threading.Event | None = None,
                poll_seconds: float | None = None) -> None:
    """Run passes until ``stop`` is set (SIGINT/SIGTERM set it when run from the CLI)."""
    stop = stop or threading.Event()
    poll = app.config["WORKER_POLL_SECONDS"] if poll_seconds is None else poll_seconds
    next_purge = time.monotonic()
    log.info("worker started (poll every %ss)", poll)
    while not stop.is_set():
        try:
            next_purge = purge_when_due(app, next_purge)
            result = run_once(app)
        except Exception:
            # A lost database connection must not end the worker: log, wait, try again.
            log.exception("worker pass failed")
            with app.app_context():
                db.session.rollback()
            result = PassResult()
        if not result.busy:
            stop.wait(poll)
    log.info("worker stopped")


def install_stop_signals(stop: threading.Event) -> None:
    """Make SIGINT and SIGTERM finish the current pass, then stop the loop."""

    def request_stop(signum, frame):
        log.info("received %s, stopping after the current pass", signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
