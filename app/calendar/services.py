"""Personal and organiser feed tokens: issue, renew, revoke (stored only as hashes)."""

from sqlalchemy import select

from app.auth.models import User
from app.db import utc_now
from app.extensions import db
from app.invites.feeds import hash_feed_token, new_feed_token
from app.members.models import Person


def renew_person_feed_token(person: Person) -> str:
    """Give the person a new feed token (the old URL stops working); return it once."""
    token = new_feed_token()
    person.feed_token_hash = hash_feed_token(token)
    person.feed_token_created_at = utc_now()
    db.session.flush()
    return token


def revoke_person_feed_token(person: Person) -> None:
    """Stop the person's feed URL from working."""
    person.feed_token_hash = None
    person.feed_token_created_at = None
    db.session.flush()


def renew_organiser_feed_token(user: User) -> str:
    """Give the organiser a new feed token; return it once."""
    token = new_feed_token()
    user.feed_token_hash = hash_feed_token(token)
    db.session.flush()
    return token


def get_person_by_feed_token(token: str) -> Person | None:
    """Return the person whose feed this token opens, if any."""
    if not token or len(token) > 100:
        return None
    return db.session.scalar(select(Person).where(Person.feed_token_hash == hash_feed_token(token)))


def get_organiser_by_feed_token(token: str) -> User | None:
    """Return the active organiser whose feed this token opens, if any."""
    if not token or len(token) > 100:
        return None
    user = db.session.scalar(select(User).where(User.feed_token_hash == hash_feed_token(token)))
    return user if user is not None and user.is_active else None
