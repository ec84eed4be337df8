"""Organiser accounts: creation and authentication."""

from sqlalchemy import func, select

from app.auth.models import User
from app.extensions import db

#: Shortest password an account may have.
MIN_PASSWORD_LENGTH = 8


class AccountError(ValueError):
    """An account cannot be created as asked."""


def normalise_email(email: str) -> str:
    """Return the address trimmed and lower-cased, as stored."""
    return email.strip().lower()


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"password: at least {MIN_PASSWORD_LENGTH} characters are needed")


def create_user(email: str, password: str, *, name: str = "", is_admin: bool = False) -> User:
    """Create an organiser account with a hashed password."""
    email = normalise_email(email)
    if "@" not in email:
        raise AccountError(f"email: '{email}' is not an email address")
    _check_password(password)
    if db.session.scalar(select(User.id).where(func.lower(User.email) == email)):
        raise AccountError(f"email: an account for '{email}' exists already")
    user = User(email=email, name=name, is_admin=is_admin)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def get_user_by_email(email: str) -> User | None:
    """Return the account of this address, or None."""
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def end_sessions(user: User) -> None:
    """End every session of the account, on every device (their cookies stop working)."""
    user.session_version += 1
    db.session.flush()


def change_password(user: User, password: str) -> None:
    """Set a new password and end the account's sessions; flush only."""
    _check_password(password)
    user.set_password(password)
    end_sessions(user)


def get_user_by_session_id(session_id: str) -> User | None:
    """Return the active account of a session's "id:version", or None when it is stale."""
    user_id, _sep, version = session_id.partition(":")
    if not (user_id.isdigit() and version.isdigit()):
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_version != int(version):
        return None
    return user


def authenticate(email: str, password: str) -> User | None:
    """Return the active user with these credentials, or None."""
    user = get_user_by_email(email)
    if user is None or not user.is_active or not user.check_password(password):
        return None
    return user
