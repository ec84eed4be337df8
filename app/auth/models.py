"""Accounts of the back-office, their roles and the check-in staff of events."""

from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from app.db import enum_type, utc_now
from app.extensions import db


class Role(StrEnum):
    """What an account may do; each role may also do what the roles below it may."""

    #: The check-in pages of the events the account is assigned to, nothing else.
    CHECKIN = "checkin"
    #: Events, members, B2B, reports.
    ORGANISER = "organiser"
    #: Everything, plus accounts and settings.
    ADMINISTRATOR = "administrator"

    @property
    def rank(self) -> int:
        """Return the role's place in the order check-in < organiser < administrator."""
        return list(Role).index(self)

    def includes(self, other: "Role") -> bool:
        """Tell whether this role may enter a page declared for `other`."""
        return self.rank >= other.rank


class User(UserMixin, db.Model):
    """An account that logs in to the back-office."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(enum_type(Role), default=Role.ORGANISER,
                                       server_default=Role.ORGANISER.value)
    is_active_account: Mapped[bool] = mapped_column(default=True)
    language: Mapped[str | None] = mapped_column(String(2))
    #: SHA-256 of the organiser calendar feed token; the token itself is never stored.
    feed_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    #: Part of every session and remember cookie: raising it (logout, password change) ends
    #: all of the account's sessions on every device.
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")
    #: Base32 TOTP secret; set when enrolment starts, in force once `totp_enabled_at` is set.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled_at: Mapped[datetime | None] = mapped_column()
    #: Time step of the last accepted code: a code is accepted once (no replay).
    totp_last_step: Mapped[int | None] = mapped_column()

    @property
    def is_admin(self) -> bool:
        """Tell whether the account is an administrator (read-only, from the role)."""
        return self.role == Role.ADMINISTRATOR

    @property
    def has_totp(self) -> bool:
        """Tell whether login asks this account for a one-time code."""
        return self.totp_enabled_at is not None and bool(self.totp_secret)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        """Tell Flask-Login whether this account may log in."""
        return self.is_active_account

    def get_id(self) -> str:
        """Return what the session and the remember cookie keep: the id and session version."""
        return f"{self.id}:{self.session_version}"

    def set_password(self, password: str) -> None:
        """Hash and store a new password."""
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        """Tell whether the password matches the stored hash."""
        return check_password_hash(self.password_hash, password)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email} {self.role.value}>"


class EventStaff(db.Model):
    """A check-in staff account assigned to an event's check-in pages."""

    __tablename__ = "event_staff"

    # A foreign key by table name: auth sits below events and never imports it.
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"),
                                          primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)

    def __repr__(self) -> str:
        return f"<EventStaff event={self.event_id} user={self.user_id}>"
