"""Mail decided inside a short transaction and built after its commit.

A registration decides a seat while it holds the event's lock; building its mail (templates,
invite, signed links) takes longer than the decision. So the service stores a small
``DeferredMail`` row in the same transaction (the decision and its mail commit together, or
neither does), the request commits, which releases the lock, and ``after_commit`` leaves the
row to the worker: with DEFERRED_MAIL_BY_WORKER (the default) the worker builds every row on
its next poll, or at once in an RQ task pushed after the commit (the row notes mail as queued),
so the request stays short. Without it the request renders its own rows (``render_own``) and
the worker only those left behind (``render_stale``). Either way a confirmed registration
always gets its mail.

Packages above mail register their builders with ``renderer(name)``; a builder takes the
row's payload (plain values) and queues its message with ``queue_message``.
"""

import logging
from collections.abc import Callable
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, insert, select

from app.db import utc_now
from app.extensions import db
from app.mail.models import DeferredMail
from app.mail.services import note_mail_queued

log = logging.getLogger(__name__)

RENDERERS: dict[str, Callable[..., object]] = {}
#: The worker leaves younger rows to the request that stored them.
STALE_AFTER = timedelta(seconds=30)
#: Where a session keeps the ids of the rows it stored (rolled-back ones are simply missing).
_SESSION_KEY = "deferred_mail_ids"


def renderer(name: str):
    """Register a function as the builder of deferred mails of this name."""

    def decorator(func: Callable[..., object]) -> Callable[..., object]:
        RENDERERS[name] = func
        return func

    return decorator


#: One INSERT, not an ORM object and its flush: it runs under the event's lock (built once).
_INSERT = insert(DeferredMail.__table__).returning(DeferredMail.__table__.c.id)


def defer_mail(name: str, *, kind: str = "", reference: str = "", **payload) -> int:
    """Store a mail to build after the commit, in the caller's transaction; return its id."""
    if name not in RENDERERS:
        raise KeyError(f"unknown mail renderer {name!r}")
    mail_id = db.session.execute(_INSERT, {
        "created_at": utc_now(), "renderer": name, "kind": kind, "reference": reference,
        "payload": payload}).scalar_one()
    db.session.info.setdefault(_SESSION_KEY, []).append(mail_id)
    note_mail_queued()  # in RQ mode the commit pushes a task that builds and sends it
    return mail_id


def by_worker() -> bool:
    """Return whether the worker builds deferred mails (else their request does)."""
    return bool(current_app.config.get("DEFERRED_MAIL_BY_WORKER", True))


def after_commit() -> int:
    """Build this session's deferred mails now, or leave them to the worker; return how many."""
    if by_worker():
        db.session.info.pop(_SESSION_KEY, None)
        return 0
    return render_own()


def render_own() -> int:
    """Build the deferred mails this session stored; call it right after the commit."""
    ids = db.session.info.pop(_SESSION_KEY, [])
    return render_deferred(ids) if ids else 0


def render_deferred(ids: list[int] | None = None, *, older_than: timedelta | None = None) -> int:
    """Build deferred mails into the outbox, each in its own transaction; return how many.

    ``ids`` names the rows (a request's own); without them, every row at least ``older_than``
    old. Each row is claimed by deleting it first (DELETE ... RETURNING): of two processes
    building the same row, the second deletes nothing and skips it. A row that fails is
    logged and rolled back, so it stays for the worker.
    """
    if ids is None:
        stmt = select(DeferredMail.id).order_by(DeferredMail.id)
        if older_than is not None:
            stmt = stmt.where(DeferredMail.created_at <= utc_now() - older_than)
        ids = list(db.session.scalars(stmt))
    rendered = 0
    for mail_id in sorted(ids):
        try:
            claimed = db.session.execute(
                delete(DeferredMail).where(DeferredMail.id == mail_id)
                .returning(DeferredMail.renderer, DeferredMail.payload)
                .execution_options(synchronize_session=False)).first()
            if claimed is not None:
                RENDERERS[claimed.renderer](**claimed.payload)
                rendered += 1
            db.session.commit()
        except Exception:
            log.exception("deferred mail %s could not be built; the worker will retry", mail_id)
            db.session.rollback()
    return rendered


def render_stale() -> int:
    """Build the deferred mails their request left behind."""
    return render_deferred(older_than=STALE_AFTER)


def render_for_worker() -> int:
    """Build the deferred mails the worker owns: all of them, or those left behind."""
    return render_deferred() if by_worker() else render_stale()
