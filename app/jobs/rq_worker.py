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
import threading
import time

import redis
from flask import Flask
from rq import SimpleWorker

from app.extensions import db
from app.jobs.rq_queue import get_queue, push_lost_jobs
from app.jobs.worker import do_duties, purge_when_due

log = logging.getLogger(__name__)


def run_rq_worker(app: Flask, *, burst: bool = False) -> None:
    """Work RQ tasks until SIGINT/SIGTERM (or, with ``burst``, until the queue is empty)."""
    stop = threading.Event()
    beat = threading.Thread(target=beat_forever, args=(app, stop), name="worker-beat",
                            daemon=True)
    beat.start()
    queue = get_queue(app)
    worker = SimpleWorker([queue], connection=queue.connection)
    log.info("RQ worker started on queue %s (beat every %ss)", queue.name,
             app.config["WORKER_BEAT_SECONDS"])
    try:
        # RQ's own lines are per task; ours (mail batches, jobs) say more, so keep it quiet.
        worker.work(burst=burst, logging_level="WARNING")
    finally:
        stop.set()
        beat.join(timeout=60)
    log.info("RQ worker stopped")


def beat_forever(app: Flask, stop: threading.Event) -> None:
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
