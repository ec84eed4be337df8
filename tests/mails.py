"""Read the mail the app queued: outbox rows in order, parsed messages, their parts."""

from email import message_from_bytes, policy
from email.message import EmailMessage

from sqlalchemy import select

from app.extensions import db
from app.mail.models import OutboxMessage


def outbox(kind: str | None = None) -> list[OutboxMessage]:
    """Return the queued messages (of one kind when given) in the order they were queued."""
    stmt = select(OutboxMessage).order_by(OutboxMessage.id)
    if kind:
        stmt = stmt.where(OutboxMessage.kind == kind)
    return list(db.session.scalars(stmt))


def parse(raw: bytes) -> EmailMessage:
    """Parse a message's bytes as the modern email API does."""
    return message_from_bytes(raw, policy=policy.default)


def calendar_part(message: EmailMessage):
    """Return the message's text/calendar part, or None."""
    for part in message.walk():
        if part.get_content_type() == "text/calendar":
            return part
    return None


def text_body(message: EmailMessage) -> str:
    """Return the message's plain text body."""
    return message.get_body(("plain",)).get_content()
