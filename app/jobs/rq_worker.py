"""`flask worker` with REDIS_URL: an RQ worker and, beside it, the beat of periodic duties.

Any number of these run on any number of machines. Each takes "run job #id" and "deliver due
mail" tasks from Redis in its main thread (no fork: the app and its engine stay as built),
while a beat thread does what the embedded loop does between jobs, every
WORKER_BEAT_SECONDS: record the worker's beat for /healthz, build left-behind mail, deliver
due mail (so mail goes out even while every worker is in a long solver run), fail jobs whose
worker died, clear expired mail bodies, and push again jobs whose push Redis lost.
"""

from __future__ import annotations

import logging
import signal
import threading
import time

import redis
from flask import Flask
from rq import SimpleWorker
from rq.exceptions import StopRequested

from app.extensions import db
from app.jobs.rq_queue import get_queue, push_lost_jobs
from app.jobs.worker import do_duties, purge_when_due

log = logging.getLogger(__name__)


#: Longest wait before a worker that lost Redis builds a new RQ worker and tries again.
RETRY_MAX_SECONDS = 30


class StopRequest:
    """A stop that a signal handler may ask for at any instant.

    Python runs signal handlers in the main thread, which may be inside `threading.Event`'s
    wait or set at that instant, holding the event's lock: a handler that set the event would
    wait for itself forever. `ask` only raises a flag and lets another thread set the event.
    """

    def __init__(self) -> None:
        self.asked = False
        self._event = threading.Event()

    def ask(self) -> None:
        """Ask for the stop; safe in a signal handler."""
        self.asked = True
        threading.Thread(target=self._event.set, name="worker-stop", daemon=True).start()

    def set(self) -> None:
        """Ask for the stop from ordinary code."""
        self.asked = True
        self._event.set()

    def is_set(self) -> bool:
        return self.asked

    def wait(self, seconds: float) -> None:
        """Wait up to `seconds`, less if the stop is asked for."""
        if not self.asked:
            self._event.wait(seconds)


class SignalAwareWorker(SimpleWorker):
    """RQ's in-process worker that also tells the beat and the retry loop a signal came."""

    def __init__(self, *args, stop: StopRequest, **kwargs):
        super().__init__(*args, **kwargs)
        self.stop = stop

    def request_stop(self, signum, frame):
        self.stop.ask()
        super().request_stop(signum, frame)

    def _install_signal_handlers(self):
        super()._install_signal_handlers()
        # A signal that came before RQ's handlers were in place only set ``stop``: let the
        # loop that is about to start end at once, as RQ's own handler would have made it.
        if self.stop.is_set():
            self._stop_requested = True


def run_rq_worker(app: Flask) -> None:
    """Work RQ tasks until SIGINT or SIGTERM.

    Redis may be down when the worker starts or go down at any moment; RQ then gives up
    (its loop retries only a lost connection while it waits for a task). This process stays:
    the beat goes on delivering mail from the outbox, and a new RQ worker is built after a
    growing pause, until Redis answers again.
    """
    stop = StopRequest()
    # From the first instant, SIGTERM and SIGINT end the worker cleanly, even before RQ
    # installs its own handlers (a signal right after start must not kill the process).
    _stop_on_signal(stop)
    beat = threading.Thread(target=beat_forever, args=(app, stop), name="worker-beat",
                            daemon=True)
    beat.start()
    queue = get_queue(app)
    log.info("RQ worker started on queue %s (beat every %ss)", queue.name,
             app.config["WORKER_BEAT_SECONDS"])
    pause = 1.0
    try:
        while not stop.is_set():
            try:
                worker = SignalAwareWorker([queue], connection=queue.connection, stop=stop)
                try:
                    # RQ's own lines are per task; ours (mail batches, jobs) say more.
                    worker.work(logging_level="WARNING")
                except StopRequested:
                    # RQ's handler stops an idle worker by raising; outside RQ's own loop
                    # (while it sets its handlers up or tears down) that reaches us.
                    stop.set()
                finally:
                    # The finished worker's handlers must not outlive it.
                    _stop_on_signal(stop)
                if stop.is_set():
                    break
                problem = "the RQ worker stopped"
            except redis.RedisError as exc:
                problem = f"Redis is unreachable ({type(exc).__name__})"
            log.warning("%s; the beat still delivers mail; trying again in %.0fs",
                        problem, pause)
            stop.wait(pause)  # SIGINT or SIGTERM ends the wait and the loop
            pause = min(pause * 2, RETRY_MAX_SECONDS)
    finally:
        stop.set()
        beat.join(timeout=60)
    log.info("RQ worker stopped")


def _stop_on_signal(stop: StopRequest) -> None:
    """Make SIGINT and SIGTERM ask for ``stop`` (RQ puts its own handlers in place while it
    works)."""
    def on_signal(signum, frame):
        stop.ask()

    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, on_signal)


def beat_forever(app: Flask, stop: StopRequest) -> None:
    """Do the periodic duties every WORKER_BEAT_SECONDS until ``stop`` is set."""
    every = app.config["WORKER_BEAT_SECONDS"]
    next_purge = time.monotonic()
    while not stop.is_set():
        try:
            next_purge = purge_when_due(app, next_purge)
            beat_once(app)
        except Exception:
            # A lost database or Redis connection must not end the beat: log, wait, try again.
            log.exception("worker beat failed")
            with app.app_context():
                db.session.rollback()
        stop.wait(every)


def beat_once(app: Flask) -> None:
    """Do the periodic duties once: beat, mail, stale jobs, lost pushes."""
    with app.app_context():
        do_duties()
        try:
            push_lost_jobs()
        except redis.RedisError as exc:
            # Redis is down: mail still goes out (above); jobs wait for it to return.
            log.warning("could not reach Redis to push lost jobs (%s)", type(exc).__name__)
