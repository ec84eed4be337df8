"""Outbox retention: empty the bodies of delivered mail once they are old enough.

Sent mail carries personal links and names. After delivery plus the retention period the
body and subject are cleared and the address is replaced by a hash; the row (kind,
reference, status, dates) stays, so the outbox figures still add up.
"""

import hashlib
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, func, or_, select

from app.db import utc_now
from app.extensions import db
from app.mail.models import OutboxMessage, OutboxStatus

#: Last error of a queued mail that will never go out because its body was cleared.
CLEARED_REASON = "body cleared (privacy)"
HASH_PREFIX = "sha256:"


def recipient_hash(address: str) -> str:
    """Return what replaces an address in the outbox: a hash (counts by recipient still work)."""
    return HASH_PREFIX + hashlib.sha256(address.encode()).hexdigest()[:40]


def clear_bodies(condition) -> int:
    """Empty body and subject, hash the address of the messages matching `condition`; flush."""
    messages = list(db.session.scalars(
        select(OutboxMessage).where(condition, ~OutboxMessage.recipient.startswith(HASH_PREFIX))))
    for message in messages:
        message.raw = b""
        message.subject = ""
        message.recipient = recipient_hash(message.recipient)
        if message.status in (OutboxStatus.PENDING, OutboxStatus.SENDING):
            message.status = OutboxStatus.FAILED
            message.last_error = CLEARED_REASON
    db.session.flush()
    return len(messages)


def expired_condition(now: datetime, days: int):
    """Return the condition of sent or failed mail older than `days` (after delivery)."""
    cutoff = now - timedelta(days=days)
    return or_(
        and_(OutboxMessage.status == OutboxStatus.SENT, OutboxMessage.sent_at < cutoff),
        and_(OutboxMessage.status == OutboxStatus.FAILED, OutboxMessage.created_at < cutoff),
    )


def count_expired_bodies(*, now: datetime | None = None, days: int | None = None) -> int:
    """Return how many messages `purge_expired_bodies` would clear."""
    days = current_app.config["OUTBOX_RETENTION_DAYS"] if days is None else days
    return db.session.scalar(select(func.count(OutboxMessage.id)).where(
        expired_condition(now or utc_now(), days),
        ~OutboxMessage.recipient.startswith(HASH_PREFIX))) or 0


def purge_expired_bodies(*, now: datetime | None = None, days: int | None = None) -> int:
    """Clear the messages delivered (or failed) longer than the retention ago; flush only."""
    days = current_app.config["OUTBOX_RETENTION_DAYS"] if days is None else days
    return clear_bodies(expired_condition(now or utc_now(), days))
