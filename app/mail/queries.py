"""Reads of the outbox for its organiser page and for /healthz (never the bodies)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import defer

from app.extensions import db
from app.mail.models import DeferredMail, OutboxMessage, OutboxStatus

PAGE_SIZE = 50
#: Waiting to go out: queued or being sent right now.
WAITING = (OutboxStatus.PENDING, OutboxStatus.SENDING)


@dataclass(frozen=True)
class OutboxPage:
    """One page of outbox messages (bodies not loaded) and where it sits."""

    messages: list[OutboxMessage]
    page: int
    pages: int
    total: int


def get_outbox_page(*, status: OutboxStatus | None = None, kind: str | None = None,
                    page: int = 1, per_page: int = PAGE_SIZE) -> OutboxPage:
    """Return a page of messages, newest first, filtered by status and kind."""
    conditions = []
    if status is not None:
        conditions.append(OutboxMessage.status == status)
    if kind:
        conditions.append(OutboxMessage.kind == kind)
    total = db.session.scalar(select(func.count(OutboxMessage.id)).where(*conditions)) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    messages = list(db.session.scalars(
        select(OutboxMessage).options(defer(OutboxMessage.raw)).where(*conditions)
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
        .offset((page - 1) * per_page).limit(per_page)))
    return OutboxPage(messages=messages, page=page, pages=pages, total=total)


def get_kinds() -> list[str]:
    """Return the kinds of mail found in the outbox, sorted."""
    return sorted(k for k in db.session.scalars(select(OutboxMessage.kind).distinct()) if k)


def get_backlog() -> tuple[int, datetime | None]:
    """Return how many messages wait to go out and when the oldest of them was queued."""
    count, oldest = db.session.execute(
        select(func.count(OutboxMessage.id), func.min(OutboxMessage.created_at))
        .where(OutboxMessage.status.in_(WAITING))
    ).one()
    return count or 0, oldest


def get_unbuilt() -> tuple[int, datetime | None]:
    """Return how many decided mails wait to be built (deferred rows) and the oldest's time.

    A row stays when its builder fails: an old one is a mail that keeps failing, or no worker.
    """
    count, oldest = db.session.execute(
        select(func.count(DeferredMail.id), func.min(DeferredMail.created_at))).one()
    return count or 0, oldest


def count_failed() -> int:
    """Return how many messages failed for good (waiting for a retry by hand)."""
    return db.session.scalar(select(func.count(OutboxMessage.id))
                             .where(OutboxMessage.status == OutboxStatus.FAILED)) or 0
