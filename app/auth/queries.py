"""Reads about accounts: staff assignments and the accounts list."""

from sqlalchemy import select

from app.auth.models import EventStaff, Role, User
from app.db import DB_INT_MAX
from app.extensions import db


def _is_id(value: int | None) -> bool:
    return value is not None and 0 < value <= DB_INT_MAX


def get_user(user_id: int | None) -> User | None:
    """Return the account with this id, or None (also for ids no row can have)."""
    return db.session.get(User, user_id) if _is_id(user_id) else None


def is_assigned(user: User, event_id: int) -> bool:
    """Tell whether a check-in staff account is assigned to this event."""
    return _is_id(event_id) and db.session.get(EventStaff, (event_id, user.id)) is not None


def get_assigned_event_ids(user: User) -> list[int]:
    """Return the ids of the events a check-in staff account is assigned to."""
    return list(db.session.scalars(
        select(EventStaff.event_id).where(EventStaff.user_id == user.id)))


def get_event_staff(event_id: int) -> list[User]:
    """Return the check-in staff accounts assigned to an event, by email."""
    return list(db.session.scalars(
        select(User).join(EventStaff, EventStaff.user_id == User.id)
        .where(EventStaff.event_id == event_id).order_by(User.email)))


def get_staff_accounts() -> list[User]:
    """Return the active check-in staff accounts, by email."""
    return list(db.session.scalars(
        select(User).where(User.role == Role.CHECKIN, User.is_active_account.is_(True))
        .order_by(User.email)))


def get_users() -> list[User]:
    """Return every account, by email."""
    return list(db.session.scalars(select(User).order_by(User.email)))
