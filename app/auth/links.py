"""Signed, expiring and revocable personal links, and the page shown when one is refused.

A link token signs a purpose (its salt), an object id and the person's token version. It works
until the object's expiry time, and raising the person's ``token_version`` revokes every link
signed before. The packages that hand out links (registrations, B2B participants) describe
theirs with a :class:`PersonalLink` (purpose, loader, end of validity) and wrap its ``make`` and
``load``.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app, render_template
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeTimedSerializer

from app.db import utc_now

#: How long a link keeps working after its event ended.
LINK_MARGIN = timedelta(days=30)

#: Status and message of the page shown for each reason a link is refused.
LINK_ERRORS = {
    "invalid": (400, _l("This link is not valid. Please use the link from your latest mail.")),
    "expired": (403, _l("This link has expired: the event is over.")),
    "revoked": (403, _l("This link was replaced by a newer one. Please use your latest mail.")),
}


class LinkError(ValueError):
    """A link that cannot be used; ``reason`` is "invalid", "expired" or "revoked"."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Purpose:
    """What a kind of link is for: its salt, and the payload key holding the object id."""

    salt: str
    key: str


@dataclass(frozen=True)
class Linked:
    """What a loader returns for an object id: the object, its links' end, the token version."""

    obj: Any
    expires_at: datetime
    version: int


def _serializer(purpose: Purpose) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=purpose.salt)


def sign(purpose: Purpose, object_id: int, version: int) -> str:
    """Sign a link token for an object, tied to its person's token version."""
    return _serializer(purpose).dumps({purpose.key: object_id, "v": version})


def open_token(token: str, purpose: Purpose, load: Callable[[int], Linked | None], *,
               now: datetime | None = None) -> Any:
    """Return the object of a valid token; raise LinkError otherwise.

    ``load`` returns the object of an id with its expiry time and current token version,
    or None when there is no such object.
    """
    try:
        payload = _serializer(purpose).loads(token)
    except BadSignature as error:
        raise LinkError("invalid") from error
    if not isinstance(payload, dict) or not isinstance(payload.get(purpose.key), int):
        raise LinkError("invalid")
    linked = load(payload[purpose.key])
    if linked is None:
        raise LinkError("invalid")
    if (now or utc_now()) > linked.expires_at:
        raise LinkError("expired")
    if payload.get("v") != linked.version:
        raise LinkError("revoked")
    return linked.obj


@dataclass(frozen=True)
class PersonalLink:
    """A kind of link to an object that belongs to a person (``obj.person.token_version``).

    ``get`` returns the object of an id (or None); ``ends_at`` says when the object's event
    ends: the link keeps working for :data:`LINK_MARGIN` after that.
    """

    purpose: Purpose
    get: Callable[[int], Any]
    ends_at: Callable[[Any], datetime]

    def make(self, obj: Any) -> str:
        """Sign the link token of an object, tied to its person's token version."""
        return sign(self.purpose, obj.id, obj.person.token_version)

    def _linked(self, object_id: int) -> Linked | None:
        obj = self.get(object_id)
        if obj is None:
            return None
        return Linked(obj, self.ends_at(obj) + LINK_MARGIN, obj.person.token_version)

    def load(self, token: str, *, now: datetime | None = None) -> Any:
        """Return the object of a valid token; raise LinkError otherwise."""
        return open_token(token, self.purpose, self._linked, now=now)


def link_refused(error: LinkError, *, status: int | None = None):
    """Render the page of a refused link with its status (the app's LinkError handler)."""
    default_status, message = LINK_ERRORS[error.reason]
    return (render_template("auth/link_error.html", reason=error.reason, message=message),
            status or default_status)
