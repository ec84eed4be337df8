"""Accounts: creation, roles, authentication, passwords and sessions."""

import secrets
from functools import cache

from sqlalchemy import delete, func, select
from werkzeug.security import check_password_hash, generate_password_hash

from app.auth.models import EventStaff, Role, User
from app.auth.passwords import MIN_PASSWORD_LENGTH, password_problem
from app.extensions import db

__all__ = ["MIN_PASSWORD_LENGTH"]


class AccountError(ValueError):
    """An account cannot be created or changed as asked."""


def normalise_email(email: str) -> str:
    """Return the address trimmed and lower-cased, as stored."""
    return email.strip().lower()


def _check_password(password: str, email: str) -> None:
    problem = password_problem(password, email=email)
    if problem:
        raise AccountError(problem)


def create_user(email: str, password: str, *, name: str = "", role: Role | str | None = None,
                is_admin: bool = False) -> User:
    """Create an account with a hashed password (an organiser unless a role is given)."""
    email = normalise_email(email)
    if "@" not in email:
        raise AccountError(f"email: '{email}' is not an email address")
    _check_password(password, email)
    if db.session.scalar(select(User.id).where(func.lower(User.email) == email)):
        raise AccountError(f"email: an account for '{email}' exists already")
    role = Role(role) if role else (Role.ADMINISTRATOR if is_admin else Role.ORGANISER)
    user = User(email=email, name=name, role=role)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def set_role(user: User, role: Role) -> None:
    """Give the account a role; leaving check-in staff drops its event assignments."""
    user.role = role
    if role != Role.CHECKIN:
        db.session.execute(delete(EventStaff).where(EventStaff.user_id == user.id))
    db.session.flush()


def get_user_by_email(email: str) -> User | None:
    """Return the account of this address, or None."""
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def end_sessions(user: User) -> None:
    """End every session of the account, on every device (their cookies stop working)."""
    user.session_version += 1
    db.session.flush()


def change_password(user: User, password: str) -> None:
    """Set a new password and end the account's sessions; flush only."""
    _check_password(password, user.email)
    user.set_password(password)
    end_sessions(user)


def get_user_by_session_id(session_id: str) -> User | None:
    """Return the active account of a session's "id:version", or None when it is stale."""
    user_id, _sep, version = session_id.partition(":")
    if not (user_id.isdigit() and version.isdigit() and len(user_id) < 10):
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_version != int(version):
        return None
    return user


@cache
def _dummy_hash() -> str:
    # Hashed like a real password, so checking it costs what checking a real one does.
    return generate_password_hash(secrets.token_urlsafe(16))


def authenticate(email: str, password: str) -> User | None:
    """Return the active user with these credentials, or None.

    An unknown address costs one password hash too, so the answer's timing does not tell
    which addresses have an account.
    """
    user = get_user_by_email(email)
    if user is None:
        check_password_hash(_dummy_hash(), password)
        return None
    if not user.check_password(password) or not user.is_active:
        return None
    return user


def assign_staff(user: User, event_id: int) -> None:
    """Assign a check-in staff account to an event's check-in pages; flush only."""
    if user.role != Role.CHECKIN:
        raise AccountError("user: only check-in staff accounts are assigned to events")
    if db.session.get(EventStaff, (event_id, user.id)) is None:
        db.session.add(EventStaff(event_id=event_id, user_id=user.id))
        db.session.flush()


def unassign_staff(user: User, event_id: int) -> None:
    """Remove a check-in staff account from an event; flush only."""
    db.session.execute(delete(EventStaff).where(EventStaff.user_id == user.id,
                                                EventStaff.event_id == event_id))
    db.session.flush()


def set_active(user: User, active: bool) -> None:
    """Open or close an account; closing it ends its sessions; flush only."""
    user.is_active_account = active
    if not active:
        end_sessions(user)
    db.session.flush()
