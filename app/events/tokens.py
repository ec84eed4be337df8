"""Signed, expiring and revocable links to a person's registration."""

from datetime import datetime, timedelta

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from app.db import utc_now
from app.events.models import Registration
from app.extensions import db

#: Salt of the personal "manage my registration" links.
MANAGE_SALT = "registration-manage"
#: How long a link keeps working after its event ended.
LINK_MARGIN = timedelta(days=30)


class TokenError(ValueError):
    """A link that cannot be used; ``reason`` is "invalid", "expired" or "revoked"."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def make_manage_token(registration: Registration) -> str:
    """Sign a link token for this registration, tied to the person's token version."""
    payload = {"r": registration.id, "v": registration.person.token_version}
    return _serializer(MANAGE_SALT).dumps(payload)


def link_expires_at(registration: Registration) -> datetime:
    """Return when the links of this registration stop working."""
    return registration.event.ends_at + LINK_MARGIN


def load_manage_token(token: str, *, now: datetime | None = None) -> Registration:
    """Return the registration of a valid token; raise TokenError otherwise."""
    serializer = _serializer(MANAGE_SALT)
    try:
        payload, signed_at = serializer.loads(token, return_timestamp=True)
    except BadSignature as error:
        raise TokenError("invalid") from error
    if not isinstance(payload, dict) or not isinstance(payload.get("r"), int):
        raise TokenError("invalid")
    registration = db.session.get(Registration, payload["r"])
    if registration is None:
        raise TokenError("invalid")
    # The age limit depends on the event, so it is checked once the event is known.
    max_age = (link_expires_at(registration) - signed_at).total_seconds()
    try:
        serializer.loads(token, max_age=max(max_age, 0))
    except BadSignature as error:
        raise TokenError("expired") from error
    if (now or utc_now()) > link_expires_at(registration):
        raise TokenError("expired")
    if payload.get("v") != registration.person.token_version:
        raise TokenError("revoked")
    return registration
