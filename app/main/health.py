"""/healthz: is the service working? For load balancers and monitoring, no account needed.

The body is JSON with counts and ages only (no addresses, no names). The answer is 503 when
the database cannot be reached, no worker looped recently, the oldest waiting mail is too
old (a message queued and not sent, or a mail decided and not yet built: a registration's
confirmation whose building keeps failing stays there), or the reminders did not run recently
(limits in HEALTH_*_SECONDS).
"""

from __future__ import annotations

import logging
from datetime import datetime

from flask import Blueprint, current_app
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.db import utc_now
from app.extensions import db, limiter
from app.jobs.beats import REMINDERS, last_beat, last_worker_beat
from app.mail.queries import count_failed, get_backlog, get_unbuilt

bp = Blueprint("health", __name__)
log = logging.getLogger(__name__)


@bp.get("/healthz")
@limiter.exempt
def healthz():
    """Report the database, the outbox backlog, the worker's and the reminders' last beats."""
    now = utc_now()
    try:
        db.session.execute(text("SELECT 1"))
        checks = _checks(now)
    except SQLAlchemyError as exc:
        db.session.rollback()
        log.warning("health check: database unreachable (%s)", type(exc).__name__)
        checks = {"database": {"ok": False}}
    healthy = all(check["ok"] for check in checks.values())
    body = {"status": "ok" if healthy else "fail", "time": now.isoformat(timespec="seconds"),
            "checks": checks}
    return body, 200 if healthy else 503, {"Cache-Control": "no-store"}


def _checks(now: datetime) -> dict[str, dict]:
    config = current_app.config
    waiting, oldest = get_backlog()
    unbuilt, oldest_unbuilt = get_unbuilt()
    failed = count_failed()
    oldest_age = _age(now, oldest)
    unbuilt_age = _age(now, oldest_unbuilt)
    outbox_limit = config["HEALTH_OUTBOX_MAX_AGE_SECONDS"]
    worker_age = _age(now, last_worker_beat())
    reminders_age = _age(now, last_beat(REMINDERS))
    reminders_limit = config["HEALTH_REMINDERS_MAX_AGE_SECONDS"]
    db.session.rollback()  # end the read transaction: nothing to keep
    return {
        "database": {"ok": True},
        "outbox": {
            "ok": all(age is None or age <= outbox_limit for age in (oldest_age, unbuilt_age)),
            "waiting": waiting, "failed": failed,
            "oldest_waiting_seconds": oldest_age,
            "to_build": unbuilt, "oldest_to_build_seconds": unbuilt_age,
        },
        "worker": {
            "ok": worker_age is not None
            and worker_age <= config["HEALTH_WORKER_MAX_AGE_SECONDS"],
            "last_beat_seconds": worker_age,
        },
        "reminders": {
            "ok": not reminders_limit
            or (reminders_age is not None and reminders_age <= reminders_limit),
            "last_run_seconds": reminders_age,
        },
    }


def _age(now: datetime, then: datetime | None) -> int | None:
    return None if then is None else max(0, round((now - then).total_seconds()))
