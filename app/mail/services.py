"""Queue mail in the outbox and keep invite sequences; the worker does the sending."""

from collections.abc import Iterable
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid, parseaddr

from sqlalchemy import insert, select, update

from app.db import utc_now
from app.extensions import db
from app.mail.identity import cluster_domain
from app.mail.models import InviteSequence, OutboxMessage, OutboxStatus

#: Set in a session that queued mail: once committed, RQ workers are told to deliver it.
QUEUED_MAIL_KEY = "outbox_queued"


def queue_message(message: EmailMessage, *, kind: str = "", reference: str = "") -> OutboxMessage:
    """Store a ready message in the outbox, in the caller's transaction (flush only)."""
    item = OutboxMessage(**_outbox_row(message, kind, reference))
    db.session.add(item)
    db.session.flush()
    note_mail_queued()
    return item


def queue_messages(messages: Iterable[tuple[EmailMessage, str, str]]) -> int:
    """Store ready messages, each with its kind and reference, in one INSERT; return how many.

    For thousands of mails at once (a B2B publication): the same rows as ``queue_message``,
    without an ORM object and a flush each.
    """
    rows = [_outbox_row(message, kind, reference) for message, kind, reference in messages]
    if rows:
        db.session.execute(insert(OutboxMessage), rows)
        note_mail_queued()
    return len(rows)


def _outbox_row(message: EmailMessage, kind: str, reference: str) -> dict:
    recipient = parseaddr(str(message["To"]))[1]
    # The envelope is the sending mailbox: Sender when the mail is sent on behalf of From.
    sender = parseaddr(str(message["Sender"] or message["From"]))[1]
    if not recipient or not sender:
        raise ValueError("a queued message needs From and To addresses")
    if not message["Message-ID"]:
        # Fixed now, in the stored bytes: a resend after a crash carries the same one.
        message["Message-ID"] = make_msgid(domain=cluster_domain())
    return {
        "sender": sender,
        "recipient": recipient,
        "subject": str(message["Subject"] or "")[:300],
        "message_id": str(message["Message-ID"]).strip()[:255],
        "raw": message.as_bytes(),
        "kind": kind,
        "reference": reference,
        "next_attempt_at": utc_now(),
    }


def note_mail_queued() -> None:
    """Remember that this transaction made mail due, so RQ workers are told once committed."""
    db.session.info[QUEUED_MAIL_KEY] = True


def get_invite_sequence(uid: str, recipient: str) -> InviteSequence | None:
    """Return the record of what was last sent for this UID to this recipient."""
    return db.session.scalar(
        select(InviteSequence).where(
            InviteSequence.uid == uid, InviteSequence.recipient == recipient.lower()
        )
    )


def next_invite_sequence(
    uid: str, recipient: str, *, method: str = "REQUEST", fingerprint: str = ""
) -> int:
    """Record a new message for this UID and recipient; return the SEQUENCE to write.

    The first invite has SEQUENCE 0; every later update or cancellation raises it by one,
    so calendar clients replace the entry instead of adding another.
    """
    record = get_invite_sequence(uid, recipient)
    if record is None:
        record = InviteSequence(uid=uid, recipient=recipient.lower(), sequence=0)
        db.session.add(record)
    else:
        record.sequence += 1
    record.method = method
    record.fingerprint = fingerprint
    db.session.flush()
    return record.sequence


@dataclass(frozen=True)
class RetryResult:
    """What a retry did: the ids put back to pending, and those that were not failed."""

    requeued: list[int]
    skipped: list[int]


def retry_failed(ids: Iterable[int] | None = None, *, now=None) -> RetryResult:
    """Put failed messages back to pending with fresh attempts; ``None`` means every failed one.

    Messages whose body was already cleared (retention) cannot be sent and are skipped, as are
    ids that are not failed. Flush only.
    """
    wanted = None if ids is None else sorted(set(ids))
    query = select(OutboxMessage.id).where(OutboxMessage.status == OutboxStatus.FAILED,
                                           OutboxMessage.raw != b"")
    if wanted is not None:
        query = query.where(OutboxMessage.id.in_(wanted))
    requeued = sorted(db.session.scalars(query))
    if requeued:
        db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(requeued), OutboxMessage.status == OutboxStatus.FAILED)
            .values(status=OutboxStatus.PENDING, attempts=0, claimed_at=None,
                    next_attempt_at=now or utc_now())
            .execution_options(synchronize_session=False)
        )
        db.session.flush()
        note_mail_queued()
    skipped = [i for i in wanted if i not in set(requeued)] if wanted is not None else []
    return RetryResult(requeued=requeued, skipped=skipped)
