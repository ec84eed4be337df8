"""Job kinds and their handlers; handlers take plain arguments (ids), never objects."""

from collections.abc import Callable

from app.extensions import db
from app.jobs.models import Job

HANDLERS: dict[str, Callable[..., None]] = {}


def job(kind: str):
    """Register a function as the handler of a job kind."""

    def decorator(func: Callable[..., None]) -> Callable[..., None]:
        HANDLERS[kind] = func
        return func

    return decorator


def enqueue(kind: str, **payload) -> Job:
    """Queue a job in the caller's transaction (flush only); the worker runs it."""
    if kind not in HANDLERS:
        raise KeyError(f"unknown job kind {kind!r}")
    item = Job(kind=kind, payload=payload)
    db.session.add(item)
    db.session.flush()
    return item
