"""The outbox of mail waiting for the worker, and the invite sequence records."""

import enum
from datetime import datetime

from sqlalchemy import JSON, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import enum_type, utc_now
from app.extensions import db


class OutboxStatus(enum.StrEnum):
    """Where an outbox message stands on its way out."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class OutboxMessage(db.Model):
    """One email, stored with the change that caused it and sent later by the worker."""

    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    sender: Mapped[str] = mapped_column(String(254))
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300), default="")
    #: The Message-ID header of ``raw``: a resend after a crash carries the same one.
    message_id: Mapped[str] = mapped_column(String(255), default="")
    #: The whole RFC 5322 message as bytes, exactly as it will be sent.
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    #: What caused it ("registration.confirmed", "b2b.invite"...), for tests and reports.
    kind: Mapped[str] = mapped_column(String(60), default="")
    #: An object reference such as "registration:12", to find mails of an object.
    reference: Mapped[str] = mapped_column(String(100), default="")
    status: Mapped[OutboxStatus] = mapped_column(
        enum_type(OutboxStatus), default=OutboxStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utc_now)
    #: When a worker took it; the lease (MAIL_CLAIM_LEASE_SECONDS) runs from here.
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (Index("ix_outbox_messages_status_next", "status", "next_attempt_at"),)

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.kind} to={self.recipient} {self.status}>"


class InviteSequence(db.Model):
    """The last SEQUENCE sent for one calendar object (UID) to one recipient."""

    __tablename__ = "invite_sequences"

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(255))
    recipient: Mapped[str] = mapped_column(String(254))
    sequence: Mapped[int] = mapped_column(default=0)
    #: METHOD of the last message: REQUEST or CANCEL.
    method: Mapped[str] = mapped_column(String(10), default="REQUEST")
    #: Fingerprint of what was sent, so an unchanged object is not sent again.
    fingerprint: Mapped[str] = mapped_column(String(64), default="")
    updated_at: Mapped[datetime] = mapped_column(default=utc_now, onupdate=utc_now)

    __table_args__ = (UniqueConstraint("uid", "recipient"),)

    def __repr__(self) -> str:
        return f"<InviteSequence {self.uid} {self.recipient} #{self.sequence}>"


class DeferredMail(db.Model):
    """A mail decided in a transaction but built after it (see ``app.mail.deferred``).

    Stored with the change that calls for it, so the mail is never lost: the request renders
    it into the outbox right after its commit, or the worker does if the request could not.
    """

    __tablename__ = "deferred_mails"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    #: The renderer that builds it ("events.registration"), registered by the package above.
    renderer: Mapped[str] = mapped_column(String(60))
    #: The outbox kind it will have ("registration.confirmed"), for the anti-flood checks.
    kind: Mapped[str] = mapped_column(String(60), default="")
    #: The outbox reference it will have ("registration:12").
    reference: Mapped[str] = mapped_column(String(100), default="")
    #: Plain values (ids, kinds) the renderer takes, never objects.
    payload: Mapped[dict] = mapped_column(JSON, default=dict)

    def __repr__(self) -> str:
        return f"<DeferredMail {self.id} {self.renderer} {self.reference}>"
