"""One row per organiser action on personal data: who, what, when, on which object."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import utc_now
from app.extensions import db


class AuditEntry(db.Model):
    """An action on personal data (an export, an edit, an erasure, an import...)."""

    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    #: The organiser account; None for the person themself or a command-line run.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: Who acted, as shown in the log: the account's address at the time, "person", "cli".
    actor_label: Mapped[str] = mapped_column(String(254), default="")
    #: What was done, dotted: "person.erase", "members.export", "registrations.export"...
    action: Mapped[str] = mapped_column(String(60))
    #: The object acted on, "person:12" or "event:3"; never an address or a name.
    target: Mapped[str] = mapped_column(String(100), default="")
    #: A short plain note: counts, the file's row count. Never personal data.
    detail: Mapped[str] = mapped_column(String(300), default="")

    __table_args__ = (Index("ix_audit_entries_action_created", "action", "created_at"),)

    def __repr__(self) -> str:
        return f"<AuditEntry {self.id} {self.action} {self.target} by {self.actor_label}>"
