"""Deliver the outbox: claim due messages one by one, send them, record the outcome.

The worker is the transaction boundary here: every claim and every outcome is committed on
its own. A claim is a short lease (``MAIL_CLAIM_LEASE_SECONDS``, 90 s) taken when the message
is picked, one message at a time, so a worker killed mid-send leaves at most that one message
claimed, and the next pass of any worker puts it back to pending once the lease is over.

The guarantee is *at least once*: a message is sent twice only when its worker died after the
server accepted it and before the outcome was committed; the resend is the stored bytes, with
the same Message-ID, so mail clients show it once. Two live workers never send the same message.
"""

from __future__ import annotations

import logging
import time
from contextlib import nullcontext
from datetime import datetime, timedelta

from flask import Flask, current_app
from sqlalchemy import func, select, update

from app.db import utc_now
from app.extensions import db
from app.mail.models import OutboxMessage, OutboxStatus
from app.mail.transports import Envelope, Transport, TransportError, get_transport
from app.text import one_line

log = logging.getLogger(__name__)

#: A message claimed longer ago than this was left by a worker that died mid-send (default of
#: MAIL_CLAIM_LEASE_SECONDS). One send takes at most a few SMTP timeouts (10 s each).
STALE_CLAIM = timedelta(seconds=90)
#: Last error of such a message (mail sits below jobs, and the message is retried, not failed).
STALE_CLAIM_REASON = "the worker stopped while sending"
FIRST_RETRY = timedelta(seconds=30)
MAX_RETRY = timedelta(hours=1)


def deliver_due(app: Flask | None = None, *, limit: int = 50, now: datetime | None = None,
                transport: Transport | None = None) -> int:
    """Send up to ``limit`` due messages; return how many were sent.

    ``now`` fixes the clock (tests); ``transport`` replaces the configured one. Logs one line
    for the batch (ids and counts only).
    """
    with app.app_context() if app is not None else nullcontext():
        fixed_clock = now
        now = now or utc_now()
        release_stale_claims(now=now)
        db.session.commit()
        due_ids = list(db.session.scalars(
            select(OutboxMessage.id)
            .where(OutboxMessage.status == OutboxStatus.PENDING,
                   OutboxMessage.next_attempt_at <= now)
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(limit)
        ))
        db.session.commit()
        if not due_ids:
            return 0
        sent = failed = 0
        started = time.monotonic()
        with transport or get_transport(current_app.config) as channel:
            for message_id in due_ids:
                # The lease starts when this message is taken, not when the batch started:
                # a long batch never leaves its later messages looking abandoned.
                envelope = _claim(message_id, fixed_clock or utc_now())
                if envelope is None:
                    continue  # another worker took it
                try:
                    channel.send(envelope)
                except TransportError as exc:
                    _record_failure(envelope, exc, now)
                    failed += 1
                    if exc.connection:
                        break  # the server is down: the rest would fail the same way
                    continue
                except Exception as exc:
                    # Not a known delivery error: count it, so a bad message cannot loop forever.
                    log.exception("unexpected error sending outbox message %s", envelope.id)
                    _record_failure(envelope, TransportError(one_line(exc)), now)
                    failed += 1
                    continue
                _record_sent(envelope)
                sent += 1
        log.info("mail batch: %d sent, %d failed of %d due", sent, failed, len(due_ids),
                 extra={"event": "mail.batch", "sent": sent, "failed": failed,
                        "due": len(due_ids),
                        "duration_ms": round((time.monotonic() - started) * 1000)})
        return sent


def release_stale_claims(*, now: datetime | None = None) -> int:
    """Put messages stuck in "sending" (their worker died) back to pending; flush only.

    The interrupted send counts as an attempt, so a message that kills its worker every
    time ends as failed instead of looping.
    """
    now = now or utc_now()
    stuck = (OutboxMessage.status == OutboxStatus.SENDING,
             OutboxMessage.claimed_at < now - claim_lease())
    values = {"claimed_at": None, "attempts": OutboxMessage.attempts + 1,
              "last_error": STALE_CLAIM_REASON}
    last_attempt = OutboxMessage.attempts + 1 >= current_app.config["MAIL_MAX_ATTEMPTS"]
    released = 0
    for condition, status in ((last_attempt, OutboxStatus.FAILED),
                              (~last_attempt, OutboxStatus.PENDING)):
        result = db.session.execute(
            update(OutboxMessage).where(*stuck, condition).values(status=status, **values)
            .execution_options(synchronize_session=False)
        )
        released += result.rowcount
    if released:
        log.warning("released %d outbox message(s) stuck in sending", released)
    return released


def claim_lease() -> timedelta:
    """Return how long a claim holds a message before another worker may send it."""
    seconds = current_app.config.get("MAIL_CLAIM_LEASE_SECONDS")
    return STALE_CLAIM if seconds is None else timedelta(seconds=float(seconds))


def retry_delay(attempts: int) -> timedelta:
    """Return the wait after the ``attempts``-th failure: 30 s, doubling, at most 1 h."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), MAX_RETRY)


def count_by_status() -> dict[OutboxStatus, int]:
    """Return the number of outbox messages per status (every status, zeros included)."""
    rows = db.session.execute(
        select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
    )
    counts = dict.fromkeys(OutboxStatus, 0)
    counts.update({status: count for status, count in rows})
    return counts


def _claim(message_id: int, now: datetime) -> Envelope | None:
    result = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == OutboxStatus.PENDING)
        .values(status=OutboxStatus.SENDING, claimed_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    if result.rowcount != 1:
        return None
    row = db.session.execute(
        select(OutboxMessage.kind, OutboxMessage.sender, OutboxMessage.recipient,
               OutboxMessage.raw).where(OutboxMessage.id == message_id)
    ).one()
    # End the read transaction before talking to the SMTP server, which may take seconds.
    db.session.commit()
    return Envelope(id=message_id, kind=row.kind, sender=row.sender, recipient=row.recipient,
                    raw=bytes(row.raw))


def _record_sent(envelope: Envelope) -> None:
    result = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == envelope.id, OutboxMessage.status == OutboxStatus.SENDING)
        .values(status=OutboxStatus.SENT, sent_at=utc_now(), claimed_at=None, last_error="",
                attempts=OutboxMessage.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    if result.rowcount != 1:
        log.warning("outbox message %s was sent but its claim had expired", envelope.id)
    # Ids only: the address is personal data and the row says where it went.
    log.info("sent outbox message %s (%s)", envelope.id, envelope.kind or "-")


def _record_failure(envelope: Envelope, error: TransportError, now: datetime) -> None:
    attempts = 1 + db.session.scalar(
        select(OutboxMessage.attempts).where(OutboxMessage.id == envelope.id)
    )
    give_up = error.permanent or attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]
    reason = str(error)[:1000]
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == envelope.id, OutboxMessage.status == OutboxStatus.SENDING)
        .values(status=OutboxStatus.FAILED if give_up else OutboxStatus.PENDING,
                attempts=attempts, last_error=reason, claimed_at=None,
                next_attempt_at=now + retry_delay(attempts))
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    if give_up:
        log.error("gave up on outbox message %s (%s) after %d attempt(s): %s",
                  envelope.id, envelope.kind or "-", attempts, reason)
    else:
        log.warning("outbox message %s (%s) failed (attempt %d), retry in %s: %s",
                    envelope.id, envelope.kind or "-", attempts,
                    retry_delay(attempts), reason)
