"""Signed, expiring and revocable personal links to a participant's B2B portal."""

from datetime import datetime, timedelta

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select

from app.b2b.models import Participant
from app.db import utc_now
from app.extensions import db
from app.urls import external_url

#: Salt of the participant portal links (one salt per purpose).
PARTICIPANT_SALT = "b2b-participant"
#: How long a link keeps working after its event ended.
LINK_MARGIN = timedelta(days=30)


class TokenError(ValueError):
    """A link that cannot be used; ``reason`` is "invalid", "expired" or "revoked"."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=PARTICIPANT_SALT)


def make_participant_token(participant: Participant) -> str:
    """Sign a portal token for this participant, tied to the person's token version."""
    return _serializer().dumps({"p": participant.id, "v": participant.person.token_version})


def link_expires_at(participant: Participant) -> datetime:
    """Return when the participant's links stop working."""
    return participant.session.event.ends_at + LINK_MARGIN


def load_participant_token(token: str, *, now: datetime | None = None) -> Participant:
    """Return the participant of a valid token; raise TokenError otherwise."""
    try:
        payload = _serializer().loads(token)
    except BadSignature as error:
        raise TokenError("invalid") from error
    if not isinstance(payload, dict) or not isinstance(payload.get("p"), int):
        raise TokenError("invalid")
    participant = db.session.get(Participant, payload["p"])
    if participant is None:
        raise TokenError("invalid")
    if (now or utc_now()) > link_expires_at(participant):
        raise TokenError("expired")
    if payload.get("v") != participant.person.token_version:
        raise TokenError("revoked")
    return participant


def participant_portal_url(participant: Participant) -> str:
    """Return the absolute personal link to the participant's B2B portal."""
    return external_url("b2b.portal", session_id=participant.session_id,
                        token=make_participant_token(participant))


def registration_b2b_url(registration) -> str | None:
    """Return the B2B link for a registration: the portal, or the page to join; None if none.

    For the events' registration page and mails: the event's first session still taking
    participants (draft or open), the portal when the person already takes part in it.
    """
    from app.b2b.models import B2BSession, SessionStatus
    from app.events.tokens import make_manage_token

    session = db.session.scalar(
        select(B2BSession).where(B2BSession.event_id == registration.event_id,
                                 B2BSession.status.in_([SessionStatus.DRAFT,
                                                        SessionStatus.OPEN]))
        .order_by(B2BSession.id))
    if session is None:
        session = db.session.scalar(select(B2BSession).where(
            B2BSession.event_id == registration.event_id).order_by(B2BSession.id))
        if session is None:
            return None
    participant = db.session.scalar(select(Participant).where(
        Participant.session_id == session.id, Participant.person_id == registration.person_id))
    if participant is not None:
        return participant_portal_url(participant)
    if session.status not in (SessionStatus.DRAFT, SessionStatus.OPEN):
        return None
    return external_url("b2b.join", session_id=session.id,
                        token=make_manage_token(registration))
