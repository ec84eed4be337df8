"""Queue mail in the outbox and keep invite sequences; the worker does the sending."""

from email.message import EmailMessage
from email.utils import parseaddr

from sqlalchemy import select

from app.db import utc_now
from app.extensions import db
from app.mail.models import InviteSequence, OutboxMessage


def queue_message(message: EmailMessage, *, kind: str = "", reference: str = "") -> OutboxMessage:
    """Store a ready message in the outbox, in the caller's transaction (flush only)."""
    recipient = parseaddr(str(message["To"]))[1]
    # The envelope is the sending mailbox: Sender when the mail is sent on behalf of From.
    sender = parseaddr(str(message["Sender"] or message["From"]))[1]
    if not recipient or not sender:
        raise ValueError("a queued message needs From and To addresses")
    item = OutboxMessage(
        sender=sender,
        recipient=recipient,
        subject=str(message["Subject"] or "")[:300],
        raw=message.as_bytes(),
        kind=kind,
        reference=reference,
        next_attempt_at=utc_now(),
    )
    db.session.add(item)
    db.session.flush()
    return item


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
