"""Signs of life of the long-running processes: each worker loop, each reminders run.

/healthz reads them: a worker whose last beat is old has stopped; a reminders run that is
old means the cron line is missing.
"""

from __future__ import annotations

import os
import socket
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from app.db import utc_now
from app.extensions import db
from app.jobs.models import ProcessBeat

WORKER_PREFIX = "worker:"
REMINDERS = "reminders"
#: Beats of workers silent this long are dropped: each restart gets a new name (its pid).
FORGET_AFTER = timedelta(days=1)


def worker_beat_name() -> str:
    """Return this process's worker name: "worker:<host>:<pid>"."""
    return f"{WORKER_PREFIX}{socket.gethostname()[:80]}:{os.getpid()}"


def record_beat(name: str, *, now: datetime | None = None) -> None:
    """Record that the named process is alive now (flush only)."""
    now = now or utc_now()
    updated = db.session.execute(
        update(ProcessBeat).where(ProcessBeat.name == name).values(beat_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if updated:
        return
    try:
        with db.session.begin_nested():
            db.session.add(ProcessBeat(name=name, beat_at=now))
    except IntegrityError:
        # Another process inserted the same name a moment ago: its beat is as good.
        pass


def forget_silent_workers(*, now: datetime | None = None) -> int:
    """Drop the beats of workers silent for a day (they were restarted); flush only."""
    cutoff = (now or utc_now()) - FORGET_AFTER
    return db.session.execute(
        delete(ProcessBeat)
        .where(ProcessBeat.name.startswith(WORKER_PREFIX), ProcessBeat.beat_at < cutoff)
        .execution_options(synchronize_session=False)
    ).rowcount


def last_worker_beat() -> datetime | None:
    """Return the latest beat of any worker, or None when no worker ever ran."""
    return db.session.scalar(
        select(func.max(ProcessBeat.beat_at)).where(ProcessBeat.name.startswith(WORKER_PREFIX)))


def last_beat(name: str) -> datetime | None:
    """Return the last beat of one named process, or None."""
    return db.session.scalar(select(ProcessBeat.beat_at).where(ProcessBeat.name == name))
