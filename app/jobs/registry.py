"""Job kinds and their handlers; handlers take plain arguments (ids), never objects."""

from collections.abc import Callable

from app.extensions import db
from app.jobs.models import Job

HANDLERS: dict[str, Callable[..., None]] = {}
#: Where a session keeps the ids of the jobs it queued, for RQ once they are committed.
QUEUED_JOBS_KEY = "queued_job_ids"


def job(kind: str):
    """Register a function as the handler of a job kind."""

    def decorator(func: Callable[..., None]) -> Callable[..., None]:
        HANDLERS[kind] = func
        return func

    return decorator


def enqueue(kind: str, **payload) -> Job:
    """Queue a job in the caller's transaction (flush only); a worker runs it after the commit."""
    if kind not in HANDLERS:
        raise KeyError(f"unknown job kind {kind!r}")
    item = Job(kind=kind, payload=payload)
    db.session.add(item)
    db.session.flush()
    note_queued(item.id)
    return item


def note_queued(job_id: int) -> None:
    """Remember a job queued in this transaction, so RQ is told once it is committed."""
    db.session.info.setdefault(QUEUED_JOBS_KEY, []).append(job_id)
